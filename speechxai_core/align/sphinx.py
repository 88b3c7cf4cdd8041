"""Embedded English forced aligner: PocketSphinx with the en-us model its wheel ships.

The transcript becomes a linear grammar (optional silences between words) and the Viterbi
path through it gives each word's frames (10 ms each). Words missing from CMUdict get a
pronunciation from :mod:`.lts` and are reported in ``Alignment.pronunciation_guessed``. Without a
transcript, :class:`~.whisper.WhisperTranscriber` writes one first.
"""

from __future__ import annotations

import threading

import numpy as np
import soxr

from ..audio import Audio
from .base import Aligner, Alignment, AlignmentError
from .checks import require_fit, require_speech
from .lts import guess_pronunciation
from .text import normalise, transcript_tokens
from .words import Word

SAMPLE_RATE = 16000
FRAME_S = 0.01
#: Seeded noise (about 3 LSB of 16-bit audio) added before decoding: exact digital silence has
#: no log energy and makes the decoder lose its path.
DITHER = 1e-4
TAIL_S = 0.1
SLOWDOWNS = (1.0, 1.25, 1.5, 2.0)


class SphinxAligner(Aligner):
    name = "pocketsphinx"
    languages = ("en",)

    def __init__(self, asr_model: str | None = None):
        try:
            from pocketsphinx import Decoder
        except ImportError:
            raise AlignmentError("the 'pocketsphinx' aligner needs: pip install pocketsphinx") from None
        self.decoder = Decoder(samprate=SAMPLE_RATE, bestpath=False, loglevel="FATAL")
        self.asr_model = asr_model
        self._transcriber = None
        self._added: dict[str, str] = {}
        self._lock = threading.Lock()  # one decoder: one utterance at a time

    def settings(self) -> dict:
        return {"model": "pocketsphinx en-us (CMUdict)", "asr_model": self.asr_model or "bundled tiny.en"}

    def align(self, audio: Audio, transcript: str | None, language: str = "en") -> Alignment:
        """Force-align ``transcript``; without one, transcribe first and, should the heard text
        not align, keep Whisper's own word times (all in ``timing_guessed``)."""
        self.check_language(language)
        require_speech(audio)
        if transcript is not None:
            return self._force(audio, transcript, self.settings())
        from .whisper import filtered_note, filtered_setting, heard_confidence, segment_words

        heard = self.transcriber.transcription(audio, language, word_timestamps=True)
        text, segments = heard.text, heard.segments
        if not transcript_tokens(text):
            raise AlignmentError(f"{audio.name}: no words were heard in the clip" + filtered_note(heard))
        settings = {**self.settings(), "transcribed": True, "asr_model": self.transcriber.describe(),
                    **filtered_setting(heard)}
        try:
            return self._force(audio, text, {**settings, **heard_confidence(heard)})
        except AlignmentError as exc:
            words = segment_words(segments, audio.duration)
            if not words:
                raise
            settings["fallback"] = f"Whisper word times ({exc})"
            settings["asr_confidence"] = [w.score for w in words]
            return Alignment(words, self.name, text, settings, timing_guessed=[w.word for w in words])

    def _force(self, audio: Audio, transcript: str, settings: dict) -> Alignment:
        with self._lock:
            return self._force_locked(audio, transcript, settings)

    def _force_locked(self, audio: Audio, transcript: str, settings: dict) -> Alignment:
        tokens = transcript_tokens(transcript)
        if not tokens:
            raise AlignmentError(f"{audio.name}: the transcript is empty")
        keys = [normalise(token) for token in tokens]
        guessed = [tokens[i] for i, key in enumerate(keys) if self._ensure_in_dictionary(key)]
        if guessed:
            settings["guessed_pronunciations"] = {normalise(t): self._added[normalise(t)] for t in guessed}
        spans, factor = self._decode(audio, " ".join(keys), audio.name)
        if factor != 1.0:
            settings["slowed_down"] = factor
        words = [Word(token, start, end, score) for token, (start, end, score) in zip(tokens, spans)]
        require_fit(words, audio, transcript)
        return Alignment(words, self.name, transcript, settings, pronunciation_guessed=guessed)

    @property
    def transcriber(self):
        if self._transcriber is None:
            from .whisper import get_transcriber

            self._transcriber = get_transcriber(self.asr_model)
        return self._transcriber

    def _ensure_in_dictionary(self, key: str) -> bool:
        """Add ``key`` with a guessed pronunciation when CMUdict lacks it; True when guessed."""
        if key in self._added:
            return True
        if self.decoder.lookup_word(key) is not None:
            return False
        phones, method = guess_pronunciation(key)
        phones = phones or ["AH"]
        self.decoder.add_word(key, " ".join(phones), True)
        self._added[key] = f"{' '.join(phones)} ({method})"
        return True

    def pronunciation(self, key: str) -> list[str]:
        """CMU phones of a normalised word (guessed and added when the dictionary lacks it)."""
        with self._lock:
            self._ensure_in_dictionary(key)
            return (self.decoder.lookup_word(key) or "").split()

    def phone_segments(self, samples: np.ndarray, text: str) -> list[tuple[str, float, float]] | None:
        """(phone, start, end) seconds of every phone of ``text`` (normalised words, all in the
        dictionary) in ``samples`` (16 kHz), silences left out; None when no path fits. Two passes:
        word alignment, then PocketSphinx's sub-word (phone and state) alignment."""
        data = _pcm16(samples)
        with self._lock:
            self.decoder.reinit_feat()
            self.decoder.set_align_text(text)
            self.decoder.start_utt()
            self.decoder.process_raw(data, full_utt=True)
            self.decoder.end_utt()
            if self.decoder.hyp() is None:
                return None
            self.decoder.set_alignment()  # the second pass: no hypothesis to ask for (it crashes)
            self.decoder.start_utt()
            self.decoder.process_raw(data, full_utt=True)
            self.decoder.end_utt()
            alignment = self.decoder.get_alignment()
            if alignment is None:
                return None
            return [(phone.name, phone.start * FRAME_S, (phone.start + phone.duration) * FRAME_S)
                    for word in alignment if not word.name.startswith(("<", "[")) for phone in word
                    if phone.name != "SIL"]

    def _decode(self, audio: Audio, text: str, name: str) -> tuple[list[tuple[float, float, float]], float]:
        """Word spans (s) and the slow-down factor that made the alignment possible.

        The acoustic model's HMMs need at least 30 ms per phone; fast speech can be shorter,
        and then no path fits. Such clips are slowed down (Rubber Band time stretch, pitch
        kept) by each of ``SLOWDOWNS`` in turn and the times divided by the factor.
        """
        samples = audio.samples if audio.sr == SAMPLE_RATE else soxr.resample(audio.samples, audio.sr, SAMPLE_RATE)
        duration = len(samples) / SAMPLE_RATE
        for factor in SLOWDOWNS:
            stretched = samples if factor == 1.0 else _slow_down(samples, factor)
            spans = self._viterbi(stretched, text)
            if spans is not None:
                if len(spans) != len(text.split()):
                    raise AlignmentError(f"{name}: the aligner returned {len(spans)} words for {len(text.split())}")
                return [(a / factor, min(b / factor, duration), p) for a, b, p in spans], factor
        raise AlignmentError(
            f"{name}: the transcript does not fit the audio (no alignment found; is it the right "
            "transcript, and is the clip long enough for it?)"
        )

    def _viterbi(self, samples: np.ndarray, text: str) -> list[tuple[float, float, float]] | None:
        # the front end's noise estimate and cepstral means carry over from one utterance to the
        # next; reset them so that a clip aligns the same whatever was aligned before it
        self.decoder.reinit_feat()
        self.decoder.set_align_text(text)
        self.decoder.start_utt()
        self.decoder.process_raw(_pcm16(samples), full_utt=True)
        self.decoder.end_utt()
        if self.decoder.hyp() is None:
            return None
        return [
            (seg.start_frame * FRAME_S, (seg.end_frame + 1) * FRAME_S, float(seg.prob))
            for seg in self.decoder.seg()
            if not (seg.word.startswith("<") or seg.word.startswith("["))
        ]


def _slow_down(samples: np.ndarray, factor: float) -> np.ndarray:
    from pedalboard import time_stretch

    return time_stretch(samples[None].astype(np.float32), SAMPLE_RATE, 1.0 / factor)[0]


def _pcm16(samples: np.ndarray) -> bytes:
    """16-bit PCM with ``TAIL_S`` of padding after the clip and seeded dither everywhere."""
    padded = np.concatenate([samples, np.zeros(int(TAIL_S * SAMPLE_RATE), np.float32)])
    padded = padded + np.random.default_rng(0).normal(0.0, DITHER, len(padded)).astype(np.float32)
    return (np.clip(padded, -1.0, 1.0) * 32767).astype(np.int16).tobytes()
