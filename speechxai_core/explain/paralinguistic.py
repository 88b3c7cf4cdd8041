"""Paralinguistic attribution: how much the target's probability drops when a property changes.

Per level ``l`` of a property and draw ``d``: ``δ_d(l) = p(k | x) − p(k | x~_{l,d})``.
Random properties (noise, reverb) use one draw per clip — one noise signal scaled to every SNR,
one room geometry scaled to every size — so levels differ only in the level; ``repeats = R``
takes ``R`` independent draws ``d = 0 … R−1`` (deterministic properties have one).

Reported per head: ``drops(l) = mean_d δ_d(l)`` with ``std_d δ_d(l)``, and the property's score
``r = mean_l drops(l)`` with ``std_d (mean_l δ_d(l))`` (sample standard deviations; 0 with one draw).
"""

from __future__ import annotations

import numpy as np

from ..explanation import Explanation
from .base import Context, Scores, Stage


class Paralinguistic:
    name = "paraling"
    word_level = False

    def stages(self, context: Context) -> list[Stage]:
        repeats = context.options.repeats
        return [Stage(prop, context.grid.variants((prop,), repeats)) for prop in context.properties]

    def planned(self, context: Context) -> int:
        return len(context.grid.variants(context.properties, context.options.repeats))

    def apply(self, context: Context, stage: Stage, scores: Scores, explanation: Explanation) -> list[Stage]:
        prop = stage.name
        levels = list(dict.fromkeys(float(v.level) for v in stage.variants))
        draws = sorted({v.draw for v in stage.variants})
        explanation.paralinguistic_levels[prop] = levels
        for head in context.targets:
            table = np.full((len(draws), len(levels)), np.nan)
            for variant in stage.variants:
                table[draws.index(variant.draw), levels.index(float(variant.level))] = context.drop(scores, variant, head)
            ddof = 1 if len(draws) > 1 else 0
            explanation.paralinguistic_drops.setdefault(head, {})[prop] = table.mean(axis=0).tolist()
            explanation.paralinguistic_drops_std.setdefault(head, {})[prop] = table.std(axis=0, ddof=ddof).tolist()
            explanation.paralinguistic.setdefault(head, {})[prop] = float(table.mean())
            explanation.paralinguistic_std.setdefault(head, {})[prop] = float(table.mean(axis=1).std(ddof=ddof))
        return []
