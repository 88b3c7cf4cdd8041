"""Frequency bands: the band-stop filter, band leave-one-out, band Shapley and the word × band grid."""

import itertools
import math

import numpy as np
import pytest

from speechxai_core import CallableClassifier, Explanation, explain, variant_audio
from speechxai_core.explain.base import MethodError
from speechxai_core.perturb.bands import band_of, band_stop, mel_bands
from speechxai_core.perturb.variants import parse_variant_id

from .conftest import SR

WORDS = [{"word": "one", "start": 0.1, "end": 0.5}, {"word": "two", "start": 0.6, "end": 1.0},
         {"word": "three", "start": 1.1, "end": 1.5}]


def noise_clip(seconds=1.6, seed=0):
    return (np.random.default_rng(seed).standard_normal(int(seconds * SR)) * 0.1).astype(np.float32)


def band_energy(waveforms, sr, low, high, start=0.0, end=None):
    """Energy of each waveform between ``low`` and ``high`` Hz (inside ``start``..``end`` seconds)."""
    part = waveforms[:, int(start * sr):None if end is None else int(end * sr)]
    spectrum = np.abs(np.fft.rfft(part, axis=1)) ** 2
    freqs = np.fft.rfftfreq(part.shape[1], 1 / sr)
    return spectrum[:, (freqs >= low) & (freqs < high)].sum(axis=1) / part.shape[1]


def listener(low=1000.0, high=2000.0, start=0.0, end=None):
    """Known truth: p('yes') grows with the energy between ``low`` and ``high`` Hz only."""

    def fn(waveforms, sr):
        energy = band_energy(waveforms.astype(np.float64), sr, low, high, start, end)
        p = np.tanh(energy / 20.0)
        return np.stack([p, 1 - p], axis=1)

    return CallableClassifier(fn, ["yes", "no"], SR, name="band-listener")


def additive_listener(weights=(0.0, 0.5, 2.0, 1.0, 0.0, 0.25)):
    """Known truth: p('yes') is a weighted sum of the energies in the 6 mel bands (band 2 weighs most)."""

    def fn(waveforms, sr):
        bands = mel_bands(len(weights), sr)
        p = sum(w * band_energy(waveforms.astype(np.float64), sr, *band) for w, band in zip(weights, bands)) / 400
        return np.stack([p, 1 - p], axis=1)

    return CallableClassifier(fn, ["yes", "no"], SR, name="additive-bands")


def test_mel_edges_tile_the_spectrum_and_the_filter_removes_exactly_its_band():
    bands = mel_bands(8, SR)
    assert bands[0][0] == 0 and bands[-1][1] == SR / 2 and len(bands) == 8
    assert all(a[1] == b[0] for a, b in zip(bands, bands[1:]))
    widths = [high - low for low, high in bands]
    assert widths == sorted(widths)  # mel spacing: wider bands up the spectrum
    t = np.arange(SR) / SR
    low_tone, high_tone = np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 3000 * t)
    out = band_stop((low_tone + high_tone).astype(np.float32), SR, [bands[band_of(440, bands)]])
    np.testing.assert_allclose(out, high_tone, atol=1e-5)  # zero phase: the other tone is untouched, not delayed
    clip = noise_clip()
    assert np.abs(band_stop(clip, SR, bands)).max() < 1e-6  # every band removed: silence
    both = band_stop(clip, SR, [bands[0], bands[3]])
    np.testing.assert_allclose(both, band_stop(band_stop(clip, SR, [bands[0]]), SR, [bands[3]]), atol=1e-6)


def test_variant_ids_of_bands_and_phonemes_round_trip():
    for text in ("band:2", "bands:0+3", "word_band:1:7", "phone:12", "phones:1+4+5"):
        assert parse_variant_id(text).id == text
    for bad in ("band:x", "bands:", "word_band:1", "phone:-1"):
        with pytest.raises(ValueError):
            parse_variant_id(bad)


def test_a_model_listening_to_1_to_2_khz_puts_the_band_holding_1_5_khz_first():
    result = explain((noise_clip(), SR), listener(), methods="bands,band_shapley", targets="yes")
    bands = [(b["low_hz"], b["high_hz"]) for b in result.bands]
    expected = band_of(1500.0, bands)
    loo = np.array(result.band_scores["class"])
    shapley = np.array(result.unit_method_scores["bands"]["shapley"]["class"])
    assert int(np.argmax(loo)) == expected and int(np.argmax(shapley)) == expected
    far = [i for i, (low, high) in enumerate(bands) if high <= 900 or low >= 2100]
    assert np.abs(loo[far]).max() < 1e-6 and np.abs(shapley[far]).max() < 1e-6  # bands it does not hear
    details = result.method_details["band_shapley"]
    assert details["exact"] and details["coalitions"] == 2 ** 8
    # efficiency: the values share out p(x) − p(every band removed)
    full, empty = result.variant("original").probabilities["class"], result.variant(
        "bands:" + "+".join(map(str, range(8)))).probabilities["class"]
    assert shapley.sum() == pytest.approx(full - empty, abs=1e-12)
    again = Explanation.from_json(result.to_json())
    assert again.bands == result.bands and again.band_scores == result.band_scores
    assert again.unit_method_scores == result.unit_method_scores


