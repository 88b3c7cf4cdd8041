"""HTML views of an :class:`Explanation`: prediction, colour-scaled tables, highlighted transcript.

Cells that stand for a scored variant carry ``data-variant="<id>"`` so a page can play it, and
``tabindex="0"`` so the keyboard reaches them. Tables sit in a box that scrolls sideways when the
page is narrower than the table.
The markup is self-contained (inline styles) and works in the app and in the HTML report.
"""

from __future__ import annotations

import numpy as np

from ..explanation import Explanation
from ..models.presets import display_name
from ..perturb.variants import RANDOM_KINDS
from .style import (
    DIVERGING, METHOD_LABELS, PROPERTY_KIND, PROPERTY_TITLES, describe_variant, diverging_css, escape, method_scores,
    method_unit, number, readable, scale_exponent, scaled_unit, symmetric_range, text_colour, variant_id,
)

TABLE_STYLE = "border-collapse:collapse;font-size:14px;margin:4px 0"
CELL_STYLE = "padding:4px 10px;border:1px solid #e5e7eb;text-align:right;white-space:nowrap"
HEAD_STYLE = "padding:4px 10px;border:1px solid #e5e7eb;background:#f3f4f6;text-align:left;white-space:nowrap"
SCROLL_STYLE = "overflow-x:auto;max-width:100%"
NOTE_STYLE = "font-size:13px;color:#4b5563;margin:4px 0"
PICK = 'class="sx-pick" tabindex="0" role="button"'
#: Words the model does not hear (not scored): grey, hatched.
UNHEARD_STYLE = ("background:repeating-linear-gradient(45deg,#f3f4f6 0 4px,#e5e7eb 4px 8px);color:#6b7280")
UNHEARD_TITLE = "not scored: outside what the model hears"
#: Words to check (an automatic word the recogniser was unsure of, a typed word the audio does not
#: support): a dashed amber underline and a "?", apart from the score colours.
DOUBT_STYLE = "border-bottom:2px dashed #d97706"
DOUBT_MARK = '<sup class="sx-doubt-mark" style="color:#b45309;font-weight:700" aria-hidden="true">?</sup>'
DOUBT_ADVICE = "check and correct these words, then Explain again"



def supported(head) -> str:
    """What a positive score says about ``head``: "supported lights" or "supported lights rather than lamp"."""
    return f"supported {head.target}" + ("" if head.contrast is None else f" rather than {head.contrast}")


def positive_note(explanation) -> str:
    """What a positive (red) score means in this explanation, naming every contrast."""
    contrasts = [f"{supported(head)} ({head.name})" for head in explanation.heads if head.contrast is not None]
    return "Positive (red): the word " + ("; ".join(contrasts) if contrasts else "supported the class") + "."


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
            f'<span>{number(head.probabilities[i], 2)}</span></div>'
            for i in order
        )
        explained = "" if head.target == head.predicted and head.contrast is None else (
            f'<div style="font-size:12px;color:#b45309;max-width:260px">explaining: {escape(head.target)} '
            f'(p = {number(head.probability, 2)})'
            + ("" if head.contrast is None else
               f' rather than {escape(head.contrast)} ({escape(head.quantity)} = {number(head.value, 2)}); red: '
               f'{escape(supported(head))}')
            + '</div>')
        cards.append(
            f'<div class="sx-card" style="border:1px solid #e5e7eb;border-radius:8px;padding:8px 12px;min-width:220px">'
            f'<div style="font-size:12px;color:#6b7280;text-transform:uppercase">{escape(head.name)}</div>'
            f'<div style="font-size:20px;font-weight:600" data-head="{escape(head.name)}">'
            f'{escape(head.predicted)}</div>'
            f'{explained}{bars}</div>'
        )
    model = escape(display_name(explanation.model.get("name", "")))
    return (f'<div class="sx-prediction"><div style="font-size:13px;color:#6b7280;margin-bottom:4px">'
            f'{escape(explanation.audio["name"])} · {explanation.audio["duration"]:.2f} s · model {model}</div>'
            f'{scope_html(explanation)}'
            f'<div style="display:flex;flex-wrap:wrap;gap:10px">{"".join(cards)}</div></div>')


