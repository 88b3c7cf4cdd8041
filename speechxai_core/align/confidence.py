"""How sure the recogniser was of each word it wrote, for transcripts it made itself.

A transcribed word's confidence is Whisper's word probability (faster-whisper: the mean
probability of the word's tokens as decoded). When Whisper ``base`` is installed (the ``asr``
extra) and did not write the transcript itself, it gives a second opinion: it is forced through
the automatic transcript and each word gets its probability p(w | audio) as in the transcript
check (:mod:`.fit`). A word is *uncertain* when its confidence is below ``MIN_CONFIDENCE`` (no
second opinion), or below ``MIN_CONFIDENCE_SECONDED`` or with a second opinion below
``MIN_SECOND_OPINION`` (with one): the explanation warns ``transcript_uncertain``
naming it, and the page marks it, so that the user can check and correct it before trusting what
the explanation says of it. The thresholds maximise Youden's J (wrong transcripts flagged minus
right ones flagged) on synthetic speech through random channels (``scripts/calibrate_checks.py``),
not on the human recordings.

References:
    Radford et al. (2023). Robust speech recognition via large-scale weak supervision (Whisper). ICML.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from .text import normalise, transcript_tokens

#: Lowest Whisper word probability of a transcribed word that is not marked uncertain, alone...
MIN_CONFIDENCE = 0.4
#: ...or with a second opinion, then with the lowest probability under it (Whisper base forced through the words).
MIN_CONFIDENCE_SECONDED = 0.1
MIN_SECOND_OPINION = 0.3
SECOND_OPINION_MODEL = "base"


def heard_words(segments) -> list[tuple[str, float]]:
    """(text, probability) of every word faster-whisper decoded in ``segments``."""
    return [(w.word.strip(), float(w.probability)) for segment in segments for w in (segment.words or [])
            if w.word.strip()]


def token_confidences(text: str, heard: list[tuple[str, float]]) -> list[float]:
    """One confidence per token of ``text`` (see :func:`.text.transcript_tokens`): the probability of
    the decoded word it comes from; a token that matches no decoded word gets the lowest one heard
    around it (0 when nothing was heard)."""
    tokens = [normalise(t) for t in transcript_tokens(text)]
    pieces = [(normalise(part), p) for word, p in heard for part in word.split() if normalise(part)]
    if [w for w, _ in pieces] == tokens:
        return [p for _, p in pieces]
    confidences: list[float | None] = [None] * len(tokens)
    matcher = SequenceMatcher(a=tokens, b=[w for w, _ in pieces], autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        span = [p for _, p in pieces[b0:b1]] or [p for _, p in pieces[max(0, b0 - 1): b0 + 1]] or [0.0]
        for i in range(a0, a1):
            confidences[i] = pieces[b0 + i - a0][1] if tag == "equal" else min(span)
    return [0.0 if c is None else c for c in confidences]


def second_opinion(audio, words, transcribed_by: str) -> list[float] | None:
    """p(w | audio) of each automatic word under ``SECOND_OPINION_MODEL`` (see the module doc); None
    when that model is not installed or wrote the transcript itself."""
    from .fit import transcript_fit
    from .whisper_models import base_installed

    if transcribed_by.split()[0] == SECOND_OPINION_MODEL or not base_installed():
        return None
    return transcript_fit(audio, words, SECOND_OPINION_MODEL).probabilities


def confidence_settings(labels: list[str], confidences: list[float], second: list[float] | None = None) -> dict:
    """The aligner settings of a transcribed clip: ``asr_confidence`` (one per word), ``second_opinion``
    (one per word, when there is one), the thresholds, and the ``uncertain_words`` (and their
    ``uncertain_indices``), in order."""
    second = list(second) if second is not None else None
    floor = MIN_CONFIDENCE if second is None else MIN_CONFIDENCE_SECONDED
    doubtful = [i for i, c in enumerate(confidences)
                if c < floor or (second is not None and second[i] < MIN_SECOND_OPINION)]
    settings = {"asr_confidence": [round(float(c), 4) for c in confidences], "min_asr_confidence": floor}
    if second is not None:
        settings |= {"second_opinion": [round(float(p), 5) for p in second], "second_opinion_model":
                     SECOND_OPINION_MODEL, "min_second_opinion": MIN_SECOND_OPINION}
    return settings | {"uncertain_words": [labels[i] for i in doubtful], "uncertain_indices": doubtful}
