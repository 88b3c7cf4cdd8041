import math

import numpy as np
import pytest

from speechxai_core import CallableClassifier, ScoringEngine, explain
from speechxai_core.evaluation.faithfulness import (ERASER_BINS, EvaluationError, HeadFaithfulness, evaluate_explanation,
                                     random_scores, selections)
from speechxai_core.perturb import Variant, parse_variant_id

from .conftest import SR, harmonic_tone

WORDS = [{"word": f"w{i}", "start": 0.1 + 0.35 * i, "end": 0.35 + 0.35 * i} for i in range(5)]
WEIGHTS = {"a": np.array([[3.0, 0.0, 8.0, 1.0, 5.0]]), "b": np.array([[0.0, 6.0, 1.0, 0.0, 2.0], [4.0, 0.0, 0.0, 3.0, 0.0]])}


def _energies(waveforms):
    spans = [(int(round(w["start"] * SR)), int(round(w["end"] * SR))) for w in WORDS]
    return np.stack([(waveforms[:, lo:hi].astype(np.float64) ** 2).mean(axis=1) * 100 for lo, hi in spans], axis=1)


def _model():
    """Known answer: head a has logits [w·e, 0], head b [v1·e, v2·e, 1]; e = energy per word window."""
    def fn(waveforms, sr):
        e = _energies(waveforms)
        a = np.stack([e @ WEIGHTS["a"][0], np.zeros(len(e))], axis=1)
        b = np.stack([e @ WEIGHTS["b"][0], e @ WEIGHTS["b"][1], np.ones(len(e))], axis=1)
        return {"a": a, "b": b}

    return CallableClassifier(fn, {"a": ["yes", "no"], "b": ["x", "y", "z"]}, SR, outputs="logits", name="energies")


def _clip():
    return harmonic_tone(seconds=2.0, amplitude=0.3)


def _p(model, samples, head, k):
    return model.predict(samples[None], np.array([len(samples)]))[head][0, k]


def _masked(samples, indices):
    out = samples.copy()
    for i in indices:
        out[int(round(WORDS[i]["start"] * SR)):int(round(WORDS[i]["end"] * SR))] = 0
    return out


def test_selections_follow_the_thresholds_by_hand():
    scores = [0.5, -0.2, 0.9, 0.1, 0.3]
    # k = int(t * 5): 0 (skip), 1, 1 (repeat), 2, 2, 3, 3, 4, 4, 5 -> only 4 positive words -> repeat
    assert selections(scores) == [(2,), (0, 2), (0, 2, 4), (0, 2, 3, 4)]
    assert selections(scores, only_positive=False)[-1] == (0, 1, 2, 3, 4)
    assert selections(scores, ERASER_BINS) == [(2,), (0, 2)]  # 1 %, 5 %, 10 % of 5 words give k = 0
    assert [len(s) for s in selections(np.linspace(1, 0.1, 10))] == list(range(1, 11))
    assert selections([-0.1, 0.0, -3.0]) == []


def test_comprehensiveness_and_sufficiency_match_a_hand_computation():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo")
    result.word_scores = {"a": [0.5, -0.2, 0.9, 0.1, 0.3], "b": [0.0, 0.4, -0.1, 0.2, 0.0]}
    engine = ScoringEngine(model, batch_size=256)
    faith = evaluate_explanation(result, (clip, SR), model, engine=engine)
    assert engine.forward_passes == 2  # the original, then every masked clip in one batch

    expected_sets = {"a": [(2,), (0, 2), (0, 2, 4), (0, 2, 3, 4)], "b": [(1,), (1, 3)]}
    for head, sets in expected_sets.items():
        k = next(h.target_index for h in result.heads if h.name == head)
        base = _p(model, clip, head, k)
        comp = np.mean([base - _p(model, _masked(clip, s), head, k) for s in sets])
        suff = np.mean([base - _p(model, _masked(clip, [i for i in range(5) if i not in s]), head, k) for s in sets])
        assert faith[head].selections == len(sets)
        assert faith[head].comprehensiveness == pytest.approx(comp, abs=1e-9)
        assert faith[head].sufficiency == pytest.approx(suff, abs=1e-9)
        assert abs(comp) > 1e-3  # the check is not vacuous


