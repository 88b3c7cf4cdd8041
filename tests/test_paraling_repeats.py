"""Paralinguistic trust: one noise draw per clip scaled to each SNR, one room per size, repeats."""

import numpy as np
import pytest

from speechxai_core import CallableClassifier, Explanation, explain, variant_audio
from speechxai_core.audio import Audio
from speechxai_core.perturb.grids import ParalinguisticGrid
from speechxai_core.perturb.render import Renderer
from speechxai_core.perturb.variants import Variant, VariantError, parse_variant_id

from .conftest import SR, harmonic_tone

SNRS = (40.0, 20.0, 10.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.5)
GRID = ParalinguisticGrid(noise=SNRS, reverb=(3.0, 5.0, 7.0), name="test")


def hiss_model() -> CallableClassifier:
    """p('clean') falls with the share of energy above 4 kHz, passed through a noisy nonlinearity."""

    def fn(waveforms, sr):
        spectrum = np.abs(np.fft.rfft(waveforms.astype(np.float64), axis=1)) ** 2
        high = spectrum[:, spectrum.shape[1] // 2:].sum(axis=1) / spectrum.sum(axis=1)
        clean = np.exp(-6 * high) * (0.9 + 0.1 * np.cos(40 * high))
        return np.stack([clean, 1 - clean], axis=1)

    return CallableClassifier(fn, ["clean", "noisy"], SR, name="hiss")


def test_every_snr_scales_the_same_noise_draw():
    clip = harmonic_tone(seconds=1.0)
    renderer = Renderer(Audio(clip, SR, "tone"), seed=3)
    power = np.mean(clip.astype(np.float64) ** 2)
    units = [(renderer.render(Variant("noise", snr)) - clip) / np.sqrt(power / 10 ** (snr / 10)) for snr in (20, 3, 2)]
    assert np.allclose(units[0], units[1], atol=1e-4) and np.allclose(units[0], units[2], atol=1e-4)
    other = (renderer.render(Variant("noise", 20, draw=1)) - clip) / np.sqrt(power / 100)
    assert abs(np.corrcoef(units[0], other)[0, 1]) < 0.1  # another draw is independent


def test_reverb_draws_move_source_and_microphone_but_keep_them_across_sizes():
    renderer = Renderer(Audio(harmonic_tone(seconds=1.0), SR, "tone"), seed=0)
    assert renderer.room(0) != renderer.room(1) != renderer.room(2)
    assert renderer.room(1) == Renderer(renderer.audio, seed=0).room(1)
    first, second = renderer.render(Variant("reverb", 5.0)), renderer.render(Variant("reverb", 5.0, draw=1))
    assert not np.allclose(first, second)


def test_draw_ids_round_trip_and_deterministic_kinds_refuse_draws():
    assert Variant("noise", 10.0, draw=2).id == "noise:10@2"
    assert parse_variant_id("noise:10@2") == Variant("noise", 10.0, draw=2)
    assert parse_variant_id("noise:10") == Variant("noise", 10.0)
    for bad in ("pitch:1@1", "noise:10@0", "noise:10@x"):
        with pytest.raises(VariantError, match="unknown variant id"):
            parse_variant_id(bad)


def test_repeats_give_mean_and_std_and_noise_drops_rise_as_snr_falls():
    clip = harmonic_tone(seconds=1.0)
    result = explain((clip, SR), hiss_model(), methods="paraling", grid=GRID, properties=("noise", "reverb", "pitch_up"),
                     repeats=6, seed=1)
    drops = np.array(result.paralinguistic_drops["class"]["noise"])
    spread = np.array(result.paralinguistic_drops_std["class"]["noise"])
    assert result.paralinguistic_levels["noise"] == list(SNRS)
    assert np.all(np.diff(drops) > 0), drops  # SNR falls left to right: the drop grows level by level
    assert np.all(spread > 0) and result.paralinguistic_std["class"]["noise"] > 0
    assert result.paralinguistic_std["class"]["pitch_up"] == 0.0  # deterministic: one draw
    assert sum(r.kind == "noise" for r in result.variants) == 6 * len(SNRS)
    # the mean is the mean over the draws actually scored
    level = [r.probabilities["class"] for r in result.variants if r.kind == "noise" and r.level == 3.0]
    assert drops[SNRS.index(3.0)] == pytest.approx(result.heads[0].probability - np.mean(level), abs=1e-9)
    again = Explanation.from_json(result.to_json())
    assert again.paralinguistic_drops_std == result.paralinguistic_drops_std and again.settings["repeats"] == 6
    assert "class:std" in result.paralinguistic_csv().splitlines()[0]
    assert np.allclose(variant_audio(result, (clip, SR), "noise:3@4"),
                       Renderer(Audio(clip, SR, "x"), seed=1).render(Variant("noise", 3.0, draw=4)))


def test_one_draw_keeps_the_old_output_shape():
    result = explain((harmonic_tone(seconds=1.0), SR), hiss_model(), methods="paraling", grid=GRID,
                     properties=("noise",))
    assert result.paralinguistic_drops_std["class"]["noise"] == [0.0] * len(SNRS)
    assert result.paralinguistic_csv().splitlines()[0] == "property,class"
    with pytest.raises(ValueError, match="positive"):
        explain((harmonic_tone(seconds=1.0), SR), hiss_model(), methods="paraling", repeats=0)
