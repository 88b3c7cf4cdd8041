"""Plotly figures of a :class:`~speechxai_core.evaluation.dataset_summary.DatasetSummary`."""

from __future__ import annotations

import plotly.graph_objects as go

from ..evaluation.dataset_summary import DatasetSummary


def word_summary_figure(summary: DatasetSummary, head: str) -> go.Figure:
    """Stacked horizontal bars: for each top word, its mean score in each class (one colour per class)."""
    table = summary.words[summary.words["head"] == head]
    order = table.groupby("word")["mean_score"].sum().sort_values().index.tolist()
    figure = go.Figure()
    for label, rows in table.groupby("class", sort=True):
        rows = rows.set_index("word").reindex(order)
        figure.add_bar(
            y=order, x=rows["mean_score"], name=str(label), orientation="h",
            customdata=rows["count"], hovertemplate="%{y}: %{x:.3f} (n = %{customdata})<extra>" + str(label) + "</extra>",
        )
    figure.update_layout(
        barmode="relative", title=f"Top words per class — {head}", xaxis_title="mean word importance",
        height=max(320, 22 * len(order) + 140), legend_title_text="class", margin=dict(l=10, r=10, t=50, b=40),
    )
    return figure


def word_summary_grid(summary: DatasetSummary) -> go.Figure:
    """Every head's word summary in one figure, one row of stacked bars per head."""
    from plotly.subplots import make_subplots

    heads = list(dict.fromkeys(summary.words["head"]))
    figure = make_subplots(rows=max(1, len(heads)), cols=1, subplot_titles=[f"Top words per class — {h}" for h in heads],
                           vertical_spacing=0.25 / max(1, len(heads)))
    height = 0
    for row, head in enumerate(heads, 1):
        part = word_summary_figure(summary, head)
        for trace in part.data:
            figure.add_trace(trace.update(legendgroup=head, legendgrouptitle_text=head), row=row, col=1)
        height += part.layout.height - 100
    figure.update_layout(barmode="relative", height=max(320, height + 100), margin=dict(l=10, r=10, t=50, b=40))
    return figure


def paralinguistic_figure(summary: DatasetSummary) -> go.Figure:
    """Grouped bars: mean attribution (± std over items) per property, one group per head."""
    figure = go.Figure()
    for head, rows in summary.paralinguistic.groupby("head", sort=False):
        figure.add_bar(x=rows["property"], y=rows["mean"], name=str(head),
                       error_y=dict(type="data", array=rows["std"], visible=True))
    figure.update_layout(barmode="group", title="Mean paralinguistic attribution",
                         yaxis_title="mean drop of p(target)", legend_title_text="head",
                         margin=dict(l=10, r=10, t=50, b=40))
    return figure


def faithfulness_figure(summary: DatasetSummary) -> go.Figure:
    """Comprehensiveness and sufficiency per head, explanation vs random (± std over seeds)."""
    table = summary.faithfulness
    figure = go.Figure()
    for metric in ("comprehensiveness", "sufficiency"):
        figure.add_bar(x=table["head"], y=table[metric], name=f"{metric} (leave-one-out)",
                       error_y=dict(type="data", array=table[f"{metric}_std"], visible=False))
        figure.add_bar(x=table["head"], y=table[f"random_{metric}"], name=f"{metric} (random)",
                       error_y=dict(type="data", array=table[f"random_{metric}_std"], visible=True))
    figure.update_layout(barmode="group", title="Faithfulness: higher comprehensiveness and lower sufficiency are better",
                         legend_title_text="", margin=dict(l=10, r=10, t=50, b=40))
    return figure


def dataset_figures(summary: DatasetSummary) -> dict[str, go.Figure]:
    """Every figure of the summary by name: ``words:<head>``, ``paralinguistic``, ``faithfulness``."""
    figures = {f"words:{head}": word_summary_figure(summary, head) for head in dict.fromkeys(summary.words["head"])}
    if not summary.paralinguistic.empty:
        figures["paralinguistic"] = paralinguistic_figure(summary)
    if not summary.faithfulness.empty:
        figures["faithfulness"] = faithfulness_figure(summary)
    return figures
