"""An :class:`Explanation` as one self-contained HTML block for Jupyter (``_repr_html_``).

Light on purpose (no plotly): the waveform is an SVG with each word's span shaded by its
attribution, then one table per word method, the word-interaction heatmaps, the paralinguistic
tables (± over repeats) and audio players of the scored variants (when the clip's samples are
known: ``explain`` attaches the recording as ``explanation.clip_samples``; pass ``samples``
otherwise). The explanation's warnings come first.
"""

from __future__ import annotations

import base64

import numpy as np

from ..audio import wav_bytes
from ..explain.replay import renderer_for
from ..explanation import Explanation, register_html_view
from ..perturb.variants import parse_variant_id
from .explanation import envelope, variant_id_of_pair
from .word_paraling import NOTE as WORD_PARALING_NOTE, largest_effect, word_paraling_html, word_variant_id
from .style import (
    METHOD_LABELS, METHOD_TITLES, PROPERTY_KIND, PROPERTY_TITLES, describe_variant, diverging_css, escape,
    level_label, method_scores, symmetric_range, text_colour,
)
from .units import band_table_html, phoneme_html, word_band_table_html
from .trust import trust_html
from .tables import (
    CELL_STYLE, HEAD_STYLE, TABLE_STYLE, paralinguistic_table_html, prediction_html, warnings_html, word_table_html,
)

SVG_WIDTH, SVG_HEIGHT = 760, 110
MAX_WORD_PLAYERS = 12


def notebook_html(explanation: Explanation, samples: np.ndarray | None = None) -> str:
    """The whole explanation as HTML (see the module doc)."""
    samples = samples if samples is not None else getattr(explanation, "clip_samples", None)
    parts = [prediction_html(explanation), warnings_html(explanation)]
    methods = explanation.word_methods
    if samples is not None and explanation.words:
        primary = methods[0] if methods else None
        heads = [h for h in explanation.head_names if h in method_scores(explanation, primary)] if primary else [None]
        parts.append(_section("Waveform" + (f" — words shaded by {METHOD_LABELS.get(primary, primary)}" if primary
                                            else "")))
        parts += [waveform_svg(explanation, samples, primary, head) for head in heads]
    for method in methods:
        parts.append(_section(f"{METHOD_LABELS.get(method, method)}", METHOD_TITLES.get(method, "")))
        parts.append(word_table_html(explanation, method))
    if explanation.word_paralinguistic:
        parts.append(_section("Which word's voice mattered", WORD_PARALING_NOTE))
        parts.append(word_paraling_html(explanation))
    for method in [m for m in methods if any(m in explanation.checks.get(c, {})
                                             for c in ("faithfulness", "sanity", "stability"))]:
        parts.append(_section(f"How far to trust it — {METHOD_LABELS.get(method, method)}",
                              "Deletion / insertion areas against random orders of the words; the minimal kept "
                              "set plays under Listen."))
        parts.append(trust_html(explanation, method, play=False))
    for head, block in explanation.word_interactions.items():
        parts.append(_section(f"Word interactions — {head}", "Shapley interaction index: > 0, the two words matter "
                              "more together than apart."))
        parts.append(interaction_table_html(block))
    if explanation.bands:
        parts.append(_section("Frequency bands", "Drop when the band is removed from the whole clip; Shapley values "
                              "and LIME when computed."))
        parts.append(band_table_html(explanation))
        if explanation.word_band_scores:
            parts.append(_section("Word × band", "Drop when the band is removed inside one word."))
            parts.append(word_band_table_html(explanation))
    if explanation.phonemes:
        parts.append(_section("Phonemes", "Drop when the phoneme is masked; open a word to see its phonemes."))
        parts.append(phoneme_html(explanation))
    if explanation.paralinguistic:
        parts.append(_section("Paralinguistic properties", "Mean drop of p(target) over the levels"
                              + (f" (± std over {explanation.settings['repeats']} draws)"
                                 if explanation.settings.get("repeats", 1) > 1 else "") + "."))
        parts.append(paralinguistic_table_html(explanation))
        parts.append(levels_table_html(explanation))
    if samples is not None:
        parts.append(_section("Listen", "The clip and the variants the model scored."))
        parts.append(players_html(explanation, samples))
    return f'<div class="sx-notebook" style="font-family:system-ui,sans-serif;max-width:900px">{"".join(parts)}</div>'


