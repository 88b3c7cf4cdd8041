import time

import numpy as np
import pytest

from speechxai_core.models import (CallableClassifier, HeadSpecError, ModelLoadError, load_model, parse_heads)

from .conftest import SR, harmonic_tone


def test_heads_spec_splits_outputs_with_separate_softmax(tiny_multihead_dir):
    model = load_model(tiny_multihead_dir, heads="a:2,b:3,c:4")
    assert [(h.name, h.size) for h in model.heads] == [("a", 2), ("b", 3), ("c", 4)]
    tone = harmonic_tone(seconds=1.0)
    probs = model.predict(tone[None], np.array([len(tone)]))
    for name, size in (("a", 2), ("b", 3), ("c", 4)):
        assert probs[name].shape == (1, size) and probs[name].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("spec,message", [("a:2,b:3", "covers 5 outputs"), ("a:2,b", "bad heads spec"),
                                          ("a:4,a:5", "repeats"), ("a:0,b:9", "bad heads spec")])
def test_bad_heads_specs(spec, message):
    with pytest.raises(HeadSpecError, match=message):
        parse_heads(spec, [f"c{i}" for i in range(9)])


def test_models_load_once_and_are_shared(tiny_model_dir):
    first = load_model(tiny_model_dir)
    assert load_model(tiny_model_dir) is first
    assert first.heads[0].labels == ("c0", "c1", "c2") and first.sampling_rate == SR
    assert first.supports_padding is False and first.device == "cpu"


def test_padding_support_follows_the_feature_extractor(tiny_masked_model_dir):
    assert load_model(tiny_masked_model_dir).supports_padding is True


def test_hub_model_offline_fails_fast_with_a_clear_message():
    started = time.monotonic()
    with pytest.raises(ModelLoadError, match="no network: hub model 'superb/wav2vec2-base-superb-er'"):
        load_model("superb-er")
    assert time.monotonic() - started < 15


def test_missing_folder_and_non_model_folder(tmp_path):
    with pytest.raises(ModelLoadError, match="not found"):
        load_model(str(tmp_path / "nope"))
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelLoadError, match="not a usable transformers audio classifier"):
        load_model(str(tmp_path))


def test_remote_code_stays_off(tiny_model_dir, monkeypatch):
    from transformers import AutoModelForAudioClassification

    seen = {}
    original = AutoModelForAudioClassification.from_pretrained

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(AutoModelForAudioClassification, "from_pretrained", spy)
    load_model(tiny_model_dir, heads="x:3")
    assert seen["trust_remote_code"] is False


def test_callable_with_logits_dict_and_bad_shape():
    def fn(waveforms, sr):
        return {"h1": np.zeros((len(waveforms), 2)), "h2": np.tile([0.0, np.log(3.0)], (len(waveforms), 1))}

    model = CallableClassifier(fn, {"h1": ["a", "b"], "h2": ["x", "y"]}, outputs="logits")
    probs = model.predict(np.zeros((3, 100), np.float32), np.array([100] * 3))
    assert probs["h1"][0] == pytest.approx([0.5, 0.5]) and probs["h2"][2] == pytest.approx([0.25, 0.75])
    broken = CallableClassifier(lambda w, sr: np.zeros((len(w), 5)), ["a", "b"])
    with pytest.raises(ValueError, match="expected \\(batch, 2\\)"):
        broken.predict(np.zeros((1, 10), np.float32), np.array([10]))
