import numpy as np
import pytest

from speechxai_core.audio import Audio
from speechxai_core.align.words import Word
from speechxai_core.perturb import (FAST_GRID, FULL_GRID, MaskConfig, ParalinguisticGrid, Renderer, Variant,
                                    VariantError, parse_variant_id)
from speechxai_core.perturb import transforms

from .conftest import SR, harmonic_tone


def _f0(samples: np.ndarray) -> float:
    import librosa

    f0, voiced, _ = librosa.pyin(samples, fmin=60, fmax=600, sr=SR, frame_length=2048)
    return float(np.nanmedian(f0[voiced]))


@pytest.mark.parametrize("semitones", [-5.0, -2.0, 3.0, 5.0])
def test_pitch_shift_scales_f0_by_two_to_the_semitones_over_twelve(semitones):
    tone = harmonic_tone(150.0, seconds=1.5)
    shifted = transforms.pitch_shift(tone, SR, semitones)
    assert len(shifted) == len(tone)
    ratio = _f0(shifted) / _f0(tone)
    assert ratio == pytest.approx(2 ** (semitones / 12), rel=0.02)


@pytest.mark.parametrize("factor", [0.55, 0.8, 1.25, 1.45])
def test_time_stretch_changes_duration_by_factor_and_keeps_pitch(factor):
    tone = harmonic_tone(150.0, seconds=1.5)
    stretched = transforms.time_stretch(tone, SR, factor)
    assert len(stretched) == round(len(tone) * factor)
    assert _f0(stretched) == pytest.approx(150.0, rel=0.02)


@pytest.mark.parametrize("snr", [40.0, 10.0, 5.0, 0.5, 0.1])
def test_white_noise_hits_its_snr(snr):
    tone = harmonic_tone(seconds=2.0)
    noisy = transforms.add_white_noise(tone, snr, np.random.default_rng(3))
    noise = noisy.astype(np.float64) - tone
    measured = 10 * np.log10(np.mean(tone.astype(np.float64) ** 2) / np.mean(noise ** 2))
    assert measured == pytest.approx(snr, abs=0.5)


def test_reverb_is_deterministic_keeps_level_and_grows_with_room():
    tone = harmonic_tone(seconds=1.0)
    a = transforms.reverberate(tone, SR, 5.0)
    b = transforms.reverberate(tone.copy(), SR, 5.0)
    assert np.array_equal(a, b) and len(a) == len(tone)
    assert np.sqrt(np.mean(a ** 2)) == pytest.approx(np.sqrt(np.mean(tone ** 2)), rel=1e-3)
    rt = [transforms.rt60(SR, size) for size in (3.0, 5.0, 7.0)]
    assert rt[0] < rt[1] < rt[2] and 0.1 < rt[0] < 2.0


def test_masking_zeros_and_noise_with_padding_clamped():
    tone = harmonic_tone(seconds=1.0)
    words = [Word("a", 0.0, 0.2), Word("b", 0.5, 0.6)]
    zeros = Renderer(Audio(tone, SR), words, MaskConfig("zeros", 100, 40))
    masked = zeros.render(Variant("word", word_index=0))
    assert np.all(masked[: int(0.24 * SR)] == 0) and np.all(masked[int(0.25 * SR):] == tone[int(0.25 * SR):])
    masked = zeros.render(Variant("word", word_index=1))
    assert np.all(masked[int(0.4 * SR): int(0.64 * SR)] == 0) and masked[int(0.39 * SR)] == tone[int(0.39 * SR)]
    noise = Renderer(Audio(tone, SR), words, MaskConfig("noise"), seed=1).render(Variant("word", word_index=1))
    segment = noise[int(0.5 * SR): int(0.6 * SR)]
    assert np.sqrt(np.mean(segment ** 2)) == pytest.approx(np.sqrt(np.mean(tone ** 2)), rel=0.1)
    assert not np.allclose(segment, tone[int(0.5 * SR): int(0.6 * SR)])


def test_every_variant_is_reproducible_from_its_id():
    tone = harmonic_tone(seconds=1.0)
    renderer = Renderer(Audio(tone, SR), [Word("a", 0.1, 0.3)], MaskConfig("noise"), seed=7)
    for variant in [Variant("word", word_index=0), *FAST_GRID.variants()]:
        again = parse_variant_id(variant.id)
        assert again == variant
        assert np.array_equal(renderer.render(variant), renderer.render(again))
        assert len(renderer.render(variant)) == renderer.length(variant)


def test_grids_follow_the_reference_levels():
    assert len(FULL_GRID.pitch_down) == 10 and FULL_GRID.pitch_down[0] == -5.0 and 0.0 not in FULL_GRID.pitch_up
    assert FULL_GRID.stretch_down[0] == 0.55 and FULL_GRID.stretch_up[-1] == 1.45 and 1.0 not in FULL_GRID.stretch_up
    assert len(FULL_GRID.stretch_down) == 9 and len(FULL_GRID.noise) == 11 and FULL_GRID.reverb == (3, 4, 5, 6, 7)
    assert len(FAST_GRID.variants()) < len(FULL_GRID.variants()) / 2
    assert ParalinguisticGrid.from_dict(FULL_GRID.to_dict()) == FULL_GRID
    with pytest.raises(ValueError, match="pitch_up"):
        ParalinguisticGrid(pitch_up=(-1.0,))
    with pytest.raises(ValueError, match="unknown properties"):
        FULL_GRID.variants(("loudness",))


@pytest.mark.parametrize("bad", ["pitch", "word:x", "tempo:2", "noise:"])
def test_bad_variant_ids(bad):
    with pytest.raises(VariantError):
        parse_variant_id(bad)
