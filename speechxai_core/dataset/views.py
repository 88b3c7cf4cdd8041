"""What a UI shows for a dataset: tables and plotly figures of a results folder, or of a
small dataset explained on the spot."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from ..evaluation.dataset_summary import DatasetSummary
from .items import AUDIO_EXTENSIONS, DatasetError, Item, Items, read_items
from .run import ModelSpec, Progress, RunOptions, explain_dataset

MAX_APP_ITEMS = 20


@dataclass
class DatasetView:
    """Ready-to-show tables (DataFrames) and figures (``{name: plotly Figure}``) of one folder."""

    folder: Path
    summary: DatasetSummary
    status: str
    words: pd.DataFrame
    paralinguistic: pd.DataFrame
    faithfulness: pd.DataFrame
    errors: pd.DataFrame
    figures: dict
    report: Path

    def outputs(self) -> tuple:
        """For a UI, in this order: status, word figure (all heads), paralinguistic figure,
        faithfulness figure, word table, paralinguistic table, faithfulness table, errors, report path."""
        from ..viz.dataset import word_summary_grid

        return (self.status, word_summary_grid(self.summary) if not self.words.empty else None,
                self.figures.get("paralinguistic"), self.figures.get("faithfulness"), self.words,
                self.paralinguistic, self.faithfulness, self.errors, str(self.report))


def load_summary(folder: str | Path, top_k: int = 10) -> DatasetView:
    """Summarise an explain-dataset folder (writes its ``summary/`` CSVs and report)."""
    from ..reports.dataset_html import faithfulness_table, paralinguistic_table, write_summary
    from ..viz.dataset import dataset_figures

    summary, written = write_summary(folder, top_k=top_k)
    status = f"{summary.items} items, {summary.items - summary.failed} explained, {summary.failed} failed"
    return DatasetView(
        folder=Path(folder), summary=summary, status=status, words=summary.words,
        paralinguistic=paralinguistic_table(summary).reset_index(names="property") if not summary.paralinguistic.empty
        else pd.DataFrame(), faithfulness=faithfulness_table(summary), errors=summary.errors,
        figures=dataset_figures(summary), report=written[-1],
    )


def run_small_dataset(
    source: str | Path | Sequence[str | Path],
    model: str | ModelSpec = "demo",
    out: str | Path | None = None,
    *,
    heads: str | None = None,
    methods: Sequence[str] = ("loo", "paraling"),
    grid: str = "fast",
    max_items: int = MAX_APP_ITEMS,
    progress: Progress | None = None,
    top_k: int = 10,
) -> DatasetView:
    """Explain a folder, manifest or list of audio files (at most ``max_items``) and summarise it.

    ``out`` defaults to a new temporary folder; an existing results folder is resumed.
    """
    if isinstance(source, (str, Path)):
        items = read_items(source)
    else:
        items = Items.from_list("uploaded files", uploaded_items([Path(f) for f in source]))
    if len(items) > max_items:
        raise DatasetError(f"{items.name} has {len(items)} items; here at most {max_items} are explained "
                           "(use `speechxai explain-dataset` for larger sets)")
    folder = Path(out) if out else Path(tempfile.mkdtemp(prefix="speechxai-dataset-"))
    spec = model if isinstance(model, ModelSpec) else ModelSpec(model, heads)
    explain_dataset(items, spec, folder, RunOptions(methods=tuple(methods), grid=grid), progress=progress)
    return load_summary(folder, top_k)


def uploaded_items(files: list[Path]) -> list[Item]:
    """Audio files, each with the ``NAME.txt`` transcript or ``NAME.words.json|csv`` timings
    found among ``files`` (uploads land in separate folders, so they are matched by name)."""
    texts = {f.name[:-4]: f for f in files if f.suffix.lower() == ".txt"}
    timings = {f.name.rsplit(".words.", 1)[0]: f for f in files if ".words." in f.name}
    audio = [f for f in files if f.suffix.lower() in AUDIO_EXTENSIONS]
    if not audio:
        raise DatasetError(f"no audio files given ({', '.join(AUDIO_EXTENSIONS)})")
    return [Item(id=f.name, audio=str(f),
                 transcript=texts[f.stem].read_text(encoding="utf-8").strip() if f.stem in texts else None,
                 words=str(timings[f.stem]) if f.stem in timings else None) for f in audio]
