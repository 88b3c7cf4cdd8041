"""Players' coalitions as a ``shapiq`` game, and budgeted Shapley estimates on it.

A game maps a boolean matrix of coalitions (rows; ``True`` = the player is kept) to values.
Here the value of a row comes from ``value_of(variant ids)``, the variant of a row from
``variant_of(kept indices)``, so the scoring engine's cached scores are the game and every
coalition is a named, replayable variant.

Estimates use one ``shapiq`` approximator of the Shapley interaction index (``SII``, order 2)
with a seed from ``seed``. The coalitions are drawn first (:func:`draw`: the approximator run
on a game that only records what it asks for), scored by the engine in one batched stage,
then :func:`estimate` reruns the same approximator on the scored values: same seed, same
coalitions, and a coalition that was not drawn is an error.

Uncertainty without extra coalitions: ``shapiq``'s samplers draw nested sets (the coalitions
of a smaller budget with the same seed are among those of a larger one), so the estimate is
also computed at the sub-budgets ``f + m/2`` and ``f + m/4``, where ``f = 2n + 2`` coalitions
(sizes 0, 1, n−1, n) are always included and ``m`` are sampled. If an estimate's variance
falls as ``σ²/m``, the increments ``d₁ = φ̂(m/2) − φ̂(m)`` and ``d₂ = φ̂(m/4) − φ̂(m/2)`` are
independent with variances ``σ²/m`` and ``2σ²/m``, so the standard error of ``φ̂(m)`` is
estimated by ``√((d₁² + d₂²/2) / 2)`` (two degrees of freedom: a convergence measure, not a
confidence interval). Should a sub-budget ask for coalitions outside the full draw, the full
budget is lowered until all three together stay within the budget.

References:
    Fumagalli, Muschalik, Kolpaczki, Hüllermeier, Hammer (2024). KernelSHAP-IQ: weighted least
    square optimization for Shapley interactions. ICML.
    Muschalik, Baniecki, Fumagalli, Kolpaczki, Hammer, Hüllermeier (2024). shapiq: Shapley
    interactions for machine learning. NeurIPS Datasets and Benchmarks.
"""

from __future__ import annotations

import warnings
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

import numpy as np
import shapiq
import shapiq.approximator as approximators

from .base import SHAPLEY_APPROXIMATORS as APPROXIMATORS

INDEX = "SII"
MAX_ORDER = 2
#: Keyword arguments per approximator: paired sampling (a coalition with its complement) for the regressions.
PAIRED = {"KernelSHAPIQ": {"pairing_trick": True}, "InconsistentKernelSHAPIQ": {"pairing_trick": True}}


class CoalitionGame(shapiq.Game):
    """``v(coalitions)``: the values ``value_of`` gives for the coalitions' variants.

    ``asked`` keeps every variant the approximator asked for (first-asked order, no repeats);
    ``evaluated`` is their number.
    """

    def __init__(self, n_players: int, variant_of: Callable, value_of: Callable[[list[str]], np.ndarray]):
        super().__init__(n_players=n_players, normalize=False)
        self._variant_of, self._value_of = variant_of, value_of
        self.asked: dict = {}

    @property
    def evaluated(self) -> int:
        return len(self.asked)

    def value_function(self, coalitions: np.ndarray) -> np.ndarray:
        variants = [self._variant_of(np.flatnonzero(row)) for row in coalitions]
        for variant in variants:
            self.asked.setdefault(variant.id, variant)
        return np.asarray(self._value_of([v.id for v in variants]), dtype=float)


@dataclass(frozen=True)
class Plan:
    """What :func:`draw` decided: ``approximator`` run at the budgets ``levels`` (full budget
    first, then the two sub-budgets), ``variants`` the distinct coalitions of all of them."""

    approximator: str
    levels: tuple[int, ...]
    seed: int
    variants: list


def shared_coalitions(n: int) -> int:
    """Coalitions every draw includes: the empty and full sets and sizes 1 and n−1."""
    return 2 * n + 2


def levels(n: int, budget: int) -> tuple[int, int, int]:
    """The full budget and the sub-budgets ``f + m/2``, ``f + m/4`` (``m`` sampled coalitions)."""
    shared = shared_coalitions(n)
    sampled = max(budget - shared, 0)
    return budget, shared + sampled // 2, shared + sampled // 4


def make_approximator(name: str, n: int, seed: int):
    """A fresh ``shapiq`` approximator of the SII up to order 2 with a seed from ``seed``."""
    if name not in APPROXIMATORS:
        raise ValueError(f"unknown Shapley approximator '{name}': choose from {', '.join(APPROXIMATORS)}")
    cls = getattr(approximators, name)
    if INDEX not in cls.valid_indices:  # unknown keyword arguments would be swallowed silently
        raise ValueError(f"{name} does not estimate the {INDEX} index")
    state = zlib.crc32(f"shapley:{int(seed)}".encode())
    return cls(n, max_order=MAX_ORDER, index=INDEX, random_state=state, **PAIRED.get(name, {}))


def draw(n: int, budget: int, approximator: str, seed: int, variant_of: Callable) -> Plan:
    """The coalitions the approximator will ask for at every level, without evaluating any."""
    top = min(budget, 2 ** n)
    while True:
        recorder = CoalitionGame(n, variant_of, lambda ids: np.zeros(len(ids)))
        chosen = levels(n, top)
        for level in chosen:
            with _quiet():
                make_approximator(approximator, n, seed).approximate(level, recorder)
        if recorder.evaluated <= budget:
            return Plan(approximator, chosen, seed, list(recorder.asked.values()))
        top -= recorder.evaluated - budget


def estimate(plan: Plan, n: int, variant_of: Callable, value_of: Callable[[list[str]], np.ndarray]) -> dict:
    """Shapley values (``phi``, ``phi_stderr``: length ``n``) and pairwise SII (``sii``,
    ``sii_stderr``: ``n × n``, diagonal 0) at the full budget, standard errors from the levels."""
    drawn = {v.id for v in plan.variants}

    def known(ids: list[str]) -> np.ndarray:
        missing = set(ids) - drawn
        if missing:
            raise RuntimeError(f"internal: the approximator asked for coalitions it had not drawn ({len(missing)})")
        return value_of(ids)

    game = CoalitionGame(n, variant_of, known)
    phi, sii = np.zeros((len(plan.levels), n)), np.zeros((len(plan.levels), n, n))
    for level, budget in enumerate(plan.levels):
        with _quiet():
            values = make_approximator(plan.approximator, n, plan.seed).approximate(budget, game)
        for i in range(n):
            phi[level, i] = values[(i,)]
            for j in range(i + 1, n):
                sii[level, i, j] = sii[level, j, i] = values[(i, j)]
    return {"phi": phi[0], "phi_stderr": _stderr(phi), "sii": sii[0], "sii_stderr": _stderr(sii),
            "evaluated": game.evaluated}


@contextmanager
def _quiet():
    """Without shapiq's notes on how its sampler spends a budget (ours is counted and checked)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"shapiq\.")
        yield


def _stderr(by_level: np.ndarray) -> np.ndarray:
    """``√((d₁² + d₂²/2) / 2)`` from the estimates at the full, half and quarter sampled budgets."""
    d1, d2 = by_level[1] - by_level[0], by_level[2] - by_level[1]
    return np.sqrt((d1 ** 2 + d2 ** 2 / 2) / 2)
