"""What a run will cost before it starts: variants per method and seconds, from one timed batch.

``planned(context)`` of a method counts the forward passes it needs in variant units (a
gradient method: ``heads × steps × 3``, a backward pass costing about two forwards). Seconds
per variant are measured on one batch of copies of the clip, so the estimate fits the model,
the clip's length and the machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..perturb.render import Renderer
from ..scoring import ScoringEngine

LARGE_RUN_S = 30.0  # estimates above this are announced before the run
MEASURE_ABOVE_VARIANTS = 200  # below this, a run is cheap and is not timed first


@dataclass(frozen=True)
class Estimate:
    """``variants`` per method and the seconds they are expected to take."""

    variants: dict[str, int]
    seconds_per_variant: float

    def seconds(self, method: str) -> float:
        return self.variants[method] * self.seconds_per_variant

    @property
    def total_seconds(self) -> float:
        return sum(self.variants.values()) * self.seconds_per_variant

    def describe(self, method: str | None = None) -> str:
        names = [method] if method else [m for m, n in self.variants.items() if n]
        parts = ", ".join(f"{m}: {self.variants[m]:,} variants" for m in names)
        seconds = self.seconds(method) if method else self.total_seconds
        return f"{parts} — about {_duration(seconds)}"


def seconds_per_variant(engine: ScoringEngine, renderer: Renderer) -> float:
    """Wall time of a forward pass of a batch of copies of the clip, per clip (the faster of two)."""
    batch = max(1, min(engine.batch_size, 8))
    waveforms = np.repeat(renderer.audio.samples[None].astype(np.float32), batch, axis=0)
    times = []
    for _ in range(2):  # the first pass of a new batch shape also pays for allocation
        started = time.perf_counter()
        engine.classifier.predict(waveforms, np.full(batch, waveforms.shape[1]))
        times.append(time.perf_counter() - started)
    return min(times) / batch


def estimate(methods, context, engine: ScoringEngine, renderer: Renderer) -> Estimate | None:
    """The run's :class:`Estimate`, or None when it is too small to be worth timing."""
    variants = {method.name: int(method.planned(context)) for method in methods}
    if sum(variants.values()) < MEASURE_ABOVE_VARIANTS:
        return None
    return Estimate(variants, seconds_per_variant(engine, renderer))


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"
