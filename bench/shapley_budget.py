"""Error of budgeted Shapley estimates against the exact values, on cached exact word games.

For each game of ``bench/shapley_games.py`` (a synthetic sentence, every head of the demo
model), each approximator, budget (distinct coalitions) and number of replicates, over several
seeds: the largest absolute error of the Shapley values, the largest error of the pairwise
Shapley interaction index (SII) over the pairs of the 5 words with the largest exact ``|φ|``,
how often the true error of a value exceeds twice its standard error, and the seconds of
estimation (the game is a lookup: the model's time is the coalitions times the seconds per
coalition). Estimates run through the same code as the ``shapley`` method
(:mod:`speechxai_core.explain.coalition_game`).

Usage:
  python bench/shapley_budget.py --set tuning                   # the table the default was chosen on
  python bench/shapley_budget.py --set held_out --figure docs/images/shapley_budget.png \
      [--game-json exact.json]   # also the exact game kept by bench/bench_shapley.py --exact-cache
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shapley_games import DEFAULT_CACHE, SENTENCES, game_path, load_game  # noqa: E402


class Coalition:
    """A coalition named by its bitmask (the game's stand-in for a variant)."""

    __slots__ = ("id",)

    def __init__(self, kept):
        self.id = int(sum(1 << int(i) for i in kept))


def popcounts(n: int) -> np.ndarray:
    return np.array([bin(m).count("1") for m in range(2 ** n)])


def game_from_json(path: Path) -> dict:
    """The exact game kept by ``bench/bench_shapley.py --exact-cache`` as bitmask-indexed values."""
    import json

    saved = json.loads(path.read_text())
    n, heads = len(saved["words"]), saved["heads"]
    values = np.full((len(heads), 2 ** n), np.nan)
    for variant_id, by_head in saved["game"].items():
        masked = [] if variant_id == "original" else [int(i) for i in variant_id[len("words:"):].split("+")]
        mask = (2 ** n - 1) - sum(1 << i for i in masked)
        values[:, mask] = [by_head[h] for h in heads]
    if np.isnan(values).any():
        raise ValueError(f"{path}: not every coalition is there")
    return {"values": values, "heads": np.array(heads), "words": np.array(saved["words"]), "text": saved["clip"]}


def exact_values(v: np.ndarray, n: int) -> np.ndarray:
    """φ_i = Σ_{S∌i} |S|!(n−|S|−1)!/n! [v(S∪i) − v(S)] over the bitmask-indexed values ``v``."""
    sizes, masks = popcounts(n), np.arange(2 ** n)
    weights = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)] + [0.0])
    phi = np.zeros(n)
    for i in range(n):
        without = masks[(masks >> i & 1) == 0]
        phi[i] = weights[sizes[without]] @ (v[without | 1 << i] - v[without])
    return phi


def exact_sii(v: np.ndarray, n: int, i: int, j: int) -> float:
    """I_ij = Σ_{S∌i,j} |S|!(n−|S|−2)!/(n−1)! [v(S∪ij) − v(S∪i) − v(S∪j) + v(S)]."""
    sizes, masks = popcounts(n), np.arange(2 ** n)
    weights = np.array([math.factorial(s) * math.factorial(n - s - 2) / math.factorial(n - 1) for s in range(n - 1)]
                       + [0.0, 0.0])
    s = masks[((masks >> i & 1) == 0) & ((masks >> j & 1) == 0)]
    bi, bj = 1 << i, 1 << j
    return float(weights[sizes[s]] @ (v[s | bi | bj] - v[s | bi] - v[s | bj] + v[s]))


def configure(name: str) -> str:
    """``NAME`` or ``NAME-unpaired`` (the regressions without paired sampling) -> the shapiq name."""
    from speechxai_core.explain import coalition_game

    base, _, variant = name.partition("-")
    if variant == "unpaired":
        coalition_game.PAIRED[base] = {}
    elif base in ("KernelSHAPIQ", "InconsistentKernelSHAPIQ"):
        coalition_game.PAIRED[base] = {"pairing_trick": True}
    return base


def evaluate(games: list[dict], approximators, budgets, seeds) -> list[dict]:
    from speechxai_core.explain.coalition_game import draw, estimate

    rows = []
    for game in games:
        n = len(game["words"])
        for head, v in zip(game["heads"], game["values"]):
            phi = exact_values(v, n)
            top = sorted(np.argsort(-np.abs(phi), kind="stable")[:5].tolist())
            pairs = {(i, j): exact_sii(v, n, i, j) for i, j in itertools.combinations(top, 2)}
            for name, budget, seed in itertools.product(approximators, budgets, seeds):
                if budget >= 2 ** n:
                    continue
                started = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    plan = draw(n, budget, configure(name), seed, Coalition)
                    result = estimate(plan, n, Coalition, lambda ids: v[np.array(ids)])
                seconds = time.perf_counter() - started
                error = np.abs(result["phi"] - phi)
                rows.append({
                    "clip": str(game["text"]), "n": n, "head": str(head), "approximator": name, "budget": budget,
                    "seed": seed, "evaluated": len(plan.variants), "max_error": float(error.max()),
                    "sii_error": max(abs(result["sii"][i, j] - value) for (i, j), value in pairs.items()),
                    "beyond_2se": float(np.mean(error > 2 * result["phi_stderr"])),
                    "max_stderr": float(result["phi_stderr"].max()),
                    "efficiency_gap": float(result["phi"].sum() - (v[-1] - v[0])), "seconds": seconds,
                })
    return rows


