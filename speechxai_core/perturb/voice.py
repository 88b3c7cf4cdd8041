"""Voice transforms of the whole clip through Praat (``praat-parselmouth``): intonation, loudness, formants.

- ``flatten_pitch(x, a)``: the F0 contour of a PSOLA manipulation is moved towards its median on a
  log scale, ``log f' = (1 − a) log f + a log median(f)`` (``a = 1``: a monotone), then resynthesised
  by overlap-add; timing and spectral envelope are kept.
- ``flatten_loudness(x, a)``: on voiced frames (Praat's pitch track) the frame RMS ``e`` is moved
  towards its median ``m`` over voiced frames, gain ``(m / e)^a``; unvoiced frames keep gain 1
  and the log-gain is smoothed over three frames and interpolated between frame centres.
- ``shift_formants(x, ratio)``: Praat's "Change gender" with F0 kept (new pitch median 0, range
  factor 1, duration factor 1): the spectral envelope is scaled by ``ratio`` (< 1: a larger
  voice, > 1: a smaller one).

Praat's resynthesis draws random numbers (unvoiced stretches); its generator is seeded before
every call, under a lock (variants render on worker threads), so each variant's audio is reproducible.
Praat was chosen over the WORLD vocoder (``pyworld``) with numbers: ``bench/bench_voice_tools.py``.

References:
    Boersma, P. & Weenink, D. Praat: doing phonetics by computer. https://www.praat.org
    Jadoul, Y., Thompson, B. & de Boer, B. (2018). Introducing Parselmouth: a Python interface to
    Praat. Journal of Phonetics 71, 1-15.
    Moulines, E. & Charpentier, F. (1990). Pitch-synchronous waveform processing techniques for
    text-to-speech synthesis using diphones. Speech Communication 9(5-6), 453-467.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import numpy as np

PITCH_FLOOR_HZ = 75.0
PITCH_CEILING_HZ = 600.0
FRAME_STEP_S = 0.01
LOUDNESS_WINDOW_S = 0.03


def _sound(samples: np.ndarray, sr: int):
    import parselmouth

    return parselmouth.Sound(samples.astype(np.float64), sampling_frequency=float(sr))


_PRAAT_RANDOM = threading.Lock()


@contextmanager
def _seeded_praat(seed: int = 0):
    """Praat's random generator seeded (and held) for one resynthesis."""
    from parselmouth.praat import run

    with _PRAAT_RANDOM:
        run(f"random_initializeWithSeedUnsafelyButPredictably ({int(seed)})")
        yield


def _fit(values: np.ndarray, length: int) -> np.ndarray:
    values = np.asarray(values, dtype=np.float32).reshape(-1)[:length]
    return np.pad(values, (0, length - len(values))) if len(values) < length else values


def f0_track(samples: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """(frame times in s, F0 in Hz with 0 for unvoiced frames) by Praat's autocorrelation method."""
    pitch = _sound(samples, sr).to_pitch(time_step=FRAME_STEP_S, pitch_floor=PITCH_FLOOR_HZ,
                                          pitch_ceiling=PITCH_CEILING_HZ)
    return np.asarray(pitch.xs()), np.asarray(pitch.selected_array["frequency"])


def flatten_pitch(samples: np.ndarray, sr: int, amount: float) -> np.ndarray:
    """The clip with its F0 contour flattened by ``amount`` (0 … 1) towards its median."""
    from parselmouth.praat import call

    _, f0 = f0_track(samples, sr)
    voiced = f0[f0 > 0]
    if len(voiced) == 0:
        return samples.astype(np.float32, copy=True)
    manipulation = call(_sound(samples, sr), "To Manipulation", FRAME_STEP_S, PITCH_FLOOR_HZ, PITCH_CEILING_HZ)
    tier = call(manipulation, "Extract pitch tier")
    a, median = float(amount), float(np.median(voiced))
    call(tier, "Formula", f"exp({1.0 - a!r} * ln(self) + {a!r} * ln({median!r}))")
    call([tier, manipulation], "Replace pitch tier")
    with _seeded_praat():
        resynthesis = call(manipulation, "Get resynthesis (overlap-add)")
    return _fit(resynthesis.values, len(samples))


def frame_rms(samples: np.ndarray, sr: int, times: np.ndarray) -> np.ndarray:
    """RMS of a ``LOUDNESS_WINDOW_S`` window centred on each of ``times``."""
    half = int(round(LOUDNESS_WINDOW_S * sr / 2))
    power = np.concatenate([[0.0], np.cumsum(samples.astype(np.float64) ** 2)])
    centres = np.round(np.asarray(times) * sr).astype(int)
    lo, hi = np.clip(centres - half, 0, len(samples)), np.clip(centres + half, 0, len(samples))
    return np.sqrt((power[hi] - power[lo]) / np.maximum(hi - lo, 1))


def flatten_loudness(samples: np.ndarray, sr: int, amount: float) -> np.ndarray:
    """The clip with its voiced frames' energy envelope flattened by ``amount`` towards its median."""
    times, f0 = f0_track(samples, sr)
    energy = frame_rms(samples, sr, times)
    voiced = (f0 > 0) & (energy > 0)
    if not voiced.any():
        return samples.astype(np.float32, copy=True)
    log_gain = np.zeros(len(times))
    log_gain[voiced] = float(amount) * (np.log(np.median(energy[voiced])) - np.log(energy[voiced]))
    log_gain = np.convolve(np.pad(log_gain, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    gain = np.exp(np.interp(np.arange(len(samples)) / sr, times, log_gain, left=0.0, right=0.0))
    return (samples * gain).astype(np.float32)


def shift_formants(samples: np.ndarray, sr: int, ratio: float) -> np.ndarray:
    """The clip with its spectral envelope scaled by ``ratio`` and its F0 kept."""
    from parselmouth.praat import call

    if not (f0_track(samples, sr)[1] > 0).any():
        return samples.astype(np.float32, copy=True)
    with _seeded_praat():
        changed = call(_sound(samples, sr), "Change gender", PITCH_FLOOR_HZ, PITCH_CEILING_HZ, float(ratio), 0.0, 1.0, 1.0)
    return _fit(changed.values, len(samples))