def waveform_svg(explanation: Explanation, samples: np.ndarray, method: str | None, head: str | None) -> str:
    """The clip's envelope with word spans shaded by ``method``'s scores for ``head`` (neutral if None)."""
    sr, duration = explanation.audio["sampling_rate"], explanation.audio["duration"]
    times, lows, highs = envelope(samples, sr, points=SVG_WIDTH // 2)
    peak = float(max(np.max(np.abs(samples)) if len(samples) else 0.0, 1e-3))
    x = lambda t: SVG_WIDTH * t / duration  # noqa: E731
    y = lambda v: SVG_HEIGHT / 2 - (SVG_HEIGHT / 2 - 14) * v / peak  # noqa: E731
    scores = method_scores(explanation, method).get(head) if method else None
    limit = symmetric_range(scores or [0.0])
    shapes = []
    for i, word in enumerate(explanation.words):
        score = scores[i] if scores else None  # None: not scored (or not heard by the model)
        colour = "#e5e7eb" if score is None else diverging_css(score, limit)
        title = word.word if score is None else f"{word.word}: {score:+.3f}"
        shapes.append(f'<rect x="{x(word.start):.1f}" y="12" width="{max(1.0, x(word.end) - x(word.start)):.1f}" '
                      f'height="{SVG_HEIGHT - 12}" fill="{colour}" stroke="#9ca3af" stroke-width="0.5">'
                      f'<title>{escape(title)}</title></rect>'
                      f'<text x="{x((word.start + word.end) / 2):.1f}" y="10" font-size="11" text-anchor="middle">'
                      f'{escape(word.word)}</text>')
    points = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in zip(times, highs))
    points += " " + " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in zip(times[::-1], lows[::-1]))
    label = f'<div style="font-size:12px;color:#6b7280">{escape(head)}</div>' if head else ""
    return (f'{label}<svg class="sx-waveform" width="{SVG_WIDTH}" height="{SVG_HEIGHT}" '
            f'viewBox="0 0 {SVG_WIDTH} {SVG_HEIGHT}" xmlns="http://www.w3.org/2000/svg">{"".join(shapes)}'
            f'<polygon points="{points}" fill="rgba(55,65,81,0.6)" stroke="#374151" stroke-width="0.5"/></svg>')


