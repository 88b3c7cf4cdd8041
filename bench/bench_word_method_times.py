"""Seconds per clip of leave-one-out, LIME and Shapley by number of words, measured in one run.

Sentences of 6 to 20 words spoken by eSpeak NG (its word events are the timings; no aligner
runs), the bundled ``demo`` model, each method explained on its own (``explain(..., methods=m)``,
no paralinguistic properties), the fastest of ``--runs``. Importing ``shapiq`` and the first
forward passes are done before any timing. Prints a table of seconds and ratios to leave-one-out.

Usage: python bench/bench_word_method_times.py [--runs 2] [--model demo]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import soxr

SENTENCES = [
    "please turn off the kitchen lights",
    "could you switch on the lamp in my bedroom",
    "turn the music down a little in the office right now please",
    "please bring me my shoes and the newspaper from the kitchen before the guests arrive",
    "when you have a moment could you turn off every light in the house and lock the front door",
]
METHODS = ("loo", "lime", "shapley")


def spoken(text: str, sr: int):
    from speechxai_core.align.espeak import synthesize

    synthesis = synthesize(text, "en-us", 190)
    samples = soxr.resample(synthesis.samples, synthesis.sr, sr).astype(np.float32)
    words = [{"word": w.word, "start": w.start, "end": w.end} for w in synthesis.words]
    return samples, words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--model", default="demo")
    args = parser.parse_args()
    import shapiq  # noqa: F401  (once per process)

    from speechxai_core import explain, load_model

    model = load_model(args.model)
    sr = model.sampling_rate
    rows = []
    for text in SENTENCES:
        samples, words = spoken(text, sr)
        explain((samples, sr), model, words=words, methods="loo", properties=())  # warm-up of this length
        seconds = {}
        for method in METHODS:
            best = np.inf
            for _ in range(args.runs):
                started = time.perf_counter()
                result = explain((samples, sr), model, words=words, methods=method, properties=())
                best = min(best, time.perf_counter() - started)
            seconds[method] = best
        rows.append((len(result.words), len(samples) / sr, seconds))
    print(f"model {args.model}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, fastest of {args.runs}")
    print("| words | clip (s) | " + " | ".join(f"`{m}` s" for m in METHODS) + " | shapley / loo | lime / loo |")
    print("| --- | --- | " + " | ".join("---" for _ in METHODS) + " | --- | --- |")
    for n, duration, seconds in rows:
        print(f"| {n} | {duration:.1f} | " + " | ".join(f"{seconds[m]:.2f}" for m in METHODS)
              + f" | {seconds['shapley'] / seconds['loo']:.1f} | {seconds['lime'] / seconds['loo']:.1f} |")


if __name__ == "__main__":
    main()
