"""Word leave-one-out: ``r(w_i) = p(k | x) − p(k | x with w_i masked)`` per head ``k``.

Scores go to :attr:`Explanation.word_scores` (the method's historical place).
"""

from __future__ import annotations

from ..explanation import Explanation
from ..perturb.variants import word_variants
from .base import Context, Scores, Stage


class WordLeaveOneOut:
    name = "loo"
    word_level = True

    def stages(self, context: Context) -> list[Stage]:
        return [Stage("words", word_variants(context.n_words))] if context.n_words else []

    def planned(self, context: Context) -> int:
        return context.n_words

    def apply(self, context: Context, stage: Stage, scores: Scores, explanation: Explanation) -> list[Stage]:
        explanation.word_scores = {
            head: [context.drop(scores, variant, head) for variant in stage.variants] for head in context.targets
        }
        return []
