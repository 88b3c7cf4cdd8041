"""Choose the transcript check's word floors on human read speech that is not a voice command.

The clips are the human English recordings of ``../shared/data/speech`` outside the command sets
that the check is scored on (``scripts/eval_words_and_scope.py`` reads ``commands_en`` and ``slu``):
the LibriVox sentences, the card phrases and the Harvard sentences. Every one-word substitution
below, the correct texts and the rule that picks the floors were written before anything here was
measured; the command recordings are never read.

Each correct transcript and each substituted one goes through the check as shipped
(:func:`speechxai_core.align.fit.word_evidence` under the default recogniser). A substitution counts
as caught when the transcript is flagged *and* the swapped word is named; a correct transcript counts
as a false alarm when it is flagged at all.

Rule: over word floor x rival-ratio floor, the pair with the largest Youden J = caught rate -
false-alarm rate; ties go to the smaller rival floor, then the smaller word floor. The 8 kHz spoken
digits (each said digit, and the digit five away typed instead) are printed for the chosen pair, not
used to choose it; the synthetic set's table is ``scripts/calibrate_checks.py``'s.

    python scripts/calibrate_on_read_speech.py [--data ../shared/data/speech]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from eval_words_and_scope import default_data  # noqa: E402

from speechxai_core.align.fit import MIN_FIT, TranscriptFit, word_evidence  # noqa: E402
from speechxai_core.audio import load_audio  # noqa: E402

#: clip -> (what is said, [the same text with one word swapped, ...]). The Harvard sentences' texts
#: are the published ones (the manifest spells some as heard: "tue", "wore", "ken pairs").
READ_SPEECH = {
    "librivox/austen_0870.wav": (
        "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them",
        ["and mister james dashwood had then leisure to consider how much there might be prudently in his power to do for them",
         "and mister john dashwood had then pleasure to consider how much there might be prudently in his power to do for them",
         "and mister john dashwood had then leisure to consider how little there might be prudently in his power to do for them",
         "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for him"]),
    "librivox/austen_0880.wav": (
        "he was not an ill disposed young man",
        ["she was not an ill disposed young man", "he was not an ill disposed old man",
         "he was not an ill disposed young boy", "he was not an well disposed young man"]),
    "librivox/austen_0890.wav": (
        "unless to be rather cold hearted and rather selfish is to be ill disposed",
        ["unless to be rather warm hearted and rather selfish is to be ill disposed",
         "unless to be rather cold hearted and rather foolish is to be ill disposed",
         "unless to be rather cold hearted and rather selfish is to be well disposed"]),
    "librivox/austen_0920.wav": (
        "had he married a more a amiable woman he might have been made still more respectable than he was",
        ["had he met a more a amiable woman he might have been made still more respectable than he was",
         "had he married a more a amiable lady he might have been made still more respectable than he was",
         "had he married a more a amiable woman he might have been made even more respectable than he was",
         "had he married a more a amiable woman he might have been made still less respectable than he was"]),
    "librivox/austen_0930.wav": (
        "he might even have been made amiable himself",
        ["she might even have been made amiable himself", "he might never have been made amiable himself",
         "he might even have been made agreeable himself", "he might even have been made amiable herself"]),
    "cards/001.wav": ("ten of clubs", ["nine of clubs", "ten of hearts"]),
    "cards/002.wav": ("four queen of clubs", ["five queen of clubs", "four king of clubs", "four queen of spades"]),
    "cards/003.wav": ("seven of clubs", ["six of clubs", "seven of diamonds"]),
    "cards/004.wav": ("five five", ["five nine"]),
    "cards/005.wav": (
        "eight of spades four of clubs seven of hearts",
        ["three of spades four of clubs seven of hearts", "eight of clubs four of clubs seven of hearts",
         "eight of spades four of clubs seven of spades"]),
    "sentences/spk1_snt1.wav": (
        "the child almost hurt the small dog",
        ["the man almost hurt the small dog", "the child almost hurt the big dog", "the child almost hurt the small cat"]),
    "sentences/spk1_snt2.wav": (
        "drop the two when you add the figures",
        ["keep the two when you add the figures", "drop the ten when you add the figures",
         "drop the two when you count the figures"]),
    "sentences/spk1_snt3.wav": (
        "at that high level the air is pure",
        ["at that low level the air is pure", "at that high level the water is pure", "at that high level the air is cold"]),
    "sentences/spk1_snt4.wav": (
        "a thin stripe runs down the middle",
        ["a wide stripe runs down the middle", "a thin stripe runs up the middle", "a thin stripe runs down the side"]),
    "sentences/spk1_snt5.wav": (
        "sunday is the best part of the week",
        ["monday is the best part of the week", "sunday is the worst part of the week", "sunday is the best part of the year"]),
    "sentences/spk2_snt1.wav": (
        "we are sure that one war is enough",
        ["we are glad that one war is enough", "we are sure that two war is enough", "we are sure that one war is plenty"]),
    "sentences/spk2_snt2.wav": (
        "what joy there is in living", ["what pain there is in living", "what joy there is in dying"]),
    "sentences/spk2_snt3.wav": (
        "tear a thin sheet from the yellow pad",
        ["tear a thick sheet from the yellow pad", "tear a thin sheet from the green pad",
         "tear a thin sheet from the yellow book"]),
    "sentences/spk2_snt4.wav": (
        "mend the coat before you go out",
        ["mend the shirt before you go out", "mend the coat after you go out", "mend the coat before you go in"]),
    "sentences/spk2_snt5.wav": (
        "canned pears lack full flavor",
        ["canned plums lack full flavor", "canned pears have full flavor", "canned pears lack real flavor"]),
}
WORD_FLOORS = (0.001, 0.003, 0.01)
RIVAL_FLOORS = (0.001, 0.003, 0.01, 0.03, 0.1)
DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def swapped_word(said: str, typed: str) -> str:
    """The one word of ``typed`` that differs from ``said``."""
    return next(t for s, t in zip(said.split(), typed.split()) if s != t)


def judged(text: str, evidence, word_floor: float, rival_floor: float) -> TranscriptFit:
    fit = float(np.exp(np.mean(np.log(np.maximum(evidence.probabilities, 1e-12)))))
    return TranscriptFit(fit, text.split(), evidence.probabilities, MIN_FIT, min_word_p=word_floor,
                         rival_ratios=evidence.rival_ratios, rivals=evidence.rivals, min_rival_ratio=rival_floor)


def measured(model, samples: np.ndarray, texts: list[str]) -> list:
    return [word_evidence(model, samples, text.split()) for text in texts]


def rates(items: list[tuple], word_floor: float, rival_floor: float) -> tuple[list[bool], list[bool]]:
    """(caught per substitution, false alarm per correct transcript)."""
    caught, alarms = [], []
    for said, correct, substituted in items:
        alarms.append(judged(said, correct, word_floor, rival_floor).flagged)
        for typed, evidence in substituted:
            fit = judged(typed, evidence, word_floor, rival_floor)
            caught.append(fit.flagged and swapped_word(said, typed) in fit.suspect)
    return caught, alarms


def share(flags: list[bool]) -> str:
    return f"{np.mean(flags):5.1%} ({sum(flags)}/{len(flags)})"


def main() -> None:
    from speechxai_core.align.whisper import get_transcriber

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--json", type=Path, help="also write every clip's word evidence here")
    args = parser.parse_args()
    transcriber = get_transcriber(None)
    items, dump = [], []
    for path, (said, swaps) in READ_SPEECH.items():
        samples = load_audio(args.data / path, 16000, max_duration=None).samples
        correct, *substituted = measured(transcriber.model, samples, [said, *swaps])
        items.append((said, correct, list(zip(swaps, substituted))))
        dump.append({"clip": path, "texts": [said, *swaps],
                     "evidence": [e.__dict__ for e in [correct, *substituted]]})
    print(f"read speech ({transcriber.model_name}): {len(items)} correct transcripts, "
          f"{sum(len(s) for _, _, s in items)} one-word substitutions")
    table = []
    for rival_floor in RIVAL_FLOORS:
        for word_floor in WORD_FLOORS:
            caught, alarms = rates(items, word_floor, rival_floor)
            table.append((np.mean(caught) - np.mean(alarms), -rival_floor, -word_floor))
            print(f"  word floor {word_floor:g}, rival floor {rival_floor:g}: substitutions caught {share(caught)}, "
                  f"correct flagged {share(alarms)}")
    _, rival_floor, word_floor = max(table)
    print(f"chosen (largest Youden J, ties to the smaller floors): word floor {-word_floor:g}, "
          f"rival floor {-rival_floor:g}")
    digits = []
    manifest = [json.loads(line) for line in (args.data / "manifest.jsonl").read_text().splitlines() if line.strip()]
    for row in (r for r in manifest if r["set"] == "digits_8k"):
        samples = load_audio(args.data / row["path"], 16000, max_duration=None).samples
        other = DIGITS[(DIGITS.index(row["transcript"]) + 5) % 10]
        correct, substituted = measured(transcriber.model, samples, [row["transcript"], other])
        digits.append((row["transcript"], correct, [(other, substituted)]))
    caught, alarms = rates(digits, -word_floor, -rival_floor)
    print(f"spoken digits (8 kHz, not used to choose): substitutions caught {share(caught)}, "
          f"correct flagged {share(alarms)}")
    if args.json:
        args.json.write_text(json.dumps(dump, indent=1))


if __name__ == "__main__":
    main()
