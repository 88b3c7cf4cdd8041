"""Light waveform augmentation for training the demo model.

Small speed change, one silenced word that carries no slot (so silenced gaps, as word
masking makes them, are familiar), extra leading silence, gain, and white noise at
10-40 dB SNR. Pitch and reverberation are left alone, for the paralinguistic explainer.
"""

from __future__ import annotations

import numpy as np
import soxr

SAMPLE_RATE = 16000


class Augmenter:
    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)

    def __call__(self, audio: np.ndarray, silence_spans: list[tuple[float, float]]) -> np.ndarray:
        """``silence_spans``: (start, end) seconds of the words that may be silenced."""
        rng = self.rng
        audio = audio.astype(np.float32, copy=True)
        if silence_spans and rng.random() < 0.3:
            start, end = silence_spans[rng.integers(len(silence_spans))]
            audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)] = 0.0
        if rng.random() < 0.5:
            audio = soxr.resample(audio, SAMPLE_RATE, SAMPLE_RATE / rng.uniform(0.9, 1.1)).astype(np.float32)
        if rng.random() < 0.5:
            audio = np.concatenate([np.zeros(int(rng.uniform(0, 0.3) * SAMPLE_RATE), np.float32), audio])
        audio *= 10 ** (rng.uniform(-10, 6) / 20)
        if rng.random() < 0.5:
            power = float(np.mean(audio**2)) / 10 ** (rng.uniform(10, 40) / 10)
            audio += rng.standard_normal(len(audio)).astype(np.float32) * np.sqrt(power)
        return np.clip(audio, -1.0, 1.0)
