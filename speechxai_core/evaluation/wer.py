"""Word error rate: text normalised (lower case, no punctuation, numbers spelt out), then the
word-level Levenshtein distance; WER = (substitutions + deletions + insertions) / reference words."""

from __future__ import annotations

import re

ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
       "seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def spell(number: int) -> str:
    """English words for 0 ≤ number < 1000."""
    if number < 20:
        return ONES[number]
    if number < 100:
        return TENS[number // 10] + ("" if number % 10 == 0 else " " + ONES[number % 10])
    rest = number % 100
    return ONES[number // 100] + " hundred" + ("" if rest == 0 else " " + spell(rest))


def normalise(text: str) -> list[str]:
    """Words for scoring: "Set a timer for 5 minutes." -> set a timer for five minutes; "50%" -> fifty percent."""
    text = text.lower().replace("%", " percent ").replace("-", " ")
    text = re.sub(r"\d+", lambda m: f" {spell(int(m.group()))} " if int(m.group()) < 1000 else m.group(), text)
    return re.sub(r"[^a-z' ]", " ", text).split()


def errors(reference: list[str], hypothesis: list[str]) -> int:
    """Word-level Levenshtein distance."""
    row = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, hyp in enumerate(hypothesis, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ref != hyp))
    return row[-1]
