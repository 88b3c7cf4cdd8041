"""Does a transcript fit the audio? Agreement with an automatic transcription, phone by phone.

The clip is transcribed (faster-whisper, offline ``tiny.en`` by default). Both the given
transcript and the heard text become CMU phone strings (eSpeak NG letter-to-sound, so "5"
and "five", "nevermind" and "never mind" sound alike). A Levenshtein alignment of the two
phone strings marks every phone of the transcript as matched or not.

- A word *looks wrong* when fewer than ``WORD_MATCH`` of its phones are matched.
- The fit score is ``2 M / (|T| + |H|)``, with ``M`` matched phones, ``|T|`` and ``|H|`` the
  lengths of the transcript's and the heard phone strings (1 = same sounds, 0 = nothing shared).
- A transcript is flagged when the score is below ``MIN_FIT`` or any word looks wrong.

The thresholds were chosen on human recordings (``scripts/eval_transcript_fit.py``; rates in
the README).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..audio import Audio
from .base import AlignmentError
from .lts import ipa_to_cmu, spell_to_cmu
from .text import normalise, transcript_tokens

#: Share of a word's phones that the heard text must match for the word to look right.
WORD_MATCH = 0.5
#: Lowest fit score of a transcript that is taken to fit the audio.
MIN_FIT = 0.6


@dataclass
class TranscriptFit:
    """How well ``transcript`` fits what was heard; ``suspect`` lists the words that look wrong."""

    transcript: str
    heard: str
    score: float
    suspect: list[str] = field(default_factory=list)
    min_fit: float = MIN_FIT

    @property
    def flagged(self) -> bool:
        return self.score < self.min_fit or bool(self.suspect)

    def describe(self) -> dict:
        return {"score": round(self.score, 4), "heard": self.heard, "suspect": list(self.suspect),
                "min_fit": self.min_fit, "flagged": self.flagged}

    def message(self) -> str:
        words = ", ".join(f"'{w}'" for w in self.suspect) or "most words"
        return (f"the transcript may not fit the audio (fit {self.score:.2f}, below {self.min_fit:g} or words "
                f"unheard): {words} do not sound like what was heard ('{_short(self.heard)}')")


def transcript_fit(transcript: str, heard: str) -> TranscriptFit:
    """Compare ``transcript`` with the ``heard`` text (see the module doc)."""
    tokens = transcript_tokens(transcript)
    word_phones = [word_to_phones(token) for token in tokens]
    target = [phone for phones in word_phones for phone in phones]
    hypothesis = [phone for token in transcript_tokens(heard) for phone in word_to_phones(token)]
    matched = _matched(target, hypothesis)
    suspect, i = [], 0
    for token, phones in zip(tokens, word_phones):
        hits = sum(matched[i:i + len(phones)])
        i += len(phones)
        if phones and hits < WORD_MATCH * len(phones):
            suspect.append(token)
    total = len(target) + len(hypothesis)
    score = 2 * sum(matched) / total if total else 0.0
    return TranscriptFit(transcript, heard, score, suspect)


def check_transcript(audio: Audio, transcript: str, asr_model: str | None = None,
                     language: str = "en") -> TranscriptFit:
    """Transcribe ``audio`` and compare with ``transcript``; English only (phones are en-us)."""
    from .whisper import get_transcriber

    if language != "en":
        raise AlignmentError("the transcript check compares English phones; it is only run for language 'en'")
    heard = get_transcriber(asr_model).transcribe(audio, language)
    return transcript_fit(transcript, heard)


@lru_cache(maxsize=4096)
def word_to_phones(token: str) -> tuple[str, ...]:
    """CMU phones of one word, stressless (eSpeak NG rules; letter by letter without it)."""
    from . import espeak

    key = normalise(token)
    if not key:
        return ()
    try:
        return tuple(ipa_to_cmu(espeak.ipa(key, "en-us")))
    except AlignmentError:
        return tuple(spell_to_cmu(key))


def _matched(target: list[str], hypothesis: list[str]) -> list[bool]:
    """For each phone of ``target``: is it paired with an equal phone in a minimum-edit alignment?"""
    n, m = len(target), len(hypothesis)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = i
    for j in range(1, m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            same = target[i - 1] == hypothesis[j - 1]
            cost[i][j] = min(cost[i - 1][j - 1] + (0 if same else 1), cost[i - 1][j] + 1, cost[i][j - 1] + 1)
    matched = [False] * n
    i, j = n, m
    while i > 0 and j > 0:
        same = target[i - 1] == hypothesis[j - 1]
        if cost[i][j] == cost[i - 1][j - 1] + (0 if same else 1):
            matched[i - 1] = same
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return matched


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
