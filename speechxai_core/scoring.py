"""The scoring engine: the one place that runs the model.

Given a :class:`Renderer` and the variants to score, it groups variants into as few
forward passes as possible — equal lengths stacked, different lengths zero-padded only
when the classifier supports padding, else grouped by length — renders them on worker
threads while the model runs, and returns per-head probabilities for every variant.
The unperturbed clip is scored once per (model, clip) and reused.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterator, Sequence

import numpy as np

from .errors import SpeechXAIError
from .models.base import Classifier
from .perturb.render import Renderer
from .perturb.variants import ORIGINAL, Variant

Probabilities = dict[str, np.ndarray]  # head -> (classes,)
ProgressCallback = Callable[[int, int], None]


def default_render_threads() -> int:
    return max(1, min(8, (os.cpu_count() or 2) // 2))


class ModelOutputError(SpeechXAIError, ValueError):
    """A model returned scores that cannot be explained (NaN, infinite, wrong shape)."""


def check_outputs(classifier: Classifier, per_head: dict, batch: int) -> dict[str, np.ndarray]:
    """The model's per-head scores as float arrays (batch, classes), or a clear error naming the model.

    Scores need not sum to 1 (detection or multi-label scores are explained as they are).
    """
    checked = {}
    for head in classifier.heads:
        if head.name not in per_head:
            raise ModelOutputError(f"model '{classifier.name}' returned no scores for head '{head.name}'")
        values = np.asarray(per_head[head.name], dtype=np.float64)
        if values.shape != (batch, len(head.labels)):
            raise ModelOutputError(f"model '{classifier.name}' returned shape {values.shape} for head "
                                   f"'{head.name}'; expected ({batch}, {len(head.labels)})")
        if not np.all(np.isfinite(values)):
            kind = "NaN" if np.isnan(values).any() else "infinite"
            raise ModelOutputError(f"model '{classifier.name}' returned {kind} scores (NaN or infinite values) "
                                   f"for head '{head.name}'; check the model and its input scaling")
        checked[head.name] = values
    return checked


class ScoringEngine:
    """Scores variants of a clip with ``classifier`` in batches of ``batch_size``."""

    def __init__(self, classifier: Classifier, batch_size: int = 16, render_threads: int | None = None):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.classifier = classifier
        self.batch_size = batch_size
        self.render_threads = default_render_threads() if render_threads is None else render_threads
        self._originals: OrderedDict[str, Probabilities] = OrderedDict()
        self.forward_passes = 0

    def score_original(self, renderer: Renderer) -> Probabilities:
        key = hashlib.sha1(renderer.audio.samples.tobytes()).hexdigest() + str(renderer.audio.sr)
        if key not in self._originals:
            self._originals[key] = self._forward([renderer.audio.samples])[0]
            if len(self._originals) > 32:
                self._originals.popitem(last=False)
        return self._originals[key]

    def out_of_scope(self, renderer: Renderer) -> dict | None:
        """The classifier's scope signal for the unperturbed clip: ``{"score", "threshold", "out_of_scope",
        "signal"}``, or None when the model gives none."""
        threshold = self.classifier.out_of_scope_threshold
        if threshold is None:
            return None
        samples = renderer.audio.samples
        score = self.classifier.out_of_scope_score(samples[None], np.array([len(samples)]))
        self.forward_passes += 1
        if score is None:
            return None
        value = float(np.asarray(score, dtype=np.float64).reshape(-1)[0])
        return {"score": round(value, 5), "threshold": threshold, "out_of_scope": bool(value > threshold),
                "signal": self.classifier.out_of_scope_signal}

    def score(
        self, renderer: Renderer, variants: Sequence[Variant], progress: ProgressCallback | None = None
    ) -> dict[str, Probabilities]:
        """{variant id: {head: probabilities}} for every variant (``original`` included)."""
        results: dict[str, Probabilities] = {}
        for batch_results in self.iter_score(renderer, variants, progress):
            results.update(batch_results)
        return results

    def iter_score(
        self, renderer: Renderer, variants: Sequence[Variant], progress: ProgressCallback | None = None
    ) -> Iterator[dict[str, Probabilities]]:
        """Yields {variant id: probabilities} batch by batch, in the order of ``variants``' groups."""
        unique = list(OrderedDict((v.id, v) for v in variants).values())
        total, done = len(unique), 0
        if any(v.kind == "original" for v in unique):
            yield {ORIGINAL.id: self.score_original(renderer)}
            unique = [v for v in unique if v.kind != "original"]
            done += 1
        batches = self.plan_batches(renderer, unique)
        with ThreadPoolExecutor(max_workers=max(1, self.render_threads)) as pool:
            rendered = [[pool.submit(renderer.render, v) for v in batch] for batch in batches]
            for batch, futures in zip(batches, rendered):
                probabilities = self._forward([future.result() for future in futures])
                done += len(batch)
                if progress:
                    progress(done, total)
                yield {variant.id: probs for variant, probs in zip(batch, probabilities)}

    def plan_batches(self, renderer: Renderer, variants: Sequence[Variant]) -> list[list[Variant]]:
        """Equal-length variants together; with padding support, length-sorted runs."""
        if self.classifier.supports_padding:
            ordered = sorted(variants, key=renderer.length)
            return [ordered[i:i + self.batch_size] for i in range(0, len(ordered), self.batch_size)]
        groups: OrderedDict[int, list[Variant]] = OrderedDict()
        for variant in variants:
            groups.setdefault(renderer.length(variant), []).append(variant)
        return [group[i:i + self.batch_size] for group in groups.values() for i in range(0, len(group), self.batch_size)]

    def _forward(self, waveforms: list[np.ndarray]) -> list[Probabilities]:
        lengths = np.array([len(w) for w in waveforms])
        if not self.classifier.supports_padding and len(set(lengths.tolist())) > 1:
            raise ValueError("internal: unequal lengths in one batch for a model without padding support")
        batch = np.zeros((len(waveforms), int(lengths.max())), dtype=np.float32)
        for row, samples in zip(batch, waveforms):
            row[: len(samples)] = samples
        per_head = check_outputs(self.classifier, self.classifier.predict(batch, lengths), len(waveforms))
        self.forward_passes += 1
        return [{head: values[i] for head, values in per_head.items()} for i in range(len(waveforms))]
