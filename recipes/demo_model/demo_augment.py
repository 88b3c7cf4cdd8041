"""Light augmentation for training the demo model: a random plan per clip, which
``demo_features.render`` carries out on the clip's stored mel power.

Word silencing (as word masking does it): often some of the words that carry no slot, so the
model learns that they do not matter; sometimes one carrying word, whose slot the trainer
then labels "unknown" (a uniform target), so the model learns it cannot tell that slot
without its word. Then a small speed change, a vocal-tract-length warp of the frequency
axis (×0.9-1.1, another speaker's formants), extra leading silence, gain, and white noise
at 10-40 dB SNR. Pitch (beyond what speed moves) and reverberation are left alone, for the
paralinguistic explainer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SPEEDS = (0.85, 0.925, 1.0, 1.075, 1.15)
UNCHANGED_SPEED = SPEEDS.index(1.0)
CHANGED_SPEEDS = [k for k in range(len(SPEEDS)) if k != UNCHANGED_SPEED]


@dataclass
class Plan:
    """What to do to one clip: play it ``SPEEDS[speed]`` times faster, silence the words
    ``silenced``, stretch its frequency axis by ``warp``, put ``lead`` s of silence before it,
    apply ``gain_db``, add white noise at ``snr_db`` (None: no noise). ``unknown`` lists the
    slots whose carrying word is silenced."""

    speed: int = UNCHANGED_SPEED
    silenced: frozenset[int] = frozenset()
    unknown: frozenset[str] = frozenset()
    warp: float = 1.0
    lead: float = 0.0
    gain_db: float = 0.0
    snr_db: float | None = None


class Augmenter:
    def __init__(self, seed: int = 0, carrier_rate: float = 0.25) -> None:
        self.rng = np.random.default_rng(seed)
        self.carrier_rate = carrier_rate

    def __call__(self, words: list[dict], carriers: dict[str, int | None]) -> Plan:
        """A random plan for a clip of ``words`` whose slots ``carriers`` ({slot: word index or None}) carry."""
        rng = self.rng
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
        return Plan(
            speed=int(rng.choice(CHANGED_SPEEDS)) if rng.random() < 0.6 else UNCHANGED_SPEED,
            silenced=frozenset(silenced),
            unknown=frozenset(unknown),
            warp=float(rng.uniform(0.9, 1.1)) if rng.random() < 0.6 else 1.0,
            lead=float(rng.uniform(0, 0.3)) if rng.random() < 0.5 else 0.0,
            gain_db=float(rng.uniform(-10, 6)),
            snr_db=float(rng.uniform(10, 40)) if rng.random() < 0.5 else None,
        )
