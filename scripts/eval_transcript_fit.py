"""Rates of the transcript check on human recordings: correct transcripts vs swapped ones.

For every clip of the chosen sets with a transcript, the fit score runs with its own transcript
and with the transcripts of the ``--swaps`` other clips closest in word count (different text).
Prints the share of correct transcripts flagged (false alarms) and of swapped ones flagged
(detections) at ``MIN_FIT`` of :mod:`speechxai_core.align.fit`; ``--sweep`` also prints the
rates for other thresholds. The score is measured alone, before the aligner's own checks.

    python scripts/eval_transcript_fit.py [--data ../shared/data/speech]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from speechxai_core.align.fit import MIN_FIT, TranscriptFit, transcript_fit  # noqa: E402
from speechxai_core.align.text import transcript_tokens  # noqa: E402
from speechxai_core.align.words import Word  # noqa: E402
from speechxai_core.audio import load_audio  # noqa: E402

SETS = ("commands_en", "slu", "librivox")


def default_data() -> Path:
    for candidate in (ROOT.parent / "shared" / "data" / "speech", Path("/work/shared/data/speech")):
        if (candidate / "manifest.jsonl").exists():
            return candidate
    return ROOT.parent / "shared" / "data" / "speech"


def clips(data: Path, sets=SETS) -> list[dict]:
    rows = [json.loads(line) for line in (data / "manifest.jsonl").read_text().splitlines() if line.strip()]
    return [row for row in rows if row["set"] in sets and row.get("transcript")]


def swaps(rows: list[dict], index: int, count: int) -> list[str]:
    """Transcripts of the ``count`` other clips closest in word count (ties by manifest order)."""
    own = rows[index]["transcript"]
    others = [row["transcript"] for i, row in enumerate(rows) if i != index and row["transcript"] != own]
    return sorted(others, key=lambda text: abs(len(text.split()) - len(own.split())))[:count]


def evaluate(data: Path, count: int) -> tuple[list[TranscriptFit], list[TranscriptFit]]:
    rows = clips(data)
    correct, swapped = [], []
    for i, row in enumerate(rows):
        audio = load_audio(data / row["path"], 16000, max_duration=None)

        def fit(text: str) -> TranscriptFit:  # clips are under 30 s: word times are not needed
            return transcript_fit(audio, [Word(token, 0.0, audio.duration) for token in transcript_tokens(text)])

        correct.append(fit(row["transcript"]))
        swapped += [fit(text) for text in swaps(rows, i, count)]
    return correct, swapped


def rates(correct: list[TranscriptFit], swapped: list[TranscriptFit]) -> tuple[float, float]:
    return (sum(f.flagged for f in correct) / len(correct), sum(f.flagged for f in swapped) / len(swapped))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--swaps", type=int, default=3, help="swapped transcripts per clip")
    parser.add_argument("--sweep", action="store_true", help="also print rates for other MIN_FIT values")
    parser.add_argument("--verbose", action="store_true", help="print every comparison")
    args = parser.parse_args()
    if not (args.data / "manifest.jsonl").exists():
        print(f"no data: {args.data}/manifest.jsonl not found", file=sys.stderr)
        return 2
    correct, swapped = evaluate(args.data, args.swaps)
    if args.verbose:
        for label, fits in (("correct", correct), ("swapped", swapped)):
            for fit in fits:
                print(f"{label}\t{fit.fit:.4f}\t{int(fit.flagged)}\t{' '.join(fit.words)}\t{fit.suspect}")
    false_alarms, detections = rates(correct, swapped)
    print(f"sets: {', '.join(SETS)}; {len(correct)} clips, {len(swapped)} swapped transcripts")
    print(f"correct transcripts flagged: {false_alarms:.1%} ({sum(f.flagged for f in correct)}/{len(correct)})")
    print(f"swapped transcripts flagged: {detections:.1%} ({sum(f.flagged for f in swapped)}/{len(swapped)})")
    if args.sweep:
        for min_fit in (0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2):
            for fit in correct + swapped:
                fit.min_fit = min_fit
            a, d = rates(correct, swapped)
            print(f"MIN_FIT {min_fit:g}: correct flagged {a:.1%}, swapped flagged {d:.1%}"
                  + ("  (default)" if min_fit == MIN_FIT else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
