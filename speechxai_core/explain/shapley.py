"""Shapley values of words (or of frequency bands) and the words' pairwise interactions.

The players are the ``n`` words (``shapley``) or the ``n`` frequency bands (``band_shapley``: see
:mod:`.players`); the value of a coalition ``S`` (the players kept) is
``v(S) = p(k | x with every player outside S removed)`` (audio: the set variant of the
complement, ``words:…`` or ``bands:…``), so ``v(N) = p(k | x)`` and ``v(∅) = p(k | all removed)``.

- Exact (``n ≤ shapley_exact_max_words``, all ``2^n`` coalitions):
  ``φ_i = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! · [v(S ∪ {i}) − v(S)]``.
- Sampled (more words): ``M`` permutations ``σ`` drawn with seed ``(seed, "shapley")``,
  ``φ_i = 1/M Σ_σ [v(P_σ(i) ∪ {i}) − v(P_σ(i))]`` with ``P_σ(i)`` the words before ``i``;
  standard error ``std_σ / √M``. Each permutation's contributions sum to ``v(N) − v(∅)``.

Either way efficiency holds: ``Σ_i φ_i = p(k | x) − p(k | all words masked)``.

Interactions (Shapley interaction index) of the ``interaction_top`` words with the largest
``|φ|`` per head: ``I_ij = Σ_{S ⊆ N∖{i,j}} |S|!(n−|S|−2)!/(n−1)! · Δ_ij(S)`` with
``Δ_ij(S) = v(S∪{i,j}) − v(S∪{i}) − v(S∪{j}) + v(S)``. Exact from the same coalitions; when
sampled, ``S`` = the words before a merged player {i,j} in a random order of the ``n−1``
players (which draws ``S`` with exactly those weights), ``interaction_samples`` per pair.
``I_ij > 0``: the words matter more together than apart (e.g. "turn" + "off"). Interactions are
computed for words only.

References: Shapley (1953), "A value for n-person games"; Castro et al. (2009), sampling permutations;
Grabisch & Roubens (1999), the Shapley interaction index.
"""

from __future__ import annotations

import itertools
import math
import zlib

import numpy as np

from ..explanation import Explanation
from .base import Context, Scores, Stage, finite


def is_exact(n_words: int, max_exact: int) -> bool:
    return n_words <= max_exact


def planned_coalitions(n_words: int, options) -> int:
    """Coalitions the Shapley values need (before interactions): an upper bound when sampled."""
    if is_exact(n_words, options.shapley_exact_max_words):
        return 2 ** n_words
    return min(2 ** n_words, options.shapley_permutations * (n_words - 1) + 2)


