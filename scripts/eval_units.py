"""Which frequency bands and which phonemes carry the bundled model's decisions, on held-out clips.

For every clip of ``assets/demo-eval`` (the manifest's word timings, the predicted class of each head)
the ``bands`` (8 mel-spaced bands, leave-one-out) and ``phonemes`` methods run with the ``demo``
model. Prints, per head, the mean drop of each band over the clips and how often each band ranks
first; and, per head, which phoneme ranks first: whether it lies in the word that carries the slot
(the manifest's ``carriers``), whether it is a vowel, and the most frequent ones.

    python scripts/eval_units.py [--model demo] [--limit N]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from speechxai_core import explain, load_model  # noqa: E402
from speechxai_core.viz.style import band_label  # noqa: E402

EVAL = ROOT / "assets" / "demo-eval"
VOWELS = {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="demo")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    items = [json.loads(line) for line in (EVAL / "manifest.jsonl").read_text().splitlines() if line.strip()]
    items = items[: args.limit] if args.limit else items
    model = load_model(args.model)
    bands, band_scores, tops = None, collections.defaultdict(list), collections.defaultdict(list)
    for item in items:
        result = explain(EVAL / item["path"], model, words=item["words"], methods="bands,phonemes", seed=0)
        bands = result.bands
        for head in result.head_names:
            band_scores[head].append(result.band_scores[head])
            scores = np.array([np.nan if v is None else v for v in result.phoneme_scores[head]])
            if np.all(np.isnan(scores)) or np.nanmax(scores) <= 0:
                continue
            best = result.phonemes[int(np.nanargmax(scores))]
            carrier = item.get("carriers", {}).get(head)
            tops[head].append((best.phone, carrier is not None and best.word_index == carrier, carrier is not None,
                               float(np.nanmax(scores))))
    print(f"{len(items)} clips of {EVAL.relative_to(ROOT)}, model {args.model}")
    print("\nmean drop when a band is removed (first: clips where the band ranks first)")
    heads = list(band_scores)
    print("band".ljust(16) + "".join(f"{h:>22}" for h in heads))
    for i, band in enumerate(bands):
        cells = []
        for h in heads:
            table = np.array(band_scores[h])
            cells.append(f"{table[:, i].mean():+.3f} (first {int(np.sum(table.argmax(axis=1) == i)):>2})")
        print(band_label(band).ljust(16) + "".join(f"{c:>22}" for c in cells))
    print("\nthe phoneme that ranks first")
    for head in heads:
        rows = tops[head]
        with_carrier = [r for r in rows if r[2]]
        inside = sum(r[1] for r in with_carrier)
        vowels = sum(r[0] in VOWELS for r in rows)
        common = ", ".join(f"{p} {n}" for p, n in collections.Counter(r[0] for r in rows).most_common(6))
        print(f"{head}: in the carrying word {inside}/{len(with_carrier)}; a vowel {vowels}/{len(rows)}; "
              f"mean top drop {np.mean([r[3] for r in rows]):.3f}; most often: {common}")


if __name__ == "__main__":
    main()
