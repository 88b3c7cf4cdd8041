"""Contrastive targets: "why A rather than B" scores are drops of p(A) − p(B)."""

import numpy as np
import pytest

from speechxai_core import CallableClassifier, Explanation, explain
from speechxai_core.evaluation.faithfulness import evaluate_explanation
from speechxai_core.explain.targets import Target
from speechxai_core.models.heads import HeadSpecError

from .conftest import SR, harmonic_tone

WORDS = [{"word": w, "start": 0.1 + 0.3 * i, "end": 0.3 + 0.3 * i} for i, w in enumerate(("turn", "on", "the", "lights"))]


def present(waveforms, sr):
    return np.stack([np.abs(waveforms[:, int(w["start"] * sr) + 10:int(w["end"] * sr) - 10]).mean(axis=1) > 1e-4
                     for w in WORDS], axis=1).astype(np.float64)


def slot_model():
    """Three classes from a softmax of word-driven logits: 'lights' hinges on word 3, 'lamp' on word 1."""

    def fn(waveforms, sr):
        z = present(waveforms, sr)
        logits = np.stack([0.5 + 2.0 * z[:, 3] + 0.3 * z[:, 0], 0.2 + 1.5 * z[:, 1] + 0.4 * z[:, 0],
                           0.1 + 0.7 * z[:, 2]], axis=1)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return CallableClassifier(fn, ["lights", "lamp", "music"], SR, name="slots")


def test_target_weights_give_the_probability_or_the_margin():
    plain, against = Target.of("object", 3, 0), Target.of("object", 3, 0, contrast=1)
    p = np.array([0.6, 0.3, 0.1])
    assert plain.value(p) == 0.6 and against.value(p) == pytest.approx(0.3)
    assert (against.index, against.contrast, plain.contrast) == (0, 1, None)
    with pytest.raises(HeadSpecError, match="differ"):
        Target.of("object", 3, 0, contrast=0)


def spectral_model():
    """Three classes whose logits follow the clip's energy below 500 Hz, at 500–1000 Hz and at 1–2 kHz."""

    def fn(waveforms, sr):
        spectrum = np.abs(np.fft.rfft(waveforms.astype(np.float64), axis=1)) ** 2 / waveforms.shape[1]
        freqs = np.fft.rfftfreq(waveforms.shape[1], 1 / sr)
        energy = [spectrum[:, (freqs >= lo) & (freqs < hi)].sum(axis=1) for lo, hi in ((0, 500), (500, 1000),
                                                                                       (1000, 2000))]
        logits = np.stack([0.01 * energy[0], 0.1 * energy[1], 0.2 * energy[2]], axis=1)  # about equal on the tone
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return CallableClassifier(fn, ["lights", "lamp", "music"], SR, name="spectral")


SCORES = {
    "bands": lambda r: r.band_scores["class"],
    "band_shapley": lambda r: r.unit_method_scores["bands"]["shapley"]["class"],
    "paraling": lambda r: [r.paralinguistic["class"][p] for p in ("pitch_down", "noise")],
    "phonemes": lambda r: r.phoneme_scores["class"],
}


@pytest.mark.parametrize("method", ["loo", "lime", "shapley", "bands", "band_shapley", "paraling", "phonemes"])
def test_contrast_scores_are_the_difference_of_the_two_classes_scores(method):
    """Two routes: the contrast run against separate runs for A and for B (every one of these methods
    is linear in the explained quantity, so the difference is exact)."""
    clip, model = (harmonic_tone(seconds=1.4), SR), slot_model() if method in ("loo", "lime", "shapley") else \
        spectral_model()
    options = dict(words=WORDS, methods=method, seed=3, grid="fast", properties=("pitch_down", "noise"),
                   method_options={"bands": 4})
    both = explain(clip, model, targets="lights", contrast="lamp", **options)
    a = explain(clip, model, targets="lights", **options)
    b = explain(clip, model, targets="lamp", **options)
    read = SCORES.get(method, lambda r: r.scores_for(method)["class"])
    got, want_a, want_b = (np.array(read(r), dtype=float) for r in (both, a, b))
    np.testing.assert_allclose(got, want_a - want_b, rtol=0, atol=1e-12)
    assert np.abs(got).max() > (0.05 if method in ("loo", "lime", "shapley") else 1e-4)  # real numbers, not zeros
    if method == "loo":  # 'lamp' hinges on word 1: masking it raises the margin (negative score)
        assert got[3] > 0 and got[1] < 0


def test_contrast_is_recorded_with_its_head_and_survives_json():
    result = explain((harmonic_tone(seconds=1.4), SR), slot_model(), words=WORDS, methods="loo",
                     contrast="class=lamp")
    head = result.heads[0]
    assert (head.target, head.contrast, head.contrast_index) == ("lights", "lamp", 1)
    assert head.value == pytest.approx(head.probabilities[0] - head.probabilities[1])
    assert result.settings["contrast"] == {"class": "lamp"}
    data = result.to_dict()
    assert data["heads"][0]["contrast"] == "lamp"
    again = Explanation.from_json(result.to_json())
    assert again.heads[0].contrast == "lamp" and again.heads[0].value == pytest.approx(head.value)
    # every scored variant records the margin, so a drop is value(original) − value(variant)
    record = result.variant("word:3")
    assert head.value - record.probabilities["class"] == pytest.approx(result.word_scores["class"][3], abs=1e-12)


def test_contrast_equal_to_the_target_is_refused():
    with pytest.raises(HeadSpecError, match="contrast 'lights' is the explained class"):
        explain((harmonic_tone(seconds=1.4), SR), slot_model(), words=WORDS, methods="loo", contrast="lights")


def test_faithfulness_reads_the_contrast():
    clip, model = (harmonic_tone(seconds=1.4), SR), slot_model()
    both = explain(clip, model, words=WORDS, methods="loo", contrast="lamp")
    a = explain(clip, model, words=WORDS, methods="loo")
    b = explain(clip, model, words=WORDS, methods="loo", targets="lamp")
    b.word_scores = both.word_scores  # same word selections, other target: the metrics must differ by B's
    got = evaluate_explanation(both, clip, model)["class"]
    for_a = evaluate_explanation(Explanation.from_dict(a.to_dict() | {"word_scores": both.word_scores}), clip, model)
    for_b = evaluate_explanation(b, clip, model)
    assert got.comprehensiveness == pytest.approx(for_a["class"].comprehensiveness - for_b["class"].comprehensiveness,
                                                  abs=1e-12)
    assert got.selections > 0


def test_gradients_of_a_contrast_use_the_logit_margin(tiny_multihead_dir):
    from speechxai_core import load_model

    model = load_model(tiny_multihead_dir, heads="a:4,b:5")
    clip = (harmonic_tone(seconds=1.0), SR)
    words = [{"word": "x", "start": 0.1, "end": 0.4}, {"word": "y", "start": 0.5, "end": 0.9}]
    both = explain(clip, model, words=words, methods="gradient_x_input", targets="a=c0", contrast="a=c2")
    a = explain(clip, model, words=words, methods="gradient_x_input", targets="a=c0")
    b = explain(clip, model, words=words, methods="gradient_x_input", targets="a=c2")
    scores = lambda r: np.array(r.method_scores["gradient_x_input"]["a"])  # noqa: E731
    np.testing.assert_allclose(scores(both), scores(a) - scores(b), rtol=1e-4, atol=1e-9)
    assert both.method_details["gradient_x_input"]["target"] == "logit margin"
    np.testing.assert_allclose(both.method_scores["gradient_x_input"]["b"], a.method_scores["gradient_x_input"]["b"])