def planned_interaction_coalitions(n_words: int, heads: int, options) -> int:
    """Extra coalitions of the sampled interaction step (0 when exact); an upper bound."""
    if is_exact(n_words, options.shapley_exact_max_words):
        return 0
    top = min(options.interaction_top, n_words)
    return heads * top * (top - 1) // 2 * options.interaction_samples * 4


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
    ``band_shapley``)."""

    def __init__(self, unit: str = "words"):
        self.unit = unit
        self.name = "shapley" if unit == "words" else f"{unit[:-1]}_shapley"
        self.word_level = unit == "words"
        self.needs_words = unit != "bands"

    def stages(self, context: Context) -> list[Stage]:
        players = context.players(self.unit)
        n = players.n
        if not n:
            return []
        if is_exact(n, context.options.shapley_exact_max_words):
            subsets = [frozenset(c) for size in range(n + 1) for c in itertools.combinations(range(n), size)]
            return [Stage(self.name, [players.coalition_variant(s) for s in subsets],
                          {"subsets": subsets, "exact": True})]
        rng = np.random.default_rng([int(context.seed), zlib.crc32(self.name.encode())])
        orders = [rng.permutation(n) for _ in range(context.options.shapley_permutations)]
        subsets = list(dict.fromkeys(frozenset(order[:m].tolist()) for order in orders for m in range(n + 1)))
        return [Stage(self.name, [players.coalition_variant(s) for s in subsets],
                      {"subsets": subsets, "orders": orders, "exact": False})]

    def planned(self, context: Context) -> int:
        n = context.players(self.unit).n
        if not n:
            return 0
        interactions = planned_interaction_coalitions(n, len(context.targets), context.options) if self.word_level else 0
        return min(2 ** n, planned_coalitions(n, context.options) + interactions)

    def apply(self, context: Context, stage: Stage, scores: Scores, explanation: Explanation) -> list[Stage]:
        if stage.name == "shapley_interactions":
            self._apply_sampled_interactions(context, stage, scores, explanation)
            return []
        players = context.players(self.unit)
        n, exact = players.n, stage.data["exact"]
        options = context.options
        table, errors, gaps, interactions = {}, {}, {}, {}
        for head in context.targets:
            value = {s: context.probability(scores, v.id, head) for s, v in zip(stage.data["subsets"], stage.variants)}
            if exact:
                phi, stderr = exact_shapley(value, n), np.zeros(n)
            else:
                contributions = _permutation_contributions(value, stage.data["orders"])
                phi = contributions.mean(axis=0)
                stderr = contributions.std(axis=0, ddof=1) / math.sqrt(len(contributions)) \
                    if len(contributions) > 1 else np.full(n, np.nan)
            table[head], errors[head] = phi.tolist(), [finite(v) for v in stderr]
            gaps[head] = float(phi.sum() - (value[frozenset(range(n))] - value[frozenset()]))
            if exact and n >= 2 and self.word_level:
                words = top_words(phi, options.interaction_top)
                interactions[head] = _block(context, words, exact_interactions(value, n, words), None, True)
        explanation.method_details[self.name] = {
            "exact": exact, "coalitions": len(stage.variants), "stderr": errors, "efficiency_gap": gaps,
            "permutations": None if exact else len(stage.data["orders"]),
        }
        if not self.word_level:
            explanation.unit_scores(self.unit)["shapley"] = table
            return []
        explanation.method_scores["shapley"] = table
        explanation.word_interactions = interactions
        if exact or n < 2:
            return []
        return [self._interaction_stage(context, table)]

    def _interaction_stage(self, context: Context, table: dict[str, list[float]]) -> Stage:
        players, options = context.players(), context.options
        n = players.n
        rng = np.random.default_rng([int(context.seed), zlib.crc32(b"shapley-interactions")])
        words = {head: top_words(np.asarray(phi), options.interaction_top) for head, phi in table.items()}
        pairs = sorted({pair for chosen in words.values() for pair in itertools.combinations(chosen, 2)})
        samples = {}
        for i, j in pairs:
            others = [m for m in range(n) if m not in (i, j)]
            drawn = []
            for _ in range(options.interaction_samples):
                order = rng.permutation(len(others) + 1)  # position of the merged player {i, j}: value len(others)
                cut = int(np.flatnonzero(order == len(others))[0])
                drawn.append(frozenset(others[m] for m in order[:cut]))
            samples[(i, j)] = drawn
        variants = list(dict.fromkeys(
            players.coalition_variant(s | extra) for (i, j), drawn in samples.items() for s in drawn
            for extra in (frozenset(), frozenset({i}), frozenset({j}), frozenset({i, j}))))
        return Stage("shapley_interactions", variants, {"words": words, "samples": samples})

    def _apply_sampled_interactions(self, context: Context, stage: Stage, scores: Scores,
                                    explanation: Explanation) -> None:
        players = context.players()
        for head, words in stage.data["words"].items():
            matrix, stderr = np.zeros((len(words), len(words))), np.zeros((len(words), len(words)))
            for a, b in itertools.combinations(range(len(words)), 2):
                i, j = words[a], words[b]
                v = lambda s: context.probability(scores, players.coalition_variant(s).id, head)  # noqa: E731
                deltas = np.array([v(s | {i, j}) - v(s | {i}) - v(s | {j}) + v(s) for s in stage.data["samples"][(i, j)]])
                matrix[a, b] = matrix[b, a] = deltas.mean()
                stderr[a, b] = stderr[b, a] = deltas.std(ddof=1) / math.sqrt(len(deltas)) if len(deltas) > 1 else np.nan
            explanation.word_interactions[head] = _block(context, words, matrix, stderr, False)
        explanation.method_details["shapley"]["interaction_samples"] = context.options.interaction_samples


def _permutation_contributions(value: dict[frozenset, float], orders: list[np.ndarray]) -> np.ndarray:
    """(permutations, n) marginal contributions ``v(P ∪ {i}) − v(P)`` along each order."""
    n = len(orders[0])
    out = np.zeros((len(orders), n))
    for row, order in zip(out, orders):
        before = frozenset()
        for i in order.tolist():
            after = before | {i}
            row[i] = value[after] - value[before]
            before = after
    return out


def _block(context: Context, words: list[int], matrix: np.ndarray, stderr: np.ndarray | None, exact: bool) -> dict:
    """One head's interaction matrix (diagonal 0) as plain data."""
    return {
        "indices": words, "words": [context.words[i].word for i in words] if context.words else [str(i) for i in words],
        "matrix": matrix.tolist(), "exact": exact,
        "stderr": None if stderr is None else [[finite(v) for v in row] for row in stderr],
    }
