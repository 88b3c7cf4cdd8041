"""A benchmark of word methods as one self-contained HTML page (the table, the definitions, agreement)
and as Markdown tables."""

from __future__ import annotations

import math

import pandas as pd

from ..evaluation.benchmark import DIRECTION, RANDOM
from ..viz.style import METHOD_LABELS, escape, number

UNITS = {"comprehensiveness": "probability drop", "sufficiency": "probability drop", "deletion_auc": "probability",
         "insertion_auc": "probability", "plausibility": "share of clips", "seconds_per_clip": "seconds",
         "stability_spearman": "Spearman ρ", "stability_top1": "share of pairs", "mask_spearman": "Spearman ρ",
         "members_spearman": "Spearman ρ", "sanity_spearman": "Spearman ρ", "sanity_passed": "share of clips"}
DEFINITIONS = {
    "comprehensiveness": "mean drop of p(k) when the top-scored words are masked (deciles of the positively scored words)",
    "sufficiency": "mean drop of p(k) when only the top-scored words are kept",
    "deletion_auc": "area under p(k) as words are masked in ranking order, over the fraction of words",
    "insertion_auc": "area under p(k) as words are restored in ranking order, from all masked",
    "plausibility": "share of clips whose carrying word (manifest 'carriers') is ranked first",
    "seconds_per_clip": "time of the explanation alone, on the machine that ran the benchmark",
    "stability_spearman": "rank agreement of the word scores across seeds (methods that draw random numbers)",
    "stability_top1": "share of seed pairs with the same top word",
    "mask_spearman": "rank agreement between masking words with zeros and with noise",
    "members_spearman": "rank agreement between the members of an ensemble model, explained one by one",
    "sanity_spearman": "rank correlation with the explanation of the model with every weight reset (near 0: good)",
    "sanity_passed": "share of clips where the explanation did not survive the reset (|ρ| < 0.5)",
}
PAGE_STYLE = ("body{font-family:system-ui,sans-serif;margin:24px;color:#111827;max-width:1100px}"
              "table{border-collapse:collapse;font-size:14px;margin:8px 0}"
              "td,th{border:1px solid #e5e7eb;padding:4px 10px;text-align:right;white-space:nowrap}"
              "th{background:#f3f4f6}td.name{text-align:left}tr.random td{color:#6b7280;font-style:italic}"
              "td.best{font-weight:700}.scroll{overflow-x:auto}.note{color:#4b5563;font-size:14px}")


def benchmark_html(table: pd.DataFrame, agreement: pd.DataFrame, *, title: str, clips: int, model: str) -> str:
    """The page: per head, methods × metrics (best method per metric in bold, random in grey)."""
    metrics = metric_columns(table)
    header = "".join(f"<th>{escape(m)} {'↑' if DIRECTION[m] else '↓'}<br><small>{escape(UNITS[m])}</small></th>"
                     for m in metrics)
    rows = []
    for head, group in table.groupby("head", sort=False):
        methods = group[group["method"] != RANDOM]
        best = {m: (methods[m].max() if DIRECTION[m] else methods[m].min()) for m in metrics}
        for row in group.to_dict("records"):
            cells = "".join(_cell(row[m], m, row["method"] != RANDOM and row[m] == best[m]) for m in metrics)
            css = ' class="random"' if row["method"] == RANDOM else ""
            label = METHOD_LABELS.get(row["method"], row["method"])
            rows.append(f'<tr{css}><td class="name">{escape(head)}</td><td class="name">{escape(label)}</td>{cells}</tr>')
    definitions = "".join(f"<li><b>{escape(m)}</b> ({escape(UNITS[m])}): {escape(DEFINITIONS[m])}</li>" for m in metrics)
    matrix = "".join(f'<tr><td class="name">{escape(a)}</td>'
                     + "".join(f"<td>{number(agreement.loc[a, b], 2)}</td>" for b in agreement.columns) + "</tr>"
                     for a in agreement.index)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{PAGE_STYLE}</style></head><body>'
            f'<h1>{escape(title)}</h1><p class="note">Model {escape(model)}, {clips} clip{"" if clips == 1 else "s"}; '
            f'means over clips, per head; the best method per column in bold; <i>random</i>: uniform random word '
            f'scores (5 seeds).</p>'
            f'<div class="scroll"><table class="sx-benchmark"><thead><tr><th>head</th><th>method</th>{header}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div><ul class="note">{definitions}</ul>'
            f'<h2>Agreement</h2><p class="note">Spearman ρ of the word scores of two methods, mean over clips and heads.</p>'
            f'<div class="scroll"><table class="sx-agreement"><thead><tr><th></th>'
            + "".join(f"<th>{escape(b)}</th>" for b in agreement.columns)
            + f'</tr></thead><tbody>{matrix}</tbody></table></div></body></html>')


def _cell(value: float, metric: str, best: bool) -> str:
    text = plain_number(value, metric)
    return f'<td{" class=best" if best else ""}>{text or "n/a"}</td>'


def benchmark_markdown(table: pd.DataFrame, agreement: pd.DataFrame) -> str:
    """The table (``head | method | metric ↑/↓ …``) and the agreement matrix as Markdown."""
    metrics = metric_columns(table)
    names = [f"{m} {'↑' if DIRECTION[m] else '↓'}" for m in metrics]
    lines = ["| head | method | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(metrics)]
    for row in table.to_dict("records"):
        cells = [plain_number(row[m], m) for m in metrics]
        lines.append(f"| {row['head']} | {row['method']} | " + " | ".join(cells) + " |")
    lines += ["", "| | " + " | ".join(agreement.columns) + " |", "|---|" + "---|" * len(agreement.columns)]
    lines += [f"| {a} | " + " | ".join(number(agreement.loc[a, b], 2) for b in agreement.columns) + " |"
              for a in agreement.index]
    return "\n".join(lines) + "\n"


def metric_columns(table: pd.DataFrame) -> list[str]:
    """The table's metric columns (all but head and method), in order."""
    return [c for c in table.columns if c not in ("head", "method")]


def plain_number(value: float, metric: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return number(value, 3 if metric in ("comprehensiveness", "sufficiency", "deletion_auc", "insertion_auc") else 2)
