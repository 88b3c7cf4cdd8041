"""Shapley values of words (or of frequency bands) and the words' pairwise Shapley interactions,
on one coalition budget.

The players are the ``n`` words (``shapley``) or the ``n`` frequency bands (``band_shapley``: see
:mod:`.players`); the value of a coalition ``S`` (the players kept) is
``v(S) = p(k | x with every player outside S removed)`` (with a contrast, ``p(A) − p(B)``; audio:
the set variant of the complement, ``words:…`` or ``bands:…``), so ``v(N) = p(k | x)`` and
``v(∅) = p(k | all removed)``. One variant scores every head, so heads share coalitions (and
with LIME, when both draw the same set).

- Shapley value: ``φ_i = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! · [v(S ∪ {i}) − v(S)]``;
  efficiency: ``Σ_i φ_i = p(k | x) − p(k | all words masked)``.
- Shapley interaction index (SII, order 2): ``I_ij = Σ_{S ⊆ N∖{i,j}} |S|!(n−|S|−2)!/(n−1)! ·
  [v(S∪{i,j}) − v(S∪{i}) − v(S∪{j}) + v(S)]``: the average, with Shapley weights, of how much
  more the two words add together than apart; ``I_ij > 0`` (e.g. "turn" + "off"): they matter
  more together. The SII of one word is its Shapley value. Interactions are kept for words only.

Exact over all ``2^n`` coalitions when ``2^n ≤ shapley_budget``. Otherwise values and
interactions are estimated together from at most ``shapley_budget`` coalitions by a ``shapiq``
approximator of the SII (default KernelSHAP-IQ with paired sampling: KernelSHAP's weighted
least squares for the values, a second fit on its residuals for the pairs), with a standard
error per value and pair (see :mod:`.coalition_game`); a ``shapley_uncertain`` warning asks
for a larger budget when a value's standard error exceeds ``STDERR_WARNING``. KernelSHAP
weights ``∅`` and ``N`` so heavily that efficiency holds to about 1e-9.

References:
    Shapley (1953). A value for n-person games. Contributions to the Theory of Games II.
    Grabisch, Roubens (1999). An axiomatic approach to the concept of interaction among players
    in cooperative games. International Journal of Game Theory 28.
    Lundberg, Lee (2017). A unified approach to interpreting model predictions. NeurIPS.
    Covert, Lee (2021). Improving KernelSHAP: practical Shapley value estimation using linear
    regression. AISTATS (paired sampling).
    Fumagalli et al. (2024). KernelSHAP-IQ: weighted least square optimization for Shapley
    interactions. ICML. Muschalik et al. (2024). shapiq: Shapley interactions for machine
    learning. NeurIPS Datasets and Benchmarks.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from ..explanation import Explanation
from .base import Context, MethodError, Scores, Stage, finite

#: A value's standard error (probability units) above which the run asks for a larger budget.
STDERR_WARNING = 0.015


def is_exact(n_words: int, budget: int) -> bool:
    """All ``2^n`` coalitions fit in the budget."""
    return 2 ** n_words <= budget


def planned_coalitions(n_words: int, budget: int) -> int:
    """Coalitions Shapley values and interactions score together (an upper bound when estimated)."""
    return min(2 ** n_words, budget) if n_words else 0


def exact_shapley(value: dict[frozenset, float], n: int) -> np.ndarray:
    """φ from the values of all ``2^n`` coalitions (keys: frozensets of kept words)."""
    phi = np.zeros(n)
    weights = [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for size in range(n):
            for subset in itertools.combinations(others, size):
                s = frozenset(subset)
                phi[i] += weights[size] * (value[s | {i}] - value[s])
    return phi


def exact_interactions(value: dict[frozenset, float], n: int, words: list[int]) -> np.ndarray:
    """Shapley interaction index of every pair of ``words`` from all coalitions' values."""
    matrix = np.zeros((len(words), len(words)))
    weights = [math.factorial(s) * math.factorial(n - s - 2) / math.factorial(n - 1) for s in range(n - 1)]
    for a, b in itertools.combinations(range(len(words)), 2):
        i, j = words[a], words[b]
        others = [m for m in range(n) if m not in (i, j)]
        total = 0.0
        for size in range(n - 1):
            for subset in itertools.combinations(others, size):
                s = frozenset(subset)
                total += weights[size] * (value[s | {i, j}] - value[s | {i}] - value[s | {j}] + value[s])
        matrix[a, b] = matrix[b, a] = total
    return matrix


