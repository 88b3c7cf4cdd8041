"""Masking word segments: the audio of ``[start - pad_before, end + pad_after]`` is replaced."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MASK_STRATEGIES = ("zeros", "noise")


@dataclass(frozen=True)
class MaskConfig:
    """``strategy``: ``zeros`` (silence) or ``noise`` (white noise at the clip's RMS).

    Padding (ms) widens each word's span; spans are clamped to the clip.
    """

    strategy: str = "zeros"
    pad_before_ms: float = 0.0
    pad_after_ms: float = 0.0

    def __post_init__(self) -> None:
        if self.strategy not in MASK_STRATEGIES:
            raise ValueError(f"unknown mask strategy '{self.strategy}' (choose from {', '.join(MASK_STRATEGIES)})")
        if self.pad_before_ms < 0 or self.pad_after_ms < 0:
            raise ValueError("mask padding must be zero or positive")


def word_span(start: float, end: float, sr: int, n_samples: int, config: MaskConfig) -> tuple[int, int]:
    """Sample range [lo, hi) masked for a word spanning ``start``..``end`` seconds."""
    lo = int(round((start - config.pad_before_ms / 1000.0) * sr))
    hi = int(round((end + config.pad_after_ms / 1000.0) * sr))
    return max(0, lo), min(n_samples, max(hi, 0))


def mask_spans(
    samples: np.ndarray, spans: list[tuple[int, int]], config: MaskConfig, rng: np.random.Generator
) -> np.ndarray:
    """Copy of ``samples`` with every span replaced by silence or by noise at the clip's RMS."""
    masked = samples.astype(np.float32, copy=True)
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
    for lo, hi in spans:
        if hi <= lo:
            continue
        masked[lo:hi] = 0.0 if config.strategy == "zeros" else (rng.standard_normal(hi - lo) * rms).astype(np.float32)
    return masked
