"""Aligners that need no model: proportional split of a transcript, and equal windows."""

from __future__ import annotations

from ..audio import Audio
from .base import Aligner, Alignment, AlignmentError
from .proportional import split_transcript
from .windows import DEFAULT_WINDOW_S, window_words


class ProportionalAligner(Aligner):
    """Spreads the transcript over the voiced span by letter count (approximate by design)."""

    name = "proportional"

    def align(self, audio: Audio, transcript: str | None, language: str = "en") -> Alignment:
        if transcript is None or not transcript.strip():
            raise AlignmentError(f"{audio.name}: the 'proportional' aligner needs a non-empty transcript")
        words = split_transcript(audio, transcript)
        return Alignment(words, self.name, transcript, {"approximate": True}, timing_guessed=[w.word for w in words])


class WindowAligner(Aligner):
    """No words at all: equal windows of ``window`` seconds stand in for them."""

    name = "windows"

    def __init__(self, window: float = DEFAULT_WINDOW_S):
        self.window = window

    def settings(self) -> dict:
        return {"window": self.window}

    def align(self, audio: Audio, transcript: str | None = None, language: str = "en") -> Alignment:
        return Alignment(window_words(audio, self.window), self.name, "", self.settings())
