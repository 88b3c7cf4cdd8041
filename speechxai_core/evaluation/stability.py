"""Stability: does the explanation stay the same when only chance, the mask or the model's seed changes?

For each method and head (``runs`` ≥ 3):

- methods that draw random numbers (LIME's samples, estimated Shapley's coalitions, the noise and
  reverb draws of ``paraling``, any masking method when words are masked with noise) are run again with
  seeds ``seed, seed + 1, …``: ``spearman`` is the mean pairwise Spearman rank correlation of the runs'
  scores, ``top1`` the fraction of pairs with the same top word (or property), ``runs`` their number.
  Deterministic methods report ``{"not_applicable": "<why>"}``, never a perfect agreement;
- every word method that masks words gets ``mask_spearman``: the rank correlation between its scores
  with the zero mask and with the noise mask (the other of the two is run);
- ``members``: for an ensemble (the bundled model), the agreement of its members explained one by one
  (mean pairwise Spearman, top-1 agreement, ``count``) — the inter-seed agreement of Shen et al.;
- ``models``: the same agreement across the explained model and the models the user names
  (``agreement_models``), which must share the head and explained class.

References: Shen et al., "Are word-level attributions reliable for speech classifiers?" (inter-seed
agreement), Interspeech 2025; Alvarez-Melis & Jaakkola, "On the Robustness of Interpretability
Methods", ICML WHI 2018.
"""

from __future__ import annotations

import dataclasses

from ..explain.base import Context
from ..explain.targets import Target
from ..models import Classifier
from ..perturb.masking import MASK_STRATEGIES, MaskConfig
from ..perturb.render import Renderer
from ..perturb.variants import RANDOM_KINDS
from ..scoring import ScoringEngine
from .rerun import agreement, rerun, spearman

RUNS = 3
MASKING_METHODS = ("loo", "lime", "shapley")


def randomness(method: str, context: Context, details: dict, mask: MaskConfig) -> str | None:
    """None when ``method`` draws random numbers in this run, else why it is deterministic."""
    if context.words and method in MASKING_METHODS and mask.strategy == "noise":
        return None
    if method == "lime":
        return None
    if method == "shapley":
        return "exact Shapley values (every coalition scored): deterministic" if details.get("exact") else None
    if method == "paraling":
        random = [p for p in context.properties if p in RANDOM_KINDS]
        return None if random else "no random property (noise, reverb) was perturbed: deterministic"
    return "deterministic: the same input gives the same scores"


class Stability:
    """The ``stability`` check; direction: higher agreement = more stable."""

    name = "stability"

    def __init__(self, runs: int = RUNS, agreement_models: tuple[Classifier, ...] = ()) -> None:
        if runs < 3:
            raise ValueError("stability needs at least 3 runs")
        self.runs, self.agreement_models = int(runs), tuple(agreement_models)

    def run(self, methods: list, original: dict[str, dict[str, list]], context: Context, renderer: Renderer,
            engine: ScoringEngine, details: dict[str, dict]) -> dict[str, dict[str, dict]]:
        """{method: {head: result as JSON}} for ``methods`` whose scores are ``original[method]``."""
        members = context.classifier.members() if context.classifier is not None else []
        result = {}
        for method in methods:
            entries = {head: {} for head in original[method.name]}
            why = randomness(method.name, context, details.get(method.name, {}), renderer.mask)
            if why:
                for entry in entries.values():
                    entry["not_applicable"] = why
            else:
                seeds = [context.seed + i for i in range(1, self.runs)]
                runs = [rerun(method, context, engine, _with(renderer, seed=s), seed=s) for s in seeds]
                for head, entry in entries.items():
                    entry.update(agreement([original[method.name][head], *(r[head] for r in runs)]))
            if method.word_level and method.name in MASKING_METHODS:
                other = next(s for s in MASK_STRATEGIES if s != renderer.mask.strategy)
                swapped = rerun(method, context, engine, _with(renderer, mask=dataclasses.replace(renderer.mask,
                                                                                                strategy=other)))
                for head, entry in entries.items():
                    entry["mask_spearman"] = spearman(original[method.name][head], swapped[head])
            if method.word_level and members:
                per_member = [rerun(method, context, ScoringEngine(m, engine.batch_size), renderer, classifier=m)
                              for m in members]
                for head, entry in entries.items():
                    entry["members"] = _renamed(agreement([r[head] for r in per_member]))
            if method.word_level and self.agreement_models:
                self._across_models(method, original, context, renderer, engine, entries)
            result[method.name] = entries
        return result

    def _across_models(self, method, original, context, renderer, engine, entries) -> None:
        runs = {head: [original[method.name][head]] for head in entries}
        for model in self.agreement_models:
            why, targets = _same_targets(context, model)
            if why:
                for entry in entries.values():
                    entry["models"] = {"not_applicable": why}
                return
            other = rerun(method, context, ScoringEngine(model, engine.batch_size), renderer, classifier=model,
                          targets=targets)
            for head in entries:
                runs[head].append(other[head])
        names = [context.classifier.name, *(m.name for m in self.agreement_models)]
        for head, entry in entries.items():
            entry["models"] = {"names": names, **_renamed(agreement(runs[head]))}


def _renamed(values: dict) -> dict:
    return {"spearman": values["spearman"], "top1": values["top1"], "count": values["runs"]}


def _with(renderer: Renderer, **changes) -> Renderer:
    fields = {"audio": renderer.audio, "words": renderer.words, "mask": renderer.mask, "seed": renderer.seed}
    return Renderer(**(fields | changes))


def _same_targets(context: Context, model: Classifier) -> tuple[str | None, dict[str, Target]]:
    """(why not comparable, {head: Target on ``model``}): same heads, classes by name, same sampling rate."""
    if model.sampling_rate != context.classifier.sampling_rate:
        return f"'{model.name}' runs at {model.sampling_rate} Hz, the explained model at " \
               f"{context.classifier.sampling_rate} Hz", {}
    heads = {head.name: head for head in model.heads}
    mine = {head.name: head for head in context.classifier.heads}
    targets = {}
    for name, target in context.targets.items():
        if name not in heads:
            return f"'{model.name}' has no head '{name}'", {}
        labels = [mine[name].labels[i] for i, w in enumerate(target.weights) if w]
        missing = [label for label in labels if label not in heads[name].labels]
        if missing:
            return f"'{model.name}' head '{name}' has no class '{missing[0]}'", {}
        weights = [0.0] * len(heads[name].labels)
        for i, w in enumerate(target.weights):
            if w:
                weights[heads[name].labels.index(mine[name].labels[i])] = w
        targets[name] = Target(name, tuple(weights))
    return None, targets
