"""Which word method to trust: every word method on the demo model's held-out evaluation clips.

Usage:
    python scripts/compare_methods.py [--model demo] [--manifest assets/demo-eval/manifest.jsonl]
        [--methods loo,lime,shapley,gradient,gradient_x_input,integrated_gradients] [--limit N]
        [--out runs/compare-methods]

Each clip is explained once per method (predicted class per head, the manifest's word timings)
and timed. Printed per head and method, means over clips:

- comprehensiveness ↑ and sufficiency ↓ (deciles of the positively scored words; see
  :mod:`speechxai_core.evaluation.faithfulness`), with the random baseline (mean over 5 seeds);
- plausibility: the share of clips whose carrying word (manifest ``carriers``) is ranked first;
- agreement: Spearman rank correlation of the word scores between two methods (mean over clips
  and heads; clips where a method gives all words the same score are left out);
- seconds per clip (explanation only, on this machine).

Writes ``DIR/compare_methods.md`` and the per-clip values as ``DIR/compare_methods.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speechxai_core.audio import load_audio  # noqa: E402
from speechxai_core.evaluation.faithfulness import evaluate_explanation  # noqa: E402
from speechxai_core.explain import explain  # noqa: E402
from speechxai_core.models import load_model  # noqa: E402
from speechxai_core.scoring import ScoringEngine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORD_METHODS = "loo,lime,shapley,gradient,gradient_x_input,integrated_gradients"


def run_clip(row: dict, folder: Path, model, engine: ScoringEngine, methods: list[str]) -> dict:
    """Per method: time, word scores, faithfulness and plausibility of one manifest row."""
    clip = load_audio(str(folder / row["path"]), model.sampling_rate, name=row["path"])
    result = {"clip": row["path"], "methods": {}}
    for method in methods:
        started = time.perf_counter()
        explanation = explain(clip, model, words=row["words"], methods=method, engine=engine)
        seconds = time.perf_counter() - started
        faith = evaluate_explanation(explanation, clip, model, engine=engine, method=method)
        scores = explanation.scores_for(method)
        result["methods"][method] = {
            "seconds": seconds, "scores": scores,
            "faithfulness": {head: value.to_dict() for head, value in faith.items()},
            "plausible": {head: int(np.argmax(scores[head])) == carrier
                          for head, carrier in row["carriers"].items() if carrier is not None},
        }
    return result


def _mean(values) -> float:
    values = [v for v in values if v is not None and np.isfinite(v)]
    return float(np.mean(values)) if values else float("nan")


def table(results: list[dict], methods: list[str], heads: list[str]) -> str:
    lines = [f"{len(results)} clips.", "",
             "| head | method | comprehensiveness ↑ | sufficiency ↓ | plausibility ↑ | s / clip |",
             "|---|---|---|---|---|---|"]
    for head in heads:
        for method in methods:
            per = [r["methods"][method] for r in results]
            comp = _mean(p["faithfulness"][head]["comprehensiveness"] for p in per)
            suff = _mean(p["faithfulness"][head]["sufficiency"] for p in per)
            hits = [p["plausible"][head] for p in per if head in p["plausible"]]
            plaus = f"{np.mean(hits):.2f} ({len(hits)})" if hits else "n/a"
            lines.append(f"| {head} | {method} | {comp:.3f} | {suff:.3f} | {plaus} | "
                         f"{_mean(p['seconds'] for p in per):.2f} |")
        first = [r["methods"][methods[0]]["faithfulness"][head] for r in results]
        lines.append(f"| {head} | random | {_mean(f['random_comprehensiveness'] for f in first):.3f} | "
                     f"{_mean(f['random_sufficiency'] for f in first):.3f} | | |")
    lines += ["", "Agreement (Spearman ρ of word scores, mean over clips and heads):", "",
              "| | " + " | ".join(methods) + " |", "|---|" + "---|" * len(methods)]
    for a in methods:
        cells = []
        for b in methods:
            rhos = []
            for r, head in itertools.product(results, heads):
                x, y = r["methods"][a]["scores"][head], r["methods"][b]["scores"][head]
                if len(x) > 2 and np.ptp(x) > 0 and np.ptp(y) > 0:
                    rhos.append(spearmanr(x, y).statistic)
            cells.append(f"{_mean(rhos):.2f}")
        lines.append(f"| {a} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="demo")
    parser.add_argument("--manifest", default=str(ROOT / "assets" / "demo-eval" / "manifest.jsonl"))
    parser.add_argument("--methods", default=WORD_METHODS)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--out", default="runs/compare-methods")
    args = parser.parse_args()

    manifest = Path(args.manifest)
    rows = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[:args.limit]
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    model = load_model(args.model)
    engine = ScoringEngine(model)
    results = []
    for i, row in enumerate(rows, 1):
        results.append(run_clip(row, manifest.parent, model, engine, methods))
        print(f"\r{i}/{len(rows)} clips", end="", file=sys.stderr)
    print(file=sys.stderr)
    heads = [head.name for head in model.heads]
    text = table(results, methods, heads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare_methods.md").write_text(text, encoding="utf-8")
    (out / "compare_methods.json").write_text(json.dumps(results), encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