def doubtful_words(explanation: Explanation) -> dict[int, str]:
    """{word index: why to check it}: automatic words below the recogniser's confidence threshold
    (``aligner.asr_confidence``) and typed words the audio does not support (``transcript_fit``)."""
    aligner = explanation.settings.get("aligner", {})
    doubts = {}
    confidence = aligner.get("asr_confidence") or []
    if len(confidence) == len(explanation.words):
        doubts |= {i: f"automatic transcript: the recogniser was unsure of this word (confidence "
                      f"{confidence[i]:.2f}); {DOUBT_ADVICE}" for i in aligner.get("uncertain_indices", [])}
    fit = aligner.get("transcript_fit") or {}
    probabilities = fit.get("word_probabilities") or []
    rivals = fit.get("rivals") or [""] * len(probabilities)
    if fit.get("flagged") and len(probabilities) == len(explanation.words):
        doubts |= {i: f"the audio does not seem to say this word (probability {probabilities[i]:.3g}"
                      f"{f'; heard {rivals[i]!r}' if rivals[i] else ''}); {DOUBT_ADVICE}"
                   for i in fit.get("unsupported", [])}
    return doubts


def _doubt_note(doubts: dict[int, str], explanation: Explanation) -> str:
    if not doubts:
        return ""
    words = ", ".join(f"'{escape(explanation.words[i].word)}'" for i in sorted(doubts))
    return (f'<div class="sx-doubt-note" style="font-size:13px;color:#92400e;margin:2px 0 6px">Words marked '
            f'<span style="{DOUBT_STYLE}">like this</span>{DOUBT_MARK} may not be what was said ({words}): '
            f'{DOUBT_ADVICE}.</div>')


def scope_html(explanation: Explanation) -> str:
    """A banner when the model says the clip is out of its scope ("" otherwise)."""
    scope = explanation.model.get("scope") or {}
    if not scope.get("out_of_scope"):
        return ""
    return (f'<div class="sx-out-of-scope" data-code="out_of_scope" style="border:1px solid #f59e0b;'
            f'background:#fffbeb;color:#92400e;border-radius:8px;padding:6px 12px;margin:0 0 8px;font-size:14px">'
            f'<b>Out of scope?</b> This clip seems unlike what the model was built for '
            f'({escape(scope.get("signal", "scope score"))}: {number(scope["score"], 3)}, above '
            f'{number(scope["threshold"], 3)}): the prediction and its explanation may mean little.</div>')


def warnings_html(explanation: Explanation) -> str:
    """The explanation's caveats as a list ("" when there are none); each item carries its code."""
    if not explanation.warnings:
        return ""
    items = "".join(f'<li data-code="{escape(c.code)}"><b>{escape(c.code)}</b>: {escape(c.message)}</li>'
                    for c in explanation.warnings)
    return (f'<div class="sx-warnings" style="border:1px solid #f59e0b;background:#fffbeb;border-radius:8px;'
            f'padding:6px 12px;margin:8px 0;font-size:14px;color:#92400e"><b>Warnings</b>'
            f'<ul style="margin:4px 0 0 18px;padding:0">{items}</ul></div>')


def _word_score_heads(explanation: Explanation, method: str) -> tuple[dict, list[str], float]:
    """``method``'s scores, the heads that have them (none without words) and the symmetric colour limit."""
    scores = method_scores(explanation, method)
    heads = [head for head in explanation.head_names if head in scores] if explanation.words else []
    return scores, heads, symmetric_range(v for head in heads for v in scores[head])


