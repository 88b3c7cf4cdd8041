"""Faithfulness of word-level leave-one-out on any model and dataset, next to the random baseline.

Usage:
    python scripts/eval_faithfulness.py SOURCE --model MODEL [--heads SPEC] [--out DIR]
        [--where KEY=VALUE ...] [--limit N] [--workers N] [--thresholds deciles|eraser]

SOURCE is anything ``speechxai explain-dataset`` reads; ``--where`` and ``--limit`` filter the
rows of a .csv/.jsonl manifest first (e.g. ``--where split=test``). Items are explained with
``loo`` only; the run resumes when repeated with the same ``--out``. Prints (and writes to
``DIR/faithfulness.md``) comprehensiveness and sufficiency per head, mean over items, with
the random baseline as mean ± std over its 5 seeds.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speechxai_core.dataset import ModelSpec, RunOptions, explain_dataset  # noqa: E402
from speechxai_core.reports.dataset_html import summarize_folder  # noqa: E402


def filtered_manifest(source: Path, where: list[str], limit: int | None, out: Path) -> Path:
    """Rows of ``source`` matching every KEY=VALUE (first ``limit``), written with absolute paths."""
    conditions = [tuple(item.split("=", 1)) for item in where]
    if source.suffix.lower() == ".csv":
        rows = list(csv.DictReader(source.read_text(encoding="utf-8").splitlines()))
    else:
        rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = [row for row in rows if all(str(row.get(key)) == value for key, value in conditions)][:limit]
    for row in kept:
        key = next(k for k in ("path", "audio", "file", "file_name", "audio_path") if row.get(k))
        row.setdefault("id", row[key])
        row[key] = str((source.parent / row[key]).resolve())
    out.mkdir(parents=True, exist_ok=True)
    path = out / "manifest.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in kept), encoding="utf-8")
    return path


def markdown(folder: Path) -> str:
    summary = summarize_folder(folder)
    accuracy = summary.overview.set_index("head")["accuracy"].to_dict()
    lines = ["| head | items | accuracy | comprehensiveness ↑ (LOO) | random | sufficiency ↓ (LOO) | random |",
             "|---|---|---|---|---|---|---|"]
    for row in summary.faithfulness.to_dict("records"):
        acc = accuracy.get(row["head"])
        lines.append(
            f"| {row['head']} | {row['items']} | {'n/a' if acc is None or acc != acc else f'{acc:.2f}'} "
            f"| {row['comprehensiveness']:.4f} | {row['random_comprehensiveness']:.4f} ± {row['random_comprehensiveness_std']:.4f} "
            f"| {row['sufficiency']:.4f} | {row['random_sufficiency']:.4f} ± {row['random_sufficiency_std']:.4f} |"
        )
    return "\n".join(lines) + f"\n\n{summary.items} items, {summary.failed} failed.\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("--model", required=True)
    parser.add_argument("--heads")
    parser.add_argument("--out", default="runs/faithfulness")
    parser.add_argument("--where", action="append", default=[], help="KEY=VALUE filter on manifest rows")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--workers", type=int, default=0, help="Ray workers (0: this process)")
    parser.add_argument("--thresholds", default="deciles", choices=["deciles", "eraser"])
    args = parser.parse_args()

    out, source = Path(args.out), Path(args.source)
    if args.where or args.limit:
        source = filtered_manifest(source, args.where, args.limit, out)
    options = RunOptions(methods=("loo",), thresholds=args.thresholds)
    run = explain_dataset(source, ModelSpec(args.model, args.heads), out / "records", options, workers=args.workers,
                          progress=lambda done, total, errors: print(f"\r{done}/{total} ({errors} errors)", end="",
                                                                     file=sys.stderr))
    print(f"\n{run.explained} explained in {run.seconds:.0f} s", file=sys.stderr)
    table = markdown(out / "records")
    (out / "faithfulness.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
