"""The benchmark of word methods on a few uploaded clips (the app's Dataset tab).

The uploads are either a manifest (one ``.jsonl`` file, rows as in
:mod:`speechxai_core.evaluation.benchmark`, with ``carriers`` for plausibility) and the clips it
names, matched by file name; or clips each with its ``NAME.words.json|csv`` timings (no carriers:
plausibility is then not measured). The clips and a manifest are copied into ``folder``, where the
benchmark writes ``benchmark.csv``, ``agreement.csv``, ``benchmark.html`` and ``benchmark.md``.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from ..align.words import read_words
from ..evaluation.benchmark import run_benchmark
from ..reports.benchmark_report import benchmark_html, benchmark_markdown
from .items import AUDIO_EXTENSIONS, DatasetError
from .run import ModelSpec

MAX_BENCHMARK_CLIPS = 20


@dataclass
class UploadedBenchmark:
    """The table (head, method, metrics), the agreement matrix, the number of clips and the report."""

    table: pd.DataFrame
    agreement: pd.DataFrame
    clips: int
    report: Path


def uploaded_manifest(files: Sequence[str | Path], folder: Path, max_clips: int = MAX_BENCHMARK_CLIPS) -> Path:
    """Copy the uploads into ``folder`` and write its ``manifest.jsonl`` (see the module doc)."""
    files = [Path(f) for f in files]
    audio = {f.name: f for f in files if f.suffix.lower() in AUDIO_EXTENSIONS}
    manifests = [f for f in files if f.suffix.lower() == ".jsonl"]
    if len(manifests) > 1:
        raise DatasetError("upload one manifest (.jsonl), not several")
    if manifests:
        rows = [json.loads(line) for line in manifests[0].read_text(encoding="utf-8").splitlines() if line.strip()]
        missing = [row.get("path", "?") for row in rows if Path(str(row.get("path", ""))).name not in audio]
        if missing:
            raise DatasetError(f"the manifest names clips that were not uploaded: {', '.join(missing[:3])}")
        rows = [row | {"path": Path(row["path"]).name} for row in rows]
    else:
        timings = {f.name.rsplit(".words.", 1)[0]: f for f in files if ".words." in f.name}
        lacking = [name for name in audio if Path(name).stem not in timings]
        if not audio or lacking:
            raise DatasetError("upload a manifest (.jsonl) with its clips, or each clip with NAME.words.json "
                               f"timings{' (none for ' + ', '.join(lacking[:3]) + ')' if lacking else ''}")
        rows = [{"path": name, "words": [w.to_dict() for w in read_words(timings[Path(name).stem])]}
                for name in audio]
    if len(rows) > max_clips:
        raise DatasetError(f"{len(rows)} clips; here at most {max_clips} are benchmarked "
                           "(use `speechxai benchmark` for larger sets)")
    folder.mkdir(parents=True, exist_ok=True)
    for row in rows:
        shutil.copyfile(audio[row["path"]], folder / row["path"])
    manifest = folder / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return manifest


def benchmark_uploads(files: Sequence[str | Path], model: ModelSpec, folder: Path, methods: Sequence[str],
                      progress: Callable[[int, int], None] | None = None) -> UploadedBenchmark:
    """Benchmark ``methods`` on the uploaded clips; writes the tables and the report into ``folder``."""
    if not methods:
        raise DatasetError("choose at least one word method to benchmark")
    manifest = uploaded_manifest(files, Path(folder))
    classifier = model.load()
    table, agreement, results = run_benchmark(manifest, classifier, methods, progress=progress)
    table.to_csv(folder / "benchmark.csv", index=False)
    agreement.to_csv(folder / "agreement.csv", index_label="method")
    (folder / "benchmark.md").write_text(benchmark_markdown(table, agreement), encoding="utf-8")
    report = folder / "benchmark.html"
    report.write_text(benchmark_html(table, agreement, title="SpeechXAI benchmark — uploaded clips",
                                     clips=len(results), model=model.name), encoding="utf-8")
    return UploadedBenchmark(table, agreement, len(results), report)


def benchmark_display(table: pd.DataFrame) -> pd.DataFrame:
    """The table as a UI shows it: method labels, metric names with ↑/↓, numbers as text."""
    from ..evaluation.benchmark import DIRECTION
    from ..reports.benchmark_report import metric_columns, plain_number
    from ..viz.style import METHOD_LABELS

    shown = pd.DataFrame({"head": table["head"], "method": [METHOD_LABELS.get(m, m) for m in table["method"]]})
    for metric in metric_columns(table):
        shown[f"{metric} {'↑' if DIRECTION[metric] else '↓'}"] = [plain_number(v, metric) or "n/a" for v in table[metric]]
    return shown
