"""The word × property heatmap of word-local paralinguistics and the sentence naming its largest effect.

One block per head: a sentence, then a table with a row per word and a column per word-local
property (``word_paralinguistic[head][property]``), each cell coloured on the diverging scale and
carrying ``data-variant`` (``word_pitch:3:-3``…) so a click plays that word changed.
"""

from __future__ import annotations

from ..explanation import Explanation
from ..perturb.variants import Variant
from .style import WORD_PROPERTY_KIND, WORD_PROPERTY_TITLES, escape, level_label, number, symmetric_range
from .tables import HEAD_STYLE, TABLE_STYLE, _placeholder, _score_cell, _scrolling, _unheard_cell

NOTE = ("Each word said differently on its own (the rest of the clip untouched): drop of p(target). "
        "Red, the word's voice as spoken supported the class; blue, the change made the class likelier.")


def word_variant_id(explanation: Explanation, prop: str, word_index: int) -> str:
    """Id of the variant behind cell (word, property)."""
    level = explanation.word_paralinguistic_levels[prop]
    return Variant(WORD_PROPERTY_KIND[prop], level=level, word_index=word_index).id


def largest_effect(explanation: Explanation, head: str) -> tuple[int, str, float] | None:
    """(word index, property, drop) with the largest |drop| for ``head``; None before any is scored."""
    cells = [(i, prop, drop) for prop, drops in explanation.word_paralinguistic.get(head, {}).items()
             for i, drop in enumerate(drops) if drop is not None]
    return max(cells, key=lambda cell: abs(cell[2])) if cells else None


def largest_effect_sentence(explanation: Explanation, head: str) -> str:
    """``action: "now" with pitch ↓ (−3 st) moves p(decrease) most: −0.120 (it drops).``"""
    found = largest_effect(explanation, head)
    if found is None:
        return f"{head}: no word scored."
    i, prop, drop = found
    target = next((h.target for h in explanation.heads if h.name == head), "target")
    level = level_label(WORD_PROPERTY_KIND[prop], explanation.word_paralinguistic_levels[prop])
    direction = "drops" if drop > 0 else "rises"
    return (f'{head}: "{explanation.words[i].word}" with {WORD_PROPERTY_TITLES[prop]} ({level}) changes '
            f"p({target}) the most: it {direction} by {number(abs(drop))}.")


def word_paraling_html(explanation: Explanation) -> str:
    """Per head: the sentence and the word × property heatmap table (placeholder when not run)."""
    heads = [h for h in explanation.head_names if h in explanation.word_paralinguistic]
    if not heads or not explanation.words:
        return _placeholder("Word-local prosody (choose it under Options → Word methods) appears here: which "
                            "word's pitch, duration, loudness or noise mattered.")
    blocks = []
    for head in heads:
        table = explanation.word_paralinguistic[head]
        props = [p for p in WORD_PROPERTY_TITLES if p in table]
        limit = symmetric_range(v for p in props for v in table[p])
        header = "".join(
            f'<th style="{HEAD_STYLE}" title="{escape(p)}">{escape(WORD_PROPERTY_TITLES[p])}<br>'
            f'<span style="font-weight:normal;font-size:11px">'
            f'{escape(level_label(WORD_PROPERTY_KIND[p], explanation.word_paralinguistic_levels[p]))}</span></th>'
            for p in props)
        rows = []
        for i, word in enumerate(explanation.words):
            cells = "".join(_unheard_cell() if table[p][i] is None else
                            _score_cell(table[p][i], limit, word_variant_id(explanation, p, i)) for p in props)
            rows.append(f'<tr><td style="{HEAD_STYLE}">{escape(word.word)}</td>{cells}</tr>')
        blocks.append(
            f'<div class="sx-word-paraling" data-head="{escape(head)}" style="margin:6px 0 12px">'
            f'<p class="sx-largest" style="margin:4px 0;font-size:14px">'
            f'{escape(largest_effect_sentence(explanation, head))}</p>'
            + _scrolling(f'<table class="sx-word-prosody" style="{TABLE_STYLE}"><thead><tr>'
                         f'<th style="{HEAD_STYLE}">word · {escape(head)}</th>{header}</tr></thead>'
                         f'<tbody>{"".join(rows)}</tbody></table>')
            + "</div>")
    return "".join(blocks)
