"""LIME's proximity kernels: how much a sampled word subset counts in the surrogate fit.

A sample is ``z ∈ {0,1}^n`` (1 = word kept); the full clip is ``1``. Each kernel maps the
samples to weights ``π ∈ (0, 1]``, 1 for the full clip:

- ``cosine`` (default; LIME's text kernel, Ribeiro et al. 2016, as the SpeechXAI reference uses
  it): ``d = 100 · (1 − cos(z, 1)) = 100 · (1 − √(|z|/n))`` (``d = 100`` for the empty set) and
  ``π = √exp(−d²/σ²)``, width ``σ = 25``;
- ``fraction``: ``d = 1 − |z|/n`` (the fraction of words removed) and ``π = exp(−d²/σ²)``,
  width ``σ = 0.25``; it puts nearly all the weight on one-word removals in short clips.

References:
    Ribeiro, Singh, Guestrin (2016). "Why Should I Trust You?": Explaining the Predictions of
    Any Classifier. KDD.
    Pastor, Koudounas, Attanasio, Hovy, Baralis (2024). Explaining Speech Classification Models
    via Word-Level Audio Segments and Paralinguistic Features. EACL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


def cosine_weights(z: np.ndarray, width: float) -> np.ndarray:
    """``√exp(−d²/σ²)`` with ``d = 100 × cosine distance`` between each sample and all-ones."""
    kept = np.asarray(z, dtype=np.float64).sum(axis=1)
    distance = 100.0 * (1.0 - np.sqrt(kept / z.shape[1]))
    return np.sqrt(np.exp(-(distance ** 2) / width ** 2))


def fraction_weights(z: np.ndarray, width: float) -> np.ndarray:
    """``exp(−d²/σ²)`` with ``d`` the fraction of words removed."""
    removed = 1.0 - np.asarray(z, dtype=np.float64).mean(axis=1)
    return np.exp(-(removed ** 2) / width ** 2)


@dataclass(frozen=True)
class Kernel:
    """A named kernel: its weight function and the width used when none is given."""

    name: str
    weights: Callable[[np.ndarray, float], np.ndarray]
    default_width: float


KERNELS = {kernel.name: kernel for kernel in (Kernel("cosine", cosine_weights, 25.0),
                                              Kernel("fraction", fraction_weights, 0.25))}
