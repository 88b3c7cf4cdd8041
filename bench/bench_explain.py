"""Explain-time benchmark: ours vs the bare forward passes vs a reference-style sequential loop.

A randomly initialised wav2vec2-base-size classifier (24 outputs, three heads), a 3 s clip
with 5 words, word LOO + the full paralinguistic grid. Prints, from one run:
  (a) ours: end-to-end ``explain`` time;
  (b) floor: the same forward passes alone, on pre-rendered audio, batched the same way;
  (c) sequential: one variant per forward pass, the clip re-scored for every property,
      each perturbation rendered just before its pass (how the reference tool works);
and the fast grid's time and its agreement with the full grid.

Usage: python bench/bench_explain.py [--device cuda] [--batch-size 16] [--repeats 1]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time

import numpy as np
from scipy.stats import spearmanr

from speechxai_core import explain, load_model
from speechxai_core.audio import Audio
from speechxai_core.align.words import Word
from speechxai_core.perturb import FULL_GRID, PROPERTIES, MaskConfig, Renderer, word_variants
from speechxai_core.scoring import ScoringEngine

SR = 16000
HEADS = "action:6,object:14,location:4"


def build_model(folder: str) -> None:
    import torch
    from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2ForSequenceClassification

    torch.manual_seed(0)
    config = Wav2Vec2Config(num_labels=24)  # base size: 12 layers, 768 hidden
    Wav2Vec2ForSequenceClassification(config).save_pretrained(folder)
    Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=SR, do_normalize=True,
                             return_attention_mask=False).save_pretrained(folder)


def make_clip(seconds: float = 3.0) -> tuple[np.ndarray, list[Word]]:
    """Five 'words': harmonic bursts with different f0, separated by short pauses."""
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * SR)) / SR
    clip = 0.002 * rng.standard_normal(len(t))
    words = []
    for i, f0 in enumerate((120, 150, 135, 170, 110)):
        start, end = 0.15 + i * 0.55, 0.15 + i * 0.55 + 0.45
        span = (t >= start) & (t < end)
        clip[span] += 0.2 * sum(np.sin(2 * np.pi * f0 * h * t[span]) / h for h in range(1, 8))
        words.append(Word(f"w{i}", start, end))
    return clip.astype(np.float32), words


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def floor_time(engine: ScoringEngine, renderer: Renderer, variants) -> float:
    """Forward passes alone: rendering done beforehand, same batches as the engine."""
    batches = engine.plan_batches(renderer, variants)
    rendered = [[renderer.render(v) for v in batch] for batch in batches]
    clip = renderer.audio.samples
    start = time.perf_counter()
    engine._forward([clip])
    for batch in rendered:
        engine._forward(batch)
    return time.perf_counter() - start


def sequential_time(model, renderer: Renderer, n_words: int) -> float:
    """Reference-style: one variant per pass, the clip re-scored per property, render right before."""
    predict = lambda samples: model.predict(samples[None], np.array([len(samples)]))  # noqa: E731
    start = time.perf_counter()
    predict(renderer.audio.samples)
    for variant in word_variants(n_words):
        predict(renderer.render(variant))
    for prop in PROPERTIES:
        predict(renderer.audio.samples)
        for variant in FULL_GRID.variants((prop,)):
            predict(renderer.render(variant))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--half", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        build_model(folder)
        model = load_model(folder, heads=HEADS, device=args.device, half=args.half)
        clip, words = make_clip()
        audio = Audio(clip, SR, "bench")
        renderer = Renderer(audio, words, MaskConfig())
        variants = word_variants(len(words)) + FULL_GRID.variants()
        for variant in variants:  # warm-up: every transform once (room responses get cached)
            renderer.render(variant)
        ScoringEngine(model, batch_size=args.batch_size).score(renderer, variants[:40])  # kernels, allocator

        def ours(grid):
            engine = ScoringEngine(model, batch_size=args.batch_size)
            return explain(audio, model, words=words, grid=grid, engine=engine)

        t_ours, full = timed(lambda: ours("full"))
        t_floor = floor_time(ScoringEngine(model, batch_size=args.batch_size), renderer, variants)
        t_seq = sequential_time(model, renderer, len(words))
        t_fast, fast = timed(lambda: ours("fast"))

    print(f"machine: {platform.processor() or platform.machine()}, device: {model.device}, "
          f"batch size {args.batch_size}, variants {len(variants) + 1}")
    print(f"(a) ours, end to end       {t_ours:8.2f} s")
    print(f"(b) floor, forwards only   {t_floor:8.2f} s   ours / floor      = {t_ours / t_floor:.3f}")
    print(f"(c) sequential reference   {t_seq:8.2f} s   sequential / ours = {t_seq / t_ours:.2f}x")
    print(f"fast grid, end to end      {t_fast:8.2f} s   full / fast       = {t_ours / t_fast:.2f}x")
    for head in full.paralinguistic:
        a = np.array([full.paralinguistic[head][p] for p in PROPERTIES])
        b = np.array([fast.paralinguistic[head][p] for p in PROPERTIES])
        rho = spearmanr(a, b).statistic
        print(f"  fast vs full, head {head:<9} max |diff| = {np.max(np.abs(a - b)):.4f}   Spearman rank rho = {rho:.2f}")


if __name__ == "__main__":
    main()
