"""CTC forced alignment for any language with a ``transformers`` ``Wav2Vec2ForCTC`` model.

Given per-frame log-probabilities ``E[t, c]`` (T frames, C classes, blank ``b``) and the token
sequence ``y_1..y_L``, the path runs over the ``S = 2L + 1`` states ``b y_1 b y_2 ... y_L b``.
Viterbi: ``V[t, s] = E[t, state_s] + max(V[t-1, s], V[t-1, s-1], V[t-1, s-2])``, where the jump
from ``s-2`` is allowed only into a token that differs from the token before it; the path
ends in one of the last two states. Backtracking gives each token its frames; a word spans
its first token's first frame to its last token's last frame.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import soxr

from ..audio import Audio
from .base import Aligner, Alignment, AlignmentError
from .checks import require_fit, require_speech
from .text import normalise, transcript_tokens
from .words import Word

#: Models per language, as WhisperX picks them (downloaded from the Hugging Face hub once).
DEFAULT_MODELS = {
    "en": "facebook/wav2vec2-base-960h",
    "it": "jonatasgrosman/wav2vec2-large-xlsr-53-italian",
    "fr": "jonatasgrosman/wav2vec2-large-xlsr-53-french",
    "de": "jonatasgrosman/wav2vec2-large-xlsr-53-german",
    "es": "jonatasgrosman/wav2vec2-large-xlsr-53-spanish",
    "pt": "jonatasgrosman/wav2vec2-large-xlsr-53-portuguese",
    "nl": "jonatasgrosman/wav2vec2-large-xlsr-53-dutch",
    "pl": "jonatasgrosman/wav2vec2-large-xlsr-53-polish",
    "ru": "jonatasgrosman/wav2vec2-large-xlsr-53-russian",
    "ja": "jonatasgrosman/wav2vec2-large-xlsr-53-japanese",
    "zh": "jonatasgrosman/wav2vec2-large-xlsr-53-chinese-zh-cn",
}


@dataclass(frozen=True)
class TokenSpan:
    """Token ``index`` (position in the target sequence) occupies frames ``[start, end)``."""

    index: int
    start: int
    end: int
    score: float  # mean probability of the token over its frames


def forced_align(log_probs: np.ndarray, tokens: list[int], blank: int = 0) -> list[TokenSpan]:
    """Best CTC path of ``tokens`` through ``log_probs`` (T x C); one span per token."""
    log_probs = np.asarray(log_probs, dtype=np.float64)
    frames, length = log_probs.shape[0], len(tokens)
    if length == 0:
        raise AlignmentError("nothing to align: the transcript has no characters the model knows")
    repeats = sum(a == b for a, b in itertools.pairwise(tokens))
    if frames < length + repeats:
        raise AlignmentError(
            f"the transcript is too long for the audio ({length} characters need at least "
            f"{length + repeats} frames, the clip has {frames})"
        )
    states = np.full(2 * length + 1, blank, dtype=np.int64)
    states[1::2] = tokens
    skip = np.zeros(len(states), dtype=bool)  # may come from s-2
    skip[3::2] = np.asarray(tokens[1:]) != np.asarray(tokens[:-1])
    score = np.full(len(states), -np.inf)
    score[:2] = log_probs[0, states[:2]]
    back = np.zeros((frames, len(states)), dtype=np.int8)  # 0 stay, 1 from s-1, 2 from s-2
    for t in range(1, frames):
        stay = score
        step = np.concatenate([[-np.inf], score[:-1]])
        jump = np.where(skip, np.concatenate([[-np.inf, -np.inf], score[:-2]]), -np.inf)
        candidates = np.stack([stay, step, jump])
        back[t] = np.argmax(candidates, axis=0)
        score = candidates[back[t], np.arange(len(states))] + log_probs[t, states]
    last = len(states) - 1 if score[-1] >= score[-2] else len(states) - 2
    if not np.isfinite(score[last]):
        raise AlignmentError("no CTC path fits the transcript")
    path = np.empty(frames, dtype=np.int64)
    for t in range(frames - 1, -1, -1):
        path[t] = last
        last -= int(back[t, last])
    return _token_spans(path, log_probs, states)


def _token_spans(path: np.ndarray, log_probs: np.ndarray, states: np.ndarray) -> list[TokenSpan]:
    spans = []
    for s in range(1, len(states), 2):
        frames = np.flatnonzero(path == s)
        probs = np.exp(log_probs[frames, states[s]])
        spans.append(TokenSpan(s // 2, int(frames[0]), int(frames[-1]) + 1, float(probs.mean())))
    return spans


def path_gap(log_probs: np.ndarray, spans: list[TokenSpan], tokens: list[int], blank: int = 0) -> float:
    """Mean per-frame log-probability lost by forcing the transcript instead of the free best path.

    Near 0 when the audio says the transcript; large (several nats) when it does not.
    """
    log_probs = np.asarray(log_probs, dtype=np.float64)
    labels = np.full(len(log_probs), blank)
    for span in spans:
        labels[span.start:span.end] = tokens[span.index]
    forced = log_probs[np.arange(len(log_probs)), labels].sum()
    return float((log_probs.max(axis=1).sum() - forced) / len(log_probs))


class CTCAligner(Aligner):
    """``model``: hub id or local folder of a Wav2Vec2ForCTC model with its processor."""

    name = "ctc"
    #: Mean per-frame log-probability gap (nats) above which the transcript is taken as wrong.
    max_path_gap = 1.5

    def __init__(self, model: str | None = None, language: str = "en", device: str = "cpu",
                 asr_model: str | None = None):
        self.asr_model = asr_model
        self.model_id = model or DEFAULT_MODELS.get(language)
        if self.model_id is None:
            raise AlignmentError(
                f"no CTC model is known for language '{language}'; give one with --align-model "
                "(a Wav2Vec2ForCTC hub id or folder for that language)"
            )
        self.device = device
        self.model, self.processor = _load(self.model_id, device)
        self.vocab = vocab = self.processor.tokenizer.get_vocab()
        self.blank = self.processor.tokenizer.pad_token_id
        self.delimiter = getattr(self.processor.tokenizer, "word_delimiter_token", "|")
        self.upper = sum(k.isupper() for k in vocab) > sum(k.islower() for k in vocab)
        self.sr = self.processor.feature_extractor.sampling_rate

    def settings(self) -> dict:
        return {"model": self.model_id}

    def align(self, audio: Audio, transcript: str | None, language: str = "en") -> Alignment:
        require_speech(audio)
        settings = {**self.settings(), "language": language}
        if transcript is None:
            from .whisper import filtered_setting, get_transcriber, heard_confidence

            transcriber = get_transcriber(self.asr_model)
            heard = transcriber.transcription(audio, language, word_timestamps=True)
            transcript = heard.text
            settings.update(transcribed=True, asr_model=transcriber.describe(), **filtered_setting(heard),
                            **heard_confidence(heard))
        tokens = transcript_tokens(transcript)
        if not tokens:
            raise AlignmentError(f"{audio.name}: the transcript is empty")
        log_probs = self.emissions(audio)
        ids, owner, partial = self._encode(tokens)
        if not ids:
            raise AlignmentError(f"{audio.name}: no character of the transcript is in the model's vocabulary")
        spans = forced_align(log_probs, ids, self.blank)
        if path_gap(log_probs, spans, ids, self.blank) > self.max_path_gap:
            raise AlignmentError(f"{audio.name}: the transcript does not match the audio (the model hears something else)")
        seconds_per_frame = audio.duration / len(log_probs)
        words, unplaced = self._words(tokens, spans, owner, seconds_per_frame, audio.duration)
        require_fit(words, audio, transcript)
        return Alignment(words, self.name, transcript, settings,
                         pronunciation_guessed=[t for t in tokens if t in partial and t not in unplaced],
                         timing_guessed=[t for t in tokens if t in unplaced])

    def emissions(self, audio: Audio) -> np.ndarray:
        """Per-frame log-probabilities (T x C) of the model for the clip."""
        import torch

        samples = audio.samples if audio.sr == self.sr else soxr.resample(audio.samples, audio.sr, self.sr)
        inputs = self.processor(samples, sampling_rate=self.sr, return_tensors="pt")
        with torch.inference_mode():
            logits = self.model(inputs.input_values.to(self.device)).logits[0]
        return torch.log_softmax(logits.float(), dim=-1).cpu().numpy()

    def _encode(self, tokens: list[str]) -> tuple[list[int], list[int], list[str]]:
        """Character ids of all words (delimiter between words); ``owner[i]`` = word of id i or -1.

        Also returns the words that lost characters missing from the vocabulary.
        """
        ids, owner, partial = [], [], []
        for w, token in enumerate(tokens):
            text = normalise(token)
            text = text.upper() if self.upper else text
            chars = [self.vocab[c] for c in text if c in self.vocab]
            if 0 < len(chars) < len(text):
                partial.append(token)
            if ids and chars and self.delimiter in self.vocab:
                ids.append(self.vocab[self.delimiter])
                owner.append(-1)
            ids.extend(chars)
            owner.extend([w] * len(chars))
        return ids, owner, partial

    def _words(self, tokens, spans, owner, step, duration) -> tuple[list[Word], list[str]]:
        found: dict[int, list[TokenSpan]] = {}
        for span in spans:
            if owner[span.index] >= 0:
                found.setdefault(owner[span.index], []).append(span)
        words, approximated = [], []
        for w, token in enumerate(tokens):
            if w in found:
                parts = found[w]
                words.append(Word(token, parts[0].start * step, min(parts[-1].end * step, duration),
                                  float(np.mean([p.score for p in parts]))))
            else:  # no character the model knows: place it between its neighbours
                approximated.append(token)
                words.append(None)
        return _fill_gaps(words, tokens, duration), approximated


def _fill_gaps(words: list[Word | None], tokens: list[str], duration: float, shortest: float = 0.05) -> list[Word]:
    """Words that could not be aligned take the gap between the aligned words around them
    (at least ``shortest`` seconds, overlapping a neighbour when there is no gap)."""
    filled = list(words)
    for i, word in enumerate(words):
        if word is None:
            before = next((w.end for w in reversed(filled[:i]) if w is not None), 0.0)
            after = next((w.start for w in words[i + 1:] if w is not None), duration)
            start, end = before, after
            if end - start < shortest:
                start = max(0.0, min(before, duration - shortest))
                end = min(duration, start + shortest)
            filled[i] = Word(tokens[i], start, end, None)
    return filled


def _load(model_id: str, device: str):
    """Local folder, else the local hub cache, else a download when the hub is reachable."""
    from ..models.hf import hub_reachable, offline_mode

    local = Path(model_id).expanduser()
    if local.exists():
        return _from_pretrained(str(local), device, local_only=True)
    if model_id.startswith((".", "/", "~")) or model_id.count("/") > 1:
        raise AlignmentError(f"CTC model folder '{model_id}' not found")
    if _in_cache(model_id):
        return _from_pretrained(model_id, device, local_only=True)
    if offline_mode() or not hub_reachable():
        raise AlignmentError(
            f"no network: the CTC model '{model_id}' cannot be downloaded and is not in the local cache; "
            "give a local Wav2Vec2ForCTC folder with --align-model, or use the offline English default (pocketsphinx)"
        )
    return _from_pretrained(model_id, device, local_only=False)


def _in_cache(model_id: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(model_id, "config.json"), str)


def _from_pretrained(model_id: str, device: str, local_only: bool):
    from transformers import Wav2Vec2ForCTC, Wav2Vec2Processor
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        processor = Wav2Vec2Processor.from_pretrained(model_id, local_files_only=local_only)
        model = Wav2Vec2ForCTC.from_pretrained(model_id, local_files_only=local_only).to(device).eval()
    except Exception as exc:  # noqa: BLE001 - format errors become one message
        raise AlignmentError(
            f"the CTC model '{model_id}' could not be loaded ({str(exc).strip().splitlines()[0][:160]}); it must be "
            "a Wav2Vec2ForCTC model with its processor (tokenizer + feature extractor)"
        ) from None
    return model, processor


def ctc_available(language: str) -> bool:
    """True when ``language`` has a default CTC model that is in the local cache or downloadable."""
    from ..models.hf import hub_reachable, offline_mode

    model_id = DEFAULT_MODELS.get(language)
    if model_id is None:
        return False
    return _in_cache(model_id) or (not offline_mode() and _hub_up(hub_reachable))


@lru_cache(maxsize=1)
def _hub_up(probe) -> bool:
    """The hub's reachability, asked once per process (the probe waits up to 3 s offline)."""
    return probe()
