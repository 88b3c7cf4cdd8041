"""Explain every item of a dataset into a resumable results folder.

Each item is explained with :func:`~speechxai_core.explain.explain` and, when it has word
scores, evaluated with :func:`~speechxai_core.evaluation.faithfulness.evaluate_explanation`; its record is
appended to ``records.jsonl`` as soon as it is done. Re-running with the same ``out``
skips recorded items. A failing item becomes an error record; the run goes on.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..audio import load_audio
from ..errors import SpeechXAIError
from ..evaluation.faithfulness import evaluate_explanation, get_thresholds
from ..explain import MethodOptions, explain, get_methods
from ..explain.runner import ALIGN_FAILURE_CHOICES
from ..models import Classifier, load_model, resolve
from ..perturb.grids import get_grid
from ..perturb.masking import MaskConfig
from ..perturb.variants import PROPERTIES
from ..scoring import ScoringEngine
from .fingerprint import model_fingerprint
from .items import Item, Items, read_items
from .records import RecordWriter, check_run_settings, finished_ids

Progress = Callable[[int, int, int], None]  # (done, total, errors)


@dataclass(frozen=True)
class RunOptions:
    """How every item is explained; plain values so workers can receive them."""

    methods: tuple[str, ...] = ("loo", "paraling")
    grid: str = "full"
    properties: tuple[str, ...] = PROPERTIES
    mask: str = "zeros"
    pad_before_ms: float = 0.0
    pad_after_ms: float = 0.0
    seed: int = 0
    targets: str | None = None
    contrast: str | None = None
    max_duration: float | None = 60.0
    faithfulness: bool = True
    thresholds: str = "deciles"
    aligner: str = "auto"
    language: str = "en"
    on_align_failure: str = "error"
    align_options: tuple[tuple[str, str | float], ...] = ()
    batch_size: int = 16
    repeats: int = 1
    method_options: tuple[tuple[str, float], ...] = ()  # MethodOptions fields that differ from the defaults

    def __post_init__(self) -> None:
        """Fail before the first item on options that would fail every item."""
        MaskConfig(self.mask, self.pad_before_ms, self.pad_after_ms)
        get_thresholds(self.thresholds)
        get_methods(self.methods)
        MethodOptions(**dict(self.method_options))
        get_grid(self.grid).variants(tuple(self.properties))
        if self.on_align_failure not in ALIGN_FAILURE_CHOICES:
            raise ValueError(f"on_align_failure must be one of {', '.join(ALIGN_FAILURE_CHOICES)}")

    def settings(self) -> dict:
        """What must match for a resumed run (the batch size does not change results)."""
        data = asdict(self)
        data.pop("batch_size")
        for key, default in (("repeats", 1), ("method_options", ()), ("contrast", None)):  # older runs resume unchanged
            if data[key] == default:
                data.pop(key)
        return {key: list(value) if isinstance(value, tuple) else value for key, value in data.items()}


@dataclass(frozen=True)
class ModelSpec:
    """How a worker loads the model: a preset, hub id or folder, or a ready classifier object.
    ``hosted``: loaded for a hosted app (no models from code, hub ids never read as relative folders)."""

    model: str | Classifier = "demo"
    heads: str | None = None
    device: str | None = None
    half: bool = False
    hosted: bool = False

    def load(self) -> Classifier:
        if isinstance(self.model, Classifier):
            return self.model
        return load_model(self.model, heads=self.heads, device=self.device, half=self.half,
                          allow_code_models=not self.hosted, hub_only=self.hosted)

    @property
    def name(self) -> str:
        return self.model.name if isinstance(self.model, Classifier) else self.model

    def fingerprint(self) -> str | None:
        """The model files' fingerprint where the model is a local folder (or a preset kept in one)."""
        return None if isinstance(self.model, Classifier) else model_fingerprint(resolve(self.model).source)


@dataclass
class RunSummary:
    total: int
    skipped: int
    explained: int = 0
    errors: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


