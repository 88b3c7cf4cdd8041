"""Does a transcript fit the audio? Each word's probability under a speech recogniser, given the audio.

Whisper (faster-whisper, the offline ``tiny.en`` by default) reads the clip and is then
*forced* through the transcript: for every token ``t_i`` it gives ``p(t_i | audio, t_<i)``.
A word's probability is the geometric mean over its tokens; the transcript's fit is the
geometric mean over its words::

    fit = exp( 1/W Σ_w log p(w) ),   log p(w) = 1/|w| Σ_{i ∈ w} log p(t_i | audio, t_<i)

Spoken words get probabilities near 1; words that are not in the audio get probabilities
of 10⁻³ and below. Each word is also set against its rival: the token the recogniser expects
most at that place, given the audio and the words before it. The word's rival ratio is

    r(w) = min_{i ∈ w} p(t_i | audio, t_<i) / max_t p(t | audio, t_<i)   (1 when the typed token is the top one)

where the typed token counts in any capitalisation, punctuation is no rival, and digits for a
number word or a short form ("Mr" for "mister") are the same word. Each word is judged on its
own: a transcript is flagged when some word of at least ``MIN_WORD_LETTERS`` letters has
``p(w) < MIN_WORD_P`` or ``r(w) < MIN_RIVAL_RATIO`` (one typed word the audio does not support,
"kitchen" said as "office"), or when the whole fits badly, ``fit < MIN_FIT``; each such word is
named with its rival ("'kitchen' (heard 'office')"). One-letter words ("a", "I") are left to the
whole: in fluent speech they are often swallowed, and Whisper, trained on clean text, gives a
repeated "a" a low probability even when said. The words it names are those two rules find
(else those below ``MIN_FIT``, else the least likely one). Clips longer than
Whisper's 30 s window are scored in pieces of at most 30 s, cut around the aligned words.

``MIN_FIT`` was chosen on human recordings (``scripts/eval_transcript_fit.py``); ``MIN_WORD_P`` and
``MIN_RIVAL_RATIO`` maximise Youden's J on one-word substitutions vs correct transcripts of human read
speech outside the command sets (``scripts/calibrate_on_read_speech.py``: 59 substitutions caught,
1 of 20 correct transcripts flagged), never on the command recordings the check is scored on; rates in
the README.
"""

from __future__ import annotations

import math
import re
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
#: Lowest rival ratio (the word's token probability over the most likely token's) of a supported word...
MIN_RIVAL_RATIO = 0.01
#: ...for words of at least this many letters.
MIN_WORD_LETTERS = 2
SAMPLE_RATE = 16000
WINDOW_S = 30.0
#: Whisper's decoder window, in tokens (the start tokens included).
MAX_TOKENS = 448
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
    rival_ratios: list[float] | None = None  # None: not measured (every word passes this test)
    rivals: list[str] | None = None  # the word the recogniser heard instead, per word ("" when the same)
    min_rival_ratio: float = MIN_RIVAL_RATIO

    @property
    def unsupported(self) -> list[int]:
        """Indices of the words (of ``MIN_WORD_LETTERS`` letters or more) below ``min_word_p`` or
        below ``min_rival_ratio``."""
        ratios = self.rival_ratios or [1.0] * len(self.words)
        return [i for i, (w, p, r) in enumerate(zip(self.words, self.probabilities, ratios))
                if (p < self.min_word_p or r < self.min_rival_ratio) and len(normalise(w)) >= MIN_WORD_LETTERS]

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

    def named(self, index: int) -> str:
        """The word quoted, and what the recogniser heard there instead when that differs."""
        rival = (self.rivals or [""] * len(self.words))[index]
        return f"'{self.words[index]}' (heard '{rival}')" if rival else f"'{self.words[index]}'"

    def message(self) -> str:
        words = (", ".join(self.named(i) for i in self.unsupported) or
                 ", ".join(f"'{w}'" for w in self.suspect))
        why = (f"fit {self.fit:.3f}, below {self.min_fit:g}" if self.fit < self.min_fit else
               f"a word below probability {self.min_word_p:g} or far less likely than the word heard there")
        return (f"the transcript does not seem to fit the audio ({why}); "
                f"these words do not sound like the recording: {words}")

    def describe(self) -> dict:
        data = {"fit": round(self.fit, 5), "min_fit": self.min_fit, "min_word_probability": self.min_word_p,
                "flagged": self.flagged, "asr_model": self.asr_model,
                "word_probabilities": [round(p, 5) for p in self.probabilities],
                "unsupported": self.unsupported}
        if self.rival_ratios is not None:
            data |= {"min_rival_ratio": self.min_rival_ratio, "rival_ratios": [round(r, 5) for r in self.rival_ratios],
                     "rivals": self.rivals}
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
    ratios: list[float] = []
    rivals: list[str] = []
    for first, last in _pieces(words, len(samples) / SAMPLE_RATE):
        if first == 0 and last == len(words) and len(samples) <= WINDOW_S * SAMPLE_RATE:
            piece = samples
        else:
            start = max(0.0, words[first].start - MARGIN_S)
            piece = samples[int(start * SAMPLE_RATE): int((words[last - 1].end + MARGIN_S) * SAMPLE_RATE)]
        evidence = word_evidence(transcriber.model, piece, [w.word for w in words[first:last]], language)
        probabilities += evidence.probabilities
        ratios += evidence.rival_ratios
        rivals += evidence.rivals
    fit = math.exp(float(np.mean(np.log(np.maximum(probabilities, 1e-12)))))
    return TranscriptFit(fit, [w.word for w in words], probabilities, asr_model=transcriber.model_name,
                         rival_ratios=ratios, rivals=rivals)


