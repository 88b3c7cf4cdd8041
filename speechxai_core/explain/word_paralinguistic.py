"""Word-local paralinguistics: how much p(k) drops when one word alone is said differently.

For word ``i`` and property ``q`` (one level ``l_q`` each):
``r_q(w_i) = p(k | x) − p(k | x with only w_i's segment changed by q at l_q)``.
Properties (:data:`~speechxai_core.perturb.variants.WORD_PROPERTIES`): ``pitch_down`` / ``pitch_up``
(``∓word_pitch_st`` semitones), ``stretch_down`` / ``stretch_up`` (the word's duration × ``1/word_stretch``
or × ``word_stretch``; the rest of the clip shifted, not cut), ``gain_down`` / ``gain_up``
(``∓word_gain_db``), ``noise`` (white noise at ``word_noise_snr_db`` over the word). The transforms
and their crossfades are in :mod:`speechxai_core.perturb.word_local`. Cost: 7 variants per heard
word; words the model does not hear are None.

References:
    Pastor, E., Koudounas, A., Attanasio, G., Hovy, D. & Baralis, E. (2024). Explaining speech classification models via word-level
    audio segments and paralinguistic features. EACL 2024 (the whole-clip paralinguistic
    attribution this method localises to one word).
"""

from __future__ import annotations

from ..explanation import Explanation
from ..perturb.variants import WORD_PROPERTIES, Variant
from .base import Context, MethodOptions, Scores, Stage


def word_levels(options: MethodOptions) -> dict[str, tuple[str, float]]:
    """{property: (variant kind, level)} of the word-local properties under ``options``."""
    pitch, gain, stretch = float(options.word_pitch_st), float(options.word_gain_db), float(options.word_stretch)
    return {
        "pitch_down": ("word_pitch", -pitch), "pitch_up": ("word_pitch", pitch),
        "stretch_down": ("word_stretch", round(1.0 / stretch, 4)), "stretch_up": ("word_stretch", stretch),
        "gain_down": ("word_gain", -gain), "gain_up": ("word_gain", gain),
        "noise": ("word_noise", float(options.word_noise_snr_db)),
    }


class WordParalinguistic:
    name = "word_paraling"
    word_level = True
    per_word_score = False  # a table per property, not one score per word

    def stages(self, context: Context) -> list[Stage]:
        if not context.scored_words:
            return []
        return [Stage(prop, [Variant(kind, level=level, word_index=i) for i in context.scored_words])
                for prop, (kind, level) in word_levels(context.options).items()]

    def planned(self, context: Context) -> int:
        return len(WORD_PROPERTIES) * len(context.scored_words)

    def apply(self, context: Context, stage: Stage, scores: Scores, explanation: Explanation) -> list[Stage]:
        """One drop per word for property ``stage.name``; unheard words None."""
        explanation.word_paralinguistic_levels[stage.name] = float(stage.variants[0].level)
        for head in context.targets:
            drops: list[float | None] = [None] * context.n_words
            for variant in stage.variants:
                drops[variant.word_index] = context.drop(scores, variant, head)
            explanation.word_paralinguistic.setdefault(head, {})[stage.name] = drops
        return []
