"""Views of the finer units: frequency bands (chart, table, word × band heatmap) and phonemes.

Every bar, cell and row carries the variant it stands for (``band:2``, ``word_band:1:3``,
``phone:7``) in ``customdata`` or ``data-variant``, so a viewer plays exactly what was scored.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..explanation import Explanation
from .explanation import _empty
from .style import DIVERGING, band_label, diverging_css, escape, number, symmetric_range
from .tables import CELL_STYLE, HEAD_STYLE, PICK, TABLE_STYLE, _placeholder, _score_cell, _scrolling, _unheard_cell

UNIT_METHOD_CHOICES = [("Frequency bands (leave-one-out)", "bands"), ("Band Shapley values", "band_shapley"),
                       ("Band LIME", "band_lime"), ("Word × band grid", "word_bands"),
                       ("Phonemes (leave-one-out)", "phonemes"), ("Phoneme Shapley values", "phoneme_shapley"),
                       ("Phoneme LIME", "phoneme_lime")]
#: Column titles of the methods over bands and phonemes other than leave-one-out, in this order.
UNIT_METHOD_LABELS = {"shapley": "Shapley", "lime": "LIME"}


def unit_method_columns(explanation: Explanation, unit: str, heads: list[str]) -> list[tuple[str, str, list]]:
    """(head, method title, scores) of every method over ``unit`` besides leave-one-out (Shapley, LIME)."""
    tables = explanation.unit_method_scores.get(unit, {})
    return [(h, UNIT_METHOD_LABELS.get(method, method), tables[method][h])
            for method in sorted(tables, key=list(UNIT_METHOD_LABELS).index) for h in heads if h in tables[method]]


def band_figure(explanation: Explanation) -> go.Figure:
    """Leave-one-out of each band, one bar chart per head (a bar plays the clip without its band)."""
    heads = [h for h in explanation.head_names if h in explanation.band_scores]
    if not heads or not explanation.bands:
        return _empty("Frequency bands appear here when the 'bands' method runs.")
    labels = [band_label(b) for b in explanation.bands]
    limit = symmetric_range(v for h in heads for v in explanation.band_scores[h])
    figure = make_subplots(rows=len(heads), cols=1, shared_xaxes=True, vertical_spacing=0.08,
                           subplot_titles=[f"head: {h}" for h in heads])
    for row, head in enumerate(heads, start=1):
        values = explanation.band_scores[head]
        figure.add_trace(go.Bar(
            x=list(range(len(values))), y=values, width=0.8, customdata=[f"band:{i}" for i in range(len(values))],
            marker=dict(color=[diverging_css(v, limit) for v in values], line=dict(color="#6b7280", width=0.5)),
            hovertext=[f"{escape(head)} · {label}<br>drop {number(v, signed=True)}<br>click: play without this band"
                       for label, v in zip(labels, values)],
            hovertemplate="%{hovertext}<extra></extra>", name=head,
        ), row=row, col=1)
        figure.update_yaxes(title_text="drop", zeroline=True, zerolinecolor="#9ca3af", row=row, col=1)
    figure.update_xaxes(tickvals=list(range(len(labels))), ticktext=labels, tickangle=-35, row=len(heads), col=1)
    figure.update_layout(title=dict(text="Drop when a band is removed", x=0.0, xanchor="left"),
                         height=140 + 150 * len(heads), showlegend=False, plot_bgcolor="#ffffff", clickmode="event",
                         margin=dict(l=50, r=20, t=80, b=70), bargap=0.2)
    return figure


def word_band_figure(explanation: Explanation) -> go.Figure:
    """Words × bands per head: the drop when the band is removed inside the word (a cell plays it)."""
    heads = [h for h in explanation.head_names if h in explanation.word_band_scores]
    if not heads:
        return _empty("The word × band grid appears here when the 'word_bands' method runs.")
    labels = [band_label(b) for b in explanation.bands]
    words = [w.word for w in explanation.words]
    grids = {h: explanation.word_band_scores[h] for h in heads}
    limit = symmetric_range(v for grid in grids.values() for row in grid if row is not None for v in row)
    figure = make_subplots(rows=len(heads), cols=1, shared_xaxes=True, vertical_spacing=0.12 / len(heads) + 0.04,
                           subplot_titles=[f"head: {h}" for h in heads])
    for row, head in enumerate(heads, start=1):
        z = [[None] * len(labels) if r is None else r for r in grids[head]]
        figure.add_trace(go.Heatmap(
            z=z, x=list(range(len(labels))), y=list(range(len(words))), coloraxis="coloraxis", xgap=1, ygap=1,
            customdata=[[f"word_band:{w}:{b}" if grids[head][w] is not None else None for b in range(len(labels))]
                        for w in range(len(words))],
            hovertext=[[f"{escape(words[w])} · {labels[b]}<br>"
                        + ("not heard" if grids[head][w] is None else f"drop {number(grids[head][w][b], signed=True)}")
                        for b in range(len(labels))] for w in range(len(words))],
            hovertemplate="%{hovertext}<extra></extra>", name=head,
        ), row=row, col=1)
        figure.update_yaxes(tickvals=list(range(len(words))), ticktext=[escape(w) for w in words],
                            autorange="reversed", row=row, col=1)
    figure.update_xaxes(tickvals=list(range(len(labels))), ticktext=labels, tickangle=-35, row=len(heads), col=1)
    figure.update_layout(
        title=dict(text="Band removed inside a word", x=0.0, xanchor="left"),
        height=120 + len(heads) * (60 + 24 * len(words)) + 60, plot_bgcolor="#ffffff", clickmode="event",
        margin=dict(l=20, r=20, t=80, b=70),
        coloraxis=dict(colorscale=DIVERGING, cmin=-limit, cmax=limit, cmid=0,
                       colorbar=dict(title=dict(text="drop", side="right"), thickness=12)))
    return figure


def band_table_html(explanation: Explanation) -> str:
    """Bands × heads: leave-one-out (and Shapley values and LIME when computed); a cell plays the band removed."""
    heads = [h for h in explanation.head_names if h in explanation.band_scores]
    columns = [(h, "drop", explanation.band_scores[h]) for h in heads] + \
        unit_method_columns(explanation, "bands", explanation.head_names)
    if not explanation.bands or not columns:
        return _placeholder("The band table appears here when a band method runs.")
    limit = symmetric_range(v for _, _, values in columns for v in values)
    header = "".join(f'<th style="{HEAD_STYLE}">{escape(h)}<br><span style="font-weight:normal">{kind}</span></th>'
                     for h, kind, _ in columns)
    rows = "".join(
        f'<tr><td style="{HEAD_STYLE}" data-variant="band:{i}" {PICK}>{escape(band_label(band))}</td>'
        + "".join(_score_cell(values[i], limit, f"band:{i}") for _, _, values in columns) + "</tr>"
        for i, band in enumerate(explanation.bands))
    return _scrolling(f'<table class="sx-bands" style="{TABLE_STYLE}"><thead><tr><th style="{HEAD_STYLE}">band'
                      f'</th>{header}</tr></thead><tbody>{rows}</tbody></table>')


def word_band_table_html(explanation: Explanation) -> str:
    """Words × bands per head as coloured cells (a cell plays the band removed inside the word)."""
    heads = [h for h in explanation.head_names if h in explanation.word_band_scores]
    if not heads:
        return _placeholder("The word × band grid appears here when the 'word_bands' method runs.")
    grids = {h: explanation.word_band_scores[h] for h in heads}
    limit = symmetric_range(v for grid in grids.values() for row in grid if row is not None for v in row)
    header = "".join(f'<th style="{HEAD_STYLE}">{escape(band_label(b))}</th>' for b in explanation.bands)
    tables = []
    for head in heads:
        rows = "".join(
            f'<tr><td style="{HEAD_STYLE}">{escape(word.word)}</td>'
            + ("".join(_score_cell(v, limit, f"word_band:{w}:{b}") for b, v in enumerate(grids[head][w]))
               if grids[head][w] is not None else _unheard_cell() * len(explanation.bands)) + "</tr>"
            for w, word in enumerate(explanation.words))
        tables.append(f'<div style="font-size:13px;color:#374151;margin-top:6px">head: {escape(head)}</div>'
                      f'<table class="sx-word-bands" style="{TABLE_STYLE}"><thead><tr><th style="{HEAD_STYLE}">word'
                      f'</th>{header}</tr></thead><tbody>{rows}</tbody></table>')
    return _scrolling("".join(tables))


def phoneme_html(explanation: Explanation) -> str:
    """Each word opens (click) onto its phonemes: one small bar per phoneme and head (and per head's
    Shapley values and LIME when computed), a click plays the clip with that phoneme masked. The word
    with the largest phoneme score opens first."""
    columns = [(h, "", explanation.phoneme_scores[h]) for h in explanation.head_names
               if h in explanation.phoneme_scores] + unit_method_columns(explanation, "phonemes", explanation.head_names)
    if not columns or not explanation.phonemes:
        return _placeholder("Phonemes appear here when a phoneme method runs.")
    limit = symmetric_range(v for _, _, values in columns for v in values if v is not None)
    ranked = [values for _, kind, values in columns if not kind] or [values for _, _, values in columns]

    def strongest(indices) -> float | None:
        """The largest-magnitude score of these phonemes (leave-one-out when it ran, else the other methods)."""
        return max((values[i] for values in ranked for i in indices if values[i] is not None), key=abs, default=None)

    best = max(range(len(explanation.phonemes)), key=lambda i: abs(strongest([i]) or 0.0))
    blocks = []
    for w, word in enumerate(explanation.words):
        own = [i for i, p in enumerate(explanation.phonemes) if p.word_index == w]
        if not own:
            continue
        rows = "".join(_phone_row(explanation, i, columns, limit) for i in own)
        peak = strongest(own)
        opened = " open" if explanation.phonemes[best].word_index == w else ""
        blocks.append(
            f'<details class="sx-word-phones" data-word="{w}"{opened} style="margin:2px 0">'
            f'<summary style="cursor:pointer;font-size:14px"><b>{escape(word.word)}</b> '
            f'<span style="color:#6b7280;font-size:12px">{len(own)} phonemes · strongest score '
            f'{number(peak, signed=True)}</span></summary>'
            f'<table style="{TABLE_STYLE}"><thead><tr><th style="{HEAD_STYLE}">phoneme</th>'
            + "".join(f'<th style="{HEAD_STYLE}">{escape(h)}{" " + kind if kind else ""}</th>' for h, kind, _ in columns)
            + f'</tr></thead><tbody>{rows}</tbody></table></details>')
    return _scrolling(f'<div class="sx-phonemes">{"".join(blocks)}</div>')


def _phone_row(explanation: Explanation, i: int, columns: list[tuple], limit: float) -> str:
    """One phoneme: its name and times, then one bar per column (leave-one-out per head, Shapley values)."""
    phone = explanation.phonemes[i]
    variant = f"phone:{i}"
    cells = "".join(_bar_cell(values[i], limit, variant) if values[i] is not None else _unheard_cell()
                    for _, _, values in columns)
    return (f'<tr><td style="{HEAD_STYLE}" data-variant="{variant}" {PICK} title="play: {variant}">/{escape(phone.phone)}/'
            f'<span style="color:#6b7280;font-size:12px"> {phone.start:.2f}–{phone.end:.2f} s</span></td>{cells}</tr>')


def _bar_cell(value: float, limit: float, variant: str) -> str:
    """A cell with a small horizontal bar (length ∝ |value|, diverging colour) and the number."""
    width = round(60 * min(1.0, abs(value) / limit)) if limit > 0 else 0
    return (f'<td {PICK} data-variant="{escape(variant)}" title="play: {escape(variant)}" '
            f'style="{CELL_STYLE};cursor:pointer"><span style="display:inline-block;width:{max(1, width)}px;'
            f'height:10px;margin-right:6px;vertical-align:middle;background:{diverging_css(value, limit)};'
            f'border:1px solid #d1d5db"></span>{number(value, signed=True)}</td>')
