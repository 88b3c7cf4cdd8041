"""Draws the README figure of the demo model's word-LOO plausibility.

Usage: python recipes/demo_model/plot_demo_plausibility.py RESULTS.json EXAMPLE.wav [--split test_final]
       [--out docs/images/demo-plausibility.png]

Left: per slot, the share of the held-out ``--split``'s utterances whose carrying word gets
the highest word LOO score (``RESULTS.json`` from ``eval_demo_model.py --json``). Right: the
word LOO scores of one example clip (words from the ``.json`` next to it), one row per slot.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from eval_demo_model import plausibility_title  # noqa: E402
from speechxai_core.explain.runner import explain  # noqa: E402
from speechxai_core.models import load_model  # noqa: E402
from speechxai_core.viz.style import number  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("example", type=Path)
    parser.add_argument("--split", default="test_final", help="held-out split whose rates are drawn")
    parser.add_argument("--out", type=Path, default=Path("docs/images/demo-plausibility.png"))
    args = parser.parse_args()
    rates = json.loads(args.results.read_text())[plausibility_title(args.split)]
    words = json.loads(args.example.with_suffix(".json").read_text())
    explanation = explain(str(args.example), load_model("demo"), words=words, methods="loo")
    slots = [head.name for head in explanation.heads]
    scores = np.array([explanation.word_scores[slot] for slot in slots])

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.2), gridspec_kw={"width_ratios": [1, 2.4]})
    values = [rates[slot]["value"] * 100 for slot in slots]
    left.bar(slots, values, color="#4c72b0")
    left.axhline(90, color="#c44e52", linestyle="--", linewidth=1, label="90 % target")
    for x, (slot, value) in enumerate(zip(slots, values)):
        left.text(x, value + 1, f"{value:.0f} %\nn={rates[slot]['n']}", ha="center", va="bottom", fontsize=8)
    left.set_ylim(0, 118)
    left.set_ylabel("carrying word ranked first (%)")
    left.set_title(f"Held-out voices and phrasings ({args.split})", fontsize=10)
    left.legend(loc="lower right", fontsize=8)

    limit = max(float(np.abs(scores).max()), 1e-6)
    right.imshow(scores, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    right.set_xticks(range(len(words)), [w["word"] for w in words])
    right.set_yticks(range(len(slots)), [f"{h.name} = {h.target}" for h in explanation.heads])
    for (row, col), value in np.ndenumerate(scores):
        right.text(col, row, number(value, 2), ha="center", va="center", fontsize=8,
                   color="white" if abs(value) > 0.6 * limit else "black")
    right.set_title(f"Word LOO scores: \"{' '.join(w['word'] for w in words)}\"", fontsize=10)
    figure.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
