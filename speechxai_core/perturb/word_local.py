"""Word-local transforms: only one word's samples change; the rest of the clip is kept.

A word spans samples ``[lo, hi)``. The changed word ``y`` is blended into the clip with a
raised-cosine weight ``w`` that rises over the word's first ``fade`` samples and falls over its
last ``fade`` (``fade = min(FADE_S · sr, (hi − lo) / 4)``): ``out = (1 − w) x + w y`` inside the
word, ``out = x`` outside, so no click marks the edges and nothing outside the word changes.

- ``word_pitch``: Rubber Band pitch shift (``semitones``) of the word with ``CONTEXT_S`` of
  context on each side (so the shifter has settled at the word's edges);
- ``word_gain``: the word scaled by ``10^(dB/20)``;
- ``word_noise``: white noise of power ``P_word / 10^(snr/10)`` (``P_word``: the word's mean power);
- ``word_stretch``: the word time-stretched (pitch kept) to ``round((hi − lo) · factor)`` samples
  and spliced in; the clip after the word is the original, shifted by the change of length.
  The crossfades blend the original's continuation (``x[lo:lo+fade]``, ``x[hi−fade:hi]``) into
  the stretched word's first and last samples.

References:
    Cannam, C. Rubber Band Library. https://breakfastquay.com/rubberband/ (through Spotify's
    pedalboard).
"""

from __future__ import annotations

import numpy as np

from .transforms import pitch_shift, time_stretch

FADE_S = 0.01
CONTEXT_S = 0.1


def fade_length(n: int, sr: int) -> int:
    return int(min(round(FADE_S * sr), n // 4))


def edge_weight(n: int, fade: int) -> np.ndarray:
    """1 inside, raised-cosine ramps from 0 over the first and last ``fade`` samples."""
    weight = np.ones(n)
    if fade > 0:
        ramp = 0.5 - 0.5 * np.cos(np.pi * (np.arange(fade) + 0.5) / fade)
        weight[:fade], weight[n - fade:] = ramp, ramp[::-1]
    return weight


def blend(samples: np.ndarray, lo: int, hi: int, changed: np.ndarray, sr: int) -> np.ndarray:
    """``samples`` with ``[lo, hi)`` crossfaded into ``changed`` (same length as the span)."""
    out = samples.astype(np.float32, copy=True)
    weight = edge_weight(hi - lo, fade_length(hi - lo, sr))
    span = samples[lo:hi].astype(np.float64)
    out[lo:hi] = ((1 - weight) * span + weight * np.asarray(changed, dtype=np.float64)).astype(np.float32)
    return out


def word_pitch(samples: np.ndarray, sr: int, lo: int, hi: int, semitones: float) -> np.ndarray:
    if hi <= lo:
        return samples.astype(np.float32, copy=True)
    margin = int(round(CONTEXT_S * sr))
    a, b = max(0, lo - margin), min(len(samples), hi + margin)
    shifted = pitch_shift(samples[a:b], sr, semitones)
    return blend(samples, lo, hi, shifted[lo - a:hi - a], sr)


def word_gain(samples: np.ndarray, sr: int, lo: int, hi: int, db: float) -> np.ndarray:
    return blend(samples, lo, hi, samples[lo:hi] * 10.0 ** (float(db) / 20.0), sr)


def word_noise(samples: np.ndarray, sr: int, lo: int, hi: int, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    span = samples[lo:hi].astype(np.float64)
    power = float(np.mean(span ** 2)) if hi > lo else 0.0
    noise = rng.standard_normal(hi - lo) * np.sqrt(power / 10.0 ** (float(snr_db) / 10.0))
    return blend(samples, lo, hi, span + noise, sr)


def stretched_length(lo: int, hi: int, factor: float) -> int:
    return int(round((hi - lo) * float(factor)))


def word_stretch(samples: np.ndarray, sr: int, lo: int, hi: int, factor: float) -> np.ndarray:
    """``x[:lo] + stretched word + x[hi:]``; length changes by ``stretched_length − (hi − lo)``."""
    n_new = stretched_length(lo, hi, factor)
    if hi <= lo or n_new < 1:
        return np.concatenate([samples[:lo], samples[hi:]]).astype(np.float32)
    margin = int(round(CONTEXT_S * sr))
    a, b = max(0, lo - margin), min(len(samples), hi + margin)
    stretched = time_stretch(samples[a:b], sr, factor)
    start = int(round((lo - a) * float(factor)))
    word = np.asarray(stretched[start:start + n_new], dtype=np.float64)
    word = np.pad(word, (0, n_new - len(word)))
    fade = fade_length(min(hi - lo, n_new), sr)
    if fade:
        ramp = edge_weight(2 * fade, fade)[:fade]
        word[:fade] = (1 - ramp) * samples[lo:lo + fade] + ramp * word[:fade]
        word[n_new - fade:] = ramp[::-1] * word[n_new - fade:] + (1 - ramp[::-1]) * samples[hi - fade:hi]
    return np.concatenate([samples[:lo], word.astype(np.float32), samples[hi:]]).astype(np.float32)
