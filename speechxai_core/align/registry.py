"""Aligners by name, each loaded once per setting and cached; :func:`align` is the entry point.

``auto`` picks, per language: English -> ``pocketsphinx`` (offline, embedded); any other
language -> ``whisperx`` when it is installed, else ``ctc``; a clip without a transcript goes to
``whisper`` (Whisper's own word times) instead when the language's default CTC model is neither
in the local cache nor downloadable. Clips in
a language other than English are transcribed with the multilingual ``base`` model unless
``asr_model`` names another.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..audio import Audio, AudioSource, load_audio
from .base import Aligner, Alignment, AlignmentError
from .text import transcript_tokens, word_labels
from .words import Word

ALIGNER_NAMES = ("auto", "pocketsphinx", "ctc", "whisper", "whisperx", "proportional", "windows")

_CACHE: dict[tuple, Aligner] = {}
_LOCK = threading.Lock()


def _factories() -> dict[str, Callable[[str, dict], Aligner]]:
    from .ctc import CTCAligner
    from .simple import ProportionalAligner, WindowAligner
    from .sphinx import SphinxAligner
    from .whisper_words import WhisperWordsAligner
    from .whisperx_backend import WhisperXAligner

    return {
        "pocketsphinx": lambda language, o: SphinxAligner(asr_model=o.get("asr_model")),
        "ctc": lambda language, o: CTCAligner(o.get("align_model"), language, o.get("device", "cpu"), o.get("asr_model")),
        "whisper": lambda language, o: WhisperWordsAligner(asr_model=o.get("asr_model")),
        "whisperx": lambda language, o: WhisperXAligner(asr_model=o.get("asr_model"), device=o.get("device", "cpu")),
        "proportional": lambda language, o: ProportionalAligner(),
        "windows": lambda language, o: WindowAligner(o.get("window", 0.25)),
    }


def resolve_name(name: str, language: str) -> str:
    """The concrete aligner that ``name`` means for ``language`` (``auto`` resolved)."""
    if name not in ALIGNER_NAMES:
        raise AlignmentError(f"unknown aligner '{name}'; choose one of: {', '.join(ALIGNER_NAMES)}")
    if name != "auto":
        return name
    if language == "en":
        return "pocketsphinx"
    from .whisperx_backend import whisperx_available

    return "whisperx" if whisperx_available() else "ctc"


def get_aligner(name: str = "auto", language: str = "en", **options) -> Aligner:
    """The loaded aligner for ``name``/``language``/``options``; built on first use, then reused.

    ``options``: ``asr_model`` (faster-whisper name or folder), ``align_model`` (CTC model id or
    folder), ``device``, ``window`` (seconds, for ``windows``).
    """
    concrete = resolve_name(name, language)
    if language != "en" and not options.get("asr_model"):
        options = {**options, "asr_model": "base"}  # tiny.en is English-only
    per_language = concrete == "ctc" and not options.get("align_model")
    key = (concrete, language if per_language else None, tuple(sorted((k, v) for k, v in options.items() if v is not None)))
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = _factories()[concrete](language, options)
        return _CACHE[key]


def align(audio: AudioSource, transcript: str | None = None, language: str = "en", aligner: str = "auto",
          **options) -> Alignment:
    """Words of ``audio`` (anything :func:`load_audio` takes): forced alignment of ``transcript``,
    or transcription then alignment when None. ``options`` as for :func:`get_aligner`."""
    audio = audio if isinstance(audio, Audio) else load_audio(audio, max_duration=None)
    if transcript is not None and not transcript_tokens(transcript):
        raise AlignmentError(f"{audio.name}: the transcript is empty")
    language = (language or "en").lower()
    name = aligner
    if aligner == "auto" and transcript is None and resolve_name(aligner, language) == "ctc":
        from .ctc import ctc_available

        name = "ctc" if options.get("align_model") or ctc_available(language) else "whisper"
    chosen = get_aligner(name, language, **options)
    chosen.check_language(language)
    alignment = with_clean_labels(chosen.align(audio, transcript, language), transcribed=transcript is None)
    with_uncertain_words(alignment, audio)
    if aligner == "auto" and chosen.name == "whisper":
        alignment.settings["auto_choice"] = (f"no forced aligner for '{language}' is available offline; "
                                             "the words and times are Whisper's own")
    return alignment


def with_clean_labels(result: Alignment, transcribed: bool) -> Alignment:
    """The alignment with word labels free of punctuation (and of sentence capitals when transcribed)."""
    if result.aligner == "windows":
        return result
    labels = word_labels([w.word for w in result.words], transcribed)
    renamed = dict(zip((w.word for w in result.words), labels))
    result.words = [Word(label, w.start, w.end, w.score) for label, w in zip(labels, result.words)]
    result.pronunciation_guessed = [renamed.get(w, w) for w in result.pronunciation_guessed]
    result.timing_guessed = [renamed.get(w, w) for w in result.timing_guessed]
    return result


def with_uncertain_words(result: Alignment, audio: Audio) -> None:
    """Name the transcribed words the recogniser was unsure of in the settings (``uncertain_words``;
    see :mod:`.confidence`)."""
    from .confidence import confidence_settings, second_opinion

    confidences = result.settings.get("asr_confidence")
    if confidences is None or len(confidences) != len(result.words):
        result.settings.pop("asr_confidence", None)
        return
    second = second_opinion(audio, result.words, str(result.settings.get("asr_model") or "tiny.en"))
    result.settings.update(confidence_settings([w.word for w in result.words], confidences, second))


def clear_cache() -> None:
    """Forget every loaded aligner (frees their models)."""
    with _LOCK:
        _CACHE.clear()
