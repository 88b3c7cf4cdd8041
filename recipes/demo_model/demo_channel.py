"""Channel augmentation on the waveform, so that the model does not learn the synthesiser's
clean line: room reverberation, background noise at a random SNR, band-limiting, gain.

Each effect is drawn independently per clip (probabilities in ``Channel``):
- reverberation: one of a bank of image-method room impulse responses (pyroomacoustics
  shoebox rooms 3-9 m long, wall energy absorption 0.1-0.6, random source and microphone),
  direct path at sample 0, mixed wet/dry at a random ratio, cut to the clip's length;
- noise: white, pink (1/f), brown (1/f²) or mains hum with harmonics, at 0-30 dB SNR against
  the speech power;
- band-limiting: telephone band (300-3400 Hz) or a low-pass at 2.5-7 kHz (Butterworth, order 6);
- gain: -25..+6 dB, then clipped to [-1, 1] (loud clips distort a little).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, fftconvolve, sosfilt

SAMPLE_RATE = 16000
NOISE_KINDS = ("white", "pink", "brown", "hum")


def room_bank(count: int, seed: int) -> list[np.ndarray]:
    """``count`` room impulse responses, the direct path at sample 0, unit energy."""
    import pyroomacoustics as pra

    rng = np.random.default_rng(seed)
    bank = []
    while len(bank) < count:
        length = rng.uniform(3.0, 9.0)
        dims = np.array([length, length * rng.uniform(0.6, 1.0), rng.uniform(2.4, 3.5)])
        room = pra.ShoeBox(dims, fs=SAMPLE_RATE, materials=pra.Material(float(rng.uniform(0.1, 0.6))),
                           max_order=10, air_absorption=False)
        room.add_source(rng.uniform(0.1, 0.9, 3) * dims)
        room.add_microphone(rng.uniform(0.1, 0.9, 3) * dims)
        room.compute_rir()
        rir = np.asarray(room.rir[0][0], dtype=np.float64)
        rir = rir[int(np.argmax(np.abs(rir))):]
        bank.append(rir / np.sqrt(np.sum(rir ** 2)))
    return bank


def colored_noise(kind: str, length: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-power noise of ``kind`` (see ``NOISE_KINDS``)."""
    if kind == "hum":
        t = np.arange(length) / SAMPLE_RATE
        base = rng.choice([50.0, 60.0])
        noise = sum(rng.uniform(0.2, 1.0) / h * np.sin(2 * np.pi * base * h * t + rng.uniform(0, 6.3))
                    for h in range(1, 8))
        noise = noise + 0.05 * rng.standard_normal(length)
    else:
        spectrum = np.fft.rfft(rng.standard_normal(length))
        freqs = np.maximum(np.fft.rfftfreq(length, 1 / SAMPLE_RATE), 20.0)
        spectrum *= {"white": 1.0, "pink": freqs ** -0.5, "brown": freqs ** -1.0}[kind]
        noise = np.fft.irfft(spectrum, length)
    return noise / np.sqrt(np.mean(noise ** 2) + 1e-12)


class Channel:
    """Random channel effects; ``clean`` is the share of clips left untouched."""

    def __init__(self, seed: int = 0, rooms: int = 40, clean: float = 0.2, reverb: float = 0.5,
                 noise: float = 0.6, band: float = 0.3) -> None:
        self.rooms = room_bank(rooms, seed)
        self.clean, self.reverb, self.noise, self.band = clean, reverb, noise, band

    def __call__(self, audio: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
        """The clip through a random channel, and what was done."""
        if rng.random() < self.clean:
            return audio.astype(np.float32), {}
        out, done = audio.astype(np.float64), {}
        if rng.random() < self.reverb:
            room = int(rng.integers(len(self.rooms)))
            wet = fftconvolve(out, self.rooms[room])[: len(out)]
            dry = rng.uniform(0.0, 0.7)
            mixed = dry * out + (1 - dry) * wet
            out = mixed * np.sqrt(np.mean(out ** 2) / (np.mean(mixed ** 2) + 1e-12))
            done["room"] = room
        if rng.random() < self.band:
            if rng.random() < 0.5:
                sos = butter(6, [300, 3400], btype="bandpass", fs=SAMPLE_RATE, output="sos")
                done["band"] = "telephone"
            else:
                cutoff = rng.uniform(2500, 7000)
                sos = butter(6, cutoff, btype="lowpass", fs=SAMPLE_RATE, output="sos")
                done["band"] = f"lowpass {cutoff:.0f}"
            out = sosfilt(sos, out)
        if rng.random() < self.noise:
            kind, snr = str(rng.choice(NOISE_KINDS)), float(rng.uniform(0, 30))
            speech = out[np.abs(out) > 0.02 * np.abs(out).max()] if np.any(out) else out
            power = np.mean(speech ** 2) if len(speech) else 0.0
            out = out + np.sqrt(power / 10 ** (snr / 10)) * colored_noise(kind, len(out), rng)
            done["noise"], done["snr_db"] = kind, snr
        gain = float(rng.uniform(-25, 6))
        peak = np.abs(out).max() or 1.0
        out = np.clip(out / peak * 0.5 * 10 ** (gain / 20), -1, 1)
        done["gain_db"] = gain
        return out.astype(np.float32), done
