"""One request, one answer: nothing of an earlier request changes the words or scores of a later one."""

from __future__ import annotations

import numpy as np

from speechxai_core.align import align
from speechxai_core.audio import Audio

from .align_fixtures import SR, spoken


def _noisy(audio: Audio, seed: int, level: float) -> Audio:
    noise = np.random.default_rng(seed).normal(0.0, level, len(audio.samples)).astype(np.float32)
    return Audio(audio.samples + noise, audio.sr, audio.name)


def _times(alignment) -> list[tuple[str, float, float]]:
    return [(w.word, w.start, w.end) for w in alignment.words]


def test_a_clip_aligns_the_same_whatever_was_aligned_before_it():
    """PocketSphinx's front end keeps a noise estimate and cepstral means across utterances; a loud,
    noisy clip in between must not move the words of the next one."""
    first, _ = spoken("turn off the lights in the kitchen")
    other, _ = spoken("what is the weather like in new york", voice="en-us+f3", rate=140)
    first, other = _noisy(first, 0, 0.01), _noisy(Audio(other.samples * 3.0, SR, "other.wav"), 1, 0.05)
    text = "turn off the lights in the kitchen"
    before = _times(align(first, text, aligner="pocketsphinx"))
    align(other, "what is the weather like in new york", aligner="pocketsphinx")
    assert _times(align(first, text, aligner="pocketsphinx")) == before
    heard = align(first, aligner="pocketsphinx")
    align(other, aligner="pocketsphinx")
    again = align(first, aligner="pocketsphinx")
    assert (again.transcript, _times(again)) == (heard.transcript, _times(heard))
