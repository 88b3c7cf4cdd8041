"""Fallback timings for a transcript without an aligner: words share the voiced span.

Each word gets a slice of the non-silent region proportional to its letter count.
Timings are approximate; the result says so in ``Word.score`` (always ``None``).
"""

from __future__ import annotations

import numpy as np

from ..audio import Audio
from .words import Word, WordsError


def voiced_span(audio: Audio, top_db: float = 35.0) -> tuple[float, float]:
    """Start and end (s) of the region within ``top_db`` of the clip's peak level."""
    import librosa

    _, (lo, hi) = librosa.effects.trim(audio.samples, top_db=top_db, frame_length=512, hop_length=128)
    if hi <= lo:
        return 0.0, audio.duration
    return lo / audio.sr, hi / audio.sr


def split_transcript(audio: Audio, transcript: str) -> list[Word]:
    tokens = transcript.split()
    if not tokens:
        raise WordsError("the transcript is empty")
    start, end = voiced_span(audio)
    weights = np.array([max(len(token), 1) for token in tokens], dtype=float)
    edges = start + (end - start) * np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])
    return [Word(token, float(a), float(b)) for token, a, b in zip(tokens, edges[:-1], edges[1:])]
