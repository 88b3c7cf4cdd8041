"""Word × band grid: ``r(w, b) = v(x) − v(x with band b removed inside word w only)`` per head.

The band is removed by the zero-phase band-stop of :mod:`speechxai_core.perturb.bands` applied to
the whole clip, whose samples inside the word's span (as masked, with the mask's padding) replace
the clip's; ``v`` is the head's target. One variant ``word_band:w:b`` per heard word and band
(``n_words × n_bands`` forward passes); rows of words the model does not hear are None.
Written to :attr:`Explanation.word_band_scores` as ``{head: [[score per band] per word]}``.

References: the time–frequency view of SPES (spectrogram patches as units) for speech-to-text,
and EmoLIME's frequency bands for speech emotion recognition.
"""

from __future__ import annotations

from ..explanation import Explanation
from ..perturb.variants import Variant
from .base import Context, Scores, Stage


class WordBands:
    name = "word_bands"
    unit = "bands"
    word_level = False
    needs_words = True

    def stages(self, context: Context) -> list[Stage]:
        variants = [Variant("word_band", word_index=w, unit_index=b)
                    for w in context.scored_words for b in range(len(context.bands))]
        return [Stage(self.name, variants)] if variants else []

    def planned(self, context: Context) -> int:
        return len(context.scored_words) * len(context.bands)

    def apply(self, context: Context, stage: Stage, scores: Scores, explanation: Explanation) -> list[Stage]:
        table = {head: [None] * context.n_words for head in context.targets}
        for head in context.targets:
            for w in context.scored_words:
                table[head][w] = [None] * len(context.bands)
            for variant in stage.variants:
                table[head][variant.word_index][variant.unit_index] = context.drop(scores, variant, head)
        explanation.word_band_scores = table
        return []
