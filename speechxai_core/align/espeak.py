"""eSpeak NG through its C library: IPA for any word, and speech with exact word times.

The library comes from the ``espeakng-loader`` wheel when installed, else from the system
(Debian's ``libespeak-ng1``). Word times come from the synthesiser's own events: a word
starts at its WORD event and ends at the next WORD event or at the first pause phoneme
("_") after it, whichever comes first. Times are sample-exact (``espeak_EVENT.sample``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .base import AlignmentError
from .words import Word

_RETRIEVAL = 1  # AUDIO_OUTPUT_RETRIEVAL: samples come to our callback
_PHONEME_EVENTS = 1  # espeakINITIALIZE_PHONEME_EVENTS
_CHARS_UTF8 = 1
_IPA = 0x02  # espeakPHONEMES_IPA for espeak_TextToPhonemes
_EVENT_WORD, _EVENT_END, _EVENT_PHONEME = 1, 5, 7
_RATE = 1  # espeakRATE parameter
_LOCK = threading.RLock()


class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8)]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass
class Synthesis:
    """Speech made by eSpeak NG, the exact span of every word in it, and the start of every phoneme
    (``phonemes``: (eSpeak mnemonic, start in seconds), pauses "_" included)."""

    samples: np.ndarray
    sr: int
    words: list[Word]
    phonemes: list[tuple[str, float]] = field(default_factory=list)


class _Espeak:
    def __init__(self):
        lib_path, data_path = _locate()
        self.lib = ctypes.CDLL(lib_path)
        self.sr = self.lib.espeak_Initialize(_RETRIEVAL, 0, data_path, _PHONEME_EVENTS)
        if self.sr <= 0:
            raise AlignmentError("eSpeak NG failed to start (its data folder was not found)")
        self.lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self.lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        self._chunks: list[np.ndarray] = []
        self._events: list[tuple[int, int, int, int, bytes]] = []
        self._callback = _Callback(self._collect)  # kept alive for the library's lifetime
        self.lib.espeak_SetSynthCallback(self._callback)
        self._voice = None

    def _collect(self, wav, count, events):
        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, (count,)).copy())
        i = 0
        while events[i].type != 0:
            e = events[i]
            self._events.append((e.type, e.text_position, e.length, e.sample, bytes(e.id)))
            i += 1
        return 0

    def set_voice(self, voice: str) -> None:
        if voice != self._voice:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise AlignmentError(f"eSpeak NG has no voice '{voice}'")
            self._voice = voice

    def ipa(self, text: str, voice: str) -> str:
        self.set_voice(voice)
        pointer = ctypes.c_char_p(text.encode())
        parts = []
        while pointer.value:
            chunk = self.lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, _IPA)
            parts.append((chunk or b"").decode("utf-8", "replace"))
        return " ".join(parts)

    def synthesize(self, text: str, voice: str, rate: int) -> Synthesis:
        self.set_voice(voice)
        self.lib.espeak_SetParameter(_RATE, int(rate), 0)
        self._chunks, self._events = [], []
        data = text.encode()
        self.lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, _CHARS_UTF8, None, None)
        self.lib.espeak_Synchronize()
        samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
        audio = samples.astype(np.float32) / 32768.0
        phonemes = [(ident.rstrip(b"\0").decode("ascii", "replace"), sample / self.sr)
                    for kind, _, _, sample, ident in self._events if kind == _EVENT_PHONEME]
        return Synthesis(audio, self.sr, _word_spans(text, self._events, len(samples), self.sr), phonemes)


def _word_spans(text: str, events, total_samples: int, sr: int) -> list[Word]:
    """One :class:`Word` per WORD event; its text runs to the next WORD event's text position.

    eSpeak NG sometimes speaks two words under one event ("on the"); the unit keeps both.
    When a vowel-initial word's event fires while the previous word's last phoneme is still
    sounding (the event is placed on the syllable onset), the start moves to the end of that
    phoneme, so each phoneme counts for the word it spells.
    """
    starts = [(position, sample) for kind, position, _, sample, _ in events if kind == _EVENT_WORD]
    phonemes = [(position, sample, ident) for kind, position, _, sample, ident in events if kind == _EVENT_PHONEME]
    pauses = [sample for _, sample, ident in phonemes if ident.startswith(b"_")]
    units = []
    for i, (position, sample) in enumerate(starts):
        following = starts[i + 1][0] if i + 1 < len(starts) else len(text) + 1
        label = text[position - 1: following - 1].strip(" \t\n,.;:!?\"()[]")
        carried = [k for k, (p, t, ident) in enumerate(phonemes) if t >= sample and p < position and not ident.startswith(b"_")]
        start = phonemes[carried[-1] + 1][1] if carried and carried[-1] + 1 < len(phonemes) else sample
        units.append((label, start))
    words = []
    for i, (label, start) in enumerate(units):
        limit = units[i + 1][1] if i + 1 < len(units) else total_samples
        end = min([limit] + [t for t in pauses if t > start])
        if label and end > start:
            words.append(Word(label, start / sr, end / sr))
    return words


def _locate() -> tuple[str, bytes | None]:
    try:
        import espeakng_loader

        return espeakng_loader.get_library_path(), espeakng_loader.get_data_path().encode()
    except ImportError:
        found = ctypes.util.find_library("espeak-ng")
        if not found:
            raise AlignmentError(
                "eSpeak NG is not installed: pip install espeakng-loader (or apt-get install libespeak-ng1)"
            ) from None
        return found, None


@lru_cache(maxsize=1)
def _engine() -> _Espeak:
    return _Espeak()


def ipa(text: str, voice: str = "en-us") -> str:
    """IPA transcription of ``text`` by eSpeak NG's rules and dictionaries (stress marks included)."""
    with _LOCK:
        return _engine().ipa(text, voice)


def synthesize(text: str, voice: str = "en-us", rate: int = 175) -> Synthesis:
    """Speak ``text`` (rate in words per minute) and return samples with exact word spans."""
    with _LOCK:
        return _engine().synthesize(text, voice, rate)