def word_table_html(explanation: Explanation, method: str = "loo") -> str:
    """Words × heads of ``method``, each cell coloured by its attribution; a click plays that word masked.

    Above the table, the unit of the numbers (tiny values are shown in units of a power of ten,
    stated there); under it, what the shading spans. Methods with standard errors (LIME, sampled
    Shapley) show ``± se`` in the cell; LIME adds its fit's R².
    """
    scores, heads, limit = _word_score_heads(explanation, method)
    if not heads:
        return _placeholder(f"{METHOD_LABELS.get(method, method)} word attributions appear here once words are scored.")
    exponent = scale_exponent(v for h in heads for v in scores[h])
    unit = scaled_unit(method_unit(method), exponent)
    header = "".join(f'<th style="{HEAD_STYLE}">{escape(h)}</th>' for h in heads)
    errors = explanation.method_details.get(method, {}).get("stderr", {})
    doubts = doubtful_words(explanation)
    rows = []
    for i, word in enumerate(explanation.words):
        cells = "".join(_score_cell(scores[h][i], limit, f"word:{i}", _stderr(errors, h, i), exponent) if
                        scores[h][i] is not None else _unheard_cell() for h in heads)
        label = escape(word.word) if i not in doubts else (
            f'<span class="sx-doubt" title="{escape(doubts[i])}" style="{DOUBT_STYLE}">{escape(word.word)}</span>'
            f'{DOUBT_MARK}')
        rows.append(f'<tr><td style="{HEAD_STYLE}" data-variant="word:{i}" {PICK}>{label}'
                    f'<span style="color:#6b7280;font-size:12px"> {word.start:.2f}–{word.end:.2f} s</span></td>'
                    f'{cells}</tr>')
    fit = explanation.method_details.get(method, {}).get("r2", {})
    footer = "" if not fit else (
        f'<tr><td style="{HEAD_STYLE}">fit R²</td>'
        + "".join(f'<td style="{CELL_STYLE}">{"n/a" if fit.get(h) is None else f"{fit[h]:.2f}"}</td>' for h in heads)
        + "</tr>")
    table = _scrolling(f'<table class="sx-words" data-method="{escape(method)}" style="{TABLE_STYLE}"><thead><tr>'
                       f'<th style="{HEAD_STYLE}">word</th>{header}</tr></thead><tbody>{"".join(rows)}{footer}'
                       f'</tbody></table>')
    return (f'<div class="sx-units" data-unit="{escape(unit)}" style="{NOTE_STYLE}">'
            f'{escape(METHOD_LABELS.get(method, method))} — values in <b>{escape(unit)}</b></div>'
            f'{_doubt_note(doubts, explanation)}{table}{shading_legend_html(limit, unit, exponent)}')


def shading_legend_html(limit: float, unit: str, exponent: int = 0) -> str:
    """What the cell colours span: blue at −limit, white at 0, red at +limit, written as the
    table's cells are (``limit / 10^exponent`` in ``unit``)."""
    stops = ", ".join(f"{colour} {100 * position:g}%" for position, colour in DIVERGING)
    shown = number(limit / 10.0 ** exponent, 3 if exponent == 0 else 2)
    return (f'<div class="sx-shading" style="{NOTE_STYLE};display:flex;flex-wrap:wrap;align-items:center;gap:6px">'
            f'<span>shading:</span><span>−{shown}</span>'
            f'<span style="display:inline-block;width:90px;height:10px;border:1px solid #d1d5db;'
            f'background:linear-gradient(to right, {stops})"></span><span>+{shown}</span>'
            f'<span>{escape(unit)}, white = 0, one scale for this table (its largest |value|)</span></div>')


def _stderr(errors: dict, head: str, i: int) -> float | None:
    values = errors.get(head)
    return values[i] if values and values[i] else None


def transcript_html(explanation: Explanation, method: str = "loo") -> str:
    """The transcript once per head, each word highlighted by its ``method`` attribution for that head."""
    scores, heads, limit = _word_score_heads(explanation, method)
    if not heads:
        return _placeholder("The highlighted transcript appears here once words are scored.")
    doubts = doubtful_words(explanation)
    lines = []
    for head in heads:
        spans = "".join(
            f'<span class="sx-word sx-unheard" title="{UNHEARD_TITLE}" style="{UNHEARD_STYLE};padding:2px 5px;'
            f'border-radius:4px;margin:2px;display:inline-block">{escape(word.word)}</span>'
            if score is None else
            f'<span class="sx-pick sx-word{" sx-doubt" if i in doubts else ""}" tabindex="0" role="button" '
            f'data-variant="word:{i}" title="{escape(head)}: {readable(score)} {escape(method_unit(method))}'
            f'{escape(" · " + doubts[i]) if i in doubts else ""}" '
            f'style="background:{diverging_css(score, limit)};color:{text_colour(score, limit)};'
            f'padding:2px 5px;border-radius:4px;margin:2px;cursor:pointer;display:inline-block'
            f'{";" + DOUBT_STYLE if i in doubts else ""}">'
            f'{escape(word.word)}{DOUBT_MARK if i in doubts else ""}</span>'
            for i, (word, score) in enumerate(zip(explanation.words, scores[head]))
        )
        lines.append(f'<div style="margin:4px 0;font-size:17px"><span style="display:inline-block;width:90px;'
                     f'font-size:12px;color:#6b7280">{escape(head)}</span>{spans}</div>')
    return f'<div class="sx-transcript">{_doubt_note(doubts, explanation)}{"".join(lines)}</div>'


