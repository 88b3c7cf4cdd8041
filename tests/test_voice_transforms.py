"""Each new transform on its own, on a bundled held-out recording (assets/demo-eval/02.flac,
"lower the washroom light now"): word-local pitch, stretch, gain, noise; flat pitch and loudness;
formant shifts."""

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from speechxai_core.align.words import Word
from speechxai_core.audio import Audio
from speechxai_core.perturb import FAST_GRID, FULL_GRID, ParalinguisticGrid, Renderer, parse_variant_id
from speechxai_core.perturb.variants import Variant
from speechxai_core.perturb.voice import f0_track, frame_rms
from speechxai_core.perturb.word_local import fade_length

EVAL = Path(__file__).resolve().parents[1] / "assets" / "demo-eval"
WORD = 2  # "washroom", 0.633-1.155 s


@pytest.fixture(scope="module")
def clip():
    record = json.loads((EVAL / "manifest.jsonl").read_text().splitlines()[2])
    samples, sr = sf.read(EVAL / record["path"], dtype="float32")
    words = [Word(w["word"], w["start"], w["end"]) for w in record["words"]]
    return Audio(samples, sr, "02"), words


def _f0(samples, sr, start=0.0, end=None):
    times, f0 = f0_track(samples, sr)
    keep = (f0 > 0) & (times >= start) & (times < (end if end is not None else np.inf))
    return f0[keep]


def _semitones(a, b):
    return 12 * np.log2(np.median(b) / np.median(a))


@pytest.mark.parametrize("semitones", [-3.0, 3.0])
def test_word_pitch_moves_that_words_f0_only(clip, semitones):
    audio, words = clip
    renderer = Renderer(audio, words)
    out = renderer.render(parse_variant_id(f"word_pitch:{WORD}:{semitones:g}"))
    lo, hi = renderer.word_bounds(WORD)
    x, sr, w = audio.samples, audio.sr, words[WORD]
    inner = (w.start + 0.02, w.end - 0.02)
    assert _semitones(_f0(x, sr, *inner), _f0(out, sr, *inner)) == pytest.approx(semitones, abs=0.5)
    assert np.array_equal(out[:lo], x[:lo]) and np.array_equal(out[hi:], x[hi:])
    for other in (0, 4):  # "lower" and "now": their F0 stays where it was
        span = (words[other].start + 0.03, words[other].end - 0.03)
        assert abs(_semitones(_f0(x, sr, *span), _f0(out, sr, *span))) < 0.1


def test_word_edges_are_crossfaded_not_cut(clip):
    audio, words = clip
    renderer = Renderer(audio, words)
    lo, hi = renderer.word_bounds(WORD)
    out = renderer.render(parse_variant_id(f"word_gain:{WORD}:6"))
    x = audio.samples
    fade = fade_length(hi - lo, audio.sr)
    assert fade == int(0.01 * audio.sr)
    assert abs(out[lo] - x[lo]) < 0.01 * abs(x[lo]) + 1e-6  # the first sample barely changes
    middle = slice(lo + fade, hi - fade)
    assert np.allclose(out[middle], x[middle] * 10 ** (6 / 20), atol=1e-6)
    assert np.array_equal(out[:lo], x[:lo]) and np.array_equal(out[hi:], x[hi:])


def test_word_noise_has_its_snr_over_the_word_only(clip):
    audio, words = clip
    renderer = Renderer(audio, words, seed=3)
    lo, hi = renderer.word_bounds(WORD)
    variant = parse_variant_id(f"word_noise:{WORD}:5")
    out = renderer.render(variant)
    fade = fade_length(hi - lo, audio.sr)
    middle = slice(lo + fade, hi - fade)
    noise = out[middle].astype(np.float64) - audio.samples[middle]
    snr = 10 * np.log10(np.mean(audio.samples[lo:hi].astype(np.float64) ** 2) / np.mean(noise ** 2))
    assert snr == pytest.approx(5.0, abs=0.5)
    assert np.array_equal(out[:lo], audio.samples[:lo]) and np.array_equal(out[hi:], audio.samples[hi:])
    assert np.array_equal(out, renderer.render(parse_variant_id(variant.id)))


