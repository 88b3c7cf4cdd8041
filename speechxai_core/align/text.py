"""Transcript tokens: what is shown (the original spelling) vs. what is aligned (normalised)."""

from __future__ import annotations

import re
import unicodedata

_EDGE_PUNCTUATION = re.compile(r"^[^\w']+|[^\w']+$", re.UNICODE)


def transcript_tokens(transcript: str | None) -> list[str]:
    """Whitespace-separated words that carry at least one letter or digit."""
    if transcript is None:
        return []
    return [token for token in transcript.split() if normalise(token)]


#: Marks a recogniser writes around words; stripped from word labels (apostrophes, %, $ are kept).
_LABEL_PUNCTUATION = ".,;:!?\"“”‘’«»()[]{}…-–—¿¡"
_SENTENCE_END = (".", "!", "?", "…")


def word_labels(tokens: list[str], transcribed: bool = False) -> list[str]:
    """Labels for the words of a transcript: punctuation around each word removed ("office." ->
    "office"). For ``transcribed`` text, the capital a recogniser puts at the start of each sentence
    is undone too ("Turn" -> "turn"; "I", "TV" and capitals inside a sentence stay)."""
    labels = []
    for i, token in enumerate(tokens):
        label = token.strip(_LABEL_PUNCTUATION) or token
        starts_sentence = i == 0 or tokens[i - 1].rstrip("\"”’)]").endswith(_SENTENCE_END)
        if transcribed and starts_sentence and len(label) > 1 and label[0].isupper() and label[1:].islower():
            label = label[0].lower() + label[1:]
        labels.append(label)
    return labels


def normalise(token: str) -> str:
    """Lower case, NFC, punctuation stripped from both ends ("Hello," -> "hello", "don't" stays)."""
    token = unicodedata.normalize("NFC", token).lower()
    return _EDGE_PUNCTUATION.sub("", token).strip("'")
