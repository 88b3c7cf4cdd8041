"""WhisperX, when it is installed (its own environment: it pins an older torch and torchaudio).

Transcribes with a faster-whisper model of the chosen size (unless a transcript is given),
then aligns with WhisperX's wav2vec2 CTC model for the language. Models load once.
"""

from __future__ import annotations

import importlib.util

import soxr

from ..audio import Audio
from .base import Aligner, Alignment, AlignmentError
from .checks import require_speech
from .text import transcript_tokens
from .words import Word

SAMPLE_RATE = 16000


def whisperx_available() -> bool:
    return importlib.util.find_spec("whisperx") is not None


class WhisperXAligner(Aligner):
    name = "whisperx"

    def __init__(self, asr_model: str | None = None, device: str = "cpu", compute_type: str = "int8"):
        if not whisperx_available():
            raise AlignmentError(
                "the 'whisperx' aligner is not installed; it needs its own environment "
                "(pip install whisperx, see README 'Word alignment'); the default pocketsphinx aligner works offline"
            )
        import whisperx

        self.whisperx = whisperx
        self.asr_model = asr_model or "small"
        self.device, self.compute_type = device, compute_type
        self._asr = None
        self._align_models: dict[str, tuple] = {}

    def settings(self) -> dict:
        return {"asr_model": self.asr_model, "device": self.device}

    def align(self, audio: Audio, transcript: str | None, language: str = "en") -> Alignment:
        require_speech(audio)
        samples = audio.samples if audio.sr == SAMPLE_RATE else soxr.resample(audio.samples, audio.sr, SAMPLE_RATE)
        try:
            if transcript is None:
                segments = self._transcriber().transcribe(samples, language=language)["segments"]
                transcript = " ".join(s["text"].strip() for s in segments)
            else:
                segments = [{"text": transcript, "start": 0.0, "end": audio.duration}]
            if not transcript_tokens(transcript):
                raise AlignmentError(f"{audio.name}: no words to align")
            model, metadata = self._align_model(language)
            result = self.whisperx.align(segments, model, metadata, samples, self.device)
        except AlignmentError:
            raise
        except Exception as exc:  # noqa: BLE001 - model downloads and backend failures
            raise AlignmentError(f"whisperx failed: {str(exc).splitlines()[0][:160]}") from None
        found = [w for s in result["segments"] for w in s.get("words", [])]
        words = [Word(w["word"], float(w["start"]), float(w["end"]), w.get("score"))
                 for w in found if "start" in w and "end" in w]
        if not words:
            raise AlignmentError(f"{audio.name}: whisperx found no words")
        untimed = [w["word"] for w in found if "start" not in w or "end" not in w]  # e.g. digits
        return Alignment(words, self.name, transcript, {**self.settings(), "language": language}, untimed)

    def _transcriber(self):
        if self._asr is None:
            self._asr = self.whisperx.load_model(self.asr_model, self.device, compute_type=self.compute_type)
        return self._asr

    def _align_model(self, language: str):
        if language not in self._align_models:
            self._align_models[language] = self.whisperx.load_align_model(language_code=language, device=self.device)
        return self._align_models[language]
