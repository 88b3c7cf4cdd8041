"""The aligner contract: audio (+ transcript, + language) -> words with times.

Every aligner returns an :class:`Alignment`; whatever it cannot do raises
:class:`AlignmentError` (a :class:`WordsError`, so callers can treat both alike).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from ..audio import Audio
from .words import Word, WordsError


class AlignmentError(WordsError):
    """No usable word timings for this clip: the message says why (silence, mismatch, missing backend...)."""


@dataclass
class Alignment:
    """Words found in a clip, the transcript they came from, and how they were found.

    ``approximated`` lists the words whose timing rests on a guess (a pronunciation made up
    by letter-to-sound rules, or a word with no usable characters, placed between its neighbours).
    """

    words: list[Word]
    aligner: str
    transcript: str
    settings: dict = field(default_factory=dict)
    approximated: list[str] = field(default_factory=list)

    def describe(self) -> dict:
        """Everything needed to reproduce the alignment, for ``Explanation.settings['aligner']``."""
        return {"name": self.aligner, **self.settings, "transcript": self.transcript,
                "approximated": list(self.approximated)}


class Aligner(ABC):
    """Loaded once (see :func:`get_aligner`), then called for many clips."""

    name: ClassVar[str]
    #: ISO 639-1 codes this aligner handles; ``None`` means any language its model covers.
    languages: ClassVar[tuple[str, ...] | None] = None

    @abstractmethod
    def align(self, audio: Audio, transcript: str | None, language: str) -> Alignment:
        """Words of ``transcript`` (or of what is heard, when None and the aligner can transcribe)."""

    def settings(self) -> dict:
        """The options that shape this aligner's output (model, sizes...)."""
        return {}

    def check_language(self, language: str) -> None:
        if self.languages is not None and language not in self.languages:
            raise AlignmentError(
                f"the '{self.name}' aligner handles {', '.join(self.languages)}, not '{language}'; "
                "choose --aligner ctc (any language with a wav2vec2 CTC model) or whisperx"
            )
