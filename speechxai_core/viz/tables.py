"""HTML views of an :class:`Explanation`: prediction, colour-scaled tables, highlighted transcript.

Cells that stand for a scored variant carry ``data-variant="<id>"`` so a page can play it.
The markup is self-contained (inline styles) and works in the app and in the HTML report.
"""

from __future__ import annotations

import numpy as np

from ..explanation import Explanation
from .style import (
    PROPERTY_KIND, PROPERTY_TITLES, describe_variant, diverging_css, escape, level_label, symmetric_range,
    text_colour, variant_id,
)

TABLE_STYLE = "border-collapse:collapse;font-size:14px;margin:4px 0"
CELL_STYLE = "padding:4px 10px;border:1px solid #e5e7eb;text-align:right"
#: Words the model does not hear (not scored): grey, hatched.
UNHEARD_STYLE = ("background:repeating-linear-gradient(45deg,#f3f4f6 0 4px,#e5e7eb 4px 8px);color:#6b7280")
UNHEARD_TITLE = "not scored: outside what the model hears"
HEAD_STYLE = "padding:4px 10px;border:1px solid #e5e7eb;background:#f3f4f6;text-align:left"


def prediction_html(explanation: Explanation, top: int = 3) -> str:
    """Per head: the predicted class, the explained class and the top probabilities as bars."""
    cards = []
    for head in explanation.heads:
        order = np.argsort(head.probabilities)[::-1][:top]
        bars = "".join(
            f'<div style="display:flex;align-items:center;gap:6px;font-size:13px">'
            f'<span style="width:110px;overflow:hidden;text-overflow:ellipsis">{escape(head.labels[i])}</span>'
            f'<span style="display:inline-block;height:10px;width:{max(2, round(120 * head.probabilities[i]))}px;'
            f'background:{"#b2182b" if head.labels[i] == head.target else "#9ca3af"}"></span>'
            f'<span>{head.probabilities[i]:.2f}</span></div>'
            for i in order
        )
        explained = "" if head.target == head.predicted else (
            f'<div style="font-size:12px;color:#b45309">explaining: {escape(head.target)} '
            f'(p = {head.probability:.2f})</div>')
        cards.append(
            f'<div class="sx-card" style="border:1px solid #e5e7eb;border-radius:8px;padding:8px 12px;min-width:220px">'
            f'<div style="font-size:12px;color:#6b7280;text-transform:uppercase">{escape(head.name)}</div>'
            f'<div style="font-size:20px;font-weight:600" data-head="{escape(head.name)}">'
            f'{escape(head.predicted)}</div>'
            f'{explained}{bars}</div>'
        )
    model = escape(explanation.model.get("name", ""))
    return (f'<div class="sx-prediction"><div style="font-size:13px;color:#6b7280;margin-bottom:4px">'
            f'{escape(explanation.audio["name"])} · {explanation.audio["duration"]:.2f} s · model {model}</div>'
            f'<div style="display:flex;flex-wrap:wrap;gap:10px">{"".join(cards)}</div></div>')


def warnings_html(explanation: Explanation) -> str:
    """The explanation's caveats as a list ("" when there are none); each item carries its code."""
    if not explanation.warnings:
        return ""
    items = "".join(f'<li data-code="{escape(c.code)}"><b>{escape(c.code)}</b>: {escape(c.message)}</li>'
                    for c in explanation.warnings)
    return (f'<div class="sx-warnings" style="border:1px solid #f59e0b;background:#fffbeb;border-radius:8px;'
            f'padding:6px 12px;margin:8px 0;font-size:14px;color:#92400e"><b>Warnings</b>'
            f'<ul style="margin:4px 0 0 18px;padding:0">{items}</ul></div>')


def _word_score_heads(explanation: Explanation) -> tuple[list[str], float]:
    """Heads with word scores (none without words) and the symmetric colour limit over all of them."""
    heads = [head for head in explanation.head_names if head in explanation.word_scores] if explanation.words else []
    return heads, symmetric_range(v for head in heads for v in explanation.word_scores[head])