def explain_item(item: Item, index: int, classifier: Classifier, engine: ScoringEngine, options: RunOptions) -> dict:
    """The record of one item; any failure becomes an error record."""
    started = time.perf_counter()
    base = {"id": item.id, "index": index, "audio": item.source, "labels": item.labels, "transcript": item.transcript}
    try:
        clip = load_audio(item.audio, classifier.sampling_rate, max_duration=options.max_duration, name=item.id)
        words = item.words if item.words else None
        result = explain(
            clip, classifier, words=words, transcript=None if words else item.transcript,
            methods=options.methods, targets=options.targets, contrast=options.contrast,
            mask=MaskConfig(options.mask, options.pad_before_ms, options.pad_after_ms), grid=options.grid,
            properties=options.properties, seed=options.seed, engine=engine, max_duration=options.max_duration,
            aligner=options.aligner, language=options.language, on_align_failure=options.on_align_failure,
            align_options=dict(options.align_options), repeats=options.repeats,
            method_options=dict(options.method_options),
        )
        faithfulness = None
        if options.faithfulness and result.word_scores:
            per_head = evaluate_explanation(result, clip, classifier, engine=engine, thresholds=options.thresholds)
            faithfulness = {head: scores.to_dict() for head, scores in per_head.items()}
    except Exception as exc:  # noqa: BLE001 - one bad item must not stop the run
        message = str(exc) if isinstance(exc, SpeechXAIError) else f"{exc} ({_where(exc)})"
        return base | {"status": "error", "error": message, "error_type": type(exc).__name__,
                       "seconds": time.perf_counter() - started}
    explanation = result.to_dict()
    explanation.pop("variants")
    return base | {"status": "ok", "seconds": time.perf_counter() - started, "explanation": explanation,
                   "faithfulness": faithfulness}


def _where(exc: Exception) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno}"


def explain_dataset(
    source: str | Path | Items,
    model: ModelSpec | str | Classifier,
    out: str | Path,
    options: RunOptions = RunOptions(),
    *,
    retry_errors: bool = False,
    workers: int = 0,
    ray_address: str | None = None,
    gpus_per_worker: float | None = None,
    progress: Progress | None = None,
    **source_options,
) -> RunSummary:
    """Explain every item of ``source`` not yet in ``out``; ``workers > 0`` runs on Ray
    (a local cluster, or the one at ``ray_address``; ``gpus_per_worker`` defaults to 1 when
    the cluster has a GPU per worker, else 0).

    ``source`` is a folder, manifest or Hugging Face dataset (see :func:`read_items`).
    """
    spec = model if isinstance(model, ModelSpec) else ModelSpec(model)
    items = source if isinstance(source, Items) else read_items(source, **source_options)
    check_run_settings(out, {"source": items.name, "source_content": items.fingerprint, "model": spec.name,
                             "model_content": spec.fingerprint(), "heads": spec.heads} | options.settings())
    done = finished_ids(out, retry_errors)
    pending = items.pending(done)
    summary = RunSummary(total=len(items), skipped=sum(1 for item_id in items.ids if item_id in done))
    started = time.perf_counter()
    if summary.skipped == summary.total:
        records = iter(())
    elif workers > 0:
        from .ray_backend import ray_records

        records = ray_records(pending, spec, options, workers, address=ray_address, gpus_per_worker=gpus_per_worker)
    else:
        records = local_records(pending, spec, options)
    with RecordWriter(out) as writer:
        if progress:
            progress(summary.skipped, summary.total, 0)
        for record in records:
            writer.write(record)
            summary.explained += 1
            if record["status"] == "error":
                summary.errors += 1
                error = record["error"]
                summary.failures.append(error if error.startswith(record["id"]) else f"{record['id']}: {error}")
            if progress:
                progress(summary.skipped + summary.explained, summary.total, summary.errors)
    summary.seconds = time.perf_counter() - started
    return summary


def local_records(pending: Iterable[tuple[int, Item]], spec: ModelSpec, options: RunOptions) -> Iterator[dict]:
    """Records in this process, one model and one scoring engine for all items."""
    classifier = spec.load()
    engine = ScoringEngine(classifier, batch_size=options.batch_size)
    for index, item in pending:
        yield explain_item(item, index, classifier, engine, options)
