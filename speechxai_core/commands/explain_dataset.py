"""``speechxai explain-dataset SOURCE --out DIR``: explain every item, resumably, optionally on Ray."""

from __future__ import annotations

import sys

from .align import add_aligner_options, aligner_options
from .explain import add_method_options, method_options


def register(commands) -> None:
    ed = commands.add_parser("explain-dataset", help="explain every item of a dataset into a results folder")
    ed.add_argument("source", help="folder of audio files, .csv/.jsonl manifest, or Hugging Face dataset (saved folder or hub name)")
    ed.add_argument("--out", required=True, help="results folder (re-run with the same folder to resume)")
    ed.add_argument("--model", default="demo", help="preset name, hub id or local folder (default: demo)")
    ed.add_argument("--heads", help="split outputs into heads, e.g. action:6,object:14,location:4")
    add_method_options(ed)
    ed.add_argument("--no-faithfulness", action="store_true", help="skip comprehensiveness/sufficiency")
    ed.add_argument("--thresholds", default="deciles", choices=["deciles", "eraser"],
                    help="faithfulness thresholds: 10%%..100%% (deciles) or ERASER's 1,5,10,20,50%% bins")
    ed.add_argument("--split", help="split of a Hugging Face dataset (default: test, or the only one)")
    ed.add_argument("--audio-column", help="audio column of a Hugging Face dataset (default: the Audio feature)")
    ed.add_argument("--text-column", help="transcript column of a Hugging Face dataset")
    ed.add_argument("--retry-errors", action="store_true", help="explain again the items recorded as errors")
    ed.add_argument("--parquet", action="store_true", help="also write records.parquet at the end")
    ed.add_argument("--ray", action="store_true", help="distribute items over Ray workers")
    ed.add_argument("--workers", type=int, default=2, help="Ray workers (with --ray; default 2)")
    ed.add_argument("--ray-address", help="existing Ray cluster (default: start a local one)")
    ed.add_argument("--gpus-per-worker", type=float,
                    help="GPUs reserved by each Ray worker (default: 1 when the cluster has one per worker, else 0)")
    ed.add_argument("--batch-size", type=int, default=16)
    ed.add_argument("--device", help="cpu, cuda, cuda:1, mps (default: best available)")
    ed.add_argument("--half", action="store_true", help="float16 on GPU")
    ed.add_argument("--max-duration", type=float, default=60.0, help="longest clip accepted, seconds")
    add_aligner_options(ed)
    ed.add_argument("--on-align-failure", default="error", choices=["windows", "error"],
                    help="an item whose words cannot be aligned: record an error (default) or use windows")
    ed.add_argument("--quiet", action="store_true", help="no progress bar")
    ed.set_defaults(run=run)


def run(args) -> int:
    from ..dataset import ModelSpec, RunOptions, explain_dataset, write_parquet
    from ..perturb import PROPERTIES

    if args.ray and args.workers < 1:
        raise ValueError("--workers must be at least 1")
    options = RunOptions(
        methods=tuple(m.strip() for m in args.methods.split(",") if m.strip()), grid=args.grid,
        properties=tuple(p.strip() for p in args.properties.split(",")) if args.properties else PROPERTIES,
        mask=args.mask, pad_before_ms=args.pad_before, pad_after_ms=args.pad_after, seed=args.seed,
        repeats=args.repeats, method_options=changed_method_options(args),
        targets=args.target, contrast=args.contrast, max_duration=args.max_duration, faithfulness=not args.no_faithfulness,
        thresholds=args.thresholds, batch_size=args.batch_size, aligner=args.aligner, language=args.language,
        on_align_failure=args.on_align_failure, align_options=tuple(sorted(aligner_options(args).items())),
    )
    spec = ModelSpec(args.model, args.heads, args.device, args.half)
    bar = ItemProgress(args.quiet)
    try:
        summary = explain_dataset(
            args.source, spec, args.out, options, retry_errors=args.retry_errors,
            workers=args.workers if args.ray else 0, ray_address=args.ray_address,
            gpus_per_worker=args.gpus_per_worker, progress=bar,
            split=args.split, audio_column=args.audio_column, text_column=args.text_column,
        )
    finally:
        bar.close()
    rate = summary.explained / summary.seconds * 60 if summary.seconds > 0 else 0.0
    print(f"{summary.total} items: {summary.skipped} already done, {summary.explained} processed "
          f"({summary.errors} failed) in {summary.seconds:.1f} s ({rate:.1f} items/min) -> {args.out}")
    for failure in summary.failures[:20]:
        print(f"  error: {failure}")
    if len(summary.failures) > 20:
        print(f"  ... and {len(summary.failures) - 20} more (status \"error\" in records.jsonl)")
    if args.parquet:
        print(f"wrote {write_parquet(args.out)}")
    return 0


def changed_method_options(args) -> tuple[tuple[str, float], ...]:
    """The method options given on the command line that differ from the defaults (repeats aside)."""
    from ..explain import MethodOptions

    chosen, default = vars(method_options(args)), vars(MethodOptions())
    return tuple(sorted((k, v) for k, v in chosen.items() if k != "repeats" and v != default[k]))


class ItemProgress:
    """A tqdm bar over items (elapsed, rate, ETA), with the error count."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar = None

    def __call__(self, done: int, total: int, errors: int) -> None:
        if self.quiet:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=done, desc="explaining", unit="item", file=sys.stderr)
        self.bar.set_postfix(errors=errors, refresh=False)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
