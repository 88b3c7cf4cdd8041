"""Plausibility of word leave-one-out on the demo model.

For each slot, the predicted class is explained with word LOO; an utterance passes when the
word that carries the slot (its object word, location word, or direction word such as "up",
"off", "warmer") gets the highest score. Utterances whose slot has no carrying word (no
location, a delivery or language command for the action) do not count for that slot.
"""

from __future__ import annotations

from speechxai_core.explain.runner import explain
from speechxai_core.models import Classifier


def top_word_hits(classifier: Classifier, clip, words: list[dict], carriers: dict[str, int | None]) -> dict[str, bool]:
    """{slot: carrier word scored highest} for the slots that have a carrier word."""
    explanation = explain(clip, classifier, words=words, methods="loo")
    hits = {}
    for slot, carrier in carriers.items():
        if carrier is None:
            continue
        scores = explanation.word_scores[slot]
        hits[slot] = max(range(len(scores)), key=scores.__getitem__) == carrier
    return hits


def plausibility_rates(classifier: Classifier, items: list[tuple]) -> dict[str, tuple[float, int]]:
    """{slot: (share of utterances passing, number of utterances counted)} over (clip, words, carriers)."""
    passed: dict[str, list[bool]] = {}
    for clip, words, carriers in items:
        for slot, hit in top_word_hits(classifier, clip, words, carriers).items():
            passed.setdefault(slot, []).append(hit)
    return {slot: (sum(hits) / len(hits), len(hits)) for slot, hits in passed.items()}
