"""What a UI shows for a dataset: tables and plotly figures of a results folder, or of a
small dataset explained on the spot, and any one of its clips with its stored explanation."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from ..audio import Audio, load_audio
from ..evaluation.dataset_summary import DatasetSummary
from ..explanation import Explanation, VariantRecord
from ..perturb.variants import Variant
from .items import AUDIO_EXTENSIONS, DatasetError, Item, Items, read_items
from .records import read_records
from .run import ModelSpec, Progress, RunOptions, explain_dataset
from ..viz.style import PROPERTY_KIND, WORD_PROPERTY_KIND, variant_id

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
    clips: pd.DataFrame

    def outputs(self) -> tuple:
        """For a UI, in this order: status, word figure (all heads), paralinguistic figure,
        faithfulness figure, clip list, word table, paralinguistic table, faithfulness table,
        errors, report path; tables hold text written as in the single-clip views."""
        from ..viz.dataset import paralinguistic_display, word_summary_grid, words_display

        return (self.status, word_summary_grid(self.summary) if not self.words.empty else None,
                self.figures.get("paralinguistic"), self.figures.get("faithfulness"), self.clips,
                words_display(self.summary), paralinguistic_display(self.summary), self.faithfulness, self.errors,
                str(self.report))


def load_summary(folder: str | Path, top_k: int = 10) -> DatasetView:
    """Summarise an explain-dataset folder (writes its ``summary/`` CSVs and report)."""
    from ..reports.dataset_html import faithfulness_table, paralinguistic_table, write_summary
    from ..viz.dataset import clips_display, dataset_figures

    summary, written = write_summary(folder, top_k=top_k)
    status = f"{summary.items} items, {summary.items - summary.failed} explained, {summary.failed} failed"
    return DatasetView(
        folder=Path(folder), summary=summary, status=status, words=summary.words,
        paralinguistic=paralinguistic_table(summary).reset_index(names="property") if not summary.paralinguistic.empty
        else pd.DataFrame(), faithfulness=faithfulness_table(summary), errors=summary.errors,
        figures=dataset_figures(summary), report=written[-1], clips=clips_display(read_records(folder)),
    )


def open_record(folder: str | Path, index: int) -> tuple[Explanation, Audio]:
    """The stored explanation of clip ``index`` (in dataset order) and its audio as scored.

    Records keep no per-variant probabilities; they are restored from the stored drops
    (p(target | variant) = p(target) - drop, exact for leave-one-out words and for levels);
    the class a variant was predicted as is not stored and is left empty.
    """
    records = read_records(folder)
    if not 0 <= index < len(records):
        raise DatasetError(f"{folder}: no clip number {index + 1} (the folder holds {len(records)})")
    record = records[index]
    if record.get("status") != "ok":
        raise DatasetError(f"{record['id']}: not explained ({record.get('error', 'failed')})")
    explanation = Explanation.from_dict(record["explanation"])
    explanation.variants = stored_variants(explanation)
    path = Path(str(record.get("audio", "")))
    if not path.is_file():
        raise DatasetError(f"{record['id']}: its audio file is not on this server any more")
    clip = load_audio(path, explanation.audio["sampling_rate"], max_duration=None, name=record["id"])
    return explanation, clip


def stored_variants(explanation: Explanation) -> list[VariantRecord]:
    """The original clip, every word (when scored by leave-one-out), every band and phoneme (when scored)
    and every level, with the explained quantity per head restored from the drops."""
    heads = explanation.heads
    records = [VariantRecord("original", "original", None, {h.name: h.value for h in heads},
                             {h.name: h.predicted for h in heads})]
    if "loo" in explanation.settings.get("methods", ["loo"]):
        for i in range(len(explanation.words)):
            records.append(VariantRecord(f"word:{i}", "word", None, {
                h.name: h.value - explanation.word_scores[h.name][i]
                for h in heads if h.name in explanation.word_scores}, {}, word_index=i))
    for kind, table in (("band", explanation.band_scores), ("phone", explanation.phoneme_scores)):
        for i in range(len(next(iter(table.values()), []))):
            if all(values[i] is not None for values in table.values()):
                records.append(VariantRecord(f"{kind}:{i}", kind, None, {
                    h.name: h.value - table[h.name][i] for h in heads if h.name in table}, {}))
    for prop, levels in explanation.paralinguistic_levels.items():
        for j, level in enumerate(levels):
            kind = PROPERTY_KIND[prop]
            records.append(VariantRecord(variant_id(kind, level), kind, float(level), {
                h.name: h.value - explanation.paralinguistic_drops[h.name][prop][j]
                for h in heads if prop in explanation.paralinguistic_drops.get(h.name, {})}, {}))
    return records + _stored_word_local(explanation)


def _stored_word_local(explanation: Explanation) -> list[VariantRecord]:
    """The word-local variants (``word_paraling``) with p(target) per head restored from their drops."""
    records: dict[str, VariantRecord] = {}
    for head in explanation.heads:
        for prop, drops in explanation.word_paralinguistic.get(head.name, {}).items():
            level = float(explanation.word_paralinguistic_levels[prop])
            for i, drop in enumerate(drops):
                if drop is not None:
                    variant = Variant(WORD_PROPERTY_KIND[prop], level=level, word_index=i)
                    record = records.setdefault(variant.id, VariantRecord(variant.id, variant.kind, level, {}, {},
                                                                          word_index=i))
                    record.probabilities[head.name] = head.value - drop
    return list(records.values())


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
        raise DatasetError(f"too many items: {len(items)} in the {items.name}; here at most {max_items} are explained "
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
