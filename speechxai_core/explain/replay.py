"""The exact audio behind any variant of an explanation, for playback."""

from __future__ import annotations

import numpy as np

from ..audio import Audio, AudioSource, load_audio
from ..explanation import Explanation
from ..perturb.masking import MaskConfig
from ..perturb.render import Renderer
from ..perturb.variants import parse_variant_id


def renderer_for(explanation: Explanation, audio: AudioSource) -> Renderer:
    """A renderer configured as the explanation was (clip rate, words, mask, seed)."""
    clip = load_audio(audio, explanation.audio["sampling_rate"], max_duration=None)
    settings = explanation.settings
    return Renderer(clip, explanation.words, MaskConfig(**settings.get("mask", {})), settings.get("seed", 0))


def variant_audio(explanation: Explanation, audio: AudioSource | Audio, variant_id: str) -> np.ndarray:
    """Samples (at the explanation's sampling rate) of ``variant_id``, identical to what was scored."""
    return renderer_for(explanation, audio).render(parse_variant_id(variant_id))
