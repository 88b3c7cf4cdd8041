"""Turns a :class:`Variant` of one clip into samples; the same inputs give the same audio."""

from __future__ import annotations

import zlib
from typing import Sequence

import numpy as np

from ..audio import Audio
from ..align.words import Word
from . import transforms, voice, word_local
from .bands import Band, band_stop
from .masking import MaskConfig, mask_spans, word_span
from .variants import Variant, VariantError


def variant_rng(seed: int, variant_id: str) -> np.random.Generator:
    """Generator seeded by (seed, variant id): each variant is reproducible on its own."""
    return np.random.default_rng([int(seed), zlib.crc32(variant_id.encode())])


class Renderer:
    """Renders variants of ``audio``; word variants mask ``words`` with ``mask``; band variants remove
    ``bands`` ((low_hz, high_hz) pairs, see :mod:`.bands`); phoneme variants mask ``phonemes`` ((start,
    end) seconds, no padding) with the mask's strategy."""

    def __init__(self, audio: Audio, words: Sequence[Word] = (), mask: MaskConfig = MaskConfig(), seed: int = 0,
                 bands: Sequence[Band] = (), phonemes: Sequence[tuple[float, float]] = ()):
        self.audio = audio
        self.words = list(words)
        self.mask = mask
        self.seed = seed
        self.bands = [tuple(band) for band in bands]
        self.phonemes = [tuple(span) for span in phonemes]

    def length(self, variant: Variant) -> int:
        n = len(self.audio.samples)
        if variant.kind == "stretch":
            return int(round(n * variant.level))
        if variant.kind == "word_stretch":
            lo, hi = self.word_bounds(variant.word_index)
            return n + word_local.stretched_length(lo, hi, variant.level) - (hi - lo)
        return n

    def word_bounds(self, index: int) -> tuple[int, int]:
        """Sample range [lo, hi) of word ``index`` itself (no mask padding): what word-local variants change."""
        if not 0 <= index < len(self.words):
            raise VariantError(f"word index {index} out of range (the clip has {len(self.words)} words)")
        n, sr = len(self.audio.samples), self.audio.sr
        word = self.words[index]
        return min(n, max(0, int(round(word.start * sr)))), min(n, max(0, int(round(word.end * sr))))

    def spans(self, word_indices: Sequence[int]) -> list[tuple[int, int]]:
        n, sr = len(self.audio.samples), self.audio.sr
        for i in word_indices:
            if not 0 <= i < len(self.words):
                raise VariantError(f"word index {i} out of range (the clip has {len(self.words)} words)")
        return [word_span(self.words[i].start, self.words[i].end, sr, n, self.mask) for i in word_indices]

    def mask_words(self, word_indices: Sequence[int], tag: str) -> np.ndarray:
        """The clip with the given words masked; ``tag`` seeds noise masks."""
        return mask_spans(self.audio.samples, self.spans(word_indices), self.mask, variant_rng(self.seed, tag))

    def remove_bands(self, band_indices: Sequence[int]) -> np.ndarray:
        """The whole clip with the given bands removed."""
        for i in band_indices:
            if not 0 <= i < len(self.bands):
                raise VariantError(f"band index {i} out of range (the explanation has {len(self.bands)} bands)")
        return band_stop(self.audio.samples, self.audio.sr, [self.bands[i] for i in band_indices])

    def mask_phonemes(self, phone_indices: Sequence[int], tag: str) -> np.ndarray:
        """The clip with the given phonemes masked (their own spans, no padding)."""
        n, sr = len(self.audio.samples), self.audio.sr
        for i in phone_indices:
            if not 0 <= i < len(self.phonemes):
                raise VariantError(f"phoneme index {i} out of range (the explanation has {len(self.phonemes)})")
        spans = [(max(0, int(round(self.phonemes[i][0] * sr))), min(n, int(round(self.phonemes[i][1] * sr))))
                 for i in phone_indices]
        return mask_spans(self.audio.samples, spans, self.mask, variant_rng(self.seed, tag))

    def word_band(self, word_index: int, band_index: int) -> np.ndarray:
        """Band ``band_index`` removed inside word ``word_index`` only (the filtered clip spliced in)."""
        (lo, hi), = self.spans([word_index])
        out = self.audio.samples.astype(np.float32, copy=True)
        out[lo:hi] = self.remove_bands([band_index])[lo:hi]
        return out

    def room(self, draw: int) -> tuple[float, ...]:
        """Source and microphone positions (fractions of the room) of reverb draw ``draw``."""
        if draw == 0:
            return transforms.DEFAULT_ROOM_POSITIONS
        return transforms.random_room_positions(variant_rng(self.seed, f"reverb@{draw}"))

    def render(self, variant: Variant) -> np.ndarray:
        samples, sr = self.audio.samples, self.audio.sr
        if variant.kind == "original":
            return samples
        if variant.kind == "word":
            return self.mask_words([variant.word_index], variant.id)
        if variant.kind == "words":
            return self.mask_words(variant.word_indices, variant.id)
        if variant.kind == "band":
            return self.remove_bands([variant.unit_index])
        if variant.kind == "bands":
            return self.remove_bands(variant.unit_indices)
        if variant.kind == "word_band":
            return self.word_band(variant.word_index, variant.unit_index)
        if variant.kind == "phone":
            return self.mask_phonemes([variant.unit_index], variant.id)
        if variant.kind == "phones":
            return self.mask_phonemes(variant.unit_indices, variant.id)
        if variant.kind == "pitch":
            return transforms.pitch_shift(samples, sr, variant.level)
        if variant.kind == "stretch":
            return transforms.time_stretch(samples, sr, variant.level)
        if variant.kind == "noise":  # one draw per clip and draw index, scaled to each SNR
            return transforms.add_white_noise(samples, variant.level, variant_rng(self.seed, f"noise@{variant.draw}"))
        if variant.kind == "reverb":  # one room geometry per draw index, scaled to each size
            return transforms.reverberate(samples, sr, variant.level, self.room(variant.draw))
        if variant.kind in GLOBAL_VOICE:
            return GLOBAL_VOICE[variant.kind](samples, sr, variant.level)
        if variant.kind in WORD_LOCAL:
            lo, hi = self.word_bounds(variant.word_index)
            if variant.kind == "word_noise":
                return word_local.word_noise(samples, sr, lo, hi, variant.level, variant_rng(self.seed, variant.id))
            return WORD_LOCAL[variant.kind](samples, sr, lo, hi, variant.level)
        raise VariantError(f"cannot render variant kind '{variant.kind}'")


GLOBAL_VOICE = {"flat_pitch": voice.flatten_pitch, "flat_loudness": voice.flatten_loudness,
                "formant": voice.shift_formants}
WORD_LOCAL = {"word_pitch": word_local.word_pitch, "word_stretch": word_local.word_stretch,
              "word_gain": word_local.word_gain, "word_noise": word_local.word_noise}