def test_random_baseline_is_mean_and_std_over_five_seeded_uniform_draws():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo")
    faith = evaluate_explanation(result, (clip, SR), model)
    per_seed = []
    for seed in range(5):
        drawn = random_scores(5, seed, result.audio["name"])
        assert drawn.min() >= -1 and drawn.max() <= 1
        result.word_scores = {"a": list(drawn), "b": list(drawn)}
        per_seed.append(evaluate_explanation(result, (clip, SR), model, seeds=())["a"])
    comps = [f.comprehensiveness for f in per_seed]
    suffs = [f.sufficiency for f in per_seed]
    assert faith["a"].random_comprehensiveness == pytest.approx(np.mean(comps), abs=1e-12)
    assert faith["a"].random_comprehensiveness_std == pytest.approx(np.std(comps), abs=1e-12)
    assert faith["a"].random_sufficiency == pytest.approx(np.mean(suffs), abs=1e-12)
    assert faith["a"].random_comprehensiveness_std > 0


def test_leave_one_out_beats_random_on_the_known_answer_model():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo")
    scores = np.array(result.word_scores["a"])
    assert int(np.argmax(scores)) == 2  # the largest weight
    faith = evaluate_explanation(result, (clip, SR), model)["a"]
    assert faith.comprehensiveness > faith.random_comprehensiveness
    assert faith.sufficiency < faith.random_sufficiency


def test_no_positive_word_gives_nan_and_json_null():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo")
    result.word_scores = {"a": [-1.0] * 5, "b": [0.0] * 5}
    faith = evaluate_explanation(result, (clip, SR), model, seeds=())
    assert math.isnan(faith["a"].comprehensiveness) and faith["a"].selections == 0
    data = faith["a"].to_dict()
    assert data["comprehensiveness"] is None
    assert math.isnan(HeadFaithfulness.from_dict(data).sufficiency)


def test_bad_inputs_are_clear_errors():
    model, clip = _model(), _clip()
    paraling_only = explain((clip, SR), model, methods="paraling", grid="fast", properties=("noise",))
    with pytest.raises(EvaluationError, match="needs word scores"):
        evaluate_explanation(paraling_only, (clip, SR), model)
    result = explain((clip, SR), model, words=WORDS, methods="loo")
    with pytest.raises(EvaluationError, match="samples"):
        evaluate_explanation(result, (clip[:-100], SR), model)
    with pytest.raises(EvaluationError, match="unknown thresholds"):
        evaluate_explanation(result, (clip, SR), model, thresholds="quartiles")
    with pytest.raises(EvaluationError, match="fractions"):
        evaluate_explanation(result, (clip, SR), model, thresholds=[0.5, 1.5])


def test_random_draws_differ_between_clips_and_repeat_for_the_same_clip():
    assert np.array_equal(random_scores(6, 2, "a.wav"), random_scores(6, 2, "a.wav"))
    assert not np.array_equal(random_scores(6, 2, "a.wav"), random_scores(6, 2, "b.wav"))
    assert not np.array_equal(random_scores(6, 2, "a.wav"), random_scores(6, 3, "a.wav"))


def test_word_set_variant_ids_round_trip():
    variant = Variant("words", word_indices=(0, 2, 5))
    assert variant.id == "words:0+2+5" and parse_variant_id(variant.id) == variant


def test_per_seed_values_are_kept_and_round_trip_through_json():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo")
    faith = evaluate_explanation(result, (clip, SR), model, seeds=(0, 1, 2))["b"]
    assert len(faith.random_sufficiency_seeds) == 3
    assert faith.random_sufficiency == pytest.approx(np.nanmean(faith.random_sufficiency_seeds))
    assert HeadFaithfulness.from_dict(faith.to_dict()) == faith


def test_seeds_without_a_positive_score_are_left_out_of_the_baseline():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS[:1], methods="loo")
    signs = [random_scores(1, seed, result.audio["name"])[0] > 0 for seed in range(5)]
    assert any(signs) and not all(signs)  # the check needs both kinds of seed
    faith = evaluate_explanation(result, (clip, SR), model)["a"]
    values = np.array(faith.random_comprehensiveness_seeds)
    assert list(~np.isnan(values)) == signs
    assert faith.random_comprehensiveness == pytest.approx(values[~np.isnan(values)].mean())


def test_any_word_method_is_evaluated_without_leave_one_out(energy_model, three_words):
    from speechxai_core import explain
    from speechxai_core.evaluation.faithfulness import evaluate_explanation

    from .conftest import SR, harmonic_tone

    clip = harmonic_tone(seconds=2.0, amplitude=0.1)
    clip[int(0.5 * SR):int(0.75 * SR)] *= 3
    result = explain((clip, SR), energy_model, words=three_words, methods="shapley")
    assert not result.word_scores
    faith = evaluate_explanation(result, (clip, SR), energy_model, method="shapley")["class"]
    assert faith.comprehensiveness > 0.5 and faith.selections == 1  # only the window word scores above 0
