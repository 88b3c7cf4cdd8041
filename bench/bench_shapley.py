"""Shapley on a budget against leave-one-out and exact Shapley values, measured in one run.

The human clip ``slu/turn_on_kitchen_lights.wav`` (12 words, its manifest timings) of the
shared speech folder with the bundled demo model: end-to-end ``explain`` time of leave-one-out
(the fastest of ``--loo-runs``), of default Shapley (values and interactions; importing ``shapiq``,
a once-per-process cost the app pays at start-up, is timed apart), of LIME and of
exact Shapley over all ``2^n`` coalitions; then the ratios the targets are set on
(Shapley / leave-one-out ≤ 30), the largest error of the default values against the exact ones
over all heads (≤ 0.03) and the efficiency gap (≤ 1e-6). The clip is the acceptance clip: it
took no part in choosing the estimator or the budget. Without the shared folder (a clone
without ``../shared``) the benchmark says so and exits.

Exact Shapley values take ``2^n`` coalitions (minutes to an hour on two busy cores);
``--exact-cache FILE`` keeps them (and every coalition's value) with their time, computed first,
so that a rerun times only leave-one-out and the default; ``--no-exact`` times only those two
(comparing with the cache when it is there), ``--save FILE`` keeps the default run's numbers.
The default values are seeded, so any run's compare with the exact ones the same way.

Usage: python bench/bench_shapley.py [--data ../shared/data/speech] [--clip slu/turn_on_kitchen_lights.wav]
       [--exact-cache exact.json] [--no-exact] [--save default.json] [--lime]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "speech"


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def exact_values(compute, cache: Path | None, clip: str) -> tuple[float, dict]:
    """Seconds and ``{head: exact values}``, from ``cache`` when it holds this clip's (the cache also
    keeps every coalition's value per head, ``game``: variant id -> head -> value)."""
    if cache and cache.exists():
        saved = json.loads(cache.read_text())
        if saved["clip"] == clip:
            return saved["seconds"], saved["values"]
    seconds, result = timed(compute)
    values = result.method_scores["shapley"]
    if cache:
        game = {r.id: r.probabilities for r in result.variants if r.kind in ("words", "original")}
        cache.write_text(json.dumps({"clip": clip, "seconds": seconds, "values": values, "game": game,
                                     "words": [w.word for w in result.words], "heads": result.head_names}))
    return seconds, values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--clip", default="slu/turn_on_kitchen_lights.wav")
    parser.add_argument("--loo-runs", type=int, default=3)
    parser.add_argument("--lime", action="store_true", help="also time LIME (1,000 samples)")
    parser.add_argument("--exact-cache", type=Path, help="JSON file keeping the exact values and their time")
    parser.add_argument("--save", type=Path, help="JSON file for the default run's times, scores and details")
    parser.add_argument("--no-exact", action="store_true",
                        help="time leave-one-out and the default only (errors from the cache when it is there)")
    args = parser.parse_args()
    manifest = args.data / "manifest.jsonl"
    if not manifest.exists():
        print(f"skipped: the shared speech folder is not here ({args.data})")
        return
    entry = next((json.loads(line) for line in manifest.open() if json.loads(line)["path"] == args.clip), None)
    if entry is None:
        sys.exit(f"{args.clip} is not in {manifest}")
    from speechxai_core import explain, load_model

    model = load_model("demo")
    audio, words = str(args.data / args.clip), entry["words"]

    def run(methods, **options):
        return explain(audio, model, words=words, methods=methods, method_options=options or None)

    n = len(words)
    t_import = timed(lambda: __import__("shapiq"))[0]  # once per process (the app loads it at start-up)
    if args.no_exact and not (args.exact_cache and args.exact_cache.exists()):
        t_exact, exact = None, None
    else:
        t_exact, exact = exact_values(lambda: run("shapley", shapley_budget=2 ** n), args.exact_cache, args.clip)
    run("loo")  # warm-up: first forward passes of each batch shape
    t_loo = min(timed(lambda: run("loo"))[0] for _ in range(args.loo_runs))
    t_shapley, default = timed(lambda: run("shapley"))
    t_lime = timed(lambda: run("lime"))[0] if args.lime else None
    details = default.method_details["shapley"]
    gaps = {h: abs(g) for h, g in details["efficiency_gap"].items()}
    threads = os.environ.get("OMP_NUM_THREADS", "default")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, threads {threads}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"clip: {args.clip} ({n} words, {default.audio['duration']:.2f} s), model: demo")
    print(f"import shapiq            {t_import:8.2f} s   (once per process, not counted below)")
    print(f"leave-one-out            {t_loo:8.2f} s   ({n} variants)")
    print(f"Shapley, default         {t_shapley:8.2f} s   ({details['coalitions']} coalitions of a budget of "
          f"{details['budget']}, {details['approximator']}, values + interactions)")
    if t_lime is not None:
        print(f"LIME, 1,000 samples      {t_lime:8.2f} s")
    print(f"Shapley / leave-one-out  = {t_shapley / t_loo:6.1f}x   (target <= 30)")
    if exact is not None:
        errors = {h: float(np.max(np.abs(np.array(default.method_scores["shapley"][h]) - np.array(exact[h]))))
                  for h in default.head_names}
        print(f"Shapley, exact           {t_exact:8.2f} s   ({2 ** n} coalitions"
              + (f", from {args.exact_cache})" if args.exact_cache else ")"))
        print(f"exact / Shapley          = {t_exact / t_shapley:6.1f}x")
        print(f"largest |error| vs exact = {max(errors.values()):.4f}   (target <= 0.03; per head "
              + ", ".join(f"{h} {e:.4f}" for h, e in errors.items()) + ")")
    print(f"largest standard error   = {max(max(s) for s in details['stderr'].values()):.4f}")
    print(f"efficiency gap           = {max(gaps.values()):.1e}   (target <= 1e-6)")
    if args.save:
        args.save.write_text(json.dumps({"clip": args.clip, "loo_s": t_loo, "shapley_s": t_shapley,
                                         "scores": default.method_scores["shapley"], "details": details}))


if __name__ == "__main__":
    main()