@pytest.mark.parametrize("factor", [0.8, 1.25])
def test_stretched_word_keeps_pitch_and_shifts_the_rest(clip, factor):
    audio, words = clip
    renderer = Renderer(audio, words)
    variant = parse_variant_id(f"word_stretch:{WORD}:{factor:g}")
    out = renderer.render(variant)
    lo, hi = renderer.word_bounds(WORD)
    new = int(round((hi - lo) * factor))
    x, sr = audio.samples, audio.sr
    assert len(out) == renderer.length(variant) == len(x) + new - (hi - lo)
    assert np.array_equal(out[:lo], x[:lo])
    assert np.array_equal(out[lo + new:], x[hi:])  # sample-identical, shifted by new − (hi − lo)
    inner = (words[WORD].start + 0.03, words[WORD].end - 0.03)
    stretched = (lo / sr + 0.03, (lo + new) / sr - 0.03)
    assert abs(_semitones(_f0(x, sr, *inner), _f0(out, sr, *stretched))) < 0.5


def test_flat_pitch_removes_the_melody(clip):
    audio, _ = clip
    renderer = Renderer(audio)
    before = np.log(_f0(audio.samples, audio.sr))
    half = np.log(_f0(renderer.render(Variant("flat_pitch", 0.5)), audio.sr))
    flat = np.log(_f0(renderer.render(Variant("flat_pitch", 1.0)), audio.sr))
    assert flat.std() < 0.1 * before.std()
    assert 0.3 * before.std() < half.std() < 0.7 * before.std()
    assert abs(np.median(flat) - np.median(before)) < np.log(2 ** (0.5 / 12))  # the median stays


def test_flat_loudness_evens_voiced_frames(clip):
    audio, _ = clip
    x, sr = audio.samples, audio.sr
    out = Renderer(audio).render(Variant("flat_loudness", 1.0))

    def spread(samples):
        times, f0 = f0_track(x, sr)
        energy = frame_rms(samples, sr, times)[f0 > 0]
        return np.log(energy).std()

    assert spread(out) < 0.35 * spread(x)
    assert len(out) == len(x)


def _centroid(samples, sr):
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / sr)
    return float((spectrum * freqs).sum() / spectrum.sum())


def test_formant_shift_keeps_f0_and_moves_the_envelope(clip):
    audio, _ = clip
    x, sr = audio.samples, audio.sr
    centroids = []
    for ratio in (0.85, 0.92, 1.08, 1.15):
        out = Renderer(audio).render(Variant("formant", ratio))
        assert np.median(_f0(out, sr)) == pytest.approx(np.median(_f0(x, sr)), rel=0.05)
        moved = _centroid(out, sr) - _centroid(x, sr)
        assert np.sign(moved) == np.sign(ratio - 1) and abs(moved) > 0.005 * _centroid(x, sr)
        centroids.append(_centroid(out, sr))
    assert centroids == sorted(centroids)  # a larger ratio, a higher centroid


def test_new_ids_round_trip_and_grids_carry_the_new_properties(clip):
    audio, words = clip
    renderer = Renderer(audio, words, seed=1)
    ids = ["word_pitch:3:-3", "word_stretch:1:0.8", "word_gain:0:6", "word_noise:4:5", "flat_pitch:0.5",
           "flat_loudness:1", "formant:0.85"]
    for variant_id in ids:
        variant = parse_variant_id(variant_id)
        assert variant.id == variant_id
        assert len(renderer.render(variant)) == renderer.length(variant)
    assert parse_variant_id("word_pitch:3:-3").property == "pitch_down"
    assert parse_variant_id("word_gain:3:6").property == "gain_up"
    assert parse_variant_id("formant:1.15").property == "formant_up"
    for grid in (FAST_GRID, FULL_GRID):
        kinds = {v.kind for v in grid.variants()}
        assert {"flat_pitch", "flat_loudness", "formant"} <= kinds
    assert FULL_GRID.formant_down == (0.85, 0.92) and FULL_GRID.formant_up == (1.08, 1.15)
    assert FULL_GRID.flat_pitch == (0.5, 1.0) and FAST_GRID.flat_loudness == (0.5, 1.0)
    old = {k: v for k, v in FAST_GRID.to_dict().items() if k not in ("flat_pitch", "formant_up")}
    assert ParalinguisticGrid.from_dict(old).formant_up == FULL_GRID.formant_up  # older files still load
    with pytest.raises(ValueError, match="formant_up"):
        ParalinguisticGrid(formant_up=(0.9,))
    with pytest.raises(Exception, match="out of range"):
        renderer.render(parse_variant_id("word_pitch:9:3"))
