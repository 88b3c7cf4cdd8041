"""``speechxai summarize DIR``: dataset-level tables and an HTML report of an explain-dataset folder."""

from __future__ import annotations


def register(commands) -> None:
    su = commands.add_parser("summarize", help="summarise an explain-dataset results folder (CSV + HTML report)")
    su.add_argument("folder", help="results folder written by explain-dataset")
    su.add_argument("--out", help="where to write the CSV files and report.html (default: FOLDER/summary)")
    su.add_argument("--top-k", type=int, default=10, help="words kept per class (default 10)")
    su.set_defaults(run=run)


def run(args) -> int:
    from ..reports.dataset_html import faithfulness_table, paralinguistic_table, write_summary

    if args.top_k < 1:
        raise ValueError("--top-k must be at least 1")
    summary, written = write_summary(args.folder, args.out, args.top_k)
    print(f"{summary.items} items ({summary.failed} failed)")
    if not summary.overview.empty:
        print(summary.overview.to_string(index=False))
    if not summary.words.empty:
        print("\ntop words per class (mean importance, count)")
        for (head, label), rows in summary.words.groupby(["head", "class"], sort=False):
            cells = ", ".join(f"{w} {s:+.3f} ({c})" for w, s, c in zip(rows["word"], rows["mean_score"], rows["count"]))
            print(f"  {head}={label}: {cells}")
    if not summary.paralinguistic.empty:
        print("\nparalinguistic attribution (mean over items)")
        print(paralinguistic_table(summary).to_string(float_format=lambda v: f"{v:+.3f}"))
    if not summary.word_paraling.empty:
        from ..evaluation.dataset_summary import word_paraling_sentences

        print("\nword-local prosody (mean drop when only that word is changed)")
        print("\n".join(f"  {line}" for line in word_paraling_sentences(summary)))
    if not summary.faithfulness.empty:
        print("\nfaithfulness (comprehensiveness higher is better, sufficiency lower is better)")
        print(faithfulness_table(summary).to_string(index=False))
    print("\nwrote " + ", ".join(str(path) for path in written))
    return 0
