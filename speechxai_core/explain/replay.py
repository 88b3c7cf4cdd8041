"""The exact audio behind any variant of an explanation, for playback."""

from __future__ import annotations

import numpy as np

from ..align.phones import shift_phones
from ..audio import Audio, AudioSource, load_audio
from ..explanation import Explanation
from ..perturb.masking import MaskConfig
from ..perturb.render import Renderer
from ..perturb.variants import parse_variant_id
from .segment import cut, offset, shift


def renderer_for(explanation: Explanation, audio: AudioSource) -> Renderer:
    """A renderer configured as the explanation was (clip rate, words, mask, seed); ``audio`` is the
    whole recording, of which only the explained segment (when there is one) is rendered."""
    recording = load_audio(audio, explanation.audio["sampling_rate"], max_duration=None)
    segment = explanation.audio.get("segment")
    clip, _ = cut(recording, segment["start"], segment["end"]) if segment else (recording, None)
    settings = explanation.settings
    words = shift(explanation.words, -offset(segment))
    bands = [(band["low_hz"], band["high_hz"]) for band in explanation.bands]
    phonemes = [(p.start, p.end) for p in shift_phones(explanation.phonemes, -offset(segment))]
    return Renderer(clip, words, MaskConfig(**settings.get("mask", {})), settings.get("seed", 0), bands, phonemes)


def variant_audio(explanation: Explanation, audio: AudioSource | Audio, variant_id: str) -> np.ndarray:
    """Samples (at the explanation's sampling rate) of ``variant_id``, identical to what was scored."""
    return renderer_for(explanation, audio).render(parse_variant_id(variant_id))
