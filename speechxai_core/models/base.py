"""The classifier contract the scoring engine relies on."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from ..errors import SpeechXAIError
from .heads import Head


class ModelLoadError(SpeechXAIError, RuntimeError):
    """A model that cannot be loaded; the message says why and what to do."""


class Classifier(ABC):
    """Maps a batch of waveforms to per-head class probabilities.

    Subclasses set ``heads``, ``sampling_rate``, ``name`` and ``supports_padding``
    (True only when zero-padding plus ``lengths`` leaves each item's output unchanged,
    e.g. a transformer that takes an attention mask), and ``max_duration``: the longest
    input in seconds that the model really uses (audio after it is cut off or ignored),
    None when it hears inputs of any length.

    A model that can tell when a clip lies outside what it was built for overrides
    ``out_of_scope_score`` and sets ``out_of_scope_threshold`` (and ``out_of_scope_signal``, what
    the score measures, for people); explanations of clips scoring above the threshold carry an
    ``out_of_scope`` warning.
    """

    heads: list[Head]
    sampling_rate: int
    name: str
    supports_padding: bool = False
    max_duration: float | None = None
    out_of_scope_threshold: float | None = None
    out_of_scope_signal: str = ""

    @abstractmethod
    def predict(self, waveforms: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
        """``waveforms`` float32 (batch, samples); ``lengths`` the valid samples of each row.

        Returns {head name: probabilities (batch, classes)} as float64.
        """

    def members(self) -> list["Classifier"]:
        """The separately trained members of an ensemble, each as a classifier (empty for one model)."""
        return []

    def out_of_scope_score(self, waveforms: np.ndarray, lengths: np.ndarray) -> np.ndarray | None:
        """Per clip, how far it lies from what the model was built for (higher: farther), compared with
        ``out_of_scope_threshold``; None (the default) when the model has no such signal."""
        return None

    def head(self, name: str) -> Head:
        for head in self.heads:
            if head.name == name:
                return head
        raise KeyError(f"model has no head '{name}' (heads: {', '.join(h.name for h in self.heads)})")