def top_words(phi: np.ndarray, count: int) -> list[int]:
    """Indices of the ``count`` largest ``|φ|`` (ties by word order), in word order."""
    order = np.argsort(-np.abs(phi), kind="stable")[:count]
    return sorted(int(i) for i in order)


class Shapley:
    """Shapley values over the players of ``unit`` (``words``: method ``shapley``; ``bands``:
    ``band_shapley``; ``phonemes``: ``phoneme_shapley``)."""

    def __init__(self, unit: str = "words"):
        self.unit = unit
        self.name = "shapley" if unit == "words" else f"{unit[:-1]}_shapley"
        self.word_level = unit == "words"
        self.needs_words = unit != "bands"

    def stages(self, context: Context) -> list[Stage]:
        players, options = context.players(self.unit), context.options
        n = players.n
        if not n:
            return []
        if is_exact(n, options.shapley_budget):
            subsets = [frozenset(c) for size in range(n + 1) for c in itertools.combinations(range(n), size)]
            return [Stage(self.name, [players.coalition_variant(s) for s in subsets],
                          {"subsets": subsets, "exact": True})]
        from .coalition_game import draw, shared_coalitions

        if options.shapley_budget < shared_coalitions(n) + 2:
            raise MethodError(f"shapley_budget {options.shapley_budget} is too small for {n} {self.unit}: "
                              f"at least {shared_coalitions(n) + 2} coalitions")
        plan = draw(n, options.shapley_budget, options.shapley_approximator, context.seed, players.coalition_variant)
        return [Stage(self.name, plan.variants, {"plan": plan, "exact": False})]

    def planned(self, context: Context) -> int:
        return planned_coalitions(context.players(self.unit).n, context.options.shapley_budget)

    def apply(self, context: Context, stage: Stage, scores: Scores, explanation: Explanation) -> list[Stage]:
        players, exact, options = context.players(self.unit), stage.data["exact"], context.options
        n = players.n
        table, errors, gaps, interactions, baselines = {}, {}, {}, {}, {}
        for head in context.targets:
            full, empty = (context.probability(scores, players.coalition_variant(s).id, head) for s in (range(n), ()))
            if exact:
                value = {s: context.probability(scores, v.id, head) for s, v in zip(stage.data["subsets"], stage.variants)}
                phi, stderr = exact_shapley(value, n), np.zeros(n)
                words = top_words(phi, options.interaction_top)
                pairs = n >= 2 and self.word_level
                matrix, matrix_stderr = (exact_interactions(value, n, words) if pairs else None), None
            else:
                from .coalition_game import estimate

                result = estimate(stage.data["plan"], n, players.coalition_variant,
                                  lambda ids: [context.probability(scores, i, head) for i in ids])
                phi, stderr = result["phi"], result["phi_stderr"]
                words = top_words(phi, options.interaction_top)
                matrix, matrix_stderr = result["sii"][np.ix_(words, words)], result["sii_stderr"][np.ix_(words, words)]
            table[head], errors[head] = phi.tolist(), [finite(v) for v in stderr]
            gaps[head], baselines[head] = float(phi.sum() - (full - empty)), empty
            if matrix is not None and self.word_level:
                interactions[head] = _block(context, words, matrix, matrix_stderr, exact)
            if not exact and stderr.max() > STDERR_WARNING:
                explanation.warn("shapley_uncertain", f"{self.name} values of '{head}' have standard errors up to "
                                 f"{stderr.max():.3f}: increase the budget (shapley_budget, now "
                                 f"{options.shapley_budget}) for firmer values")
        explanation.method_details[self.name] = {
            "exact": exact, "coalitions": len(stage.variants), "budget": options.shapley_budget,
            "index": "SII", "max_order": 2, "approximator": None if exact else options.shapley_approximator,
            "levels": None if exact else list(stage.data["plan"].levels),
            "baseline": baselines, "stderr": errors, "efficiency_gap": gaps,
        }
        if not self.word_level:
            explanation.unit_scores(self.unit)["shapley"] = table
            return []
        explanation.method_scores["shapley"] = table
        explanation.word_interactions = interactions
        return []


def _block(context: Context, words: list[int], matrix: np.ndarray, stderr: np.ndarray | None, exact: bool) -> dict:
    """One head's interaction matrix (diagonal 0) as plain data."""
    return {
        "indices": words, "words": [context.words[i].word for i in words] if context.words else [str(i) for i in words],
        "matrix": matrix.tolist(), "exact": exact,
        "stderr": None if stderr is None else [[finite(v) for v in row] for row in stderr],
    }
