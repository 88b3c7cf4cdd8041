"""A streamed explanation for a front end: load the model and clip, then yield growing results.

When no words are given the core's aligner is asked for them. If no words can be had, the
paralinguistic part still runs (or windows stand in for words, where the core does that) and
a notice says why.
"""

from __future__ import annotations

import inspect
import itertools
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..align.words import WordsError
from ..audio import Audio, AudioError, load_audio
from ..explain import iter_explain
from ..explain.base import MethodOptions
from ..errors import echo
from ..explanation import Caveat, Explanation
from ..models import Classifier, load_model
from ..models.presets import ASSETS, display_name
from ..perturb.masking import MaskConfig
from ..perturb.variants import PROPERTIES
from .background import in_background
from .hosting import is_hosted
from .limits import Limits, RequestError
from .model_access import allowed_model

#: Longest silence of the stream: a waiting stage is re-announced with its elapsed time this often.
HEARTBEAT_S = 1.0
APP_ROOT = ASSETS.parent


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
    start: float | str | None = None  # seconds; text from the page's box (empty: none)
    end: float | str | None = None
    methods: list[str] = field(default_factory=lambda: ["loo"])
    repeats: int = 1
    contrast: str = ""
    checks: list[str] = field(default_factory=lambda: ["faithfulness"])  # on by default: ≤ 2n passes per method and head
    bands: int = MethodOptions.bands  # mel-spaced bands of the band methods


@dataclass
class Update:
    """One step of a run: the clip loaded, a stage starting (``stage``: what is being done), a progress
    report (``progress`` = (done, total) variants) or a snapshot (``explanation``); ``notice`` carries the
    explanation's warnings."""

    clip: Audio | None  # None until the clip is loaded
    explanation: Explanation | None
    notice: str = ""
    progress: tuple[int, int] | None = None
    stage: str = ""


def stream_explanation(request: ExplainRequest, limits: Limits) -> Iterator[Update]:
    """Yield stage announcements, the loaded clip, then progress reports and each snapshot of the
    explanation (the last one complete). The work runs on a worker thread (closing the iterator
    stops it); until variants are counted, a stage that takes long is re-announced every second
    with its elapsed time."""
    check_bounds(request, limits)
    if not request.audio:
        raise AudioError("no clip: upload or record one first")
    for upload, what in ((request.audio, "clip"), (request.words_file, "word-timings file")):
        if upload and not Path(upload).is_file():
            raise AudioError(f"the {what} is no longer on the server (uploads are removed after a while); "
                             "upload it again")
        if upload:
            limits.check_file(upload)
    clip, stage, counting = None, "", False
    for kind, value in in_background(lambda report: _run(request, limits, report), HEARTBEAT_S):
        if kind == "progress":
            counting = True
            yield Update(clip, None, progress=value)
        elif kind == "stage":
            stage = value
            yield Update(clip, None, stage=value)
        elif kind == "wait":
            if stage and not counting:
                yield Update(clip, None, stage=f"{stage} ({value:.0f} s)")
        elif isinstance(value, Audio):
            clip, stage = value, ""  # loading is over
            yield Update(clip, None)
        else:
            explanation = without_server_paths(value[0])
            yield Update(clip, explanation, warnings_notice(explanation))


def check_bounds(request: ExplainRequest, limits: Limits) -> None:
    """Refuse, before any work, text no clip this server accepts could need (see :class:`Limits`)."""
    for label, text in (("model name", request.model), ("heads spec", request.heads),
                        ("class to explain", request.targets)):
        limits.check_field(label, text or "")
    limits.check_transcript(request.transcript or "")
    seconds(request.start, "Explain from"), seconds(request.end, "Explain up to")


