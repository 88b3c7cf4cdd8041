"""Classifier adapters: Hugging Face models, named heads, Python callables, presets."""

from __future__ import annotations

import threading

from .base import Classifier, ModelLoadError
from .callable import CallableClassifier
from .heads import Head, HeadSpecError, heads_spec, parse_heads
from .presets import PRESETS, Preset, resolve

_CACHE: dict[tuple, Classifier] = {}
_LOCK = threading.Lock()


def load_model(
    model: str | None = None,
    heads: str | None = None,
    device: str | None = None,
    half: bool = False,
    trust_remote_code: bool = False,
) -> Classifier:
    """Load a preset name, hub id or local folder once; later calls return the same object.

    ``heads`` overrides the preset's heads spec. Raises :class:`ModelLoadError`.
    """
    from pathlib import Path

    from .encoder_slots import EncoderSlotsClassifier, is_encoder_slots_folder
    from .hf import HFAudioClassifier

    preset = resolve(model)
    spec = heads if heads else preset.heads
    key = (preset.source, spec, device, half, trust_remote_code)
    with _LOCK:
        if key not in _CACHE:
            if preset.name == "demo" and not Path(preset.source).exists():
                raise ModelLoadError(f"the bundled demo model is missing from {preset.source}")
            if is_encoder_slots_folder(preset.source):
                _CACHE[key] = EncoderSlotsClassifier(preset.source, spec, device)
            else:
                _CACHE[key] = HFAudioClassifier(preset.source, spec, device, half, trust_remote_code)
        return _CACHE[key]


__all__ = [
    "Classifier", "CallableClassifier", "Head", "HeadSpecError", "ModelLoadError", "PRESETS", "Preset",
    "heads_spec", "load_model", "parse_heads", "resolve",
]
