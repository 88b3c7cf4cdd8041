"""Exact word games of synthetic sentences, for choosing and checking Shapley estimators.

Each sentence (8-14 words, written for this purpose, spoken by eSpeak NG with the demo
corpus's voices) is scored by the bundled demo model on all ``2^n`` coalitions of its words
(``v(S) = p(k | x with the words outside S masked)``, ``k`` the predicted class of each head).
The values are cached as ``.npz`` (``values``: heads × 2^n, row ``mask`` = coalition bitmask
with bit ``i`` = word ``i`` kept), so estimators can be compared on them without the model.

Two sets: ``tuning`` chose the estimator and the default budget; ``held_out`` is for checking
a choice on clips that took no part in it (``bench/shapley_budget.py``). Scoring every coalition
takes ``2^n`` forward passes (an 11-word clip: 2,048, 40 min on two busy CPU cores).

Usage: python bench/shapley_games.py [--set tuning|held_out|all] [--cache DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "recipes" / "demo_model"))

SENTENCES = {
    "tuning": [
        ("hey computer please turn the music off in the bedroom", "en-gb-scotland+m2"),
        ("could you make it a little bit warmer in the washroom please", "en+f4"),
    ],
    "held_out": [
        ("computer please put all the lights on in the washroom", "en-029+f4"),
    ],
}
DEFAULT_CACHE = Path.home() / ".cache" / "speechxai" / "shapley-games"


def game_path(cache: Path, text: str) -> Path:
    return cache / (text.replace(" ", "_") + ".npz")


def coalition_variant(mask: int, n: int):
    """The word-set variant that keeps the words whose bits are set in ``mask``."""
    from speechxai_core.perturb.variants import word_set_variant

    return word_set_variant(i for i in range(n) if not mask >> i & 1)


def make_game(text: str, voice: str, cache: Path, classifier, engine) -> Path:
    """Score every coalition of the sentence's words; write and return the ``.npz``."""
    from espeak_tts import ESpeak

    from speechxai_core.align.words import words_from_records
    from speechxai_core.audio import Audio
    from speechxai_core.perturb.masking import MaskConfig
    from speechxai_core.perturb.render import Renderer

    path = game_path(cache, text)
    if path.exists():
        return path
    speech = ESpeak().synth(text, voice)
    audio = Audio(speech.samples.astype(np.float32) / 32768.0, speech.sample_rate, text)
    if speech.sample_rate != classifier.sampling_rate:
        import soxr

        audio = Audio(soxr.resample(audio.samples, speech.sample_rate, classifier.sampling_rate).astype(np.float32),
                      classifier.sampling_rate, text)
    words = words_from_records(speech.words)
    n = len(words)
    renderer = Renderer(audio, words, MaskConfig(), 0)
    original = engine.score_original(renderer)
    heads = [head.name for head in classifier.heads]
    targets = [int(np.argmax(original[h])) for h in heads]
    started = time.perf_counter()
    variants = [coalition_variant(mask, n) for mask in range(2 ** n)]
    scores = engine.score(renderer, variants)
    seconds = time.perf_counter() - started
    values = np.array([[scores[v.id][h][k] for v in variants] for h, k in zip(heads, targets)])
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(path, values=values, heads=np.array(heads), targets=np.array(targets),
             words=np.array([w.word for w in words]), samples=audio.samples, sr=audio.sr,
             starts=np.array([w.start for w in words]), ends=np.array([w.end for w in words]),
             seconds=seconds)
    print(f"{n:2d} words, {2 ** n} coalitions in {seconds:.0f} s: {text}", flush=True)
    return path


def load_game(path: Path) -> dict:
    data = np.load(path)
    return {key: data[key] for key in data.files}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=("tuning", "held_out", "all"), default="all")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    from speechxai_core.models import load_model
    from speechxai_core.scoring import ScoringEngine

    classifier = load_model("demo")
    engine = ScoringEngine(classifier, batch_size=16)
    names = ("tuning", "held_out") if args.set == "all" else (args.set,)
    for name in names:
        for text, voice in SENTENCES[name]:
            make_game(text, voice, args.cache, classifier, engine)


if __name__ == "__main__":
    main()
