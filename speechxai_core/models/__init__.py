"""Classifier adapters: Hugging Face models, named heads, Python callables, presets."""

from __future__ import annotations

import threading

from .base import Classifier, ModelLoadError
from .callable import CallableClassifier
from .heads import Head, HeadSpecError, heads_spec, parse_heads
from .presets import PRESETS, Preset, resolve
from .torch_module import TorchClassifier

_CACHE: dict[tuple, Classifier] = {}
_LOCK = threading.Lock()


def load_model(
    model: str | None = None,
    heads: str | None = None,
    device: str | None = None,
    half: bool = False,
    trust_remote_code: bool = False,
    allow_code_models: bool = True,
    hub_only: bool = False,
) -> Classifier:
    """Load a preset name, hub id or local folder once; later calls return the same object.

    ``heads`` overrides the preset's heads spec. ``file.py:name`` or ``package.module:name``
    loads a classifier from Python code (see :mod:`.code`), only with ``allow_code_models``
    (a hosted app passes False). ``hub_only``: a name that is neither a preset nor an absolute
    folder comes from the Hugging Face hub only, never from a folder relative to the working
    directory (a hosted app). Raises :class:`ModelLoadError`.
    """
    from pathlib import Path

    from .code import is_code_spec, load_code_model
    from .encoder_slots import EncoderSlotsClassifier, is_encoder_slots_folder
    from .hf import HFAudioClassifier

    if is_code_spec(model):
        if not allow_code_models:
            raise ModelLoadError("models from Python code (file.py:name) are accepted only when the app runs "
                                 "locally; choose a preset, a hub id or a model folder")
        if heads:
            raise ModelLoadError("--heads does not apply to a model from Python code; give its labels per head there")
        return load_code_model(model)

    preset = resolve(model)
    spec = heads if heads else preset.heads
    from_hub = hub_only and not Path(preset.source).is_absolute()
    key = (preset.source, spec, device, half, trust_remote_code, from_hub)
    with _LOCK:
        if key not in _CACHE:
            if preset.name.startswith("demo") and not Path(preset.source).exists():
                raise ModelLoadError(f"the bundled {preset.name} model is missing from {preset.source}")
            if from_hub:
                _CACHE[key] = HFAudioClassifier(preset.source, spec, device, half, trust_remote_code, hub_only=True)
            elif is_encoder_slots_folder(preset.source):
                _CACHE[key] = EncoderSlotsClassifier(preset.source, spec, device)
            else:
                _CACHE[key] = HFAudioClassifier(preset.source, spec, device, half, trust_remote_code)
        return _CACHE[key]


__all__ = [
    "Classifier", "CallableClassifier", "Head", "HeadSpecError", "ModelLoadError", "PRESETS", "Preset",
    "TorchClassifier", "heads_spec", "load_model", "parse_heads", "resolve",
]
