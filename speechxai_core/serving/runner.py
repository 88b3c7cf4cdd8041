"""A streamed explanation for a front end: load the model and clip, then yield growing results.

When no words are given the core's aligner is asked for them. If no words can be had, the
paralinguistic part still runs (or windows stand in for words, where the core does that) and
a notice says why.
"""

from __future__ import annotations

import inspect
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
from .limits import ENV, Limits

LIMIT_ENV = ENV["max_method_s"]


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
    methods: list[str] = field(default_factory=lambda: ["loo"])
    repeats: int = 1


@dataclass
class Update:
    """One step of a run: the clip loaded, a progress report (``progress`` = (done, total) variants)
    or a snapshot (``explanation``); ``notice`` explains a fallback."""

    clip: Audio
    explanation: Explanation | None
    notice: str = ""
    progress: tuple[int, int] | None = None


def stream_explanation(request: ExplainRequest, limits: Limits) -> Iterator[Update]:
    """Yield the loaded clip first, then progress reports and each snapshot of the explanation
    (the last one complete). Scoring runs on a worker thread; closing the iterator stops it."""
    if not request.audio:
        raise AudioError("no clip: upload or record one first")
    limits.check_file(request.audio)
    if request.words_file:
        limits.check_file(request.words_file)
    classifier = load_model(request.model.strip() or "demo", heads=request.heads.strip() or None)
    clip = load_audio(request.audio, classifier.sampling_rate, max_duration=limits.max_duration_s)
    yield Update(clip, None)
    for kind, value in in_background(lambda report: _snapshots(request, classifier, clip, report, limits)):
        if kind == "progress":
            yield Update(clip, None, progress=value)
        else:
            explanation, notice = value
            yield Update(clip, explanation, notice)


def _snapshots(request: ExplainRequest, classifier: Classifier, clip: Audio, report: Callable[[int, int], None],
               limits: Limits = Limits()) -> Iterator[tuple[Explanation, str]]:
    """(snapshot, notice) pairs; without words, the properties alone when the core finds none.
    Methods estimated above ``limits.max_method_s`` are not run; the notice says so."""
    skipped: list[str] = []
    options = dict(
        targets=request.targets.strip() or None,
        mask=MaskConfig(request.mask, float(request.pad_before_ms), float(request.pad_after_ms)),
        grid=request.grid, properties=tuple(request.properties), max_duration=None, progress=report,
        repeats=int(request.repeats or 1), method_time_limit_s=limits.max_method_s, notify=skipped.append,
        **aligner_option(request.aligner),
    )
    word_methods = [m for m in (request.methods or ["loo"]) if m != "paraling"] or ["loo"]
    methods = word_methods + (["paraling"] if request.properties else [])
    words = request.words_file or None
    transcript = request.transcript.strip() or None
    try:
        snapshots = iter_explain(clip, classifier, words=words, transcript=transcript, methods=methods, **options)
        first = next(snapshots)
    except WordsError as exc:
        if words or transcript or not request.properties:
            raise
        notice = (f"Words not scored ({exc}). Type the transcript or upload word timings, then run again; "
                  "the paralinguistic attribution is below.")
        snapshots = iter_explain(clip, classifier, methods=["paraling"], **options)
        first = next(snapshots)
    else:
        notice = alignment_notice(first)
    notice = " ".join([notice, *(f"{message.capitalize()} ({LIMIT_ENV})." for message in skipped
                                 if "skipped" in message)]).strip()
    yield first, notice
    for snapshot in snapshots:
        yield snapshot, notice


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


def alignment_notice(explanation: Explanation) -> str:
    """Why the words are stand-ins, when alignment found none ("" otherwise)."""
    aligner = explanation.settings.get("aligner", {})
    if aligner.get("name") != "windows":
        return ""
    return (f"No words could be aligned ({aligner.get('reason', 'no reason given')}); windows of "
            f"{aligner.get('window', 0):g} s stand in for them. Type the transcript or upload word timings, "
            "then run again.")
