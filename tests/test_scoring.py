import numpy as np
import pytest

from speechxai_core.audio import Audio
from speechxai_core.align.words import Word
from speechxai_core.models import load_model
from speechxai_core.perturb import FAST_GRID, MaskConfig, Renderer, word_variants
from speechxai_core.scoring import ScoringEngine

from .conftest import SR, harmonic_tone


def _renderer():
    words = [Word("a", 0.1, 0.3), Word("b", 0.4, 0.7), Word("c", 0.8, 1.1)]
    return Renderer(Audio(harmonic_tone(seconds=1.2), SR), words, MaskConfig(), seed=0)


@pytest.mark.parametrize("fixture", ["tiny_model_dir", "tiny_masked_model_dir"])
def test_batched_scores_equal_one_at_a_time(request, fixture):
    model = load_model(request.getfixturevalue(fixture))
    renderer = _renderer()
    variants = word_variants(3) + FAST_GRID.variants()
    batched = ScoringEngine(model, batch_size=8).score(renderer, variants)
    single = ScoringEngine(model, batch_size=1).score(renderer, variants)
    assert set(batched) == {v.id for v in variants}
    for variant_id, probs in single.items():
        for head, values in probs.items():
            np.testing.assert_allclose(batched[variant_id][head], values, atol=1e-4)


def test_grouping_uses_few_forward_passes(tiny_model_dir, tiny_masked_model_dir):
    renderer = _renderer()
    variants = word_variants(3) + FAST_GRID.variants()
    n_stretch = sum(v.kind == "stretch" for v in variants)
    same_length = len(variants) - n_stretch
    engine = ScoringEngine(load_model(tiny_model_dir), batch_size=64)
    engine.score(renderer, variants)
    assert engine.forward_passes == 1 + n_stretch  # one pass for all equal-length variants, one per stretch
    padded = ScoringEngine(load_model(tiny_masked_model_dir), batch_size=64)
    padded.score(renderer, variants)
    assert padded.forward_passes == 1
    assert same_length > n_stretch


def test_original_is_scored_once_and_reused(energy_model):
    renderer = _renderer()
    engine = ScoringEngine(energy_model)
    first = engine.score_original(renderer)
    engine.score(renderer, word_variants(3))
    engine.score(renderer, FAST_GRID.variants(("noise",)))
    passes = engine.forward_passes
    assert engine.score_original(renderer) is first and engine.forward_passes == passes


def test_progress_reports_every_batch(energy_model):
    seen = []
    ScoringEngine(energy_model, batch_size=2).score(_renderer(), word_variants(3), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(2, 3), (3, 3)]
