"""LIME on the demo model's held-out clips: neutral words, and agreement with the reference definition.

Usage:
    python scripts/eval_lime.py [--model demo] [--manifest assets/demo-eval/manifest.jsonl] [--limit N]

Each clip is explained with ``loo,shapley,lime`` (predicted class per head, the manifest's word
timings, default options). Printed:

- neutral words: words whose LOO and Shapley scores are both under 0.01 in magnitude for a head;
  how many of them LIME keeps within ±0.02, the extremes, how many fall below −0.05;
- the reference definition, written out here with scikit-learn on the same sampled subsets and
  the same scored probabilities: kernel ``√exp(−d²/25²)`` with ``d`` = 100 × the cosine distance
  between the kept-word vector and all-ones, ``Ridge(alpha=1)`` with those sample weights; the mean
  |difference| to our LIME over every word and head, and how often both rank the same word first.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.metrics.pairwise import cosine_distances

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speechxai_core.audio import load_audio  # noqa: E402
from speechxai_core.explain import explain  # noqa: E402
from speechxai_core.explain.lime import lime_samples  # noqa: E402
from speechxai_core.models import load_model  # noqa: E402
from speechxai_core.scoring import ScoringEngine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NEUTRAL, BAND = 0.01, 0.02


def reference_lime(kept: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The reference definition: cosine kernel of width 25 on 100 × distance, Ridge(alpha=1)."""
    distance = 100 * cosine_distances(kept, np.ones((1, kept.shape[1]))).ravel()
    weights = np.sqrt(np.exp(-distance ** 2 / 25 ** 2))
    return Ridge(alpha=1.0, fit_intercept=True).fit(kept, y, sample_weight=weights).coef_


def removed_words(variant_id: str) -> tuple[int, ...]:
    """Word indices masked in a ``words:i+j`` variant (none for ``original``)."""
    return () if variant_id == "original" else tuple(int(i) for i in variant_id.split(":")[1].split("+"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="demo")
    parser.add_argument("--manifest", default=str(ROOT / "assets" / "demo-eval" / "manifest.jsonl"))
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    manifest = Path(args.manifest)
    rows = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines() if line.strip()]
    model = load_model(args.model)
    engine = ScoringEngine(model)
    neutral, diffs, same_top = [], [], []
    for done, row in enumerate(rows[:args.limit], 1):
        clip = load_audio(str(manifest.parent / row["path"]), model.sampling_rate, name=row["path"])
        result = explain(clip, model, words=row["words"], methods="loo,shapley,lime", engine=engine)
        n = len(result.words)
        probabilities = {removed_words(r.id): r.probabilities for r in result.variants if r.kind in ("words", "original")}
        kept = lime_samples(n, result.method_details["lime"]["samples"], result.settings.get("seed", 0)).astype(float)
        for head in result.head_names:
            y = np.array([probabilities[tuple(np.flatnonzero(z == 0))][head] for z in kept])
            ours = np.asarray(result.scores_for("lime")[head])
            reference = reference_lime(kept, y)
            diffs += list(np.abs(ours - reference))
            same_top.append(int(np.argmax(ours)) == int(np.argmax(reference)))
            loo, shapley = np.asarray(result.scores_for("loo")[head]), np.asarray(result.scores_for("shapley")[head])
            mask = (np.abs(loo) < NEUTRAL) & (np.abs(shapley) < NEUTRAL)
            neutral += [(row["path"], head, result.words[i].word, ours[i], reference[i]) for i in np.flatnonzero(mask)]
        print(f"\r{done} clips", end="", file=sys.stderr)
    print(file=sys.stderr)
    ours_n = np.array([v[3] for v in neutral])
    ref_n = np.array([v[4] for v in neutral])
    print(f"neutral words (|LOO| and |Shapley| < {NEUTRAL}): {len(neutral)}")
    print(f"  ours:      within ±{BAND}: {np.sum(np.abs(ours_n) <= BAND)}; min {ours_n.min():+.3f}, "
          f"max {ours_n.max():+.3f}; below −0.05: {np.sum(ours_n < -0.05)}")
    print(f"  reference: within ±{BAND}: {np.sum(np.abs(ref_n) <= BAND)}; min {ref_n.min():+.3f}, "
          f"max {ref_n.max():+.3f}; below −0.05: {np.sum(ref_n < -0.05)}")
    for clip, head, word, value, reference in neutral:
        if abs(value) > BAND:
            print(f"  outside ±{BAND}: {clip} {head} '{word}': ours {value:+.3f}, reference {reference:+.3f}")
    print(f"against the reference definition: mean |diff| {np.mean(diffs):.4f} (max {np.max(diffs):.4f}) over "
          f"{len(diffs)} word scores; same top word {sum(same_top)}/{len(same_top)} clip × head")
    return 0


if __name__ == "__main__":
    sys.exit(main())
