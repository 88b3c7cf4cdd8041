"""LIME over words (``lime``), frequency bands (``band_lime``) or phonemes (``phoneme_lime``): a
weighted linear surrogate of the model on random subsets of those players (:mod:`.players`; the
text below says words, the same holds for each unit, its variants ``bands:i+j``, ``phones:i+j``).

Samples ``z_s ∈ {0,1}^n`` (1 = word kept), seeded by ``(seed, "lime")``: ``z_0`` keeps every
word; for ``s ≥ 1`` the number of removed words ``m ~ U{1…n}`` and a uniformly random set of
``m`` words is masked (the audio is the word-set variant ``words:i+j+…``).
Each sample is weighted by a proximity kernel ``π_s`` (:mod:`.lime_kernels`: ``cosine`` by
default, LIME's text kernel; ``fraction`` as an option).

Per head with target ``k``, ``y_s = p(k | x_{z_s})`` and the weighted ridge fit
``min_{β0, β} Σ_s π_s (y_s − β0 − z_sᵀβ)² + α π̄ ‖β‖²`` (intercept not penalised; ``π̄`` the mean
kernel weight, so α means the same whatever the kernel and its width), solved in
closed form on π-centred data: ``β = A⁻¹ Z̃ᵀΠỹ`` with ``A = Z̃ᵀΠZ̃ + α π̄ I``.
A word's score is ``β_i``: how much keeping it raises ``p(k)`` (a probability, like LOO's drops).

Diagnostics: ``R² = 1 − Σπ r² / Σπ (y − ȳ_π)²``; standard errors from
``Cov β = σ̂² A⁻¹ Z̃ᵀΠ²Z̃ A⁻¹`` with ``σ̂² = (Σπ r² / Σπ) · N / (N − n − 1)`` (residuals
taken as homoscedastic; NaN when ``N ≤ n + 1``).

References:
    Ribeiro, Singh, Guestrin (2016). "Why Should I Trust You?": Explaining the Predictions of
    Any Classifier. KDD.
"""

from __future__ import annotations

import zlib

import numpy as np

from ..explanation import Explanation
from .base import Context, Scores, Stage, finite
from .lime_kernels import KERNELS


def lime_samples(n_words: int, n_samples: int, seed: int) -> np.ndarray:
    """Masks ``(n_samples, n_words)`` of 0/1 (1 = kept); the first row keeps every word."""
    rng = np.random.default_rng([int(seed), zlib.crc32(b"lime")])
    z = np.ones((n_samples, n_words), dtype=np.int8)
    for row in z[1:]:
        removed = rng.choice(n_words, size=int(rng.integers(1, n_words + 1)), replace=False)
        row[removed] = 0
    return z


def weighted_ridge(z: np.ndarray, y: np.ndarray, weights: np.ndarray, alpha: float) -> dict:
    """Coefficients, intercept, R² and standard errors of the weighted ridge fit (see module doc)."""
    z, y, w = z.astype(np.float64), np.asarray(y, dtype=np.float64), np.asarray(weights, dtype=np.float64)
    total = w.sum()
    z_mean, y_mean = w @ z / total, w @ y / total
    zc, yc = z - z_mean, y - y_mean
    gram = zc.T @ (w[:, None] * zc)
    a = gram + alpha * np.eye(z.shape[1])
    a_inv = np.linalg.pinv(a)
    beta = a_inv @ (zc.T @ (w * yc))
    residuals = yc - zc @ beta
    rss, tss = float(w @ residuals ** 2), float(w @ yc ** 2)
    r2 = 1.0 - rss / tss if tss > 0 else float("nan")
    n_samples, n_words = z.shape
    dof = n_samples - n_words - 1
    sigma2 = rss / total * n_samples / dof if dof > 0 else float("nan")
    cov = sigma2 * a_inv @ (zc.T @ ((w ** 2)[:, None] * zc)) @ a_inv
    return {"coefficients": beta, "intercept": float(y_mean - z_mean @ beta), "r2": r2,
            "stderr": np.sqrt(np.clip(np.diag(cov), 0, None))}


class Lime:
    """LIME over the players of ``unit`` (``words``: method ``lime``; ``bands``: ``band_lime``;
    ``phonemes``: ``phoneme_lime``)."""

    def __init__(self, unit: str = "words"):
        self.unit = unit
        self.name = "lime" if unit == "words" else f"{unit[:-1]}_lime"
        self.word_level = unit == "words"
        self.needs_words = unit != "bands"

    def stages(self, context: Context) -> list[Stage]:
        players = context.players(self.unit)
        if not players.n:
            return []
        z = lime_samples(players.n, context.options.lime_samples, context.seed)
        variants = [players.removed_variant(np.flatnonzero(row == 0)) for row in z]
        return [Stage(self.name, variants, {"z": z})]

    def planned(self, context: Context) -> int:
        return context.options.lime_samples if context.players(self.unit).n else 0

    def apply(self, context: Context, stage: Stage, scores: Scores, explanation: Explanation) -> list[Stage]:
        options = context.options
        z = stage.data["z"]
        kernel = KERNELS[options.lime_kernel]
        width = options.lime_kernel_width or kernel.default_width
        weights = kernel.weights(z, width)
        penalty = options.lime_alpha * float(weights.mean())
        table, details = {}, {"samples": int(len(z)), "kernel": kernel.name, "kernel_width": width,
                              "alpha": options.lime_alpha, "r2": {}, "stderr": {}, "intercept": {}}
        for head in context.targets:
            y = [context.probability(scores, variant.id, head) for variant in stage.variants]
            fit = weighted_ridge(z, y, weights, penalty)
            table[head] = fit["coefficients"].tolist()
            details["r2"][head] = finite(fit["r2"])
            details["stderr"][head] = [finite(v) for v in fit["stderr"]]
            details["intercept"][head] = fit["intercept"]
        explanation.method_details[self.name] = details
        if self.word_level:
            explanation.method_scores["lime"] = table
        else:
            explanation.unit_scores(self.unit)["lime"] = table
        return []
