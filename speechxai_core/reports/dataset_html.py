"""A results folder's summary as CSV files and one self-contained HTML report (plotly inlined)."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from ..dataset.records import read_records
from ..evaluation.dataset_summary import DatasetSummary, summarize_records, word_paraling_sentences
from ..viz.dataset import dataset_figures, paralinguistic_display, words_display
from ..viz.style import number


def summarize_folder(folder: str | Path, top_k: int = 10) -> DatasetSummary:
    return summarize_records(read_records(folder), top_k)


def paralinguistic_table(summary: DatasetSummary) -> pd.DataFrame:
    """Table 3 layout: one row per property, one column per head (mean attribution)."""
    if summary.paralinguistic.empty:
        return pd.DataFrame()
    table = summary.paralinguistic.pivot(index="property", columns="head", values="mean")
    order = list(dict.fromkeys(summary.paralinguistic["property"]))
    return table.reindex(order)[list(dict.fromkeys(summary.paralinguistic["head"]))].rename_axis(None, axis=1)


def faithfulness_table(summary: DatasetSummary) -> pd.DataFrame:
    """Table 4 layout: per head, the explanation's "mean ± std over items" and the random
    baseline's "mean ± std over seeds"."""
    rows = []
    for row in summary.faithfulness.to_dict("records"):
        rows.append({
            "head": row["head"], "items": row["items"],
            "comprehensiveness ↑": _pm(row["comprehensiveness"], row["comprehensiveness_std"]),
            "random comprehensiveness": _pm(row["random_comprehensiveness"], row["random_comprehensiveness_std"]),
            "sufficiency ↓": _pm(row["sufficiency"], row["sufficiency_std"]),
            "random sufficiency": _pm(row["random_sufficiency"], row["random_sufficiency_std"]),
        })
    return pd.DataFrame(rows)


def _pm(mean: float, std: float) -> str:
    return "n/a" if pd.isna(mean) else f"{number(mean)} ± {number(std)}"


def write_summary(folder: str | Path, out: str | Path | None = None, top_k: int = 10) -> tuple[DatasetSummary, list[Path]]:
    """Write ``overview.csv``, ``words.csv``, ``paralinguistic.csv``, ``faithfulness.csv``,
    ``errors.csv``, ``word_paraling.csv`` (word-local prosody per word text) and ``report.html`` to ``out`` (default ``folder/summary``)."""
    summary = summarize_folder(folder, top_k)
    target = Path(out) if out else Path(folder) / "summary"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("overview", "words", "paralinguistic", "faithfulness", "errors", "word_paraling"):
        path = target / f"{name}.csv"
        getattr(summary, name).to_csv(path, index=False)
        written.append(path)
    report = target / "report.html"
    report.write_text(report_html(summary, title=f"SpeechXAI dataset summary — {Path(folder).resolve().name}"), encoding="utf-8")
    return summary, [*written, report]


def report_html(summary: DatasetSummary, title: str) -> str:
    """One HTML page with every table and figure; plotly.js is embedded, so it opens offline."""
    figures = dataset_figures(summary)
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p>{summary.items} items, {summary.items - summary.failed} explained, {summary.failed} failed.</p>",
             _table(summary.overview)]
    plotly_js = True

    def figure(name: str) -> str:
        nonlocal plotly_js
        chunk = figures[name].to_html(full_html=False, include_plotlyjs=plotly_js)
        plotly_js = False
        return chunk

    parts.append("<h2>Words per class</h2>")
    for name in [n for n in figures if n.startswith("words:")]:
        parts.append(figure(name))
    parts.append(_table(words_display(summary)))
    if "paralinguistic" in figures:
        parts += ["<h2>Paralinguistic attribution (mean over items)</h2>", figure("paralinguistic"),
                  _table(paralinguistic_display(summary))]
    if not summary.word_paraling.empty:
        parts += ["<h2>Which word's voice mattered (per word text)</h2><p>Mean drop of p(class) when only that "
                  "word's pitch, duration, loudness or noise is changed, over its occurrences in items explained as "
                  "the class; the largest per class first.</p><ul>"
                  + "".join(f"<li>{html.escape(line)}</li>" for line in word_paraling_sentences(summary)) + "</ul>",
                  _table(summary.word_paraling)]
    if "faithfulness" in figures:
        parts += ["<h2>Faithfulness of word attributions</h2>", figure("faithfulness"), _table(faithfulness_table(summary)),
                  "<p>Leave-one-out: mean ± std over items; random: mean ± std over the 5 seeds of the "
                  "dataset means. Items without a positively scored word are left out.</p>"]
    if summary.failed:
        parts += ["<h2>Failed items</h2>", _table(summary.errors)]
    style = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, float_format=number, border=0, na_rep="n/a")
