"""Transcribing non-speech: Whisper's decoding capped by the clip length vs uncapped.

Seconds of white noise at a few seeds through the bundled tiny.en transcriber, once with the cap
``token_budget(duration)`` that ``WhisperTranscriber`` applies and once without (faster-whisper's
default: the 448-token window, as before the cap). Prints per seed both times and, at the end, the
worst and total ratios measured in this run.

Usage: python bench/bench_noise_transcription.py [--seconds 3] [--seeds 8] [--amplitude 0.05]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from speechxai_core.align import whisper
from speechxai_core.audio import Audio


def timed(transcriber, audio: Audio) -> float:
    started = time.perf_counter()
    transcriber.transcription(audio, "en", word_timestamps=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--amplitude", type=float, default=0.05)
    args = parser.parse_args()
    transcriber = whisper.get_transcriber(None)
    capped_budget = whisper.token_budget
    rows = []
    for seed in range(args.seeds):
        noise = np.random.default_rng(seed).standard_normal(int(args.seconds * 16000)).astype(np.float32)
        audio = Audio(noise * args.amplitude, 16000, "noise")
        whisper.token_budget = lambda duration: None
        uncapped = timed(transcriber, audio)
        whisper.token_budget = capped_budget
        capped = timed(transcriber, audio)
        rows.append((uncapped, capped))
        print(f"seed {seed}: uncapped {uncapped:5.2f} s, capped {capped:5.2f} s", flush=True)
    uncapped, capped = np.array(rows).T
    print(f"worst: uncapped {uncapped.max():.2f} s, capped {capped.max():.2f} s "
          f"(ratio {uncapped.max() / capped.max():.1f}); total ratio {uncapped.sum() / capped.sum():.1f}")


if __name__ == "__main__":
    main()
