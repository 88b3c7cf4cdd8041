"""The demo corpus's speech engines (eSpeak NG, Flite): every word of the text comes back with
a time span that holds its sound, and rate and pitch settings change the speech."""

from __future__ import annotations

import ctypes.util
import itertools
import subprocess
import sys
from pathlib import Path

import librosa
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "recipes" / "demo_model"))

TEXT = "please turn the kitchen lights off"


def _flite():
    if not ctypes.util.find_library("flite"):
        pytest.skip("libflite1 is not installed")
    from flite_tts import Flite

    return Flite()


def _median_f0(speech) -> float:
    audio = speech.samples.astype(np.float32) / 32768.0
    return float(np.median(librosa.yin(audio, fmin=60, fmax=400, sr=speech.sample_rate)))


def _check_word_times(speech, text: str) -> None:
    words = speech.words
    assert " ".join(w["word"] for w in words) == text
    duration = len(speech.samples) / speech.sample_rate
    audio = speech.samples.astype(np.float64)
    for before, after in itertools.pairwise(words):
        assert before["end"] <= after["start"] + 1e-3
    for word in words:
        assert 0.0 <= word["start"] < word["end"] <= duration + 1e-3
        inside = audio[int(word["start"] * speech.sample_rate) : int(word["end"] * speech.sample_rate)]
        assert np.sqrt(np.mean(inside**2)) > 0.02 * np.abs(audio).max(), word


@pytest.mark.parametrize("voice", ["kal16", "awb", "rms", "slt"])
def test_flite_voices_give_every_word_with_its_time(voice):
    _check_word_times(_flite().synth(TEXT, voice), TEXT)


def test_flite_stretch_and_pitch_change_the_speech():
    flite = _flite()
    plain = flite.synth(TEXT, "slt")
    slow = flite.synth(TEXT, "slt", stretch=1.3)
    assert 1.2 < len(slow.samples) / len(plain.samples) < 1.4
    assert slow.words[-1]["end"] / plain.words[-1]["end"] == pytest.approx(1.3, abs=0.1)
    high = flite.synth(TEXT, "slt", pitch=1.25)
    assert _median_f0(high) / _median_f0(plain) == pytest.approx(1.25, abs=0.08)
    with pytest.raises(ValueError, match="unknown Flite voice"):
        flite.synth(TEXT, "nobody")


ESPEAK_CHECK = """
import sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[2])
from espeak_tts import ESpeak
from test_demo_tts import TEXT, _check_word_times
espeak = ESpeak()
normal = espeak.synth(TEXT, "en-us+m3", rate=175)
_check_word_times(normal, TEXT)
fast = espeak.synth(TEXT, "en-us+m3", rate=250)
assert len(fast.samples) < 0.85 * len(normal.samples), (len(fast.samples), len(normal.samples))
try:
    espeak.synth(TEXT, "xx-nowhere")
except ValueError as error:
    assert "unknown eSpeak NG voice" in str(error)
else:
    raise AssertionError("an unknown voice was accepted")
print("ok")
"""


def test_espeak_gives_every_word_with_its_time_and_follows_the_rate():
    """In its own process: eSpeak NG keeps one global state, which other tests' speech tools share."""
    here = Path(__file__).resolve().parent
    done = subprocess.run([sys.executable, "-c", ESPEAK_CHECK, str(here.parent / "recipes" / "demo_model"), str(here)],
                          check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