def test_band_shapley_equals_brute_force_and_leave_one_out_of_an_additive_model():
    """Energy is additive over disjoint bands (Parseval), so a linear listener is an additive game."""
    result = explain((noise_clip(), SR), additive_listener(), methods="bands,band_shapley", targets="yes",
                     method_options={"bands": 6})
    shapley = np.array(result.unit_method_scores["bands"]["shapley"]["class"])
    np.testing.assert_allclose(shapley, result.band_scores["class"], atol=1e-9)
    assert shapley[2] > 0.05
    # brute force over the recorded coalitions
    value = lambda kept: result.variant(  # noqa: E731
        "original" if len(kept) == 6 else "bands:" + "+".join(str(i) for i in range(6) if i not in kept)
    ).probabilities["class"]
    n = 6
    for i in range(n):
        phi = sum(math.factorial(len(s)) * math.factorial(n - len(s) - 1) / math.factorial(n)
                  * (value(set(s) | {i}) - value(set(s)))
                  for size in range(n) for s in itertools.combinations([j for j in range(n) if j != i], size))
        assert shapley[i] == pytest.approx(phi, abs=1e-12)


def test_band_lime_recovers_an_additive_listener_and_its_band_first():
    """For an additive game LIME's linear surrogate is exact: its coefficients are the bands' own effects,
    which are also their leave-one-out drops (up to the ridge penalty's small shrinkage)."""
    from speechxai_core.reports.clip_text import format_explanation
    from speechxai_core.viz.units import band_table_html

    result = explain((noise_clip(), SR), additive_listener(), methods="bands,band_lime", targets="yes",
                     method_options={"bands": 6, "lime_samples": 200})
    lime = np.array(result.unit_method_scores["bands"]["lime"]["class"])
    loo = np.array(result.band_scores["class"])
    np.testing.assert_allclose(lime, loo, rtol=0.05, atol=1e-3)  # the penalty shrinks each by ~2 %
    assert int(np.argmax(lime)) == 2 and result.method_details["band_lime"]["r2"]["class"] > 0.99
    assert "lime:class" in result.band_csv().splitlines()[0]
    assert ">LIME<" in band_table_html(result) and "LIME coefficient of the band" in format_explanation(result)
    listened = explain((noise_clip(), SR), listener(), methods="band_lime", targets="yes")
    bands = [(b["low_hz"], b["high_hz"]) for b in listened.bands]
    assert int(np.argmax(listened.unit_method_scores["bands"]["lime"]["class"])) == band_of(1500.0, bands)


def test_band_variants_replay_exactly_what_was_scored():
    clip = noise_clip()
    result = explain((clip, SR), listener(), words=WORDS, methods="bands,word_bands", targets="yes",
                     method_options={"bands": 4})
    bands = [(b["low_hz"], b["high_hz"]) for b in result.bands]
    np.testing.assert_array_equal(variant_audio(result, (clip, SR), "band:2"), band_stop(clip, SR, [bands[2]]))
    inside = variant_audio(result, (clip, SR), "word_band:1:2")
    lo, hi = int(0.6 * SR), int(1.0 * SR)
    np.testing.assert_array_equal(inside[:lo], clip[:lo])
    np.testing.assert_array_equal(inside[hi:], clip[hi:])
    np.testing.assert_array_equal(inside[lo:hi], band_stop(clip, SR, [bands[2]])[lo:hi])
    assert result.settings["bands"] == 4


def test_the_word_band_grid_finds_the_band_inside_the_word_the_model_hears():
    model = listener(1000.0, 2000.0, start=0.6, end=1.0)  # hears word "two" only
    result = explain((noise_clip(), SR), model, words=WORDS, methods="word_bands", targets="yes")
    grid = np.array(result.word_band_scores["class"], dtype=float)
    assert grid.shape == (3, 8)
    bands = [(b["low_hz"], b["high_hz"]) for b in result.bands]
    assert np.unravel_index(np.argmax(grid), grid.shape) == (1, band_of(1500.0, bands))
    assert np.abs(grid[[0, 2]]).max() < 1e-6
    rows = result.word_band_csv().splitlines()
    assert rows[0] == "word_index,word,band,low_hz,high_hz,class" and len(rows) == 1 + 3 * 8


def test_too_many_bands_is_a_clear_error():
    with pytest.raises(MethodError, match="bands must be at most 64"):
        explain((noise_clip(), SR), listener(), methods="bands", method_options={"bands": 65})
