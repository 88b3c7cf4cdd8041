"""Signal transforms behind the paralinguistic variants.

- pitch: Rubber Band pitch shift (pedalboard), length kept, f0 scaled by 2**(st/12);
- stretch: Rubber Band time stretch to ``round(n * factor)`` samples, pitch kept;
- noise: seeded white Gaussian noise with power ``P_signal / 10**(snr/10)``; the caller passes
  a generator seeded once per clip (and draw), so all SNRs scale the same noise;
- reverb: image-method room impulse response (pyroomacoustics) of a shoebox room
  ``L x 0.8L x 3 m`` with fixed wall absorption, direct-path aligned, output scaled
  to the input's RMS and cut to the input's length. Source and microphone sit at fixed
  fractions of the room (``positions``), so rooms of different sizes differ only in size.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

WALL_ENERGY_ABSORPTION = 0.25
ROOM_HEIGHT_M = 3.0
# (source x, source y, source z, mic x, mic y, mic z) as fractions of the room's length, width, height
DEFAULT_ROOM_POSITIONS = (0.25, 0.5, 0.5, 0.75, 0.45, 1.4 / 3.0)


def random_room_positions(rng: np.random.Generator) -> tuple[float, ...]:
    """Source in the room's first half, microphone in its second, both away from the walls."""
    source = (rng.uniform(0.15, 0.45), rng.uniform(0.2, 0.8), rng.uniform(0.35, 0.65))
    mic = (rng.uniform(0.55, 0.85), rng.uniform(0.2, 0.8), rng.uniform(0.35, 0.65))
    return tuple(round(float(v), 6) for v in (*source, *mic))


def pitch_shift(samples: np.ndarray, sr: int, semitones: float) -> np.ndarray:
    import pedalboard

    shifted = pedalboard.PitchShift(semitones=float(semitones))(samples.astype(np.float32), sr)
    return _fit_length(shifted, len(samples))


def time_stretch(samples: np.ndarray, sr: int, factor: float) -> np.ndarray:
    """New duration = ``factor`` x old duration (factor < 1 speeds speech up)."""
    import pedalboard

    stretched = pedalboard.time_stretch(samples.astype(np.float32)[None], sr, stretch_factor=1.0 / float(factor))[0]
    return _fit_length(stretched, int(round(len(samples) * float(factor))))


def add_white_noise(samples: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    signal_power = float(np.mean(samples.astype(np.float64) ** 2))
    noise_power = signal_power / (10.0 ** (float(snr_db) / 10.0))
    noise = rng.standard_normal(len(samples)) * np.sqrt(noise_power)
    return (samples + noise).astype(np.float32)


def reverberate(samples: np.ndarray, sr: int, room_length_m: float,
                positions: tuple[float, ...] = DEFAULT_ROOM_POSITIONS) -> np.ndarray:
    from scipy.signal import fftconvolve

    rir = room_impulse_response(sr, float(room_length_m), tuple(positions))
    wet = fftconvolve(samples.astype(np.float64), rir)[: len(samples)]
    rms_in = np.sqrt(np.mean(samples.astype(np.float64) ** 2))
    rms_out = np.sqrt(np.mean(wet ** 2))
    if rms_out > 0:
        wet *= rms_in / rms_out
    return wet.astype(np.float32)


@lru_cache(maxsize=64)
def room_impulse_response(sr: int, room_length_m: float,
                          positions: tuple[float, ...] = DEFAULT_ROOM_POSITIONS) -> np.ndarray:
    """Deterministic RIR, trimmed so the direct path is at sample 0 (read-only array)."""
    import pyroomacoustics as pra

    dims = [room_length_m, 0.8 * room_length_m, ROOM_HEIGHT_M]
    room = pra.ShoeBox(dims, fs=sr, materials=pra.Material(WALL_ENERGY_ABSORPTION), max_order=12, air_absorption=False)
    room.add_source([fraction * size for fraction, size in zip(positions[:3], dims)])
    room.add_microphone([fraction * size for fraction, size in zip(positions[3:], dims)])
    room.compute_rir()
    rir = np.asarray(room.rir[0][0], dtype=np.float64)
    rir = rir[int(np.argmax(np.abs(rir))):]
    rir.setflags(write=False)
    return rir


def rt60(sr: int, room_length_m: float) -> float:
    """Reverberation time (s) of the room used for ``room_length_m`` (Schroeder integration)."""
    rir = room_impulse_response(sr, room_length_m)
    energy = np.cumsum(rir[::-1] ** 2)[::-1]
    decay_db = 10 * np.log10(energy / energy[0] + 1e-300)
    t5, t25 = np.argmax(decay_db <= -5), np.argmax(decay_db <= -25)
    return 3.0 * (t25 - t5) / sr


def _fit_length(samples: np.ndarray, length: int) -> np.ndarray:
    if len(samples) >= length:
        return samples[:length].astype(np.float32)
    return np.pad(samples, (0, length - len(samples))).astype(np.float32)
