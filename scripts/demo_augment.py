"""Light waveform augmentation for training the demo model.

Word silencing (as word masking does it): often some of the words that carry no slot, so the
model learns that they do not matter; sometimes one carrying word, whose slot the trainer
then labels "unknown" (a uniform target), so the model learns it cannot tell that slot
without its word. Then a small speed change, extra leading silence, gain, and white noise
at 10-40 dB SNR. Pitch and reverberation are left alone, for the paralinguistic explainer.
"""

from __future__ import annotations

import numpy as np
import soxr

SAMPLE_RATE = 16000


class Augmenter:
    def __init__(self, seed: int = 0, carrier_rate: float = 0.1) -> None:
        self.rng = np.random.default_rng(seed)
        self.carrier_rate = carrier_rate

    def __call__(self, audio: np.ndarray, words: list[dict], carriers: dict[str, int | None]) -> tuple[np.ndarray, set[str]]:
        """The augmented copy of ``audio`` and the slots whose carrying word was silenced.

        ``words``: [{start, end}] in seconds; ``carriers``: {slot: index of its word or None}.
        """
        rng = self.rng
        audio = audio.astype(np.float32, copy=True)
        carrying = {i for i in carriers.values() if i is not None}
        others = [i for i in range(len(words)) if i not in carrying]
        silenced: set[int] = set()
        if others and rng.random() < 0.4:
            silenced = {i for i in others if rng.random() < 0.5} or {others[rng.integers(len(others))]}
        unknown: set[str] = set()
        if carrying and rng.random() < self.carrier_rate:
            carrier = sorted(carrying)[rng.integers(len(carrying))]
            silenced.add(carrier)
            unknown = {slot for slot, index in carriers.items() if index == carrier}
        for i in silenced:
            audio[int(words[i]["start"] * SAMPLE_RATE) : int(words[i]["end"] * SAMPLE_RATE)] = 0.0
        if rng.random() < 0.6:
            audio = soxr.resample(audio, SAMPLE_RATE, SAMPLE_RATE / rng.uniform(0.85, 1.15)).astype(np.float32)
        if rng.random() < 0.5:
            audio = np.concatenate([np.zeros(int(rng.uniform(0, 0.3) * SAMPLE_RATE), np.float32), audio])
        audio *= 10 ** (rng.uniform(-10, 6) / 20)
        if rng.random() < 0.5:
            power = float(np.mean(audio**2)) / 10 ** (rng.uniform(10, 40) / 10)
            audio += rng.standard_normal(len(audio)).astype(np.float32) * np.sqrt(power)
        return np.clip(audio, -1.0, 1.0), unknown
