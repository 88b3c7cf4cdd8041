"""``speechxai benchmark MANIFEST``: every word method on clips with known carrying words (CSV + HTML)."""

from __future__ import annotations

import sys
from pathlib import Path

DEFAULT_METHODS = "loo,lime,shapley,gradient,gradient_x_input,integrated_gradients"


def register(commands) -> None:
    be = commands.add_parser("benchmark", help="compare word methods on a manifest of clips (CSV + HTML report)")
    be.add_argument("manifest", help="JSON lines: path, words [{word,start,end}], carriers {head: word index}")
    be.add_argument("--model", default="demo", help="preset name, hub id, local folder or file.py:name (default: demo)")
    be.add_argument("--heads", help="split outputs into heads, e.g. action:6,object:14,location:4")
    be.add_argument("--methods", default=DEFAULT_METHODS, help=f"comma-separated word methods (default: {DEFAULT_METHODS})")
    be.add_argument("--out", required=True, help="folder for benchmark.csv, agreement.csv, benchmark.html and .md")
    be.add_argument("--checks", default="", help="also stability and/or sanity per method: stability,sanity "
                                                  "(each method is explained again with them; costly)")
    be.add_argument("--limit", type=int, help="only the first N clips")
    be.add_argument("--batch-size", type=int, default=16)
    be.add_argument("--quiet", action="store_true", help="no progress")
    be.set_defaults(run=run)


def run(args) -> int:
    from ..evaluation.benchmark import benchmark_checks, read_manifest, run_benchmark, word_methods
    from ..models import load_model
    from ..reports.benchmark_report import benchmark_html, benchmark_markdown
    from ..scoring import ScoringEngine

    if args.limit is not None and args.limit < 1:
        raise ValueError("--limit must be at least 1")
    word_methods(args.methods)  # bad input is refused before the model loads
    benchmark_checks(args.checks)
    read_manifest(args.manifest)
    model = load_model(args.model, heads=args.heads)
    engine = ScoringEngine(model, batch_size=args.batch_size)

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(f"\r{done}/{total} clips", end="" if done < total else "\n", file=sys.stderr, flush=True)

    table, agreement, results = run_benchmark(args.manifest, model, args.methods, limit=args.limit, engine=engine,
                                              progress=progress, checks=args.checks)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "benchmark.csv", index=False)
    agreement.to_csv(out / "agreement.csv", index_label="method")
    title = f"SpeechXAI benchmark — {Path(args.manifest).resolve().parent.name}"
    (out / "benchmark.html").write_text(benchmark_html(table, agreement, title=title, clips=len(results),
                                                       model=model.name), encoding="utf-8")
    (out / "benchmark.md").write_text(benchmark_markdown(table, agreement), encoding="utf-8")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print("\nwrote " + ", ".join(str(out / name) for name in ("benchmark.csv", "agreement.csv", "benchmark.html",
                                                             "benchmark.md")))
    return 0
