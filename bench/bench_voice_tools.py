"""Praat (praat-parselmouth, PSOLA) against the WORLD vocoder (pyworld) for the voice properties.

On the bundled held-out clips (assets/demo-eval, 16 kHz), for each tool:
  - seconds per clip of ``flat_pitch`` at 1.0 and of a formant shift at 0.85;
  - resynthesis fidelity: log-spectral distance (dB) between the clip and its resynthesis with
    nothing changed (lower is better: what the tool itself does to a voice);
  - flattening: log-F0 spread (IQR) left after ``flat_pitch`` 1.0, as a share of the original's;
  - formant shift: |median F0 change| (%) at ratio 0.85 (the F0 must stay).
F0 is measured by an independent tracker (librosa's probabilistic YIN, 75-600 Hz, voiced frames;
spread = interquartile range of log F0) so neither tool judges itself.
pyworld is optional: version 0.3.5 has no wheel for Python 3.12 and imports ``pkg_resources`` (gone
from setuptools 81), so it is measured where it imports; otherwise only Praat is.

Usage: python bench/bench_voice_tools.py [--clips 12]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from speechxai_core.perturb import voice

EVAL = Path(__file__).resolve().parents[1] / "assets" / "demo-eval"


def pyin_f0(samples: np.ndarray, sr: int) -> np.ndarray:
    """F0 (Hz) of the frames probabilistic YIN calls voiced."""
    import librosa

    f0, voiced, _ = librosa.pyin(samples.astype(np.float64), fmin=75, fmax=600, sr=sr, frame_length=1024)
    return f0[voiced & np.isfinite(f0)]


def spread(log_f0: np.ndarray) -> float:
    """Interquartile range of log F0 (robust to the tracker's octave slips)."""
    return float(np.subtract(*np.percentile(log_f0, [75, 25])))


def log_spectral_distance(a: np.ndarray, b: np.ndarray) -> float:
    import librosa

    n = min(len(a), len(b))
    sa = np.abs(librosa.stft(a[:n], n_fft=512)) ** 2 + 1e-10
    sb = np.abs(librosa.stft(b[:n], n_fft=512)) ** 2 + 1e-10
    loud = sa.sum(axis=0) > 1e-3 * sa.sum(axis=0).max()
    diff = 10 * np.log10(sa[:, loud] / sb[:, loud])
    return float(np.mean(np.sqrt(np.mean(diff ** 2, axis=0))))


class PraatTool:
    name = "praat"

    def resynthesis(self, x, sr):
        return voice.flatten_pitch(x, sr, 0.0)

    def flat(self, x, sr):
        return voice.flatten_pitch(x, sr, 1.0)

    def formant(self, x, sr, ratio):
        return voice.shift_formants(x, sr, ratio)


class WorldTool:
    """WORLD: Harvest F0, CheapTrick envelope, D4C aperiodicity; the envelope warped on frequency."""

    name = "world"

    def _analyse(self, x, sr):
        import pyworld

        x = x.astype(np.float64)
        f0, t = pyworld.harvest(x, sr, f0_floor=75.0, f0_ceil=600.0)
        return f0, pyworld.cheaptrick(x, f0, t, sr), pyworld.d4c(x, f0, t, sr)

    def _synth(self, f0, sp, ap, sr, n):
        import pyworld

        y = pyworld.synthesize(f0, sp, ap, sr)
        return np.pad(y, (0, max(0, n - len(y))))[:n].astype(np.float32)

    def resynthesis(self, x, sr):
        return self._synth(*self._analyse(x, sr), sr, len(x))

    def flat(self, x, sr):
        f0, sp, ap = self._analyse(x, sr)
        f0 = np.where(f0 > 0, np.median(f0[f0 > 0]), 0.0)
        return self._synth(f0, sp, ap, sr, len(x))

    def formant(self, x, sr, ratio):
        f0, sp, ap = self._analyse(x, sr)
        bins = np.arange(sp.shape[1])
        warped = np.stack([np.interp(bins / ratio, bins, frame) for frame in sp])
        return self._synth(f0, warped, ap, sr, len(x))


def measure(tool, clips) -> dict:
    times_flat, times_formant, lsd, spread_left, f0_change = [], [], [], [], []
    for x, sr in clips:
        lsd.append(log_spectral_distance(x, tool.resynthesis(x, sr)))
        started = time.perf_counter()
        flat = tool.flat(x, sr)
        times_flat.append(time.perf_counter() - started)
        started = time.perf_counter()
        shifted = tool.formant(x, sr, 0.85)
        times_formant.append(time.perf_counter() - started)
        before = np.log(pyin_f0(x, sr))
        spread_left.append(spread(np.log(pyin_f0(flat, sr))) / spread(before))
        f0_change.append(abs(np.median(pyin_f0(shifted, sr)) / np.exp(np.median(before)) - 1) * 100)
    return {"flat_pitch_s": float(np.mean(times_flat)), "formant_s": float(np.mean(times_formant)),
            "resynthesis_lsd_db": float(np.mean(lsd)), "flat_spread_share": float(np.median(spread_left)),
            "formant_f0_change_pct": float(np.median(f0_change))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=12)
    args = parser.parse_args()
    records = [json.loads(line) for line in (EVAL / "manifest.jsonl").read_text().splitlines()][: args.clips]
    clips = [sf.read(EVAL / r["path"], dtype="float32") for r in records]
    tools = [PraatTool()]
    try:
        import pyworld  # noqa: F401

        tools.append(WorldTool())
    except ImportError:
        print("pyworld is not installed: Praat only")
    print(f"{len(clips)} clips of assets/demo-eval; F0 judged by librosa pYIN")
    print(f"{'tool':6} {'flat s/clip':>11} {'formant s/clip':>14} {'resynth LSD dB':>14} "
          f"{'F0 spread left':>14} {'formant F0 change %':>19}")
    for tool in tools:
        m = measure(tool, clips)
        print(f"{tool.name:6} {m['flat_pitch_s']:11.3f} {m['formant_s']:14.3f} {m['resynthesis_lsd_db']:14.2f} "
              f"{m['flat_spread_share']:14.3f} {m['formant_f0_change_pct']:19.2f}")


if __name__ == "__main__":
    main()
