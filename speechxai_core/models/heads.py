"""Heads: named slices of a logit vector, each with its own softmax.

A spec such as ``"action:6,object:14,location:4"`` splits 24 logits into three
consecutive blocks; ``p_head = softmax(logits[start:end])``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import SpeechXAIError, echo


class HeadSpecError(SpeechXAIError, ValueError):
    """A heads spec that does not fit the model's outputs."""


@dataclass(frozen=True)
class Head:
    """One classification slot: ``labels`` are the classes of logits ``start:end``."""

    name: str
    labels: tuple[str, ...]
    start: int
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start

    def index_of(self, label: str) -> int:
        """Index of a class given by name (case-insensitive) or by its number."""
        lowered = [name.lower() for name in self.labels]
        if label.lower() in lowered:
            return lowered.index(label.lower())
        if label.isdigit() and int(label) < self.size:
            return int(label)
        raise HeadSpecError(f"head '{self.name}' has no class '{echo(label)}' (classes: {', '.join(self.labels)})")


def parse_heads(spec: str | None, labels: list[str]) -> list[Head]:
    """Split ``labels`` (all outputs, in order) into heads by ``spec``.

    ``None`` or ``""`` gives one head named ``class``. Sizes must add up to the number of outputs.
    """
    total = len(labels)
    if not spec:
        return [Head("class", tuple(labels), 0, total)]
    heads: list[Head] = []
    start = 0
    for part in spec.split(","):
        name, sep, size_text = part.strip().partition(":")
        if not sep or not name.strip() or not size_text.strip().isdigit() or int(size_text) <= 0:
            raise HeadSpecError(f"bad heads spec '{echo(spec)}': write it as name:size,name:size (e.g. action:6,object:14)")
        size = int(size_text)
        heads.append(Head(name.strip(), tuple(labels[start:start + size]), start, start + size))
        start += size
    if start != total:
        raise HeadSpecError(f"heads spec '{echo(spec)}' covers {start} outputs but the model has {total}")
    if len({head.name for head in heads}) != len(heads):
        raise HeadSpecError(f"heads spec '{echo(spec)}' repeats a head name")
    return heads


def heads_spec(heads: list[Head]) -> str:
    """The spec string that :func:`parse_heads` turns back into ``heads``."""
    return ",".join(f"{head.name}:{head.size}" for head in heads)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def split_probabilities(logits: np.ndarray, heads: list[Head]) -> dict[str, np.ndarray]:
    """Per-head softmax of ``logits`` shaped (batch, outputs) -> {head: (batch, classes)}."""
    return {head.name: softmax(logits[:, head.start:head.end].astype(np.float64)) for head in heads}
