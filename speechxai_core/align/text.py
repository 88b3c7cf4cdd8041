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


def normalise(token: str) -> str:
    """Lower case, NFC, punctuation stripped from both ends ("Hello," -> "hello", "don't" stays)."""
    token = unicodedata.normalize("NFC", token).lower()
    return _EDGE_PUNCTUATION.sub("", token).strip("'")