@dataclass
class WordEvidence:
    """Per typed word: ``p(w | audio)``, its rival ratio ``r(w)`` and the rival word ("" when the same)."""

    probabilities: list[float]
    rival_ratios: list[float]
    rivals: list[str]


def word_evidence(model, samples: np.ndarray, words: list[str], language: str = "en") -> WordEvidence:
    """Force a faster-whisper ``model`` through ``words`` (16 kHz ``samples``): each word's probability
    (as :func:`word_probabilities`) and, from the whole next-token distribution at each forced token,
    its rival ratio (the smallest ``p(t_i) / max_t p(t)`` over its tokens) and the rival (the word's
    tokens up to that place with the top token there)."""
    tokenizer, pieces = _tokens(model, words, language)
    tokens = [token for piece in pieces for token in piece]
    encoded, frames = _encoded(model, samples)
    logs = _forced_logs(model, tokenizer, encoded, frames, tokens)
    prompt = list(tokenizer.sot_sequence) + [tokenizer.no_timestamps]
    # the returned steps are the forced tokens' distributions, then free ones: 2n + 1 gives n steps, and
    # a multilingual model (4 start tokens: language, task, no timestamps) needs at least 4
    length = min(MAX_TOKENS, max(2 * len(tokens) + 1, len(prompt)))
    steps = model.model.generate(encoded, [prompt + tokens], max_length=length,
                                 beam_size=1, return_logits_vocab=True, suppress_blank=False,
                                 suppress_tokens=[])[0].logits[0]
    steps = [np.asarray(step, dtype=np.float64) for step in steps]
    spelled = _spellings(tokenizer, len(steps[0]) if steps else 0)
    gaps, tops = [], []
    for k, token in enumerate(tokens):
        if k >= len(steps):  # beyond what one decoding window holds: not judged
            gaps.append(0.0), tops.append(token)
            continue
        log_p = steps[k] - np.logaddexp.reduce(steps[k])
        same = spelled == spelled[token]  # the typed token in any case ("John" for "john")
        rival = np.where(same | (spelled == ""), -np.inf, log_p)  # punctuation is no rival
        top = int(np.argmax(rival))
        gaps.append(min(0.0, float(np.logaddexp.reduce(log_p[same]) - rival[top]))), tops.append(top)
    probabilities, ratios, rivals = [], [], []
    for i, (a, b) in enumerate(_bounds(pieces)):
        if b == a:
            probabilities.append(1.0), ratios.append(1.0), rivals.append("")
            continue
        probabilities.append(float(np.exp(logs[a:b].mean())))
        weakest = a + int(np.argmin(gaps[a:b]))
        heard = tokenizer.decode(tokens[a:weakest] + [tops[weakest]]).strip() if gaps[weakest] < 0 else ""
        if heard and same_word(heard, words[i]):  # "30" for "thirty", "Mr" for "mister"
            heard = ""
        ratios.append(float(np.exp(gaps[weakest])) if heard else 1.0)
        rivals.append(heard[:1].lower() + heard[1:] if i == 0 and words[0][:1].islower() else heard)
    return WordEvidence(probabilities, ratios, rivals)


