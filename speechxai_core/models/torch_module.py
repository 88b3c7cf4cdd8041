"""Any PyTorch module as a classifier: perturbation methods, gradient methods and the sanity check.

``TorchClassifier(module, labels)`` wraps a ``torch.nn.Module`` that maps a waveform batch (float
tensor, batch × samples, at ``sampling_rate``) to scores (batch × total classes). ``outputs`` says
whether the scores are ``"logits"`` (a softmax per head gives the probabilities explained) or
``"probabilities"``. Gradient methods differentiate the module's own output (the logits, or the
probabilities themselves) with respect to the waveform; the sanity check resets its weights
(:mod:`.randomize`). Name it from the command line as ``file.py:name`` (:mod:`.code`).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Mapping, Sequence

import numpy as np

from .callable import CallableClassifier


class WaveformInput:
    """The network input of a waveform model: the samples themselves (``input_values``)."""

    feature_size = 1

    def __init__(self, sampling_rate: int) -> None:
        self.sampling_rate = sampling_rate

    def __call__(self, items: list[np.ndarray], sampling_rate: int, return_tensors: str = "pt") -> dict:
        import torch

        if len({len(item) for item in items}) != 1:
            raise ValueError("waveforms of one call must have the same length")
        return {"input_values": torch.as_tensor(np.stack(items).astype(np.float32))}


def _output_module(module):
    """``module`` behind the interface of a ``transformers`` classifier: ``forward(input_values).logits``."""
    import torch

    class Outputs(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.module = module

        def forward(self, input_values):
            return SimpleNamespace(logits=self.module(input_values))

    return Outputs()


class TorchClassifier(CallableClassifier):
    """A ``torch.nn.Module`` from waveforms (batch × samples) to scores (batch × classes); see the module doc.

    ``labels``: class names (one head) or {head: class names}. ``device``: where the module runs
    (default: where its parameters are). ``max_duration``: seconds of input the module really uses.
    """

    def __init__(
        self,
        module,
        labels: Sequence[str] | Mapping[str, Sequence[str]],
        sampling_rate: int = 16000,
        outputs: str = "logits",
        name: str | None = None,
        device: str | None = None,
        max_duration: float | None = None,
    ) -> None:
        import torch

        if not isinstance(module, torch.nn.Module):
            raise TypeError(f"TorchClassifier needs a torch.nn.Module, not {type(module).__name__}")
        super().__init__(None, labels, sampling_rate, outputs, supports_padding=False,
                         name=name or type(module).__name__, max_duration=max_duration)
        first = next(module.parameters(), None)
        self.device = device or (str(first.device) if first is not None else "cpu")
        self.dtype = torch.float32
        self.model = _output_module(module).to(self.device).eval()
        self.extractor = WaveformInput(sampling_rate)

    @property
    def module(self):
        """The wrapped module (a randomised copy's own, after :func:`~.randomize.randomized`)."""
        return self.model.module

    def predict(self, waveforms: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
        import torch

        with torch.inference_mode():
            scores = self.model(torch.as_tensor(waveforms, device=self.device)).logits
        return self.per_head(scores.float().cpu().numpy())
