"""Explanations built by hand (no model): many words, several heads, values near zero."""

from __future__ import annotations

import numpy as np

from speechxai_core.align.words import Word
from speechxai_core.explanation import Explanation, HeadResult

SR = 16_000
TEXT = ("please turn off the lights in the office and then open the window a little before the meeting "
        "starts because it is getting warm in here").split()


def synthetic_explanation(n_words: int = 100, heads=("action", "object", "location"), seed: int = 0,
                          word_seconds: float = 0.3) -> tuple[Explanation, np.ndarray]:
    """``n_words`` words of ``word_seconds`` each (gaps of 0.05 s), random scores in [-0.5, 0.5]
    with some exact ``-1e-5`` (a value that must never print as ``-0.000``), and the clip's samples."""
    rng = np.random.default_rng(seed)
    words, t = [], 0.05
    for i in range(n_words):
        words.append(Word(TEXT[i % len(TEXT)], round(t, 3), round(t + word_seconds, 3)))
        t += word_seconds + 0.05
    duration = round(t + 0.05, 3)
    samples = (0.3 * np.sin(np.arange(int(duration * SR)) * 0.05) * rng.random(int(duration * SR))).astype(np.float32)
    scores = {h: [float(v) for v in rng.uniform(-0.5, 0.5, n_words)] for h in heads}
    for h in heads:
        scores[h][1] = -1e-5
    head_results = [HeadResult(h, ["a", "b"], "a", 0, 0.9, [0.9, 0.1], "a") for h in heads]
    levels = {"noise": [20.0, 10.0, 5.0], "pitch_down": [-5.0, -3.0, -1.0]}
    drops = {h: {p: [-1e-5, float(rng.uniform(-0.3, 0.3)), 0.2] for p in levels} for h in heads}
    explanation = Explanation(
        audio={"name": "synthetic.wav", "duration": duration, "sampling_rate": SR}, model={"name": "synthetic"},
        words=words, heads=head_results, word_scores=scores,
        paralinguistic={h: {p: float(np.mean(d)) for p, d in drops[h].items()} for h in heads},
        paralinguistic_levels=levels, paralinguistic_drops=drops,
    )
    return explanation, samples
