"""Prints the demo model's accuracy per slot on the held-out splits and on real speech,
and the plausibility rates of word LOO.

Usage: python recipes/demo_model/eval_demo_model.py [--model demo] [--corpus .cache/demo-corpus]
       [--real ../shared/data/speech] [--plausibility 300] [--features .cache/encoder-features]
       [--splits test test_late ...]

With ``--features`` (encoder-slot models), the held-out accuracies come from the cached encoder
states of ``encoder_features.py`` run through the model's heads — the same numbers as running
the clips, without running the encoder again (checked to 1e-4 in the logits); real speech and
plausibility always run the full model.

Real speech: the recordings of ``--real`` whose transcript fits the slots, labelled below
by reading the transcript (a slot is left out where the transcript does not tell it).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from demo_plausibility import plausibility_rates
from speechxai_core.audio import load_audio
from speechxai_core.models import Classifier, load_model
from speechxai_core.models.presets import PRESETS

REAL_LABELS = {
    "slu/turn_on_kitchen_lights.wav": {"action": "activate", "object": "lights", "location": "kitchen"},
    "commands_en/activate_mood_lighting.wav": {"action": "activate", "object": "lights", "location": "none"},
    "commands_en/turn_on_standing_light.wav": {"action": "activate", "object": "lights", "location": "none"},
    "commands_en/turn_off_lights_in_the_office.wav": {"action": "deactivate", "object": "lights"},
    "commands_en/turn_off_all_of_the_lights_in_the_office.wav": {"action": "deactivate", "object": "lights"},
    "commands_en/set_kitchen_lights_to_green.wav": {"object": "lights", "location": "kitchen"},
    "commands_en/set_bed_light_brightness_to_50_percent.wav": {"object": "lights"},
}
SPLITS = ("test", "test_voices", "test_phrasings", "test_fresh", "test_final", "test_late", "test_fifth",
          "test_sixth")
PLAUSIBILITY_SPLITS = ("test", "test_fresh", "test_final", "test_late", "test_fifth", "test_sixth")


def plausibility_title(split: str) -> str:
    """The key of ``split``'s plausibility rates in the printed results and ``--json``."""
    return "plausibility" if split == "test" else f"plausibility {split}"


def predict(classifier: Classifier, paths: list[Path]) -> list[dict[str, str]]:
    """Predicted label per head for each file, one clip at a time (no padding)."""
    predictions = []
    for path in paths:
        clip = load_audio(str(path), classifier.sampling_rate)
        probabilities = classifier.predict(clip.samples[None], np.array([len(clip.samples)]))
        predictions.append({h.name: h.labels[int(probabilities[h.name][0].argmax())] for h in classifier.heads})
    return predictions


def accuracy(predictions: list[dict], labels: list[dict]) -> dict[str, tuple[float, int]]:
    """{slot: (accuracy, count)} over the slots each label dict gives."""
    result = {}
    for slot in ("action", "object", "location"):
        pairs = [(p[slot], l[slot]) for p, l in zip(predictions, labels) if slot in l]
        if pairs:
            result[slot] = (sum(p == l for p, l in pairs) / len(pairs), len(pairs))
    return result


def cached_accuracy(classifier, features: Path, split: str) -> dict[str, tuple[float, int]]:
    """Accuracy per slot of an encoder-slots model's heads on the cached states of ``split``."""
    import torch

    from train_encoder_heads import ORDER, SIZES, Cached

    data = Cached(features, split)
    predictions = []
    with torch.inference_mode():
        for start in range(0, len(data.index), 128):
            logits = classifier.model.heads(*data.batch(range(start, min(start + 128, len(data.index)))))
            offsets = np.cumsum([0, *SIZES])
            predictions += [{slot: int(row[offsets[k]: offsets[k + 1]].argmax()) for k, slot in enumerate(ORDER)}
                            for row in logits.numpy()]
    labels = [item["labels"] for item in data.index]
    return accuracy(predictions, labels)


def show(title: str, scores: dict[str, tuple[float, int]], results: dict) -> None:
    print(f"{title}: " + ", ".join(f"{slot} {value:.1%} (n={n})" for slot, (value, n) in scores.items()))
    results[title] = {slot: {"value": value, "n": n} for slot, (value, n) in scores.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="demo")
    parser.add_argument("--corpus", type=Path, default=Path(".cache/demo-corpus"))
    parser.add_argument("--real", type=Path, default=Path("../shared/data/speech"))
    parser.add_argument("--plausibility", type=int, default=300,
                        help="held-out utterances per split explained with word LOO")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--features", type=Path, help="cached encoder states for the held-out accuracies")
    parser.add_argument("--splits", nargs="*", default=list(SPLITS), help="held-out splits to score")
    parser.add_argument("--plausibility-splits", nargs="*", default=list(PLAUSIBILITY_SPLITS),
                        help="held-out splits explained with word LOO")
    args = parser.parse_args()
    results: dict = {}
    classifier = load_model(args.model, heads=PRESETS["demo"].heads)
    records = [json.loads(line) for line in open(args.corpus / "manifest.jsonl")]
    for split in args.splits:
        chosen = [r for r in records if r["split"] == split]
        if args.features:
            show(f"held-out {split}", cached_accuracy(classifier, args.features, split), results)
        elif chosen:
            show(f"held-out {split}", accuracy(predict(classifier, [args.corpus / r["path"] for r in chosen]),
                                               [r["labels"] for r in chosen]), results)
    if (args.real / "manifest.jsonl").exists():
        paths = list(REAL_LABELS)
        predictions = predict(classifier, [args.real / p for p in paths])
        show("real speech", accuracy(predictions, [REAL_LABELS[p] for p in paths]), results)
        for path, prediction in zip(paths, predictions):
            print(f"  {path}: {prediction}")
    for split in args.plausibility_splits:
        chosen = [r for r in records if r["split"] == split][: args.plausibility]
        if chosen:
            items = [(str(args.corpus / r["path"]), r["words"], r["carriers"]) for r in chosen]
            show(plausibility_title(split), plausibility_rates(classifier, items), results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
