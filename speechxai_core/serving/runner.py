"""A streamed explanation for a front end: load the model and clip, then yield growing results.

When no words are given the core's aligner is asked for them. If no words can be had, the
paralinguistic part still runs (or windows stand in for words, where the core does that) and
a notice says why.
"""

from __future__ import annotations

import inspect
import itertools
from dataclasses import dataclass, field
from typing import Callable, Iterator

from ..align.words import WordsError
from ..audio import Audio, AudioError, load_audio
from ..explain import iter_explain
from ..explanation import Explanation
from ..models import Classifier, load_model
from ..perturb.masking import MaskConfig
from ..perturb.variants import PROPERTIES
from .background import in_background
from .hosting import is_hosted
from .limits import Limits


@dataclass
class ExplainRequest:
    """What the user asked for, as the page collects it (empty strings mean "default")."""

    audio: str
    model: str = "demo"
    heads: str = ""
    transcript: str = ""
    words_file: str | None = None
    targets: str = ""
    mask: str = "zeros"
    pad_before_ms: float = 0.0
    pad_after_ms: float = 0.0
    properties: list[str] = field(default_factory=lambda: list(PROPERTIES))
    grid: str = "fast"
    aligner: str = "auto"
    start: float | None = None
    end: float | None = None


@dataclass
class Update:
    """One step of a run: the clip loaded, a stage starting (``stage``: what is being done), a progress
    report (``progress`` = (done, total) variants) or a snapshot (``explanation``); ``notice`` carries the
    explanation's warnings."""

    clip: Audio
    explanation: Explanation | None
    notice: str = ""
    progress: tuple[int, int] | None = None
    stage: str = ""


def stream_explanation(request: ExplainRequest, limits: Limits) -> Iterator[Update]:
    """Yield the loaded clip first, then progress reports and each snapshot of the explanation
    (the last one complete). Scoring runs on a worker thread; closing the iterator stops it."""
    if not request.audio:
        raise AudioError("no clip: upload or record one first")
    limits.check_file(request.audio)
    if request.words_file:
        limits.check_file(request.words_file)
    classifier = load_model(request.model.strip() or "demo", heads=request.heads.strip() or None,
                            allow_code_models=not is_hosted())
    clip = load_audio(request.audio, classifier.sampling_rate, max_duration=limits.max_duration_s)
    yield Update(clip, None)
    for kind, value in in_background(lambda report: _snapshots(request, classifier, clip, report)):
        if kind == "progress":
            yield Update(clip, None, progress=value)
        elif kind == "stage":
            yield Update(clip, None, stage=value)
        else:
            explanation, notice = value
            yield Update(clip, explanation, notice)


def _snapshots(request: ExplainRequest, classifier: Classifier, clip: Audio,
               report: Callable[[int, int], None]) -> Iterator[tuple[Explanation, str]]:
    """(snapshot, notice) pairs; without words, the properties alone when the core finds none."""
    options = dict(
        targets=request.targets.strip() or None,
        mask=MaskConfig(request.mask, float(request.pad_before_ms), float(request.pad_after_ms)),
        grid=request.grid, properties=tuple(request.properties), max_duration=None, progress=report,
        stage=getattr(report, "stage", None),
        start=request.start, end=request.end,
        **aligner_option(request.aligner),
    )
    methods = ["loo"] + (["paraling"] if request.properties else [])
    words = request.words_file or None
    transcript = request.transcript.strip() or None
    fallback = ""
    try:
        snapshots = iter_explain(clip, classifier, words=words, transcript=transcript, methods=methods, **options)
        first = next(snapshots)
    except WordsError as exc:
        if words or transcript or not request.properties:
            raise
        fallback = (f"Words not scored ({exc}). Type the transcript or upload word timings, then run again; "
                    "the paralinguistic attribution is below.")
        snapshots = iter_explain(clip, classifier, methods=["paraling"], **options)
        first = next(snapshots)
    for snapshot in itertools.chain([first], snapshots):
        if fallback:
            snapshot.warn("alignment_fallback", fallback)
        yield snapshot, warnings_notice(snapshot)


def aligner_choices() -> list[str]:
    """Aligner names the core offers (``auto`` picks one per language)."""
    try:
        from ..align.registry import ALIGNER_NAMES
    except ImportError:  # a core without built-in alignment
        return ["auto"]
    return list(ALIGNER_NAMES)


def aligner_option(name: str) -> dict:
    """``aligner=name`` for :func:`iter_explain` where the core takes it."""
    return {"aligner": name} if "aligner" in inspect.signature(iter_explain).parameters else {}


def warnings_notice(explanation: Explanation) -> str:
    """The explanation's caveats as one notice for the page ("" when there are none)."""
    return " ".join(_sentence(caveat.message) for caveat in explanation.warnings)


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")) if text else text
