"""Copies held-out utterances of the demo corpus into the repository.

Usage: python recipes/demo_model/export_demo_examples.py [--corpus .cache/demo-corpus] [--examples 4] [--eval 24]

- ``assets/examples/``: a few clips for the app's example buttons, each a 16 kHz mono 16-bit
  wav named after its text, with its word timings next to it (same stem, ``.json``).
- ``assets/demo-eval/``: a small evaluation set for the tests (FLAC clips and
  ``manifest.jsonl`` with words, labels per slot and the word carrying each slot).

All come from the ``test`` split: voices and phrasings never seen in training.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import soundfile as sf

ASSETS = Path(__file__).resolve().parents[2] / "assets"
EXAMPLE_FAMILIES = ("switch", "level", "feel", "bring", "language")


def pick_examples(records: list[dict], count: int) -> list[dict]:
    """One utterance per command family, preferring ones that name a location."""
    chosen = []
    for family in EXAMPLE_FAMILIES[:count]:
        candidates = [r for r in records if r["family"] == family]
        candidates.sort(key=lambda r: (r["labels"]["location"] == "none", r["path"]))
        chosen.append(candidates[0])
    return chosen


def pick_eval_set(records: list[dict], count: int) -> list[dict]:
    """The first ``count`` utterances in which at least two slots have a carrying word."""
    return [r for r in records if sum(i is not None for i in r["carriers"].values()) >= 2][:count]


def export_examples(corpus: Path, records: list[dict], out: Path) -> None:
    if out.exists():
        for old in list(out.glob("*.wav")) + list(out.glob("*.json")):
            old.unlink()
    out.mkdir(parents=True, exist_ok=True)
    for record in records:
        stem = record["text"].replace(" ", "_")
        shutil.copyfile(corpus / record["path"], out / f"{stem}.wav")
        (out / f"{stem}.json").write_text(json.dumps(record["words"], indent=1) + "\n")
        print(f"example: {stem} {record['labels']} ({record['voice']})")


def export_eval_set(corpus: Path, records: list[dict], out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with open(out / "manifest.jsonl", "w") as manifest:
        for index, record in enumerate(records):
            path = f"{index:02d}.flac"
            audio, rate = sf.read(corpus / record["path"], dtype="int16")
            sf.write(out / path, audio, rate, subtype="PCM_16", format="FLAC", compression_level=1.0)
            keep = {key: record[key] for key in ("text", "words", "labels", "carriers", "voice")}
            manifest.write(json.dumps({"path": path, **keep}) + "\n")
    print(f"evaluation set: {len(records)} clips in {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(".cache/demo-corpus"))
    parser.add_argument("--examples", type=int, default=4)
    parser.add_argument("--eval", type=int, default=24)
    args = parser.parse_args()
    records = [json.loads(line) for line in open(args.corpus / "manifest.jsonl")]
    test = [r for r in records if r["split"] == "test"]
    examples = pick_examples(test, args.examples)
    export_examples(args.corpus, examples, ASSETS / "examples")
    rest = [r for r in test if r not in examples]
    export_eval_set(args.corpus, pick_eval_set(rest, args.eval), ASSETS / "demo-eval")


if __name__ == "__main__":
    main()
