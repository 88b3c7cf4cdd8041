"""The sanity check: does the explanation change when the model's weights are destroyed?

For each word method and head, the model's weights are re-initialised in cascade from the output
layer down (:func:`speechxai_core.models.randomize.randomized`: the head, then each encoder block,
then everything), the method is run again on each copy for the same explained class, and the Spearman
rank correlation ``ρ_s`` between the original scores and the copy's is reported per step ``s``.
An explanation that survives the model's destruction does not explain the model.

``passed``: ``|ρ|`` after the last step (every weight reset) is below ``threshold`` (0.5), or ``ρ``
is undefined there (the randomised model's scores are constant: nothing of the explanation is left).
Models without weights to reset (Python functions) give ``{"not_applicable": "<why>"}``.
Cost: one rerun of every word method per step (steps = 2 + encoder blocks).

References: Adebayo et al., "Sanity Checks for Saliency Maps", NeurIPS 2018.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..explain.base import Context
from ..models.randomize import not_randomizable, randomized
from ..perturb.render import Renderer
from ..scoring import ScoringEngine
from .rerun import rerun, spearman

THRESHOLD = 0.5


@dataclass(frozen=True)
class HeadSanity:
    """One method and head: ``spearman[s]`` after step ``layers[s]`` of the cascade, and the verdict."""

    spearman: tuple[float | None, ...]
    layers: tuple[str, ...]
    passed: bool
    threshold: float = THRESHOLD

    def to_dict(self) -> dict:
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> "HeadSanity":
        return cls(tuple(data["spearman"]), tuple(data["layers"]), bool(data["passed"]),
                   float(data.get("threshold", THRESHOLD)))


class Sanity:
    """The ``sanity`` check (model-parameter randomisation test); direction: lower ``|ρ|`` = better."""

    name = "sanity"

    def __init__(self, threshold: float = THRESHOLD, seed: int = 0) -> None:
        self.threshold, self.seed = float(threshold), int(seed)

    def run(self, methods: list, original: dict[str, dict[str, list]], context: Context, renderer: Renderer,
            batch_size: int = 16) -> dict[str, dict[str, dict]]:
        """{method: {head: result as JSON}} for ``methods`` whose scores are ``original[method]``."""
        reason = not_randomizable(context.classifier)
        if reason:
            return {m.name: {head: {"not_applicable": reason} for head in context.targets} for m in methods}
        layers, per_step = [], []
        for label, copy in randomized(context.classifier, seed=self.seed):
            engine = ScoringEngine(copy, batch_size=batch_size)
            layers.append(label)
            per_step.append({m.name: rerun(m, context, engine, renderer, classifier=copy) for m in methods})
        result = {}
        for method in methods:
            result[method.name] = {}
            for head, scores in original[method.name].items():
                rhos = tuple(spearman(scores, step[method.name][head]) for step in per_step)
                passed = rhos[-1] is None or abs(rhos[-1]) < self.threshold
                result[method.name][head] = HeadSanity(rhos, tuple(layers), passed, self.threshold).to_dict()
        return result
