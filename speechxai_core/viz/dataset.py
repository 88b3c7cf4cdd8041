"""Plotly figures and display tables of a :class:`~speechxai_core.evaluation.dataset_summary.DatasetSummary`.

Numbers and property names are written as in the single-clip views (:mod:`.style`): three
decimals, never ``-0.000``, "Pitch lowered" rather than ``pitch_down``.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..evaluation.dataset_summary import DatasetSummary
from .style import PROPERTY_TITLES, escape, number

PANEL_COLUMNS = 2
POSITIVE, NEGATIVE = "#b2182b", "#2166ac"


def word_summary_figure(summary: DatasetSummary, head: str) -> go.Figure:
    """Small multiples for one head: a panel per class, its top words as bars of mean importance."""
    return _word_panels(summary, [head], f"Top words per class — {head}")


def word_summary_grid(summary: DatasetSummary) -> go.Figure:
    """Every head's classes as small multiples in one figure (panels titled "head: class")."""
    heads = list(dict.fromkeys(summary.words["head"]))
    return _word_panels(summary, heads, "Top words per class (mean word importance)", head_in_titles=len(heads) > 1)


def _word_panels(summary: DatasetSummary, heads: list[str], title: str, head_in_titles: bool = False) -> go.Figure:
    """One panel per (head, class), ``PANEL_COLUMNS`` to a row, each with its own word axis and a
    shared importance axis; one bar trace per panel, named after its class."""
    panels = [(head, label, rows.sort_values("mean_score"))
              for head in heads
              for label, rows in summary.words[summary.words["head"] == head].groupby("class", sort=True)]
    columns = max(1, min(PANEL_COLUMNS, len(panels)))
    rows_count = max(1, math.ceil(len(panels) / columns))
    tallest = max([len(rows) for _, _, rows in panels] + [1])
    titles = [f"{head}: {label}" if head_in_titles else str(label) for head, label, _ in panels]
    figure = make_subplots(rows=rows_count, cols=columns, subplot_titles=titles or None, shared_xaxes="all",
                           horizontal_spacing=0.16, vertical_spacing=min(0.3, 0.6 / rows_count))
    for i, (head, label, rows) in enumerate(panels):
        figure.add_trace(go.Bar(
            y=list(rows["word"]), x=list(rows["mean_score"]), orientation="h", name=str(label),
            marker_color=[POSITIVE if v >= 0 else NEGATIVE for v in rows["mean_score"]],
            hovertext=[f"{escape(head)} · {escape(label)}<br><b>{escape(word)}</b>: {number(score, signed=True)} "
                       f"(n = {count})" for word, score, count in zip(rows["word"], rows["mean_score"], rows["count"])],
            hovertemplate="%{hovertext}<extra></extra>",
        ), row=i // columns + 1, col=i % columns + 1)
    figure.update_annotations(font_size=13)  # the panel titles
    figure.update_yaxes(automargin=True, tickfont=dict(size=11))
    figure.update_xaxes(zeroline=True, zerolinecolor="#6b7280", showticklabels=True)
    figure.update_layout(title=dict(text=title), showlegend=False, plot_bgcolor="#ffffff",
                         height=max(300, rows_count * (18 * tallest + 90) + 80), margin=dict(l=10, r=10, t=70, b=30))
    return figure


def paralinguistic_figure(summary: DatasetSummary) -> go.Figure:
    """Grouped bars: mean attribution (± std over items) per property, one group per head."""
    figure = go.Figure()
    for head, rows in summary.paralinguistic.groupby("head", sort=False):
        figure.add_bar(
            x=[PROPERTY_TITLES.get(p, p) for p in rows["property"]], y=rows["mean"], name=str(head),
            error_y=dict(type="data", array=rows["std"], visible=True),
            hovertext=[f"{escape(head)} · {PROPERTY_TITLES.get(p, p)}<br>mean {number(m, signed=True)} "
                       f"± {number(s)} (n = {n})"
                       for p, m, s, n in zip(rows["property"], rows["mean"], rows["std"], rows["items"])],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    figure.update_layout(barmode="group", title="Mean paralinguistic attribution (± std over items)",
                         yaxis=dict(title="mean drop of p(target)"), legend_title_text="head",
                         margin=dict(l=10, r=10, t=50, b=40), plot_bgcolor="#ffffff")
    return figure


def faithfulness_figure(summary: DatasetSummary) -> go.Figure:
    """Comprehensiveness and sufficiency per head, explanation vs random (± std over seeds)."""
    table = summary.faithfulness
    figure = go.Figure()
    for metric in ("comprehensiveness", "sufficiency"):
        for name, column in ((f"{metric} (leave-one-out)", metric), (f"{metric} (random)", f"random_{metric}")):
            figure.add_bar(
                x=table["head"], y=table[column], name=name,
                error_y=dict(type="data", array=table[f"{column}_std"], visible=column.startswith("random")),
                hovertext=[f"{escape(head)} · {name}<br>{number(v)} ± {number(s)}"
                           for head, v, s in zip(table["head"], table[column], table[f"{column}_std"])],
                hovertemplate="%{hovertext}<extra></extra>",
            )
    figure.update_layout(barmode="group", title="Faithfulness: higher comprehensiveness and lower sufficiency are better",
                         legend_title_text="", margin=dict(l=10, r=10, t=50, b=40),
                         plot_bgcolor="#ffffff")
    return figure


def dataset_figures(summary: DatasetSummary) -> dict[str, go.Figure]:
    """Every figure of the summary by name: ``words:<head>``, ``paralinguistic``, ``faithfulness``."""
    figures = {f"words:{head}": word_summary_figure(summary, head) for head in dict.fromkeys(summary.words["head"])}
    if not summary.paralinguistic.empty:
        figures["paralinguistic"] = paralinguistic_figure(summary)
    if not summary.faithfulness.empty:
        figures["faithfulness"] = faithfulness_figure(summary)
    return figures


# --- tables as shown (text cells) ---------------------------------------------------------------

def words_display(summary: DatasetSummary) -> pd.DataFrame:
    """head, class, rank, word, mean importance (signed, 3 decimals), occurrences."""
    words = summary.words
    return pd.DataFrame({"head": words["head"], "class": words["class"], "rank": words["rank"], "word": words["word"],
                         "mean importance": [number(v, signed=True) for v in words["mean_score"]],
                         "occurrences": words["count"]})


def paralinguistic_display(summary: DatasetSummary) -> pd.DataFrame:
    """One row per property (its title), one column per head: "mean ± std" over items."""
    table = summary.paralinguistic
    if table.empty:
        return pd.DataFrame()
    heads = list(dict.fromkeys(table["head"]))
    rows = []
    for prop in dict.fromkeys(table["property"]):
        row = {"property": PROPERTY_TITLES.get(prop, prop)}
        for head in heads:
            cell = table[(table["property"] == prop) & (table["head"] == head)]
            row[head] = "n/a" if cell.empty else \
                f"{number(cell['mean'].iloc[0], signed=True)} ± {number(cell['std'].iloc[0])}"
        rows.append(row)
    return pd.DataFrame(rows)


def clips_display(records: list[dict]) -> pd.DataFrame:
    """The clip list: file, the predicted class (and its probability) per head, status."""
    heads = list(dict.fromkeys(h["name"] for r in records if r.get("status") == "ok"
                               for h in r["explanation"]["heads"]))
    rows = []
    for record in records:
        row = {"file": record["id"]}
        predicted = {h["name"]: h for h in (record.get("explanation") or {}).get("heads", [])}
        for head in heads:
            result = predicted.get(head)
            row[head] = "" if result is None else \
                f"{result['predicted']} ({number(max(result['probabilities']), 2)})"
        row["status"] = "explained" if record.get("status") == "ok" else f"failed: {record.get('error', '')}"
        rows.append(row)
    return pd.DataFrame(rows, columns=["file", *heads, "status"])
