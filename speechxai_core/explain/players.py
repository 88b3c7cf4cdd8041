"""Players: the units a method attributes to (words, phonemes or frequency bands).

A method that removes units — leave-one-out, LIME, Shapley — asks the players for the variant
that removes one unit (``word:i``, ``phone:i``, ``band:i``) or a set of them (``words:0+2``,
``phones:1+4``, ``bands:0+3``); it never builds variants of one unit kind itself, so each
method serves every unit unchanged. ``coalition_variant(kept)`` is the clip where only ``kept``
players remain (the others removed), the value of a coalition in Shapley's and LIME's sense.

References: captum's ``feature_mask`` (features as groups of inputs, Kokhlikyan et al., 2020);
shapiq's ``Game(n_players)`` (Muschalik et al., 2024).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..perturb.variants import Variant, unit_set_variant, word_set_variant

UNITS = ("words", "phonemes", "bands")
_KIND = {"words": "word", "phonemes": "phone", "bands": "band"}


@dataclass(frozen=True)
class Players:
    """``unit`` (one of :data:`UNITS`) and one name per player, in index order."""

    unit: str
    names: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit '{self.unit}' (choose from {', '.join(UNITS)})")

    @property
    def n(self) -> int:
        return len(self.names)

    def removed_variant(self, removed: Iterable[int]) -> Variant:
        """The clip with the ``removed`` players taken out (the original when none)."""
        if self.unit == "words":
            return word_set_variant(removed)
        return unit_set_variant(_KIND[self.unit], removed)

    def single_variant(self, i: int) -> Variant:
        """The clip with player ``i`` alone taken out: ``word:i``, ``phone:i`` or ``band:i``."""
        if self.unit == "words":
            return Variant("word", word_index=int(i))
        return Variant(_KIND[self.unit], unit_index=int(i))

    def coalition_variant(self, kept: Iterable[int]) -> Variant:
        """The clip with only the ``kept`` players left."""
        kept = set(kept)
        return self.removed_variant(i for i in range(self.n) if i not in kept)
