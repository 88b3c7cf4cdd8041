"""Leave-one-out over players: ``r(u_i) = v(x) − v(x with unit u_i removed)`` per head, with ``v``
the head's target (``p(k)``, or ``p(A) − p(B)`` with a contrast).

- ``loo``: the words, each masked over its span -> :attr:`Explanation.word_scores`;
- ``bands``: the frequency bands, each removed from the whole clip by a zero-phase band-stop
  (:mod:`speechxai_core.perturb.bands`) -> :attr:`Explanation.band_scores`;
- ``phonemes``: the phoneme segments inside the words, each masked over its span ->
  :attr:`Explanation.phoneme_scores`.

Units the model does not hear (words beyond its input window and their phonemes) get None.

References: leave-one-out / occlusion (Zeiler & Fergus, 2014; captum's ``FeatureAblation``); word
LOO for speech as in Pastor et al. (2024), "Explaining speech classification models via word-level
audio segments and paralinguistic features" (EACL); frequency bands as players as in EmoLIME.
"""

from __future__ import annotations

from ..explanation import Explanation
from .base import Context, Scores, Stage

FIELDS = {"words": "word_scores", "bands": "band_scores", "phonemes": "phoneme_scores"}


class LeaveOneOut:
    """Leave-one-out over the players of ``unit``; registered as ``loo``, ``bands`` and ``phonemes``."""

    def __init__(self, unit: str = "words"):
        self.unit = unit
        self.name = "loo" if unit == "words" else unit
        self.word_level = unit == "words"  # one score per word (the word views show it)
        self.needs_words = unit != "bands"

    def stages(self, context: Context) -> list[Stage]:
        players = context.players(self.unit)
        variants = [players.single_variant(i) for i in context.scored(self.unit)]
        return [Stage(self.name, variants)] if variants else []

    def planned(self, context: Context) -> int:
        return len(context.scored(self.unit))

    def apply(self, context: Context, stage: Stage, scores: Scores, explanation: Explanation) -> list[Stage]:
        """Unscored units get None."""
        n = context.players(self.unit).n
        table = {head: [None] * n for head in context.targets}
        for variant, i in zip(stage.variants, context.scored(self.unit)):
            for head in context.targets:
                table[head][i] = context.drop(scores, variant, head)
        setattr(explanation, FIELDS[self.unit], table)
        return []