def word_probabilities(model, samples: np.ndarray, words: list[str], language: str = "en") -> list[float]:
    """``p(w | audio)`` for each word of ``words`` under a faster-whisper ``model`` (16 kHz samples)."""
    tokenizer, pieces = _tokens(model, words, language)
    tokens = [token for piece in pieces for token in piece]
    logs = _forced_logs(model, tokenizer, *_encoded(model, samples), tokens)
    return [float(np.exp(logs[a:b].mean())) if b > a else 1.0 for a, b in _bounds(pieces)]


def _encoded(model, samples: np.ndarray):
    """Whisper's encoder output of the samples (padded to its 30 s window) and their frame count."""
    from faster_whisper.audio import pad_or_trim

    features = model.feature_extractor(samples)
    return model.encode(pad_or_trim(features)), features.shape[-1] - 1


def _forced_logs(model, tokenizer, encoded, frames: int, tokens: list[int]) -> np.ndarray:
    """``log p(t_i | audio, t_<i)`` of each forced token."""
    result = model.model.align(encoded, tokenizer.sot_sequence, [tokens], frames)[0]
    return np.log(np.maximum(np.asarray(result.text_token_probs[: len(tokens)], dtype=np.float64), 1e-12))


#: Short forms Whisper writes for words said in full.
SHORT_FORMS = {"mr": "mister", "mrs": "missus", "ms": "miss", "dr": "doctor", "st": "saint", "ok": "okay",
               "vs": "versus", "etc": "etcetera"}


def same_word(written: str, typed: str) -> bool:
    """Whether the recogniser's ``written`` form (maybe only the start of a word) is the ``typed`` word
    in other letters: digits for a number word ("30" / "thirty"), a short form ("Mr" / "mister")."""
    from ..evaluation.wer import normalise as wer_words

    heard, said = wer_words(written), wer_words(typed)
    if not heard or not said:
        return False
    first = SHORT_FORMS.get(heard[0], heard[0])
    return first == SHORT_FORMS.get(said[0], said[0]) or (written.strip()[:1].isdigit() and said[0] in heard)


def _spellings(tokenizer, size: int) -> np.ndarray:
    """The letters of each of the ``size`` output tokens, lower-cased ("" for punctuation, spaces and
    special tokens); made once per tokenizer."""
    hf = tokenizer.tokenizer
    if len(_SPELLINGS.get(id(hf), ())) != size:
        known = hf.get_vocab_size(with_added_tokens=False)
        _SPELLINGS[id(hf)] = np.array([re.sub(r"[^\w']", "", hf.decode([i])).lower() if i < known else ""
                                       for i in range(size)], dtype=object)
    return _SPELLINGS[id(hf)]


_SPELLINGS: dict[int, np.ndarray] = {}


def _bounds(pieces: list[list[int]]) -> list[tuple[int, int]]:
    """Each word's token range ``[a, b)`` in the flat token list."""
    ends = np.cumsum([0] + [len(piece) for piece in pieces])
    return list(zip(ends[:-1].tolist(), ends[1:].tolist()))


def _tokens(model, words: list[str], language: str):
    """The tokenizer and each word's tokens (a leading space; the first word capitalised, as Whisper writes).
    Raises :class:`AlignmentError` when they do not fit Whisper's decoder window (``MAX_TOKENS``)."""
    from faster_whisper.tokenizer import Tokenizer

    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language)
    pieces = [tokenizer.encode(" " + (word[:1].upper() + word[1:] if i == 0 else word)) for i, word in enumerate(words)]
    count = sum(map(len, pieces)) + len(tokenizer.sot_sequence) + 1
    if count > MAX_TOKENS:
        raise AlignmentError(f"{len(words):,} words ({count:,} tokens) are more than Whisper reads in one "
                             f"{WINDOW_S:g} s window ({MAX_TOKENS} tokens): the transcript cannot be checked")
    return tokenizer, pieces


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
