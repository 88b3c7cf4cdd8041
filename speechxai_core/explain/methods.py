"""Attribution methods as stages of variants plus the arithmetic that turns scores into results.

Word leave-one-out: ``r(w_i) = p(k | x) - p(k | x with w_i masked)`` per head.
Paralinguistic: per level ``d(l) = p(k | x) - p(k | x~_l)``; ``r(property) = mean_l d(l)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..explanation import Explanation
from ..perturb.grids import ParalinguisticGrid
from ..perturb.variants import Variant


@dataclass(frozen=True)
class Stage:
    """A named set of variants whose results are applied together."""

    name: str
    variants: list[Variant]


@dataclass
class Context:
    """What a method needs: heads' targets, the clip's probabilities, the grid, and which words
    the model hears (``heard``: word indices; None = all of them)."""

    n_words: int
    targets: dict[str, int]
    original: dict[str, np.ndarray]
    grid: ParalinguisticGrid
    properties: tuple[str, ...]
    heard: tuple[int, ...] | None = None

    @property
    def scored_words(self) -> list[int]:
        """Indices of the words to score: those the model hears."""
        return list(range(self.n_words)) if self.heard is None else list(self.heard)

    def drop(self, scores: dict[str, dict[str, np.ndarray]], variant: Variant, head: str) -> float:
        k = self.targets[head]
        return float(self.original[head][k] - scores[variant.id][head][k])


class Method(Protocol):
    name: str

    def stages(self, context: Context) -> list[Stage]: ...

    def apply(self, context: Context, stage: Stage, scores: dict, explanation: Explanation) -> None: ...


class WordLeaveOneOut:
    name = "loo"

    def stages(self, context: Context) -> list[Stage]:
        variants = [Variant("word", word_index=i) for i in context.scored_words]
        return [Stage("words", variants)] if variants else []

    def apply(self, context: Context, stage: Stage, scores: dict, explanation: Explanation) -> None:
        """Unheard words get None (not scored)."""
        explanation.word_scores = {head: [None] * context.n_words for head in context.targets}
        for variant in stage.variants:
            for head in context.targets:
                explanation.word_scores[head][variant.word_index] = context.drop(scores, variant, head)


class Paralinguistic:
    name = "paraling"

    def stages(self, context: Context) -> list[Stage]:
        return [Stage(prop, context.grid.variants((prop,))) for prop in context.properties]

    def apply(self, context: Context, stage: Stage, scores: dict, explanation: Explanation) -> None:
        prop = stage.name
        explanation.paralinguistic_levels[prop] = [float(v.level) for v in stage.variants]
        for head in context.targets:
            drops = [context.drop(scores, variant, head) for variant in stage.variants]
            explanation.paralinguistic_drops.setdefault(head, {})[prop] = drops
            explanation.paralinguistic.setdefault(head, {})[prop] = float(np.mean(drops))


METHODS: dict[str, Method] = {method.name: method for method in (WordLeaveOneOut(), Paralinguistic())}


def get_methods(names) -> list[Method]:
    names = [names] if isinstance(names, str) else list(names)
    names = [part.strip() for name in names for part in name.split(",") if part.strip()]
    unknown = [name for name in names if name not in METHODS]
    if unknown or not names:
        raise ValueError(f"unknown method(s) {', '.join(unknown) or '(none)'}: choose from {', '.join(METHODS)}")
    return [METHODS[name] for name in dict.fromkeys(names)]
