"""What a run will cost before it starts: variants per method, and seconds of work they stand for.

``planned(context)`` of a method counts the forward passes it needs in variant units (a
gradient method: ``heads × steps × 3``, a backward pass costing about two forwards). A method's
work is ``planned × seconds_per_variant(clip duration)``, where the model's cost per variant,
``fixed + per_second × duration``, is measured once per loaded model (:func:`model_cost`: the
fastest of three batches of copies of noise at two lengths) and then reused. So a request's
budget counts work, not the wall clock of the moment: the same request keeps the same methods
whether the machine is idle or busy.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from ..models import Classifier

LARGE_RUN_S = 30.0  # estimates above this are announced before the run
MEASURE_ABOVE_VARIANTS = 200  # below this, a run is cheap and is never budgeted
COST_LENGTHS_S = (1.0, 4.0)  # clip lengths the model's cost is measured at
COST_BATCH = 8
COST_ATTRIBUTE = "_speechxai_cost"  # where a loaded model keeps its measured cost
_LOCK = threading.Lock()


@dataclass(frozen=True)
class ModelCost:
    """A model's seconds per scored variant: ``fixed_s + per_second_s × duration``."""

    fixed_s: float
    per_second_s: float

    def seconds_per_variant(self, duration: float) -> float:
        return self.fixed_s + self.per_second_s * duration


def measure_model_cost(classifier: Classifier, lengths=COST_LENGTHS_S, batch: int = COST_BATCH) -> ModelCost:
    """Time forward passes of ``batch`` copies of quiet noise at two ``lengths`` (the fastest of three
    each, after a warm-up) and fit the line through them (slope at least 0)."""
    rng = np.random.default_rng(0)
    per_variant = []
    for seconds in lengths:
        samples = max(1, int(seconds * classifier.sampling_rate))
        waveforms = (rng.standard_normal((batch, samples)) * 0.01).astype(np.float32)
        times = []
        for _ in range(4):  # the first pass of a new shape also pays for allocation
            started = time.perf_counter()
            classifier.predict(waveforms, np.full(batch, samples))
            times.append(time.perf_counter() - started)
        per_variant.append(min(times[1:]) / batch)
    slope = max(0.0, (per_variant[1] - per_variant[0]) / (lengths[1] - lengths[0]))
    return ModelCost(max(0.0, per_variant[0] - slope * lengths[0]), slope)


def model_cost(classifier: Classifier) -> ModelCost:
    """The model's :class:`ModelCost`, measured on first use and then kept as long as the model is."""
    with _LOCK:
        if getattr(classifier, COST_ATTRIBUTE, None) is None:
            setattr(classifier, COST_ATTRIBUTE, measure_model_cost(classifier))
        return getattr(classifier, COST_ATTRIBUTE)


@dataclass(frozen=True)
class Estimate:
    """``variants`` per method and the seconds of work each variant stands for."""

    variants: dict[str, int]
    seconds_per_variant: float

    def seconds(self, method: str) -> float:
        return self.variants[method] * self.seconds_per_variant

    @property
    def total_seconds(self) -> float:
        return sum(self.variants.values()) * self.seconds_per_variant

    def describe(self, method: str | None = None) -> str:
        """"1,024 variants, about 2.9 min" for ``method``, else the methods of the run one by one."""
        if method:
            return f"{self.variants[method]:,} variants, about {_duration(self.seconds(method))}"
        parts = ", ".join(f"{m}: {n:,} variants" for m, n in self.variants.items() if n)
        return f"{parts} — about {_duration(self.total_seconds)}"


def estimate(methods, context, cost: ModelCost | None = None) -> Estimate | None:
    """The run's :class:`Estimate` (the model's cost measured once, see :func:`model_cost`), or None when
    it is too small to be worth budgeting."""
    variants = {method.name: int(method.planned(context)) for method in methods}
    if sum(variants.values()) < MEASURE_ABOVE_VARIANTS:
        return None
    cost = cost or model_cost(context.classifier)
    return Estimate(variants, cost.seconds_per_variant(context.clip.duration))


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"
