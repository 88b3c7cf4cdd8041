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
    DIVERGING, ORIGINAL_LEVEL_LABEL, PROPERTY_KIND, PROPERTY_TITLES, level_label, symmetric_range, variant_id,
)

ENVELOPE_POINTS = 1200


def envelope(samples: np.ndarray, sr: int, points: int = ENVELOPE_POINTS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times and per-bin minimum and maximum of ``samples``: a light drawing of a long signal."""
    samples = np.asarray(samples, dtype=np.float32)
    bins = max(1, min(points, len(samples)))
    edges = np.linspace(0, len(samples), bins + 1).astype(int)
    lows = np.minimum.reduceat(samples, edges[:-1])
    highs = np.maximum.reduceat(samples, edges[:-1])
    times = (edges[:-1] + edges[1:]) / 2 / sr
    return times, lows, highs


def waveform_figure(explanation: Explanation, samples: np.ndarray) -> go.Figure:
    """The clip with each word's span shaded by its attribution; a menu switches between heads.

    Before words are scored (or without words) the spans are drawn neutral.
    """
    sr = explanation.audio["sampling_rate"]
    times, lows, highs = envelope(samples, sr)
    peak = float(max(np.max(np.abs(samples)) if len(samples) else 0.0, 1e-3))
    figure = go.Figure()
    words = explanation.words
    heads = [head for head in explanation.head_names if head in explanation.word_scores]
    limit = symmetric_range(v for head in heads for v in explanation.word_scores[head])
    centres = [(w.start + w.end) / 2 for w in words]
    scored = [i for i in range(len(words)) if not heads or explanation.word_scores[heads[0]][i] is not None]
    unheard = [i for i in range(len(words)) if i not in set(scored)]

    def colours_and_hover(head: str | None) -> tuple[list[float], list[str]]:
        scores = [explanation.word_scores[head][i] if head else 0.0 for i in scored]
        hover = [f"<b>{words[i].word}</b><br>{words[i].start:.2f}–{words[i].end:.2f} s"
                 + (f"<br>{head}: {s:+.3f}" if head else "") for i, s in zip(scored, scores)]
        return scores, hover

    scores, hover = colours_and_hover(heads[0] if heads else None)
    figure.add_trace(go.Bar(
        x=[centres[i] for i in scored], y=[2.2 * peak] * len(scored), base=-1.1 * peak,
        width=[words[i].end - words[i].start for i in scored],
        marker=dict(color=scores, colorscale=DIVERGING, cmin=-limit, cmax=limit, cmid=0, showscale=bool(heads),
                    line=dict(width=1, color="rgba(60,60,60,0.5)"),
                    colorbar=dict(title=dict(text="drop in p(target)", side="right"), thickness=12)),
        opacity=0.75, customdata=[f"word:{i}" for i in scored], hovertext=hover, hoverinfo="text",
        name="words",
    ))
    for a, b in unheard_spans(explanation):
        figure.add_vrect(x0=a, x1=b, fillcolor="#9ca3af", opacity=0.18, line_width=0, layer="below")
    if unheard:
        figure.add_trace(go.Bar(
            x=[centres[i] for i in unheard], y=[2.2 * peak] * len(unheard), base=-1.1 * peak,
            width=[words[i].end - words[i].start for i in unheard], name="not heard", opacity=0.6,
            marker=dict(color="#e5e7eb", line=dict(width=1, color="rgba(60,60,60,0.4)"),
                        pattern=dict(shape="/", fgcolor="#9ca3af")),
            hovertext=[f"<b>{words[i].word}</b><br>not scored: outside what the model hears" for i in unheard],
            hoverinfo="text",
        ))
    figure.add_trace(go.Scatter(x=times, y=highs, mode="lines", line=dict(width=0.8, color="#374151"),
                                hoverinfo="skip", showlegend=False))
    figure.add_trace(go.Scatter(x=times, y=lows, mode="lines", line=dict(width=0.8, color="#374151"),
                                fill="tonexty", fillcolor="rgba(55,65,81,0.55)", hoverinfo="skip", showlegend=False))
    crowded = len(words) > 8  # labels alternate between two rows so that neighbours do not overlap
    for i, (word, centre) in enumerate(zip(words, centres)):
        figure.add_annotation(x=centre, y=(1.1 + 0.13 * (crowded and i % 2)) * peak, text=word.word,
                              showarrow=False, yanchor="bottom", font=dict(size=13, color="#111827"))
    if len(heads) > 1:
        buttons = []
        for head in heads:
            scores, hover = colours_and_hover(head)
            buttons.append(dict(label=head, method="restyle",
                                args=[{"marker.color": [scores], "hovertext": [hover]}, [0]]))
        figure.update_layout(updatemenus=[dict(buttons=buttons, direction="down", x=0.05, xanchor="left", y=1.32,
                                               yanchor="top", showactive=True, bgcolor="#ffffff")])
        figure.add_annotation(text="head", x=0.0, xanchor="left", y=1.27, yanchor="middle", xref="paper",
                              yref="paper", showarrow=False, font=dict(size=13, color="#374151"))
    title = "Words shaded by attribution" + (f" — head: {heads[0]}" if len(heads) == 1 else "")
    if not words:
        title = "Waveform (no word timings)"
    figure.update_layout(
        title=dict(text=title, x=0.5 if len(heads) > 1 else 0.0, xanchor="center" if len(heads) > 1 else "left"),
        height=300, margin=dict(l=50, r=20, t=70, b=40), bargap=0, barmode="overlay", showlegend=False,
        plot_bgcolor="#ffffff", clickmode="event", hovermode="closest",
        xaxis=dict(title="time (s)", range=[0, explanation.audio["duration"]], showgrid=False),
        yaxis=dict(range=[-1.15 * peak, 1.45 * peak], showticklabels=False, showgrid=False, zeroline=False),
    )
    return figure


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
    figure = make_subplots(rows=len(properties), cols=1, vertical_spacing=min(0.12, 0.5 / len(properties)),
                           subplot_titles=[PROPERTY_TITLES[p] for p in properties])
    for row, prop in enumerate(properties, start=1):
        kind = PROPERTY_KIND[prop]
        levels = explanation.paralinguistic_levels[prop]
        labels = [level_label(kind, level) for level in levels]
        ids = [variant_id(kind, level) for level in levels]
        drops = [list(explanation.paralinguistic_drops[head].get(prop, [np.nan] * len(levels))) for head in heads]
        original_first = prop in ("pitch_up", "stretch_up", "noise", "reverb")
        original = ORIGINAL_LEVEL_LABEL[kind] + " (original)"
        if original_first:
            labels, ids, drops = [original, *labels], ["original", *ids], [[0.0, *row_] for row_ in drops]
        else:
            labels, ids, drops = [*labels, original], [*ids, "original"], [[*row_, 0.0] for row_ in drops]
        figure.add_trace(go.Heatmap(
            z=drops, x=labels, y=heads, coloraxis="coloraxis", xgap=2, ygap=2,
            customdata=[ids for _ in heads], text=[[f"{v:+.2f}" for v in row_] for row_ in drops],
            texttemplate="%{text}", textfont=dict(size=11),
            hovertemplate="%{y} · %{x}<br>drop %{z:+.3f}<extra></extra>", name=prop,
        ), row=row, col=1)
        column = 0 if original_first else len(labels) - 1
        axis = "" if row == 1 else str(row)
        figure.add_shape(type="rect", xref=f"x{axis}", yref=f"y{axis}", x0=column - 0.5, x1=column + 0.5,
                         y0=-0.5, y1=len(heads) - 0.5, line=dict(color="#111827", width=2, dash="dot"))
        figure.update_xaxes(type="category", row=row, col=1)
        figure.update_yaxes(type="category", autorange="reversed", row=row, col=1)
    figure.update_layout(
        height=90 + len(properties) * (70 + 32 * len(heads)), margin=dict(l=90, r=20, t=50, b=30),
        coloraxis=dict(colorscale=DIVERGING, cmin=-limit, cmax=limit, cmid=0,
                       colorbar=dict(title=dict(text="drop", side="right"), thickness=12)),
        plot_bgcolor="#ffffff", clickmode="event", title=dict(text="Drop in p(target) per level"),
    )
    return figure


def _empty(message: str) -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                          font=dict(size=14, color="#6b7280"))
    figure.update_layout(height=160, xaxis=dict(visible=False), yaxis=dict(visible=False), plot_bgcolor="#ffffff",
                         margin=dict(l=20, r=20, t=20, b=20))
    return figure
