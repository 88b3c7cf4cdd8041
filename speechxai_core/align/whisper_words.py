"""Word times straight from faster-whisper (cross-attention timing), for any language it knows.

Cheaper than transcribe-then-align but looser: Whisper's word boundaries drift by tens of
milliseconds. A given transcript is not forced; it only checks that something was heard.
"""

from __future__ import annotations

from ..audio import Audio
from .base import Aligner, Alignment, AlignmentError
from .checks import require_speech
from .whisper import get_transcriber, segment_words


class WhisperWordsAligner(Aligner):
    name = "whisper"

    def __init__(self, asr_model: str | None = None):
        self.asr_model = asr_model
        self.transcriber = get_transcriber(asr_model)

    def settings(self) -> dict:
        return {"asr_model": self.asr_model or "bundled tiny.en"}

    def align(self, audio: Audio, transcript: str | None, language: str = "en") -> Alignment:
        require_speech(audio)
        if transcript is not None:
            raise AlignmentError("the 'whisper' aligner only transcribes; to force a transcript use pocketsphinx or ctc")
        text, segments = self.transcriber.transcribe(audio, language, word_timestamps=True)
        words = segment_words(segments, audio.duration)
        if not words:
            raise AlignmentError(f"{audio.name}: no words were heard in the clip")
        return Alignment(words, self.name, text, {**self.settings(), "language": language, "transcribed": True})
