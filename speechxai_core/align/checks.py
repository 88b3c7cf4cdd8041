"""Sanity checks shared by the aligners: is there speech, and do the words cover it?"""

from __future__ import annotations

import numpy as np

from ..audio import Audio
from .base import AlignmentError
from .words import Word

FRAME_S = 0.02
#: A frame is "voiced" when its RMS is within this many dB of the loudest frame...
VOICED_DB = 30.0
#: ...and this many dB above the noise floor (the 10th percentile of frame levels).
ABOVE_FLOOR_DB = 10.0
#: Frames quieter than this RMS are never voiced (digital silence, faint hum).
MIN_SPEECH_RMS = 3e-3
#: Share of the voiced frames that the aligned words must cover before they are trusted.
MIN_VOICED_COVERAGE = 0.5


def voiced_frames(audio: Audio) -> np.ndarray:
    """Boolean mask over consecutive 20 ms frames: RMS within ``VOICED_DB`` of the peak frame and
    ``ABOVE_FLOOR_DB`` over the noise floor, and never below ``MIN_SPEECH_RMS``."""
    hop = max(1, int(FRAME_S * audio.sr))
    n = len(audio.samples) // hop
    frames = audio.samples[: n * hop].astype(np.float64).reshape(n, hop)
    rms = np.sqrt((frames ** 2).mean(axis=1))
    if n == 0 or rms.max() < MIN_SPEECH_RMS:
        return np.zeros(n, dtype=bool)
    floor = np.percentile(rms, 10)
    threshold = max(rms.max() * 10 ** (-VOICED_DB / 20), floor * 10 ** (ABOVE_FLOOR_DB / 20))
    return rms >= max(min(threshold, rms.max()), MIN_SPEECH_RMS)


def require_speech(audio: Audio) -> None:
    """Raise when the clip is silent (no frame louder than ``MIN_SPEECH_RMS``)."""
    if not voiced_frames(audio).any():
        raise AlignmentError(f"{audio.name}: no speech found (the clip is silent)")


def voiced_coverage(words: list[Word], audio: Audio) -> float:
    """Share of voiced frames that fall inside some word's span."""
    voiced = voiced_frames(audio)
    if not voiced.any():
        return 0.0
    centres = (np.arange(len(voiced)) + 0.5) * FRAME_S
    inside = np.zeros(len(voiced), dtype=bool)
    for word in words:
        inside |= (centres >= word.start) & (centres < word.end)
    return float((inside & voiced).sum() / voiced.sum())


def require_fit(words: list[Word], audio: Audio, transcript: str) -> None:
    """Raise when the words leave most of the speech unexplained: the transcript does not match."""
    coverage = voiced_coverage(words, audio)
    if coverage < MIN_VOICED_COVERAGE:
        raise AlignmentError(
            f"{audio.name}: the transcript does not match the audio ('{_short(transcript)}' covers only "
            f"{coverage:.0%} of the speech); check the transcript or the language"
        )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
