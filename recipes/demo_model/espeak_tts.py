"""eSpeak NG through ctypes: waveform plus the exact start time of every word.

The library runs in synchronous mode; its callback collects the 16-bit samples and the
``espeakEVENT_WORD`` events, whose ``audio_position`` (ms) is where each word starts.
A word ends where the next one starts (or at the end of the audio), minus the trailing
pause, which is trimmed with an energy threshold.
"""

from __future__ import annotations

import ctypes
import re
import ctypes.util
from dataclasses import dataclass

import numpy as np

AUDIO_OUTPUT_SYNCHRONOUS = 2
EVENT_LIST_TERMINATED, EVENT_WORD = 0, 1
POS_CHARACTER = 1
CHARS_UTF8, ENDPAUSE = 1, 0x1000
PARAM_RATE, PARAM_PITCH, PARAM_RANGE = 1, 3, 4


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass
class Synthesis:
    """Mono int16 audio at ``sample_rate`` and ``[{word, start, end}]`` in seconds."""

    samples: np.ndarray
    sample_rate: int
    words: list[dict]


def _library_paths() -> tuple[str, str | None]:
    """The system libespeak-ng (Debian ``libespeak-ng1``), else the ``espeakng-loader`` wheel."""
    found = ctypes.util.find_library("espeak-ng")
    if found:
        return found, None
    import espeakng_loader

    return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()


class ESpeak:
    """One initialised eSpeak NG library; :meth:`synth` is not thread-safe."""

    def __init__(self) -> None:
        library, data = _library_paths()
        self._lib = ctypes.CDLL(library)
        self._lib.espeak_Initialize.restype = ctypes.c_int
        self._lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self._lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self._lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        rate = self._lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode() if data else None, 0)
        if rate <= 0:
            raise RuntimeError(f"espeak_Initialize failed ({library})")
        self.sample_rate = rate
        self._chunks: list[np.ndarray] = []
        self._events: list[tuple[int, int, int]] = []
        self._callback = _CALLBACK(self._collect)
        self._lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav, count, events) -> int:
        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        i = 0
        while events[i].type != EVENT_LIST_TERMINATED:
            if events[i].type == EVENT_WORD:
                self._events.append((events[i].audio_position, events[i].text_position, events[i].length))
            i += 1
        return 0

    def synth(self, text: str, voice: str, rate: int = 175, pitch: int = 50, pitch_range: int = 50) -> Synthesis:
        """Speak ``text`` (plain words separated by spaces) with ``voice`` (e.g. ``en-us+f2``)."""
        if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise ValueError(f"unknown eSpeak NG voice '{voice}'")
        for parameter, value in ((PARAM_RATE, rate), (PARAM_PITCH, pitch), (PARAM_RANGE, pitch_range)):
            self._lib.espeak_SetParameter(parameter, value, 0)
        self._chunks, self._events = [], []
        data = text.encode("utf-8") + b"\0"
        status = self._lib.espeak_Synth(data, len(data), 0, POS_CHARACTER, 0, CHARS_UTF8 | ENDPAUSE, None, None)
        if status != 0:
            raise RuntimeError(f"espeak_Synth failed with status {status}")
        samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
        return Synthesis(samples, self.sample_rate, _word_times(text, self._events, samples, self.sample_rate))


def _word_times(text: str, events: list[tuple[int, int, int]], samples: np.ndarray, sr: int) -> list[dict]:
    """Words from the events: start from ``audio_position``, end = trimmed next start.

    eSpeak NG speaks some pairs as one unit ("in the", "from the") and announces only the
    first; a token without its own event joins the word before it ("in the").
    """
    encoded = text.encode("utf-8")
    tokens = [(m.start(), m.group()) for m in re.finditer(rb"\S+", encoded)]
    first_token = {pos - 1: position / 1000.0 for position, pos, _ in events}
    groups: list[tuple[list[str], float]] = []
    for offset, token in tokens:
        if offset in first_token or not groups:
            groups.append(([], first_token.get(offset, 0.0)))
        groups[-1][0].append(token.decode("utf-8"))
    total = len(samples) / sr
    words = []
    for i, (names, start) in enumerate(groups):
        bound = groups[i + 1][1] if i + 1 < len(groups) else total
        end = _trim_end(samples, sr, start, bound)
        words.append({"word": " ".join(names), "start": round(start, 3), "end": round(end, 3)})
    return words


def _trim_end(samples: np.ndarray, sr: int, start: float, end: float, frame_s: float = 0.01) -> float:
    """``end`` moved back over frames quieter than -40 dB of the clip's peak (10 ms frames)."""
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    threshold = peak * 0.01
    hop = int(frame_s * sr)
    lo, hi = int(start * sr), int(end * sr)
    while hi - hop > lo + hop and np.max(np.abs(samples[hi - hop : hi]), initial=0) < threshold:
        hi -= hop
    return hi / sr
