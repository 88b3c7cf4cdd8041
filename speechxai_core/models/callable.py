"""Any Python function as a classifier (ONNX, TorchScript, scikit-learn, ...)."""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from .base import Classifier
from .heads import Head, softmax


class CallableClassifier(Classifier):
    """Wraps ``fn(waveforms, sampling_rate)`` -> scores.

    ``waveforms`` is float32 (batch, samples), all rows the same length unless
    ``supports_padding`` is set (then rows are zero-padded and ``fn`` also receives
    ``lengths=`` as a keyword). ``fn`` returns an array (batch, total classes) or a
    dict {head: (batch, classes)}; ``outputs`` says whether they are ``"probabilities"``
    or ``"logits"`` (a softmax is then applied per head, so a head needs at least two classes).
    Probabilities need not sum to 1: detection or multi-label scores (one sigmoid per class)
    are explained as they are, each class's score on its own.
    ``labels`` is a list of class names (one head) or {head name: class names}.
    ``max_duration``: seconds of input that ``fn`` really uses (None: all of it).
    """

    def __init__(
        self,
        fn: Callable,
        labels: Sequence[str] | Mapping[str, Sequence[str]],
        sampling_rate: int = 16000,
        outputs: str = "probabilities",
        supports_padding: bool = False,
        name: str = "callable",
        max_duration: float | None = None,
    ) -> None:
        if outputs not in ("probabilities", "logits"):
            raise ValueError("outputs must be 'probabilities' or 'logits'")
        label_map = dict(labels) if isinstance(labels, Mapping) else {"class": list(labels)}
        self.heads, start = [], 0
        for head_name, names in label_map.items():
            self.heads.append(Head(head_name, tuple(str(n) for n in names), start, start + len(names)))
            start += len(names)
        single = [head.name for head in self.heads if len(head.labels) == 1]
        if outputs == "logits" and single:
            raise ValueError(f"head '{single[0]}' has one class but outputs='logits': a softmax over one class is "
                             "always 1, so nothing could be explained; return a probability (e.g. a sigmoid) with "
                             "outputs='probabilities', or give the head two classes")
        self.fn = fn
        self.outputs = outputs
        self.sampling_rate = sampling_rate
        self.supports_padding = supports_padding
        self.name = name
        if max_duration is not None and max_duration <= 0:
            raise ValueError("max_duration must be positive (or None)")
        self.max_duration = max_duration

    def predict(self, waveforms: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
        kwargs = {"lengths": lengths} if self.supports_padding else {}
        return self.per_head(self.fn(waveforms, self.sampling_rate, **kwargs))

    def per_head(self, raw) -> dict[str, np.ndarray]:
        """The function's output (an array or {head: array}) as {head: probabilities}."""
        if isinstance(raw, Mapping):
            per_head = {head.name: np.asarray(raw[head.name], dtype=np.float64) for head in self.heads}
        else:
            array = np.asarray(raw, dtype=np.float64)
            if array.ndim != 2 or array.shape[1] != self.heads[-1].end:
                raise ValueError(f"model function returned shape {array.shape}; expected (batch, {self.heads[-1].end})")
            per_head = {head.name: array[:, head.start:head.end] for head in self.heads}
        if self.outputs == "logits":
            return {name: softmax(values) for name, values in per_head.items()}
        return per_head