def seconds(value: float | str | None, label: str) -> float | None:
    """A segment time as the page's box gives it (text, empty for none) or a number; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except ValueError:
        raise RequestError(f"{label}: '{echo(value, 20)}' is not a number of seconds") from None
    if not number >= 0 or number == float("inf"):
        raise RequestError(f"{label}: {echo(value, 20)} s; give seconds from 0 up")
    return number


def _run(request: ExplainRequest, limits: Limits, report) -> Iterator:
    """The loaded clip, then (snapshot, notice) pairs."""
    model = allowed_model(request.model)
    report.stage(f"Loading model '{display_name(model)}'…")
    hosted = is_hosted()
    classifier = load_model(model, heads=request.heads.strip() or None, allow_code_models=not hosted,
                            hub_only=hosted)
    clip = load_audio(request.audio, classifier.sampling_rate, max_duration=limits.max_duration_s)
    yield clip
    yield from _snapshots(request, classifier, clip, report, limits)


def _snapshots(request: ExplainRequest, classifier: Classifier, clip: Audio, report: Callable[[int, int], None],
               limits: Limits = Limits()) -> Iterator[tuple[Explanation, str]]:
    """(snapshot, notice) pairs; without words, the properties alone when the core finds none.
    Methods estimated above ``limits.max_method_s`` are not run (a ``method_skipped`` warning)."""
    options = dict(
        targets=request.targets.strip() or None, contrast=request.contrast.strip() or None,
        mask=MaskConfig(request.mask, float(request.pad_before_ms), float(request.pad_after_ms)),
        grid=request.grid, properties=tuple(request.properties), max_duration=None, progress=report,
        repeats=int(request.repeats or 1), method_time_limit_s=limits.max_method_s, checks=tuple(request.checks),
        method_options={"bands": int(request.bands)},
        stage=getattr(report, "stage", None),
        # an emptied number field arrives as 0: a segment from 0 is the whole start, one ending at 0 means none
        start=seconds(request.start, "Explain from") or None, end=seconds(request.end, "Explain up to") or None,
        **aligner_option(request.aligner),
    )
    word_methods = [m for m in (request.methods or ["loo"]) if m != "paraling"] or ["loo"]
    methods = word_methods + (["paraling"] if request.properties else [])
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


def without_server_paths(explanation: Explanation) -> Explanation:
    """The explanation as the page and its downloads show it: the model by its name (a preset's, or a
    folder's own) and an uploaded timings file by its file name, never by their place on the server;
    a server path left in a warning becomes its last part."""
    source = explanation.model.get("name", "")
    explanation.model["name"] = display_name(source)
    aligner = explanation.settings.get("aligner", {})
    if aligner.get("name") == "given" and aligner.get("source") not in (None, "given"):
        aligner["source"] = Path(aligner["source"]).name
    explanation.warnings = [Caveat(caveat.code, hide_server_paths(caveat.message, source))
                            for caveat in explanation.warnings]
    return explanation


def hide_server_paths(text: str, *known: str) -> str:
    """``text`` with every ``known`` path, and any absolute path under the app's folder, the temporary folder
    or the home folder, cut to its last part (a model folder's path becomes its name)."""
    for path in sorted((p for p in known if p and Path(p).is_absolute()), key=len, reverse=True):
        text = text.replace(path, display_name(path))
    roots = "|".join(re.escape(str(root)) for root in server_roots())
    return re.sub(rf"(?:{roots})(?:/[^\s'\"/]+)*/([^\s'\"/]+)", r"\1", text) if roots else text


def server_roots() -> list[Path]:
    """Folders whose paths a visitor has no business seeing."""
    return sorted({APP_ROOT, Path(tempfile.gettempdir()).resolve(), Path.home()}, key=lambda p: len(str(p)),
                  reverse=True)


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
    """``text`` as a sentence: a full stop at the end, and a capital at the start when it begins with a plain
    word (a file name such as "silence3.wav" or a code name stays as written)."""
    text = text.strip()
    if not text:
        return text
    first = re.match(r"\S+", text).group()
    start = text[:1].upper() + text[1:] if re.fullmatch(r"[a-z]+[,;:]?", first) else text
    return start + ("" if text.endswith((".", "!", "?")) else ".")
