"""A streamed explanation for a front end: load the model and clip, then yield growing results.

When no words are given the core's aligner is asked for them. If no words can be had, the
paralinguistic part still runs (or windows stand in for words, where the core does that) and
a notice says why.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..align.words import WordsError
from ..audio import Audio, AudioError, load_audio
from ..explain import iter_explain
from ..explanation import Explanation
from ..models import Classifier, load_model
from ..models.presets import display_name
from ..perturb.masking import MaskConfig
from ..perturb.variants import PROPERTIES
from .background import in_background
from .limits import Limits
from .model_access import allowed_model


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
    for upload, what in ((request.audio, "clip"), (request.words_file, "word-timings file")):
        if upload and not Path(upload).is_file():
            raise AudioError(f"the {what} is no longer on the server (uploads are removed after a while); "
                             "upload it again")
        if upload:
            limits.check_file(upload)
    classifier = load_model(allowed_model(request.model), heads=request.heads.strip() or None)
    clip = load_audio(request.audio, classifier.sampling_rate, max_duration=limits.max_duration_s)
    yield Update(clip, None)
    for kind, value in in_background(lambda report: _snapshots(request, classifier, clip, report)):
        if kind == "progress":
            yield Update(clip, None, progress=value)
        else:
            explanation, notice = value
            yield Update(clip, without_server_paths(explanation), notice)


def _snapshots(request: ExplainRequest, classifier: Classifier, clip: Audio,
               report: Callable[[int, int], None]) -> Iterator[tuple[Explanation, str]]:
    """(snapshot, notice) pairs; without words, the properties alone when the core finds none."""
    options = dict(
        targets=request.targets.strip() or None,
        mask=MaskConfig(request.mask, float(request.pad_before_ms), float(request.pad_after_ms)),
        grid=request.grid, properties=tuple(request.properties), max_duration=None, progress=report,
        **aligner_option(request.aligner),
    )
    methods = ["loo"] + (["paraling"] if request.properties else [])
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
    yield first, notice
    for snapshot in snapshots:
        yield snapshot, notice


def without_server_paths(explanation: Explanation) -> Explanation:
    """The explanation as the page and its downloads show it: the model by its name (a preset's, or a
    folder's own) and an uploaded timings file by its file name, never by their place on the server."""
    explanation.model["name"] = display_name(explanation.model.get("name", ""))
    aligner = explanation.settings.get("aligner", {})
    if aligner.get("name") == "given" and aligner.get("source") not in (None, "given"):
        aligner["source"] = Path(aligner["source"]).name
    return explanation


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
