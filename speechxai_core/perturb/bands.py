"""Frequency bands: mel-spaced edges and the zero-phase band-stop filter behind ``band:i``.

Edges: ``N`` bands equally spaced on the mel scale ``m(f) = 2595 log10(1 + f/700)`` (O'Shaughnessy,
1987; the HTK formula) from 0 Hz to the Nyquist frequency ``sr/2``, rounded to 0.1 Hz.

Band-stop: the clip's discrete Fourier transform with every bin whose frequency ``f`` lies in a removed
band (``low ≤ f < high``; the last band includes Nyquist) set to zero, transformed back. The response is
real and 0/1, so the filter has zero phase (no delay, no phase distortion) and removing a set of bands
removes exactly the union of their bins: coalitions of bands compose, and removing every band silences
the clip. It runs over the whole clip; a band removed inside one word (``word_band:w:b``) splices the
filtered clip's samples into that word's span.

References: EmoLIME (explanations of speech emotion over frequency bands) and SPES (spectrogram
patches) motivate bands as players; the filter is the ideal frequency-sampling band-stop
(Oppenheim & Schafer, *Discrete-Time Signal Processing*, 3rd ed., ch. 8).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

Band = tuple[float, float]


def hz_to_mel(hz):
    return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)


def mel_to_hz(mel):
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)


def mel_bands(n_bands: int, sr: int) -> list[Band]:
    """``n_bands`` (low_hz, high_hz) pairs, mel-spaced from 0 Hz to ``sr/2``."""
    if n_bands < 1:
        raise ValueError("the number of bands must be at least 1")
    edges = mel_to_hz(np.linspace(0.0, hz_to_mel(sr / 2.0), n_bands + 1))
    edges = [round(float(e), 1) for e in edges]
    edges[-1] = sr / 2.0
    return [(edges[i], edges[i + 1]) for i in range(n_bands)]


def band_stop(samples: np.ndarray, sr: int, bands: Sequence[Band]) -> np.ndarray:
    """``samples`` with every frequency inside ``bands`` removed (see the module doc); float32."""
    spectrum = np.fft.rfft(samples.astype(np.float64))
    freqs = np.fft.rfftfreq(len(samples), 1.0 / sr)
    nyquist = sr / 2.0
    for low, high in bands:
        inside = (freqs >= low) & ((freqs < high) | ((high >= nyquist) & (freqs <= high)))
        spectrum[inside] = 0.0
    return np.fft.irfft(spectrum, n=len(samples)).astype(np.float32)


def band_of(frequency: float, bands: Sequence[Band]) -> int:
    """Index of the band holding ``frequency`` (Hz)."""
    for i, (low, high) in enumerate(bands):
        if low <= frequency < high or (i == len(bands) - 1 and frequency <= high):
            return i
    raise ValueError(f"{frequency} Hz lies outside the bands")
