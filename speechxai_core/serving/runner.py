"""A streamed explanation for a front end: load the model and clip, then yield growing results.

When no words are given the aligner is asked for them; if word timings cannot be found,
the paralinguistic part still runs and a notice says why the words are missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

from ..align.words import WordsError
from ..audio import Audio, AudioError, load_audio
from ..explain import iter_explain
from ..explanation import Explanation
from ..models import load_model
from ..perturb.masking import MaskConfig
from ..perturb.variants import PROPERTIES
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


@dataclass
class Update:
    """One step of a run: ``explanation`` is None while loading; ``notice`` explains a fallback."""

    clip: Audio
    explanation: Explanation | None
    notice: str = ""


def stream_explanation(
    request: ExplainRequest, limits: Limits, progress: Callable[[int, int], None] | None = None
) -> Iterator[Update]:
    """Yield the loaded clip first, then each snapshot of the explanation (last one complete)."""
    if not request.audio:
        raise AudioError("no clip: upload or record one first")
    limits.check_file(request.audio)
    if request.words_file:
        limits.check_file(request.words_file)
    classifier = load_model(request.model.strip() or "demo", heads=request.heads.strip() or None)
    clip = load_audio(request.audio, classifier.sampling_rate, max_duration=limits.max_duration_s)
    yield Update(clip, None)
    options = dict(
        targets=request.targets.strip() or None,
        mask=MaskConfig(request.mask, float(request.pad_before_ms), float(request.pad_after_ms)),
        grid=request.grid, properties=tuple(request.properties), max_duration=None, progress=progress,
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
        notice = (f"Words not scored: {exc}. Type the transcript or upload word timings, then run again; "
                  "the paralinguistic attribution is below.")
        snapshots = iter_explain(clip, classifier, methods=["paraling"], **options)
        first = next(snapshots)
    else:
        notice = ""
    yield Update(clip, first, notice)
    for snapshot in snapshots:
        yield Update(clip, snapshot, notice)
