"""Flite (CMU Festival-lite) through ctypes: waveform plus the time of every word.

Flite's voices are made from recordings of real speakers (diphones for ``kal16``,
statistical parametric "clustergen" voices for ``awb``, ``rms``, ``slt``), so they sound
unlike eSpeak NG's formant synthesis. Word times come from the utterance itself: a word
starts where its first phone starts and ends where its last phone ends.
Needs the Debian packages ``libflite1`` (library and voices).
"""

from __future__ import annotations

import ctypes
import ctypes.util

import numpy as np

from espeak_tts import Synthesis

VOICES = {"kal16": "cmu_us_kal16", "awb": "cmu_us_awb", "rms": "cmu_us_rms", "slt": "cmu_us_slt"}
DIPHONE_VOICES = {"kal16"}
WORD_START = "R:SylStructure.daughter1.daughter1.R:Segment.p.end"
WORD_END = "R:SylStructure.daughtern.daughtern.R:Segment.end"


class _Wave(ctypes.Structure):
    _fields_ = [("type", ctypes.c_char_p), ("sample_rate", ctypes.c_int), ("num_samples", ctypes.c_int),
                ("num_channels", ctypes.c_int), ("samples", ctypes.POINTER(ctypes.c_short))]


class _Voice(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("features", ctypes.c_void_p)]


def _load(name: str) -> ctypes.CDLL:
    found = ctypes.util.find_library(name)
    if not found:
        raise RuntimeError(f"lib{name} not found: install the Debian package libflite1")
    return ctypes.CDLL(found, mode=ctypes.RTLD_GLOBAL)


class Flite:
    """The Flite library with its English voices loaded; :meth:`synth` is not thread-safe."""

    def __init__(self) -> None:
        self._lib = _load("flite")
        for support in ("flite_usenglish", "flite_cmulex"):
            _load(support)
        lib = self._lib
        lib.flite_init()
        lib.flite_synth_text.restype = ctypes.c_void_p
        lib.flite_synth_text.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        lib.utt_relation.restype = ctypes.c_void_p
        lib.utt_relation.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.relation_head.restype = ctypes.c_void_p
        lib.relation_head.argtypes = [ctypes.c_void_p]
        lib.item_next.restype = ctypes.c_void_p
        lib.item_next.argtypes = [ctypes.c_void_p]
        lib.item_feat_string.restype = ctypes.c_char_p
        lib.item_feat_string.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.flite_ffeature_float.restype = ctypes.c_float
        lib.flite_ffeature_float.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.utt_wave.restype = ctypes.POINTER(_Wave)
        lib.utt_wave.argtypes = [ctypes.c_void_p]
        lib.delete_utterance.argtypes = [ctypes.c_void_p]
        lib.flite_feat_set_float.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_float]
        self._voices = {}
        for name, library in VOICES.items():
            register = getattr(_load(f"flite_{library}"), f"register_{library}")
            register.restype = ctypes.POINTER(_Voice)
            register.argtypes = [ctypes.c_char_p]
            self._voices[name] = register(None)

    def synth(self, text: str, voice: str, stretch: float = 1.0, pitch: float = 1.0) -> Synthesis:
        """Speak ``text`` with ``voice`` (a key of ``VOICES``): durations × ``stretch``, F0 × ``pitch``."""
        if voice not in self._voices:
            raise ValueError(f"unknown Flite voice '{voice}' (have {', '.join(VOICES)})")
        handle = self._voices[voice]
        features = handle.contents.features
        self._lib.flite_feat_set_float(features, b"duration_stretch", stretch)
        if voice in DIPHONE_VOICES:
            self._lib.flite_feat_set_float(features, b"int_f0_target_mean", 100.0 * pitch)
        else:
            self._lib.flite_feat_set_float(features, b"f0_shift", pitch)
        utterance = self._lib.flite_synth_text(text.encode("utf-8"), handle)
        try:
            wave = self._lib.utt_wave(utterance).contents
            samples = np.ctypeslib.as_array(wave.samples, shape=(wave.num_samples,)).copy()
            sample_rate = wave.sample_rate
            words = []
            item = self._lib.relation_head(self._lib.utt_relation(utterance, b"Word"))
            while item:
                words.append({
                    "word": self._lib.item_feat_string(item, b"name").decode("utf-8"),
                    "start": round(float(self._lib.flite_ffeature_float(item, WORD_START.encode())), 3),
                    "end": round(float(self._lib.flite_ffeature_float(item, WORD_END.encode())), 3),
                })
                item = self._lib.item_next(item)
        finally:
            self._lib.delete_utterance(utterance)
        return Synthesis(samples, sample_rate, words)
