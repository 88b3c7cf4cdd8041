"""Masking and paralinguistic transforms; every variant is named and replayable."""

from .grids import FAST_GRID, FULL_GRID, GRIDS, ParalinguisticGrid, get_grid
from .masking import MASK_STRATEGIES, MaskConfig
from .render import Renderer
from .variants import ORIGINAL, PROPERTIES, PROPERTY_UNITS, Variant, VariantError, parse_variant_id, word_variants

__all__ = [
    "FAST_GRID", "FULL_GRID", "GRIDS", "MASK_STRATEGIES", "MaskConfig", "ORIGINAL", "PROPERTIES",
    "PROPERTY_UNITS", "ParalinguisticGrid", "Renderer", "Variant", "VariantError", "get_grid",
    "parse_variant_id", "word_variants",
]
