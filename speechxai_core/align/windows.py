"""No-ASR fallback: cut the clip into equal windows so word-level masking still works."""

from __future__ import annotations

import itertools
import math

from ..audio import Audio
from .words import Word

DEFAULT_WINDOW_S = 0.25


def window_words(audio: Audio, window: float = DEFAULT_WINDOW_S) -> list[Word]:
    """Windows ``[k*w, (k+1)*w)`` named by their start ("0.00-0.25"); the last one ends with the clip.

    A last window shorter than half of ``window`` is merged into the one before it.
    """
    if window <= 0:
        raise ValueError("window must be positive")
    duration = audio.duration
    count = max(1, math.floor(duration / window))
    if duration - count * window >= window / 2:
        count += 1
    edges = [min(k * window, duration) for k in range(count)] + [duration]
    return [Word(f"{a:.2f}-{b:.2f}", a, b) for a, b in itertools.pairwise(edges)]
