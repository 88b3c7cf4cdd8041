"""Levels of each paralinguistic property: the reference grids ("full") and a "fast" one."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .variants import PROPERTIES, RANDOM_KINDS, Variant


def _steps(start: float, stop: float, step: float) -> tuple[float, ...]:
    return tuple(round(float(v), 4) for v in np.arange(start, stop + step / 2, step))


@dataclass(frozen=True)
class ParalinguisticGrid:
    """Levels per property; ``variants(properties)`` lists what to score."""

    pitch_down: tuple[float, ...] = _steps(-5.0, -0.5, 0.5)
    pitch_up: tuple[float, ...] = _steps(0.5, 5.0, 0.5)
    stretch_down: tuple[float, ...] = _steps(0.55, 0.95, 0.05)
    stretch_up: tuple[float, ...] = _steps(1.05, 1.45, 0.05)
    noise: tuple[float, ...] = (40.0, 20.0, 10.0, 7.5, 5.0, 4.0, 3.0, 2.0, 1.0, 0.5, 0.1)
    reverb: tuple[float, ...] = (3.0, 4.0, 5.0, 6.0, 7.0)
    flat_pitch: tuple[float, ...] = (0.5, 1.0)
    flat_loudness: tuple[float, ...] = (0.5, 1.0)
    formant_down: tuple[float, ...] = (0.85, 0.92)
    formant_up: tuple[float, ...] = (1.08, 1.15)
    name: str = field(default="custom", compare=False)

    def __post_init__(self) -> None:
        checks = {
            "pitch_down": lambda v: v < 0, "pitch_up": lambda v: v > 0,
            "stretch_down": lambda v: 0 < v < 1, "stretch_up": lambda v: 1 < v <= 4,
            "noise": lambda v: -20 <= v <= 100, "reverb": lambda v: 1 <= v <= 50,
            "flat_pitch": lambda v: 0 < v <= 1, "flat_loudness": lambda v: 0 < v <= 1,
            "formant_down": lambda v: 0.5 <= v < 1, "formant_up": lambda v: 1 < v <= 2,
        }
        for prop, ok in checks.items():
            levels = getattr(self, prop)
            if not levels or not all(ok(float(v)) for v in levels):
                raise ValueError(f"grid: invalid levels for {prop}: {levels}")

    def levels(self, prop: str) -> tuple[float, ...]:
        return getattr(self, prop)

    def variants(self, properties: tuple[str, ...] = PROPERTIES, repeats: int = 1) -> list[Variant]:
        """Every level of ``properties``; random kinds (noise, reverb) once per draw ``0 … repeats−1``."""
        kinds = {"pitch_down": "pitch", "pitch_up": "pitch", "stretch_down": "stretch",
                 "stretch_up": "stretch", "noise": "noise", "reverb": "reverb", "flat_pitch": "flat_pitch",
                 "flat_loudness": "flat_loudness", "formant_down": "formant", "formant_up": "formant"}
        unknown = set(properties) - set(PROPERTIES)
        if unknown:
            raise ValueError(f"unknown properties: {', '.join(sorted(unknown))} (choose from {', '.join(PROPERTIES)})")
        return [
            Variant(kinds[prop], float(level), draw=draw)
            for prop in properties
            for draw in range(repeats if kinds[prop] in RANDOM_KINDS else 1)
            for level in self.levels(prop)
        ]

    def to_dict(self) -> dict:
        return {prop: list(self.levels(prop)) for prop in PROPERTIES} | {"name": self.name}

    @classmethod
    def from_dict(cls, data: dict) -> "ParalinguisticGrid":
        """The grid of ``to_dict``; a property missing from older files keeps its default levels."""
        return cls(**{prop: tuple(float(v) for v in data[prop]) for prop in PROPERTIES if prop in data},
                   name=data.get("name", "custom"))


FULL_GRID = ParalinguisticGrid(name="full")
FAST_GRID = ParalinguisticGrid(
    pitch_down=(-5.0, -3.0, -1.0),
    pitch_up=(1.0, 3.0, 5.0),
    stretch_down=(0.6, 0.8, 0.9),
    stretch_up=(1.1, 1.2, 1.4),
    noise=(20.0, 10.0, 5.0, 2.0, 0.5),
    reverb=(3.0, 5.0, 7.0),
    flat_pitch=(0.5, 1.0),
    flat_loudness=(0.5, 1.0),
    formant_down=(0.85,),
    formant_up=(1.15,),
    name="fast",
)
GRIDS = {"full": FULL_GRID, "fast": FAST_GRID}


def get_grid(grid: str | ParalinguisticGrid) -> ParalinguisticGrid:
    if isinstance(grid, ParalinguisticGrid):
        return grid
    if grid not in GRIDS:
        raise ValueError(f"unknown grid '{grid}' (choose from {', '.join(GRIDS)})")
    return GRIDS[grid]
