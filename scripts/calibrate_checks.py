"""Choose the thresholds of the word and scope checks on synthetic speech (``calibration_speech.py``).

Per utterance it measures, and caches in ``measures.jsonl`` beside the set:
- each transcriber's text (WER against the spoken text) and time, and tiny.en's word probabilities;
- the second opinion: the automatic transcript's word probabilities forced under Whisper base;
- the transcript check (:mod:`speechxai_core.align.fit`) of the spoken text and of a one-word
  substitution of it: each word's probability and rival ratio;
- the demo model's scope measures (:mod:`speechxai_core.models.scope`).

Then prints, for each threshold candidate, the share of wrong automatic transcripts flagged vs
right ones flagged, substitutions flagged vs correct transcripts flagged, and out-of-grammar
utterances flagged vs in-grammar ones. The human recordings are never read here. The transcript
check's word floors are chosen on human read speech instead (``calibrate_on_read_speech.py``); its
table here shows how they fare on synthetic speech.

    python scripts/calibrate_checks.py [--set .cache/calibration]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from calibration_speech import build  # noqa: E402

from speechxai_core.align.confidence import heard_words, token_confidences  # noqa: E402
from speechxai_core.align.fit import word_evidence, word_probabilities  # noqa: E402
from speechxai_core.align.text import transcript_tokens  # noqa: E402
from speechxai_core.align.whisper import get_transcriber  # noqa: E402
from speechxai_core.audio import load_audio  # noqa: E402
from speechxai_core.evaluation.wer import errors, normalise  # noqa: E402

TRANSCRIBERS = ("tiny.en",)  # base is timed and scored on the human recordings (eval_words_and_scope.py)


def measure(folder: Path, row: dict, classifier) -> dict:
    """Every signal of one utterance (see the module doc)."""
    from speechxai_core.models.scope import scope_measures

    audio = load_audio(folder / row["path"], 16000, max_duration=None)
    out: dict = {"path": row["path"]}
    for name in TRANSCRIBERS:
        transcriber = get_transcriber(name)
        started = time.perf_counter()
        heard = transcriber.transcription(audio, "en", word_timestamps=True)
        out[name] = {"text": heard.text, "seconds": time.perf_counter() - started,
                     "errors": errors(normalise(row["text"]), normalise(heard.text)),
                     "confidence": token_confidences(heard.text, heard_words(heard.segments))}
    tokens = transcript_tokens(out["tiny.en"]["text"])
    out["second_opinion"] = word_probabilities(get_transcriber("base").model, audio.samples, tokens) if tokens else []
    tiny = get_transcriber("tiny.en").model
    for key, text in (("correct", row["text"]), ("substituted", row.get("substituted"))):
        if text:
            evidence = word_evidence(tiny, audio.samples, text.split())
            out[f"fit_{key}"], out[f"rival_{key}"] = evidence.probabilities, evidence.rival_ratios
    members = classifier.member_probabilities(audio.samples[None], np.array([len(audio.samples)]))
    out["scope"] = {name: float(value[0]) for name, value in scope_measures(members).items()}
    return out


def measures(folder: Path, rows: list[dict]) -> list[dict]:
    """The cached measures of every utterance (missing ones measured now)."""
    from speechxai_core.models import load_model

    cache = folder / "measures.jsonl"
    done = {m["path"]: m for m in map(json.loads, cache.read_text().splitlines())} if cache.is_file() else {}
    missing = [row for row in rows if row["path"] not in done]
    if missing:
        classifier = load_model("demo")
        with open(cache, "a") as out:
            for i, row in enumerate(missing):
                done[row["path"]] = measure(folder, row, classifier)
                out.write(json.dumps(done[row["path"]]) + "\n")
                out.flush()
                if i % 20 == 0:
                    print(f"measured {i + 1} / {len(missing)}", flush=True)
    return [done[row["path"]] for row in rows]


def rate(flags) -> str:
    flags = list(flags)
    return f"{np.mean(flags):5.1%} ({sum(flags)}/{len(flags)})" if flags else "  n/a"


def best(rows: list[tuple], positives: np.ndarray) -> tuple:
    """The row (threshold, ..., flags) with the largest Youden J = hit rate − false-alarm rate."""
    return max(rows, key=lambda row: row[-1][positives].mean() - row[-1][~positives].mean())


def automatic_words(found: list[dict]) -> None:
    """Uncertain-word rule: confidence below a or second opinion below b, on wrong vs right transcripts."""
    wrong = np.array([m["tiny.en"]["errors"] > 0 for m in found])
    print(f"automatic transcripts (tiny.en): {wrong.sum()} wrong of {len(wrong)}; flagged = some word with "
          "confidence < a or second opinion < b")
    rows = []
    for a in (0.1, 0.2, 0.3, 0.4, 0.5):
        for b in (None, 0.05, 0.1, 0.2, 0.3):
            flags = np.array([not m["tiny.en"]["confidence"] or min(m["tiny.en"]["confidence"]) < a or
                              (b is not None and min(m["second_opinion"], default=1.0) < b) for m in found])
            rows.append((a, b, flags))
            print(f"  a {a:.1f}, b {b}: wrong flagged {rate(flags[wrong])}, right flagged {rate(flags[~wrong])}")
    a, b, _ = best(rows, wrong)
    alone, _, _ = best([row for row in rows if row[1] is None], wrong)
    print(f"  chosen (largest Youden J): a = {a}, b = {b}; without a second opinion a = {alone}")


def substitutions(rows: list[dict], found: list[dict]) -> None:
    """The transcript check's flag (fit and per-word rules, as shipped) at several word thresholds:
    the probability floor alone, then with a rival-ratio floor."""
    from speechxai_core.align.fit import MIN_FIT, TranscriptFit

    def flagged(text: str, probabilities: list[float], ratios: list[float], floor: float, rival) -> bool:
        fit = float(np.exp(np.mean(np.log(np.maximum(probabilities, 1e-12)))))
        return TranscriptFit(fit, text.split(), probabilities, MIN_FIT, min_word_p=floor,
                             rival_ratios=ratios if rival is not None else None,
                             min_rival_ratio=rival or 0.0).flagged

    pairs = [(r, m) for r, m in zip(rows, found) if "fit_substituted" in m]
    print(f"\ntranscript check ({len(pairs)} correct transcripts, {len(pairs)} one-word substitutions):")
    table = []
    for floor in (0.0003, 0.001, 0.003, 0.01):
        for rival in (None, 0.001, 0.003, 0.01, 0.03, 0.1):
            subs = np.array([flagged(r["substituted"], m["fit_substituted"], m["rival_substituted"], floor, rival)
                             for r, m in pairs])
            correct = np.array([flagged(r["text"], m["fit_correct"], m["rival_correct"], floor, rival)
                                for r, m in pairs])
            table.append(((floor, rival), np.concatenate([subs, correct])))
            print(f"  word floor {floor:g}, rival ratio floor {rival}: substitutions flagged {rate(subs)}, "
                  f"correct flagged {rate(correct)}")
    positives = np.array([True] * len(pairs) + [False] * len(pairs))
    print(f"  largest Youden J here (the shipped floors come from calibrate_on_read_speech.py): "
          f"word floor, rival ratio floor = {best(table, positives)[0]}")


def scope(rows: list[dict], found: list[dict]) -> None:
    outside = np.array([r["kind"] == "out_of_scope" for r in rows])
    for name in found[0]["scope"]:
        values = np.array([m["scope"][name] for m in found])
        print(f"\nscope, {name} (largest over heads): in-grammar median {np.median(values[~outside]):.3f}, "
              f"out-of-grammar median {np.median(values[outside]):.3f}")
        table = []
        for threshold in np.unique(np.round(np.percentile(values[~outside], [70, 75, 80, 85, 90, 95]), 3)):
            flags = values > threshold
            table.append((threshold, flags))
            print(f"  > {threshold:.3f}: out-of-grammar flagged {rate(flags[outside])}, in-grammar flagged "
                  f"{rate(flags[~outside])}")
        print(f"  chosen (largest Youden J): {best(table, outside)[0]:.3f}")


def report(rows: list[dict], found: list[dict], parts: list[str]) -> None:
    wrong = sum(m["tiny.en"]["errors"] for m in found)
    words = sum(len(normalise(r["text"])) for r in rows)
    print(f"tiny.en: WER {wrong / words:.1%} ({wrong}/{words}), "
          f"{np.mean([m['tiny.en']['seconds'] for m in found]):.2f} s per clip\n")
    if "words" in parts:
        automatic_words(found)
    if "substitutions" in parts:
        substitutions(rows, found)
    if "scope" in parts:
        scope(rows, found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=ROOT / ".cache" / "calibration")
    parser.add_argument("--count", type=int, default=120, help="utterances of each kind")
    parser.add_argument("--limit", type=int, default=120, help="measure only the first LIMIT of each kind")
    parser.add_argument("--parts", nargs="+", default=["words", "substitutions", "scope"],
                        choices=["words", "substitutions", "scope"], help="what to report")
    args = parser.parse_args()
    rows = build(args.set, args.count)
    rows = [row for row in rows if int(row["path"].rsplit("_", 1)[1].split(".")[0]) < args.limit]
    report(rows, measures(args.set, rows), args.parts)


if __name__ == "__main__":
    main()
