"""Plotly figures of an :class:`Explanation`: the waveform with its words, and per-level heatmaps.

Every clickable mark carries the id of the variant it stands for in ``customdata``
(``word:3``, ``noise:10``, ``original``), so a viewer can play exactly the audio that was scored.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..explanation import Explanation
from .style import (
    DIVERGING, METHOD_LABELS, ORIGINAL_LEVEL_LABEL, PROPERTY_KIND, PROPERTY_TITLES, escape, level_label, method_scores,
    method_unit, number, readable, symmetric_range, variant_id,
)

ENVELOPE_POINTS = 1200
COLOUR_TITLES = {"loo": "drop in p(target)", "lime": "LIME weight", "shapley": "Shapley value",
                 "gradient": "saliency", "gradient_x_input": "gradient × input", "integrated_gradients": "IG"}


def colour_title(method: str) -> str:
    """The colour scale's title: what is shaded and in which unit."""
    return f"{COLOUR_TITLES.get(method, method)}<br>({method_unit(method)})"  # two lines: fits a phone


def envelope(samples: np.ndarray, sr: int, points: int = ENVELOPE_POINTS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times and per-bin minimum and maximum of ``samples``: a light drawing of a long signal."""
    samples = np.asarray(samples, dtype=np.float32)
    bins = max(1, min(points, len(samples)))
    edges = np.linspace(0, len(samples), bins + 1).astype(int)
    lows = np.minimum.reduceat(samples, edges[:-1])
    highs = np.maximum.reduceat(samples, edges[:-1])
    times = (edges[:-1] + edges[1:]) / 2 / sr
    return times, lows, highs


# Above this many words the waveform opens on the first WINDOW_WORDS words, with a range slider
# under it to move along and zoom (labels appear as soon as their span is wide enough).
DENSE_WORDS = 24
WINDOW_WORDS = 12
LABEL_SIZE = 13
# The colour scale lies flat above the plot's right end, so the clip keeps the full width.
COLORBAR_ABOVE = dict(orientation="h", x=1.0, xanchor="right", y=1.0, yanchor="bottom", ypad=6, len=0.4,
                      thickness=9, title=dict(text="drop in p(target)", side="top"), ticklabelposition="outside top",
                      tickfont=dict(size=10))
# Modebar buttons left out: the selection tools (nothing to select) and pan/box zoom (the range
# slider and the zoom buttons do that); the rest stays short enough not to reach the title on a phone.
MODEBAR_REMOVE = ["select2d", "lasso2d", "zoom2d", "pan2d", "autoScale2d"]


def waveform_figure(explanation: Explanation, samples: np.ndarray, method: str = "loo") -> go.Figure:
    """The clip with each word's span shaded by its ``method`` attribution; a menu switches between heads.

    Word labels sit in a strip above the waveform, one box per word span; plotly hides a label
    whose box is narrower than its text (``uniformtext``), so labels never overlap, whatever the
    width, and every word keeps its text on hover. Before words are scored (or without words)
    the spans are drawn neutral.
    """
    sr = explanation.audio["sampling_rate"]
    duration = explanation.audio["duration"]
    times, lows, highs = envelope(samples, sr)
    peak = float(max(np.max(np.abs(samples)) if len(samples) else 0.0, 1e-3))
    figure = go.Figure()
    words = explanation.words
    word_scores = method_scores(explanation, method)
    heads = [head for head in explanation.head_names if head in word_scores]
    limit = symmetric_range(v for head in heads for v in word_scores[head])
    centres = [(w.start + w.end) / 2 for w in words]
    scored = [i for i in range(len(words)) if not heads or word_scores[heads[0]][i] is not None]
    unheard = [i for i in range(len(words)) if i not in set(scored)]
    widths = [w.end - w.start for w in words]
    ids = [f"word:{i}" for i in range(len(words))]

    def colours_and_hover(head: str | None) -> tuple[list[float], list[str]]:
        scores = [word_scores[head][i] if head else 0.0 for i in scored]
        hover = [f"<b>{escape(words[i].word)}</b><br>{words[i].start:.2f}–{words[i].end:.2f} s"
                 + (f"<br>{escape(head)}: {readable(s)} {escape(method_unit(method))}" if head else "")
                 for i, s in zip(scored, scores)]
        return scores, hover

    scores, hover = colours_and_hover(heads[0] if heads else None)
    unheard_hover = {i: f"<b>{escape(words[i].word)}</b><br>not scored: outside what the model hears" for i in unheard}
    word_hover = dict(zip(scored, hover)) | unheard_hover  # every word, as its span shows it (first head)
    figure.add_trace(go.Bar(
        x=[centres[i] for i in scored], y=[2.2 * peak] * len(scored), base=-1.1 * peak,
        width=[widths[i] for i in scored],
        marker=dict(color=scores, colorscale=DIVERGING, cmin=-limit, cmax=limit, cmid=0, showscale=bool(heads),
                    line=dict(width=1, color="rgba(60,60,60,0.5)"),
                    colorbar=COLORBAR_ABOVE | dict(title=dict(text=colour_title(method), side="top"),
                                                   exponentformat="power")),
        opacity=0.75, customdata=[ids[i] for i in scored], hovertext=hover, hoverinfo="text", name="words",
    ))
    for a, b in unheard_spans(explanation):
        figure.add_vrect(x0=a, x1=b, fillcolor="#9ca3af", opacity=0.18, line_width=0, layer="below")
    if unheard:
        figure.add_trace(go.Bar(
            x=[centres[i] for i in unheard], y=[2.2 * peak] * len(unheard), base=-1.1 * peak,
            width=[widths[i] for i in unheard], name="not heard", opacity=0.6,
            marker=dict(color="#e5e7eb", line=dict(width=1, color="rgba(60,60,60,0.4)"),
                        pattern=dict(shape="/", fgcolor="#9ca3af")),
            hovertext=[unheard_hover[i] for i in unheard],
            hoverinfo="text",
        ))
    figure.add_trace(go.Scatter(x=times, y=highs, mode="lines", line=dict(width=0.8, color="#374151"),
                                hoverinfo="skip", showlegend=False))
    figure.add_trace(go.Scatter(x=times, y=lows, mode="lines", line=dict(width=0.8, color="#374151"),
                                fill="tonexty", fillcolor="rgba(55,65,81,0.55)", hoverinfo="skip", showlegend=False))
    figure.add_trace(go.Bar(  # the label strip: a label shows only where its span is wide enough
        xaxis="x2", x=centres, y=[0.6 * peak] * len(words), base=1.12 * peak, width=widths, name="labels",
        marker=dict(color="rgba(0,0,0,0)", line=dict(width=0)), text=[w.word for w in words],
        textposition="inside", insidetextanchor="middle", textangle=0, cliponaxis=True,
        textfont=dict(size=LABEL_SIZE, color="#111827"), customdata=ids, hoverinfo="text",
        hovertext=[word_hover[i] for i in range(len(words))],
    ))
    dense = len(words) > DENSE_WORDS
    low, high = segment_view(explanation)
    zoomed = (low, high) != (0.0, duration)
    shown = [low, high]
    if dense:
        first = next((i for i, word in enumerate(words) if word.end > low), 0)
        last = min(len(words), first + WINDOW_WORDS) - 1
        shown = [low, min(high, words[last].end + 0.5 * widths[last])]
        # a page may narrow the window to the words that fit its width (see serving/page/page.js)
        heard = [word for word in words if low <= word.start < high] or words
        figure.update_layout(meta=dict(word_pitch=(high - low) / len(heard), start=low, end=high))
    menu = len(heads) > 1
    if menu:
        buttons = []
        for head in heads:
            scores, hover = colours_and_hover(head)
            buttons.append(dict(label=head, method="restyle",
                                args=[{"marker.color": [scores], "hovertext": [hover]}, [0]]))
        # below the title, above the plot: neither covers the other at any width
        figure.update_layout(updatemenus=[dict(buttons=buttons, direction="down", x=0.0, xanchor="left", y=1.0,
                                               yanchor="bottom", pad=dict(l=40, b=4), showactive=True,
                                               bgcolor="#ffffff")])
        figure.add_annotation(text="head", x=0.0, xanchor="left", y=1.0, yanchor="bottom", xref="paper",
                              yref="paper", showarrow=False, yshift=8, font=dict(size=13, color="#374151"))
    height = 330 + (60 if dense or zoomed else 0)
    title = f"Words shaded by {METHOD_LABELS.get(method, method)}" + (f" — head: {heads[0]}" if len(heads) == 1 else "")
    if not words:
        title = "Waveform (no word timings)"
    figure.update_layout(
        title=dict(text=title, x=0.0, xanchor="left", xref="paper"),
        height=height,
        margin=dict(l=20, r=20, t=100, b=30), bargap=0, barmode="overlay", showlegend=False,
        plot_bgcolor="#ffffff", clickmode="event", hovermode="closest",
        uniformtext=dict(mode="hide", minsize=LABEL_SIZE - 2), modebar_remove=MODEBAR_REMOVE,
        xaxis=dict(ticksuffix=" s", range=shown, showgrid=False),
        yaxis=dict(range=[-1.15 * peak, 1.75 * peak], showticklabels=False, showgrid=False, zeroline=False,
                   fixedrange=True),
    )
    # The labels live on a twin of the time axis: the range slider's miniature, drawn from the time
    # axis's traces only, then has no labels, which would otherwise hide every label (uniformtext
    # sizes a trace's text by its smallest box).
    figure.update_layout(xaxis2=dict(matches="x", overlaying="x", visible=False))
    if dense or zoomed:  # (an empty rangeslider entry would show one: plotly.js makes it visible by default)
        figure.update_layout(xaxis_rangeslider=dict(visible=True, thickness=0.12, range=[0, duration]))
    return figure


def segment_view(explanation: Explanation) -> tuple[float, float]:
    """The time range the waveform opens on: the explained segment (with a margin of 5 % of it, at
    least 0.2 s) when it is a part of the recording, else the whole recording."""
    duration = explanation.audio["duration"]
    segment = explanation.audio.get("segment")
    if not segment or (segment["start"] <= 0 and segment["end"] >= duration):
        return 0.0, duration
    margin = max(0.2, 0.05 * (segment["end"] - segment["start"]))
    return max(0.0, segment["start"] - margin), min(duration, segment["end"] + margin)


def unheard_spans(explanation: Explanation) -> list[tuple[float, float]]:
    """Parts of the recording the model did not hear: outside the segment, or past its input window."""
    duration = explanation.audio["duration"]
    segment = explanation.audio.get("segment") or {"start": 0.0, "end": duration}
    window = explanation.model.get("max_duration")
    heard_end = segment["end"] if window is None else min(segment["end"], segment["start"] + window)
    spans = [(0.0, segment["start"]), (heard_end, duration)]
    return [(a, b) for a, b in spans if b - a > 1e-6]


def heatmap_figure(explanation: Explanation) -> go.Figure:
    """One heatmap per property: per-level drops (columns) for every head (rows), centred at 0.

    The unperturbed level is an extra column (drop 0 by definition), outlined and labelled.
    """
    properties = list(explanation.paralinguistic_levels)
    heads = [head for head in explanation.head_names if head in explanation.paralinguistic_drops]
    if not properties or not heads:
        return _empty("Paralinguistic heatmaps appear here once a property is scored.")
    limit = symmetric_range(v for head in heads for drops in explanation.paralinguistic_drops[head].values()
                            for v in drops)
    repeats = explanation.settings.get("repeats", 1)
    height = 80 + len(properties) * (90 + 32 * len(heads))
    figure = make_subplots(rows=len(properties), cols=1, vertical_spacing=min(0.3, 62 / (height - 80)),
                           subplot_titles=[PROPERTY_TITLES[p] for p in properties])
    for row, prop in enumerate(properties, start=1):
        kind = PROPERTY_KIND[prop]
        levels = explanation.paralinguistic_levels[prop]
        labels = [level_label(kind, level) for level in levels]
        ids = [variant_id(kind, level) for level in levels]
        drops = [list(explanation.paralinguistic_drops[head].get(prop, [np.nan] * len(levels))) for head in heads]
        spread = [list(explanation.paralinguistic_drops_std.get(head, {}).get(prop, [0.0] * len(levels)))
                  for head in heads]
        original_first = prop in ("pitch_up", "stretch_up", "noise", "reverb")
        original = ORIGINAL_LEVEL_LABEL[kind] + " (original)"
        if original_first:
            labels, ids, drops = [original, *labels], ["original", *ids], [[0.0, *row_] for row_ in drops]
            spread = [[0.0, *row_] for row_ in spread]
        else:
            labels, ids, drops = [*labels, original], [*ids, "original"], [[*row_, 0.0] for row_ in drops]
            spread = [[*row_, 0.0] for row_ in spread]
        whiskers = [[f" ± {s:.3f} over {repeats} draws" if repeats > 1 and s > 0 else "" for s in row_]
                    for row_ in spread]
        figure.add_trace(go.Heatmap(
            z=drops, x=labels, y=heads, coloraxis="coloraxis", xgap=2, ygap=2,
            customdata=[ids for _ in heads], text=[[number(v, 2, signed=True) for v in row_] for row_ in drops],
            texttemplate="%{text}", textfont=dict(size=11),
            hovertext=[[f"{escape(head)} · {label}<br>drop {number(v, signed=True)}{whisker}"
                        for label, v, whisker in zip(labels, row_, whisker_row)]
                       for head, row_, whisker_row in zip(heads, drops, whiskers)],
            hovertemplate="%{hovertext}<extra></extra>", name=prop,
        ), row=row, col=1)
        column = 0 if original_first else len(labels) - 1
        axis = "" if row == 1 else str(row)
        figure.add_shape(type="rect", xref=f"x{axis}", yref=f"y{axis}", x0=column - 0.5, x1=column + 0.5,
                         y0=-0.5, y1=len(heads) - 0.5, line=dict(color="#111827", width=2, dash="dot"))
        figure.update_xaxes(type="category", tickangle=0, tickvals=labels, row=row, col=1,
                            ticktext=[label.replace(" (original)", "<br>(original)") for label in labels])
        figure.update_yaxes(type="category", autorange="reversed", automargin=True, row=row, col=1)
    figure.update_layout(
        height=height, margin=dict(l=10, r=10, t=50, b=40),
        coloraxis=dict(colorscale=DIVERGING, cmin=-limit, cmax=limit, cmid=0,
                       colorbar=dict(title=dict(text="drop", side="right"), thickness=12)),
        plot_bgcolor="#ffffff", clickmode="event", title=dict(text="Drop in p(target) per level"),
        modebar_remove=MODEBAR_REMOVE,
    )
    return figure


def interaction_figure(explanation: Explanation) -> go.Figure:
    """Word × word Shapley interaction index of the top words, one heatmap per head (a menu picks
    the head, so that one readable panel fits any width).

    A cell's ``customdata`` is the variant with both words masked (``words:i+j``), for playback.
    Cells sit at integer positions; each head's word labels are set as the axes' tick text.
    """
    heads = [head for head in explanation.head_names if head in explanation.word_interactions]
    if not heads:
        return _empty("Word interactions appear here when Shapley values are computed.")
    blocks = [explanation.word_interactions[head] for head in heads]
    limit = symmetric_range(v for block in blocks for row in block["matrix"] for v in row)
    figure = go.Figure()

    def axes(block: dict) -> dict:
        labels = [escape(word) for word in block["words"]]
        ticks = dict(tickvals=list(range(len(labels))), ticktext=labels)
        return {"xaxis": ticks | dict(tickangle=-30), "yaxis": ticks | dict(autorange="reversed")}

    for n, (head, block) in enumerate(zip(heads, blocks)):
        size = len(block["indices"])
        figure.add_trace(go.Heatmap(
            z=block["matrix"], x=list(range(size)), y=list(range(size)), coloraxis="coloraxis", xgap=2, ygap=2,
            customdata=[[variant_id_of_pair(i, j) for j in block["indices"]] for i in block["indices"]],
            text=[[number(v, 2, signed=True) if a != b else "" for b, v in enumerate(row)]
                  for a, row in enumerate(block["matrix"])],
            hovertext=[[f"{escape(block['words'][a])} × {escape(block['words'][b])}<br>interaction "
                        f"{number(v, signed=True)}<br>click: play both masked" for b, v in enumerate(row)]
                       for a, row in enumerate(block["matrix"])],
            texttemplate="%{text}", textfont=dict(size=11), hovertemplate="%{hovertext}<extra></extra>",
            name=head, visible=n == 0,
        ))
    figure.update_layout(**axes(blocks[0]))
    if len(heads) > 1:
        buttons = [dict(label=head, method="update",
                        args=[{"visible": [m == n for m in range(len(heads))]},
                              {f"{axis}.{key}": value for axis, ticks in axes(block).items()
                               for key, value in ticks.items()}])
                   for n, (head, block) in enumerate(zip(heads, blocks))]
        figure.update_layout(updatemenus=[dict(buttons=buttons, direction="down", x=0.0, xanchor="left", y=1.0,
                                               yanchor="bottom", pad=dict(l=40, b=4), showactive=True,
                                               bgcolor="#ffffff")])
        figure.add_annotation(text="head", x=0.0, xanchor="left", y=1.0, yanchor="bottom", xref="paper",
                              yref="paper", showarrow=False, yshift=8, font=dict(size=13, color="#374151"))
    menu_room = 30 if len(heads) > 1 else 0
    title = "Word pairs: Shapley interaction"
    figure.update_layout(
        title=dict(text=title + (f" — head: {heads[0]}" if len(heads) == 1 else ""), x=0.0, xanchor="left",
                   xref="paper", y=1.0, yref="container", yanchor="top", pad=dict(t=10)),
        height=380 + menu_room, margin=dict(l=20, r=20, t=70 + menu_room, b=20),
        plot_bgcolor="#ffffff", clickmode="event",
        coloraxis=dict(colorscale=DIVERGING, cmin=-limit, cmax=limit, cmid=0,
                       colorbar=dict(title=dict(text="interaction", side="right"), thickness=12)),
    )
    return figure


def variant_id_of_pair(i: int, j: int) -> str:
    """The variant with words ``i`` and ``j`` masked (one word when ``i == j``)."""
    return f"word:{i}" if i == j else f"words:{min(i, j)}+{max(i, j)}"


def _empty(message: str) -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                          font=dict(size=14, color="#6b7280"))
    figure.update_layout(height=160, xaxis=dict(visible=False), yaxis=dict(visible=False), plot_bgcolor="#ffffff",
                         margin=dict(l=20, r=20, t=20, b=20))
    return figure