def word_table_html(explanation: Explanation) -> str:
    """Words × heads, each cell coloured by its attribution; a click plays that word masked."""
    heads, limit = _word_score_heads(explanation)
    if not heads:
        return _placeholder("Word attributions appear here once words are scored.")
    header = "".join(f'<th style="{HEAD_STYLE}">{escape(h)}</th>' for h in heads)
    rows = []
    for i, word in enumerate(explanation.words):
        cells = "".join(_score_cell(explanation.word_scores[h][i], limit, f"word:{i}") if
                        explanation.word_scores[h][i] is not None else _unheard_cell() for h in heads)
        rows.append(f'<tr><td style="{HEAD_STYLE}" data-variant="word:{i}" class="sx-pick">{escape(word.word)}'
                    f'<span style="color:#6b7280;font-size:12px"> {word.start:.2f}–{word.end:.2f} s</span></td>'
                    f'{cells}</tr>')
    return (f'<table class="sx-words" style="{TABLE_STYLE}"><thead><tr><th style="{HEAD_STYLE}">word</th>{header}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def transcript_html(explanation: Explanation) -> str:
    """The transcript once per head, each word highlighted by its attribution for that head."""
    heads, limit = _word_score_heads(explanation)
    if not heads:
        return _placeholder("The highlighted transcript appears here once words are scored.")
    lines = []
    for head in heads:
        spans = "".join(
            f'<span class="sx-word sx-unheard" title="{UNHEARD_TITLE}" style="{UNHEARD_STYLE};padding:2px 5px;'
            f'border-radius:4px;margin:2px;display:inline-block">{escape(word.word)}</span>'
            if score is None else
            f'<span class="sx-pick sx-word" data-variant="word:{i}" title="{escape(head)}: {score:+.3f}" '
            f'style="background:{diverging_css(score, limit)};color:{text_colour(score, limit)};'
            f'padding:2px 5px;border-radius:4px;margin:2px;cursor:pointer;display:inline-block">'
            f'{escape(word.word)}</span>'
            for i, (word, score) in enumerate(zip(explanation.words, explanation.word_scores[head]))
        )
        lines.append(f'<div style="margin:4px 0;font-size:17px"><span style="display:inline-block;width:90px;'
                     f'font-size:12px;color:#6b7280">{escape(head)}</span>{spans}</div>')
    return f'<div class="sx-transcript">{"".join(lines)}</div>'


def paralinguistic_table_html(explanation: Explanation) -> str:
    """Properties × heads (mean drop over levels); a click plays the level with the largest effect."""
    heads = [head for head in explanation.head_names if head in explanation.paralinguistic]
    if not heads:
        return _placeholder("Paralinguistic attributions appear here once a property is scored.")
    properties = [p for p in explanation.paralinguistic_levels
                  if all(p in explanation.paralinguistic[h] for h in heads)]
    limit = symmetric_range(explanation.paralinguistic[h][p] for h in heads for p in properties)
    header = "".join(f'<th style="{HEAD_STYLE}">{escape(h)}</th>' for h in heads)
    rows = []
    for prop in properties:
        cells = "".join(
            _score_cell(explanation.paralinguistic[h][prop], limit, strongest_level(explanation, h, prop))
            for h in heads
        )
        rows.append(f'<tr><td style="{HEAD_STYLE}">{escape(PROPERTY_TITLES[prop])}</td>{cells}</tr>')
    return (f'<table class="sx-paraling" style="{TABLE_STYLE}"><thead><tr><th style="{HEAD_STYLE}">property</th>'
            f'{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def strongest_level(explanation: Explanation, head: str, prop: str) -> str:
    """Id of the level of ``prop`` whose drop for ``head`` is largest in magnitude."""
    levels = explanation.paralinguistic_levels[prop]
    drops = explanation.paralinguistic_drops[head][prop]
    level = levels[int(np.argmax(np.abs(drops)))]
    return variant_id(PROPERTY_KIND[prop], level)


def variant_choices(explanation: Explanation) -> list[tuple[str, str]]:
    """(label, id) of every scored variant, for a picker."""
    return [(describe_variant(explanation, record.id), record.id) for record in explanation.variants]


def _score_cell(value: float, limit: float, variant: str) -> str:
    return (f'<td class="sx-pick" data-variant="{escape(variant)}" title="play: {escape(variant)}" '
            f'style="{CELL_STYLE};cursor:pointer;background:{diverging_css(value, limit)};'
            f'color:{text_colour(value, limit)}">{value:+.3f}</td>')


def _unheard_cell() -> str:
    return f'<td class="sx-unheard" title="{UNHEARD_TITLE}" style="{CELL_STYLE};{UNHEARD_STYLE}">not heard</td>'


def _placeholder(message: str) -> str:
    return f'<div class="sx-placeholder" style="color:#6b7280;font-size:14px;padding:8px">{escape(message)}</div>'


