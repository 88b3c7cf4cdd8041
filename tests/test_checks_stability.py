"""The stability check: seeds, masks, ensemble members and other models, against independent reruns."""

import json
from itertools import combinations

import numpy as np
import pytest
from scipy.stats import spearmanr

from speechxai_core import CallableClassifier, MaskConfig, explain, load_audio, load_model
from speechxai_core.models.presets import ASSETS

from .conftest import SR
from .test_evaluate import WORDS, _clip, _energies, _model

LIME = {"lime_samples": 20}


def _mean_pairwise(runs):
    return np.mean([spearmanr(a, b).statistic for a, b in combinations(runs, 2)])


def test_lime_over_three_seeds_equals_three_independent_runs_and_deterministic_methods_say_so():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo,lime", checks="stability", method_options=LIME)
    runs = [explain((clip, SR), model, words=WORDS, methods="lime", seed=s, method_options=LIME) for s in (0, 1, 2)]
    for head in ("a", "b"):
        entry = result.checks["stability"]["lime"][head]
        scores = [r.scores_for("lime")[head] for r in runs]
        assert entry["runs"] == 3
        assert entry["spearman"] == pytest.approx(_mean_pairwise(scores), abs=1e-5)
        tops = [int(np.argmax(s)) for s in scores]
        assert entry["top1"] == pytest.approx(np.mean([a == b for a, b in combinations(tops, 2)]))
        assert entry["spearman"] < 1.0  # a real spread, not a fake perfect agreement
        loo = result.checks["stability"]["loo"][head]
        assert "deterministic" in loo["not_applicable"] and "spearman" not in loo


def test_mask_agreement_is_the_rank_correlation_with_the_noise_mask():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo", checks="stability")
    noisy = explain((clip, SR), model, words=WORDS, methods="loo", mask=MaskConfig("noise"))
    expected = spearmanr(result.word_scores["b"], noisy.word_scores["b"]).statistic
    assert result.checks["stability"]["loo"]["b"]["mask_spearman"] == pytest.approx(expected, abs=1e-5)
    assert np.ptp(noisy.word_scores["b"]) > 1e-3  # not constant: the correlation is defined


def test_noise_masks_and_random_properties_make_a_method_random():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo,paraling", mask=MaskConfig("noise"), grid="fast",
                     properties=("pitch_up", "noise", "reverb"), checks="stability")
    assert result.checks["stability"]["loo"]["a"]["runs"] == 3
    assert result.checks["stability"]["paraling"]["a"]["runs"] == 3
    assert "mask_spearman" not in result.checks["stability"]["paraling"]["a"]
    fixed = explain((clip, SR), model, words=WORDS, methods="paraling", grid="fast", properties=("pitch_up",),
                    checks="stability")
    assert "no random property" in fixed.checks["stability"]["paraling"]["a"]["not_applicable"]


def test_agreement_across_models_the_user_names():
    model, clip = _model(), _clip()

    def reversed_weights(waveforms, sr):
        e = _energies(waveforms)[:, ::-1]
        return {"a": np.stack([e @ np.array([3.0, 0.0, 8.0, 1.0, 5.0]), np.zeros(len(e))], axis=1),
                "b": np.stack([e[:, 0], e[:, 1], np.ones(len(e))], axis=1)}

    other = CallableClassifier(reversed_weights, {"a": ["yes", "no"], "b": ["x", "y", "z"]}, SR, outputs="logits",
                               name="reversed")
    result = explain((clip, SR), model, words=WORDS, methods="loo", checks="stability", agreement_models=[other])
    twin = explain((clip, SR), other, words=WORDS, methods="loo", targets={"a": "yes"})
    entry = result.checks["stability"]["loo"]["a"]["models"]
    assert entry["names"] == ["energies", "reversed"] and entry["count"] == 2
    expected = spearmanr(result.word_scores["a"], twin.word_scores["a"]).statistic
    assert entry["spearman"] == pytest.approx(expected, abs=1e-5) and entry["spearman"] < 0.9
    lacking = CallableClassifier(lambda w, sr: _energies(w)[:, :2], {"a": ["yes", "maybe"]}, SR, outputs="logits")
    result = explain((clip, SR), model, words=WORDS, methods="loo", checks="stability", agreement_models=[lacking])
    assert "no head 'b'" in result.checks["stability"]["loo"]["a"]["models"]["not_applicable"]


def test_the_demo_ensemble_is_explained_member_by_member():
    demo = load_model("demo")
    members = demo.members()
    assert len(members) == 3
    name = "lamp_off_in_the_bedroom"
    clip = load_audio(ASSETS / "examples" / f"{name}.wav", SR)
    words = json.loads((ASSETS / "examples" / f"{name}.json").read_text())
    lengths = np.array([len(clip.samples)])
    ensemble = demo.predict(clip.samples[None], lengths)
    per_member = [m.predict(clip.samples[None], lengths) for m in members]
    for head in ensemble:  # the ensemble's output is the renormalised geometric mean of its members'
        mean_log = np.mean([np.log(p[head][0]) for p in per_member], axis=0)
        assert ensemble[head][0] == pytest.approx(np.exp(mean_log) / np.exp(mean_log).sum(), abs=1e-5)
    result = explain(clip, demo, words=words, methods="loo", checks="stability")
    loo = {head: [explain(clip, m, words=words, methods="loo", targets={h.name: h.target for h in result.heads})
                  .word_scores[head] for m in members] for head in result.head_names}
    for head in result.head_names:
        entry = result.checks["stability"]["loo"][head]["members"]
        assert entry["count"] == 3
        assert entry["spearman"] == pytest.approx(_mean_pairwise(loo[head]), abs=1e-5)
