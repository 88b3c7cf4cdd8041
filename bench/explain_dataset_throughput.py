"""Items per minute of explain-dataset: in this process, and with 1, 2, … Ray workers.

Usage:
    python bench/explain_dataset_throughput.py MANIFEST --model MODEL [--heads SPEC]
        [--items N] [--workers 1,2] [--grid full|fast] [--methods loo,paraling]

Each configuration explains the same first N items of MANIFEST into a fresh folder. Two rates:
end to end (from the call to the last record: starting Ray, loading the model and the
per-process warm-up such as room impulse responses included), and steady state (items after
the first 2 per worker, over the time they took: what a long run approaches). Also checks that
every configuration wrote the same scores.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speechxai_core.dataset import ModelSpec, RunOptions, explain_dataset, read_items, read_records  # noqa: E402
from speechxai_core.dataset.items import Items  # noqa: E402


def scores(folder: Path) -> list:
    return [(r["id"], r.get("explanation", {}).get("word_scores"), r.get("faithfulness")) for r in read_records(folder)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest")
    parser.add_argument("--model", required=True)
    parser.add_argument("--heads")
    parser.add_argument("--items", type=int, default=24)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--grid", default="full")
    parser.add_argument("--methods", default="loo,paraling")
    args = parser.parse_args()

    everything = read_items(args.manifest)
    first = [item for (_, item), _ in zip(everything.pending([]), range(args.items))]
    items = Items.from_list(everything.name, first)
    options = RunOptions(methods=tuple(args.methods.split(",")), grid=args.grid)
    spec = ModelSpec(args.model, args.heads)
    results, reference = {}, None
    with tempfile.TemporaryDirectory() as tmp:
        for workers in [0, *(int(w) for w in args.workers.split(","))]:
            out = Path(tmp) / f"w{workers}"
            arrivals: list[float] = []
            started = time.perf_counter()
            explain_dataset(items, spec, out, options, workers=workers,
                            progress=lambda done, total, errors: arrivals.append(time.perf_counter()))
            seconds = time.perf_counter() - started
            warm = 2 * max(1, workers)  # progress is called once before the first item, then per item
            steady = (len(arrivals) - 1 - warm) / (arrivals[-1] - arrivals[warm]) * 60
            name = "single process" if workers == 0 else f"Ray, {workers} worker{'s' * (workers > 1)}"
            results[name] = {"seconds": round(seconds, 1), "items_per_minute": round(len(items) / seconds * 60, 1),
                             "steady_items_per_minute": round(steady, 1)}
            got = scores(out)
            reference = reference or got
            results[name]["same_scores_as_single_process"] = _close(got, reference)
            print(f"{name}: {len(items)} items in {seconds:.1f} s = {len(items) / seconds * 60:.1f} items/min "
                  f"end to end, {steady:.1f} items/min steady", flush=True)
    print(json.dumps(results, indent=2))
    return 0


def _close(a, b, tolerance: float = 1e-6) -> bool:
    """Equal up to float rounding (workers use one BLAS thread, this process may use several)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tolerance) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y, tolerance) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= tolerance
    return a == b


if __name__ == "__main__":
    sys.exit(main())
