"""Does a transcript fit the audio? Each word's probability under a speech recogniser, given the audio.

Whisper (faster-whisper, the offline ``tiny.en`` by default) reads the clip and is then
*forced* through the transcript: for every token ``t_i`` it gives ``p(t_i | audio, t_<i)``.
A word's probability is the geometric mean over its tokens; the transcript's fit is the
geometric mean over its words::

    fit = exp( 1/W Σ_w log p(w) ),   log p(w) = 1/|w| Σ_{i ∈ w} log p(t_i | audio, t_<i)

Spoken words get probabilities near 1; words that are not in the audio get probabilities
of 10⁻³ and below. Each word is judged on its own: a transcript is flagged when some word of
at least ``MIN_WORD_LETTERS`` letters has ``p(w) < MIN_WORD_P`` (one typed word the audio does
not support, "kitchen" said as "office"), or when the whole fits badly, ``fit < MIN_FIT``.
One-letter words ("a", "I") are left to the whole: in fluent speech they are often swallowed,
and Whisper, trained on clean text, gives a repeated "a" a low probability even when said. The words it names are those below
``MIN_WORD_P`` (else those below ``MIN_FIT``, else the least likely one). Clips longer than
Whisper's 30 s window are scored in pieces of at most 30 s, cut around the aligned words.

``MIN_FIT`` was chosen on human recordings (``scripts/eval_transcript_fit.py``); ``MIN_WORD_P``
maximises Youden's J on one-word substitutions vs correct transcripts of synthetic speech through
random channels (``scripts/calibrate_checks.py``), not on the human recordings; rates in the README.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import soxr

from ..audio import Audio
from .base import AlignmentError
from .text import normalise
from .words import Word

#: Lowest fit (geometric mean word probability) of a transcript that is taken to fit the audio.
MIN_FIT = 0.02
#: Lowest probability of a single word that the audio is taken to support...
MIN_WORD_P = 0.001
#: ...for words of at least this many letters.
MIN_WORD_LETTERS = 2
SAMPLE_RATE = 16000
WINDOW_S = 30.0
#: Audio kept around a piece's words when a long clip is scored in pieces.
MARGIN_S = 0.5


@dataclass
class TranscriptFit:
    """How well the transcript fits the audio: ``fit`` in (0, 1], per-word probabilities."""

    fit: float
    words: list[str]
    probabilities: list[float]
    min_fit: float = MIN_FIT
    asr_model: str = ""
    min_word_p: float = MIN_WORD_P

    @property
    def unsupported(self) -> list[int]:
        """Indices of the words (of ``MIN_WORD_LETTERS`` letters or more) below ``min_word_p``."""
        return [i for i, (w, p) in enumerate(zip(self.words, self.probabilities))
                if p < self.min_word_p and len(normalise(w)) >= MIN_WORD_LETTERS]

    @property
    def flagged(self) -> bool:
        return self.fit < self.min_fit or bool(self.unsupported)

    @property
    def suspect(self) -> list[str]:
        """Words that look wrong: below ``min_word_p``, else below ``min_fit``, else the least likely one
        (when flagged)."""
        if not self.flagged:
            return []
        low = [self.words[i] for i in self.unsupported] or [
            w for w, p in zip(self.words, self.probabilities) if p < self.min_fit]
        return low or [self.words[int(np.argmin(self.probabilities))]]

    def message(self) -> str:
        words = ", ".join(f"'{w}'" for w in self.suspect)
        why = (f"fit {self.fit:.3f}, below {self.min_fit:g}" if self.fit < self.min_fit else
               f"a word below probability {self.min_word_p:g}")
        return (f"the transcript does not seem to fit the audio ({why}); "
                f"these words do not sound like the recording: {words}")

    def describe(self) -> dict:
        data = {"fit": round(self.fit, 5), "min_fit": self.min_fit, "min_word_probability": self.min_word_p,
                "flagged": self.flagged, "asr_model": self.asr_model,
                "word_probabilities": [round(p, 5) for p in self.probabilities],
                "unsupported": self.unsupported}
        if self.flagged:
            data |= {"suspect": self.suspect, "message": self.message()}
        return data


def transcript_fit(audio: Audio, words: list[Word], asr_model: str | None = None,
                   language: str = "en") -> TranscriptFit:
    """Score the aligned ``words`` (their text, and their times to cut long clips) against ``audio``."""
    from .whisper import get_transcriber

    if not words:
        raise AlignmentError(f"{audio.name}: no words to check")
    transcriber = get_transcriber(asr_model)
    samples = audio.samples if audio.sr == SAMPLE_RATE else soxr.resample(audio.samples, audio.sr, SAMPLE_RATE)
    probabilities: list[float] = []
    for first, last in _pieces(words, len(samples) / SAMPLE_RATE):
        if first == 0 and last == len(words) and len(samples) <= WINDOW_S * SAMPLE_RATE:
            piece = samples
        else:
            start = max(0.0, words[first].start - MARGIN_S)
            piece = samples[int(start * SAMPLE_RATE): int((words[last - 1].end + MARGIN_S) * SAMPLE_RATE)]
        probabilities += word_probabilities(transcriber.model, piece, [w.word for w in words[first:last]], language)
    fit = math.exp(float(np.mean(np.log(np.maximum(probabilities, 1e-12)))))
    return TranscriptFit(fit, [w.word for w in words], probabilities, asr_model=transcriber.model_name)


def word_probabilities(model, samples: np.ndarray, words: list[str], language: str = "en") -> list[float]:
    """``p(w | audio)`` for each word of ``words`` under a faster-whisper ``model`` (16 kHz samples)."""
    from faster_whisper.audio import pad_or_trim
    from faster_whisper.tokenizer import Tokenizer

    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language)
    pieces = [tokenizer.encode(" " + (word[:1].upper() + word[1:] if i == 0 else word)) for i, word in enumerate(words)]
    tokens = [token for piece in pieces for token in piece]
    features = model.feature_extractor(samples)
    encoded = model.encode(pad_or_trim(features))
    result = model.model.align(encoded, tokenizer.sot_sequence, [tokens], features.shape[-1] - 1)[0]
    logs = np.log(np.maximum(np.asarray(result.text_token_probs[: len(tokens)], dtype=np.float64), 1e-12))
    bounds = np.cumsum([0] + [len(piece) for piece in pieces])
    return [float(np.exp(logs[a:b].mean())) if b > a else 1.0 for a, b in zip(bounds[:-1], bounds[1:])]


def _pieces(words: list[Word], duration: float) -> list[tuple[int, int]]:
    """Consecutive word ranges ``[first, last)`` whose span (with margins) fits Whisper's window."""
    if duration <= WINDOW_S:
        return [(0, len(words))]
    pieces, first = [], 0
    for i in range(1, len(words) + 1):
        if i == len(words) or words[i].end - words[first].start + 2 * MARGIN_S > WINDOW_S:
            pieces.append((first, i))
            first = i
    return pieces


def check_fit(audio: Audio, words: list[Word], language: str = "en", asr_model: str | None = None,
              stop: bool = False) -> dict:
    """The fit of aligned ``words`` as a record for the aligner settings (``flagged``, ``message``...).

    ``stop``: raise :class:`AlignmentError` when the transcript is flagged. Skipped (recorded
    with the reason) for languages the recogniser does not know.
    """
    if language != "en" and (asr_model is None or asr_model.endswith(".en")):
        return {"skipped": f"the recogniser '{asr_model or 'tiny.en'}' is English-only"}
    try:
        fit = transcript_fit(audio, words, asr_model, language)
    except AlignmentError as exc:
        return {"skipped": str(exc)}
    if fit.flagged and stop:
        raise AlignmentError(f"{audio.name}: {fit.message()}")
    return fit.describe()
