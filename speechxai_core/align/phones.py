"""Phoneme segments inside words: ``Phone(phone, start, end, word_index)``, aligned inside each word's span.

Every word is aligned on its own, inside its span (the aligner's or the user's timings): its
pronunciation comes from CMUdict (words missing from it: eSpeak NG's letter-to-sound rules mapped to
CMU phones, :mod:`.lts`), and PocketSphinx's sub-word alignment of the word's audio gives each phone's
frames (10 ms). The phones then tile the word exactly: the first starts at the word's start, the last
ends at its end, each boundary between them is the aligner's (kept inside the word, at least one frame
apart). A word too short for its phones (the acoustic model needs 30 ms per phone) or that does not
align gets its span split equally between its phones; such words are listed in ``equal_split``.
English only (the bundled PocketSphinx model).

References: Huggins-Daines et al. (2006), "PocketSphinx: a free, real-time continuous speech
recognition system for hand-held devices" (ICASSP); CMUdict; eSpeak NG.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

import soxr

from ..audio import Audio
from .base import AlignmentError
from .text import normalise, transcript_tokens
from .words import Word

MIN_PHONE_S = 0.01


@dataclass(frozen=True)
class Phone:
    """One phoneme (CMU/ARPAbet symbol without stress) spanning ``start``..``end`` seconds inside word
    ``word_index``."""

    phone: str
    start: float
    end: float
    word_index: int

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Phone":
        return cls(str(data["phone"]), float(data["start"]), float(data["end"]), int(data["word_index"]))


def shift_phones(phones: Sequence[Phone], seconds: float) -> list[Phone]:
    """``phones`` moved by ``seconds`` (between a segment's and its recording's timelines)."""
    return [Phone(p.phone, p.start + seconds, p.end + seconds, p.word_index) for p in phones]


def tile(names: list[str], starts: list[float], start: float, end: float, word_index: int) -> list[Phone]:
    """Phones covering ``start``..``end`` exactly, inner boundaries at ``start + starts[j]`` (j ≥ 1),
    each kept inside the word and at least ``MIN_PHONE_S`` after the previous one."""
    m = len(names)
    step = min(MIN_PHONE_S, (end - start) / m)
    bounds = [start]
    for j in range(1, m):
        lowest, highest = bounds[-1] + step, end - (m - j) * step
        bounds.append(min(max(start + starts[j], lowest), highest))
    bounds.append(end)
    return [Phone(names[j], float(bounds[j]), float(bounds[j + 1]), word_index) for j in range(m)]


def align_phones(audio: Audio, words: Sequence[Word], language: str = "en") -> tuple[list[Phone], dict]:
    """The phones of every word inside its span, and how they were found (see the module doc)."""
    if language != "en":
        raise AlignmentError(f"phonemes are aligned for English only (the language is '{language}')")
    from .registry import get_aligner

    aligner = get_aligner("pocketsphinx", "en")
    samples = audio.samples if audio.sr == 16000 else soxr.resample(audio.samples, audio.sr, 16000)
    phones, equal = [], []
    for index, word in enumerate(words):
        keys = [normalise(token) for token in transcript_tokens(word.word)]
        names = [p.rstrip("012") for key in keys for p in aligner.pronunciation(key)]
        if not names:
            continue
        lo, hi = int(round(word.start * 16000)), int(round(word.end * 16000))
        segments = aligner.phone_segments(samples[lo:hi], " ".join(keys)) if hi > lo else None
        if segments is not None and [s[0] for s in segments] == names:
            starts = [s[1] for s in segments]
        else:
            starts = [j * (word.end - word.start) / len(names) for j in range(len(names))]
            equal.append(word.word)
        phones += tile(names, starts, word.start, word.end, index)
    return phones, {"name": "pocketsphinx", "dictionary": "CMUdict (eSpeak NG for missing words)",
                    "equal_split": equal}
