"""Largest difference between batched and one-at-a-time scores for a wav2vec2-base-size model.

Usage: python bench/check_batching.py [--device cuda] [--half]
"""

from __future__ import annotations

import argparse
import tempfile

import numpy as np

from bench_explain import HEADS, build_model, make_clip
from speechxai_core import load_model
from speechxai_core.audio import Audio
from speechxai_core.perturb import FAST_GRID, MaskConfig, Renderer, word_variants
from speechxai_core.scoring import ScoringEngine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default=None)
    parser.add_argument("--half", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        build_model(folder)
        model = load_model(folder, heads=HEADS, device=args.device, half=args.half)
        clip, words = make_clip()
        renderer = Renderer(Audio(clip, 16000), words, MaskConfig())
        variants = word_variants(len(words)) + FAST_GRID.variants()
        batched = ScoringEngine(model, batch_size=32).score(renderer, variants)
        single = ScoringEngine(model, batch_size=1).score(renderer, variants)
    worst = max(float(np.max(np.abs(batched[v][h] - single[v][h]))) for v in single for h in single[v])
    print(f"device {model.device}, half={args.half}: max |batched - single| = {worst:.2e} over {len(single)} variants")


if __name__ == "__main__":
    main()