def interaction_table_html(block: dict) -> str:
    """A word × word heatmap of one head's interaction matrix (diagonal blank)."""
    limit = symmetric_range(v for row in block["matrix"] for v in row)
    header = "".join(f'<th style="{HEAD_STYLE}">{escape(w)}</th>' for w in block["words"])
    rows = []
    for a, (word, row) in enumerate(zip(block["words"], block["matrix"])):
        cells = "".join(
            f'<td style="{CELL_STYLE}"></td>' if a == b else
            f'<td style="{CELL_STYLE};background:{diverging_css(v, limit)};color:{text_colour(v, limit)}" '
            f'data-variant="{variant_id_of_pair(block["indices"][a], block["indices"][b])}">{v:+.3f}</td>'
            for b, v in enumerate(row))
        rows.append(f'<tr><th style="{HEAD_STYLE}">{escape(word)}</th>{cells}</tr>')
    return (f'<table class="sx-interactions" style="{TABLE_STYLE}"><thead><tr><th style="{HEAD_STYLE}"></th>{header}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def levels_table_html(explanation: Explanation) -> str:
    """Per head, property and level: the mean drop, coloured, with ± std over repeats."""
    heads = [h for h in explanation.head_names if h in explanation.paralinguistic_drops]
    limit = symmetric_range(v for h in heads for drops in explanation.paralinguistic_drops[h].values() for v in drops)
    tables = []
    for head in heads:
        rows = []
        for prop, levels in explanation.paralinguistic_levels.items():
            drops = explanation.paralinguistic_drops[head].get(prop, [])
            spread = explanation.paralinguistic_drops_std.get(head, {}).get(prop, [0.0] * len(drops))
            cells = "".join(
                f'<td style="{CELL_STYLE};background:{diverging_css(d, limit)};color:{text_colour(d, limit)}" '
                f'title="{level_label(PROPERTY_KIND[prop], level)}">{d:+.2f}'
                + (f'<span style="font-size:10px"> ±{s:.2f}</span>' if s else "") + "</td>"
                for level, d, s in zip(levels, drops, spread))
            labels = " · ".join(level_label(PROPERTY_KIND[prop], level) for level in levels)
            rows.append(f'<tr><th style="{HEAD_STYLE}" title="{escape(labels)}">{escape(PROPERTY_TITLES[prop])}</th>'
                        f'{cells}</tr>')
        tables.append(f'<div style="font-size:12px;color:#6b7280">{escape(head)}: drop per level</div>'
                      f'<table class="sx-levels" style="{TABLE_STYLE}">{"".join(rows)}</table>')
    return "".join(tables)


def players_html(explanation: Explanation, samples: np.ndarray) -> str:
    """Audio players: the clip, each word masked, the most interacting pair of each head masked, each band
    removed, each head's most important phoneme masked and each head's largest word-local change.
    ``samples``: the whole recording (only the explained segment is rendered, as it was scored)."""
    sr = explanation.audio["sampling_rate"]
    renderer = renderer_for(explanation, (np.asarray(samples, dtype=np.float32), sr))
    ids = ["original"] + [f"word:{i}" for i in range(min(len(explanation.words), MAX_WORD_PLAYERS))]
    for block in explanation.word_interactions.values():
        matrix = np.abs(np.array(block["matrix"]))
        if matrix.size > 1:
            a, b = np.unravel_index(int(np.argmax(matrix)), matrix.shape)
            ids.append(variant_id_of_pair(block["indices"][a], block["indices"][b]))
    if explanation.band_scores:
        ids += [f"band:{i}" for i in range(min(len(explanation.bands), MAX_WORD_PLAYERS))]
    for values in explanation.phoneme_scores.values():  # each head's most important phoneme
        scored = [(v, i) for i, v in enumerate(values) if v is not None]
        if scored:
            ids.append(f"phone:{max(scored)[1]}")
    for head in explanation.word_paralinguistic:
        found = largest_effect(explanation, head)
        if found:
            ids.append(word_variant_id(explanation, found[1], found[0]))
    for table in explanation.checks.get("faithfulness", {}).values():
        ids += [entry["minimal_variant"] for entry in table.values()]
    players = []
    for variant in dict.fromkeys(ids):
        audio = base64.b64encode(wav_bytes(renderer.render(parse_variant_id(variant)), sr)).decode("ascii")
        players.append(f'<div style="display:flex;align-items:center;gap:8px;margin:2px 0">'
                       f'<span style="width:220px;font-size:13px">{escape(describe_variant(explanation, variant))}'
                       f'</span><audio controls preload="none" data-variant="{escape(variant)}" '
                       f'src="data:audio/wav;base64,{audio}"></audio></div>')
    return f'<div class="sx-players">{"".join(players)}</div>'


def _section(title: str, note: str = "") -> str:
    note_html = f'<div style="color:#6b7280;font-size:13px">{escape(note)}</div>' if note else ""
    return f'<h4 style="margin:16px 0 4px">{escape(title)}</h4>{note_html}'


register_html_view(notebook_html)
