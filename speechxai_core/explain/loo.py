"""Word leave-one-out: ``r(w_i) = p(k | x) − p(k | x with w_i masked)`` per head ``k``.

Scores go to :attr:`Explanation.word_scores` (the method's historical place).
"""

from __future__ import annotations

from ..explanation import Explanation
from ..perturb.variants import Variant
from .base import Context, Scores, Stage


class WordLeaveOneOut:
    name = "loo"
    word_level = True

    def stages(self, context: Context) -> list[Stage]:
        variants = [Variant("word", word_index=i) for i in context.scored_words]
        return [Stage("words", variants)] if variants else []

    def planned(self, context: Context) -> int:
        return len(context.scored_words)

    def apply(self, context: Context, stage: Stage, scores: Scores, explanation: Explanation) -> list[Stage]:
        """Unheard words get None (not scored)."""
        explanation.word_scores = {head: [None] * context.n_words for head in context.targets}
        for variant in stage.variants:
            for head in context.targets:
                explanation.word_scores[head][variant.word_index] = context.drop(scores, variant, head)
        return []
