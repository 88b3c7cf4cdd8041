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

    ``pronunciation_guessed``: words missing from the pronouncing dictionary (or spelled partly
    outside the model's alphabet) whose pronunciation was guessed; their times still come from
    the alignment. ``timing_guessed``: words whose times are estimates rather than an alignment
    (placed between their neighbours, spread by letter count, or taken from the recogniser).
    """

    words: list[Word]
    aligner: str
    transcript: str
    settings: dict = field(default_factory=dict)
    pronunciation_guessed: list[str] = field(default_factory=list)
    timing_guessed: list[str] = field(default_factory=list)

    def describe(self) -> dict:
        """Everything needed to reproduce the alignment, for ``Explanation.settings['aligner']``."""
        return {"name": self.aligner, **self.settings, "transcript": self.transcript,
                "pronunciation_guessed": list(self.pronunciation_guessed),
                "timing_guessed": list(self.timing_guessed)}


def split_approximated(aligner: dict) -> dict:
    """Aligner settings written before the split: their single ``approximated`` list becomes
    ``pronunciation_guessed`` (words with a guessed dictionary entry) and ``timing_guessed``."""
    if "approximated" not in aligner or "pronunciation_guessed" in aligner:
        return aligner
    settings = dict(aligner)
    approximated = settings.pop("approximated") or []
    guessed = settings.get("guessed_pronunciations") or {}
    from .text import normalise

    settings["pronunciation_guessed"] = [w for w in approximated if normalise(w) in guessed]
    settings["timing_guessed"] = [w for w in approximated if normalise(w) not in guessed]
    return settings


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