def paralinguistic_table_html(explanation: Explanation) -> str:
    """Properties × heads (mean drop over levels); a click plays the level with the largest effect."""
    heads = [head for head in explanation.head_names if head in explanation.paralinguistic]
    if not heads:
        return _placeholder("Paralinguistic attributions appear here once a property is scored.")
    properties = [p for p in explanation.paralinguistic_levels
                  if all(p in explanation.paralinguistic[h] for h in heads)]
    limit = symmetric_range(explanation.paralinguistic[h][p] for h in heads for p in properties)
    header = "".join(f'<th style="{HEAD_STYLE}">{escape(h)}</th>' for h in heads)
    spread = explanation.paralinguistic_std if explanation.settings.get("repeats", 1) > 1 else {}
    rows = []
    for prop in properties:
        cells = "".join(
            _score_cell(explanation.paralinguistic[h][prop], limit, strongest_level(explanation, h, prop),
                        spread.get(h, {}).get(prop) if PROPERTY_KIND[prop] in RANDOM_KINDS else None)
            for h in heads
        )
        rows.append(f'<tr><td style="{HEAD_STYLE}">{escape(PROPERTY_TITLES[prop])}</td>{cells}</tr>')
    table = _scrolling(f'<table class="sx-paraling" style="{TABLE_STYLE}"><thead><tr><th style="{HEAD_STYLE}">'
                       f'property</th>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return (f'<div class="sx-units" data-unit="probability drop" style="{NOTE_STYLE}">values in '
            f'<b>probability drop</b> (mean over the levels)</div>{table}'
            f'{shading_legend_html(limit, "probability drop")}')


def strongest_level(explanation: Explanation, head: str, prop: str) -> str:
    """Id of the level of ``prop`` whose drop for ``head`` is largest in magnitude."""
    levels = explanation.paralinguistic_levels[prop]
    drops = explanation.paralinguistic_drops[head][prop]
    level = levels[int(np.argmax(np.abs(drops)))]
    return variant_id(PROPERTY_KIND[prop], level)


MAX_COALITION_CHOICES = 256


def variant_choices(explanation: Explanation) -> list[tuple[str, str]]:
    """(label, id) of every scored variant, for a picker; word sets (coalitions) up to
    ``MAX_COALITION_CHOICES``, fewest masked words first (every one stays playable by id)."""
    sets = ("words", "bands", "phones")
    coalitions = [r for r in explanation.variants if r.kind in sets]
    coalitions.sort(key=lambda r: r.id.count("+"))
    shown = {r.id for r in coalitions[:MAX_COALITION_CHOICES]}
    return [(describe_variant(explanation, record.id), record.id) for record in explanation.variants
            if record.kind not in sets or record.id in shown]


def _score_cell(value: float, limit: float, variant: str, spread: float | None = None, exponent: int = 0) -> str:
    """A coloured, clickable cell showing ``value / 10^exponent``; ``spread`` (a standard error or
    deviation, same scale) is shown as ``± spread``; the tooltip holds the value itself."""
    digits = 3 if exponent == 0 else 2
    shown = number(value / 10.0 ** exponent, digits, signed=True)
    whisker = "" if spread is None else (f'<span style="font-size:11px;opacity:0.8"> '
                                         f'±{number(spread / 10.0 ** exponent, digits)}</span>')
    return (f'<td {PICK} data-variant="{escape(variant)}" title="{readable(value)} · play: {escape(variant)}" '
            f'style="{CELL_STYLE};cursor:pointer;background:{diverging_css(value, limit)};'
            f'color:{text_colour(value, limit)}">{shown}{whisker}</td>')


def _scrolling(table: str) -> str:
    """``table`` in a box as wide as the page that scrolls sideways when the table is wider."""
    return f'<div class="sx-scroll" style="{SCROLL_STYLE}">{table}</div>'


def _unheard_cell() -> str:
    return f'<td class="sx-unheard" title="{UNHEARD_TITLE}" style="{CELL_STYLE};{UNHEARD_STYLE}">not heard</td>'


def _placeholder(message: str) -> str:
    return f'<div class="sx-placeholder" style="color:#6b7280;font-size:14px;padding:8px">{escape(message)}</div>'


