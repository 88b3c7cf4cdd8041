"""Load time and explain time of the bundled demo model against the previous one, in one run.

For each model: the time of ``load_model`` in a fresh process (imports done before the clock
starts; for the encoder model the converted encoder is already in the user cache, as after the
first use), then word LOO + the fast paralinguistic grid (27 forward passes for its 6 words) on a
3 s clip: the shipped example "please bring my newspaper from the kitchen" padded with 0.3 s
of silence at each end, its words from its JSON; the median of ``--repeats`` runs after a warm-up.

Usage: python bench/bench_demo_models.py [--models demo demo-small] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "assets" / "examples" / "please_bring_my_newspaper_from_the_kitchen"
LOAD = """
import sys, time
from speechxai_core.models import load_model
import torch, transformers  # noqa: F401 - imported before the clock starts
start = time.perf_counter()
load_model(sys.argv[1])
print(time.perf_counter() - start)
"""


def load_seconds(model: str) -> float:
    done = subprocess.run([sys.executable, "-c", LOAD, model], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    return float(done.stdout.strip().splitlines()[-1])


def three_second_clip():
    from speechxai_core.align.words import Word
    from speechxai_core.audio import Audio, load_audio

    clip = load_audio(str(EXAMPLE.with_suffix(".wav")), 16000)
    pad = 0.3
    samples = np.concatenate([np.zeros(int(pad * 16000)), clip.samples, np.zeros(int(pad * 16000))])
    words = [Word(w["word"], w["start"] + pad, w["end"] + pad) for w in json.loads(EXAMPLE.with_suffix(".json").read_text())]
    return Audio(samples.astype(np.float32), 16000, "bench"), words


def main() -> None:
    from speechxai_core import explain, load_model

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["demo", "demo-small"])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    audio, words = three_second_clip()
    print(f"clip {audio.duration:.2f} s, {len(words)} words; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs")
    for name in args.models:
        loaded = load_seconds(name)
        model = load_model(name)
        explain(audio, model, words=words, methods=("loo", "paraling"), grid="fast")  # warm-up
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            explain(audio, model, words=words, methods=("loo", "paraling"), grid="fast")
            times.append(time.perf_counter() - start)
        print(f"{name}: load {loaded:.2f} s; explain (LOO + fast grid) median {statistics.median(times):.2f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t in times)}); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