def summarise(rows: list[dict]) -> list[dict]:
    """Per approximator, budget and replicates: mean and worst largest error over clips, heads, seeds."""
    keys = sorted({(r["approximator"], r["budget"]) for r in rows})
    table = []
    for name, budget in keys:
        group = [r for r in rows if (r["approximator"], r["budget"]) == (name, budget)]
        worst_seed = {}
        for r in group:  # the acceptance reads the largest error over a clip's heads, per seed
            key = (r["clip"], r["seed"])
            worst_seed[key] = max(worst_seed.get(key, 0.0), r["max_error"])
        table.append({
            "approximator": name, "budget": budget,
            "evaluated": max(r["evaluated"] for r in group),
            "mean_max_error": float(np.mean([r["max_error"] for r in group])),
            "p90_clip_error": float(np.quantile(list(worst_seed.values()), 0.9)),
            "worst_clip_error": float(max(worst_seed.values())),
            "mean_sii_error": float(np.mean([r["sii_error"] for r in group])),
            "beyond_2se": float(np.mean([r["beyond_2se"] for r in group])),
            "stderr_vs_error": float(np.mean([r["max_stderr"] for r in group]) / np.mean([r["max_error"] for r in group])),
            "max_gap": float(max(abs(r["efficiency_gap"]) for r in group)),
            "seconds": float(np.mean([r["seconds"] for r in group])),
        })
    return table


def print_table(table: list[dict]) -> None:
    print("| approximator | budget | coalitions | mean max err | p90 clip err | worst clip err | mean SII err "
          "| err > 2 SE | max SE / max err | max eff. gap | s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for t in table:
        print(f"| {t['approximator']} | {t['budget']} | {t['evaluated']} | {t['mean_max_error']:.4f} "
              f"| {t['p90_clip_error']:.4f} | {t['worst_clip_error']:.4f} | {t['mean_sii_error']:.4f} "
              f"| {t['beyond_2se']:.2f} | {t['stderr_vs_error']:.2f} | {t['max_gap']:.1e} | {t['seconds']:.2f} |")


def figure(table: list[dict], path: Path, title: str) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for name, marker in zip(sorted({t["approximator"] for t in table}), "osd^v<>"):
        rows = sorted((t for t in table if t["approximator"] == name), key=lambda t: t["budget"])
        label = name
        ax.plot([t["evaluated"] for t in rows], [t["mean_max_error"] for t in rows], marker=marker, label=label + " (mean)")
        ax.plot([t["evaluated"] for t in rows], [t["worst_clip_error"] for t in rows], marker=marker, linestyle=":",
                label=label + " (worst)", color=ax.lines[-1].get_color())
    ax.axhline(0.03, color="grey", linewidth=0.8, linestyle="--")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xticks([25, 50, 100, 200, 300, 400])
    ax.set_xlabel("coalitions scored (values and interactions together)")
    ax.set_ylabel("largest |φ̂ − φ| over a clip's words")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=("tuning", "held_out"), default="tuning")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--approximators", default="KernelSHAPIQ,KernelSHAPIQ-unpaired,InconsistentKernelSHAPIQ,SVARMIQ,PermutationSamplingSII")
    parser.add_argument("--budgets", default="150,200,300,400,600,800")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--figure", type=Path)
    parser.add_argument("--game-json", type=Path, action="append", default=[],
                        help="an exact game kept by bench/bench_shapley.py --exact-cache (repeatable)")
    args = parser.parse_args()
    paths = [game_path(args.cache, text) for text, _ in SENTENCES[args.set]]
    missing = [p.name for p in paths if not p.exists()]
    if missing:
        sys.exit(f"exact games missing (run bench/shapley_games.py --set {args.set}): {', '.join(missing)}")
    games = [load_game(p) | {"text": p.stem.replace("_", " ")} for p in paths]
    games += [game_from_json(p) for p in args.game_json]
    print(f"{len(games)} clips of {', '.join(str(len(g['words'])) for g in games)} words, "
          f"{sum(len(g['heads']) for g in games)} head games, {args.seeds} seeds")
    rows = evaluate(games, args.approximators.split(","), [int(b) for b in args.budgets.split(",")], range(args.seeds))
    table = summarise(rows)
    print_table(table)
    if args.figure:
        figure(table, args.figure, f"Shapley values on a budget: {len(games)} {args.set.replace('_', '-')} clip{'s' if len(games) > 1 else ''} "
                                   f"({' and '.join(str(len(g['words'])) for g in games)} words), demo model, "
                                   f"{args.seeds} seeds per head")


if __name__ == "__main__":
    main()
