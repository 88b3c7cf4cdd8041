"""The bundled demo model (a Whisper tiny.en encoder converted on first use + heads): loads,
declares its 8 s window, classifies held-out synthetic commands, and word LOO puts the highest
score on the word that carries each slot; the previous model stays loadable as demo-small."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from speechxai_core.audio import load_audio
from speechxai_core.models import load_model
from speechxai_core.models.presets import ASSETS, PRESETS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "recipes" / "demo_model"))
from demo_plausibility import plausibility_rates  # noqa: E402

MODEL_DIR = ASSETS / "models" / "demo-whisper-tiny"
SMALL_DIR = ASSETS / "models" / "demo-commands"
EVAL_DIR = ASSETS / "demo-eval"


@pytest.fixture(scope="module")
def demo():
    return load_model("demo")


@pytest.fixture(scope="module")
def eval_set():
    return [json.loads(line) for line in open(EVAL_DIR / "manifest.jsonl")]


def test_folder_holds_only_the_heads_and_declares_encoder_and_window(demo):
    config = json.loads((MODEL_DIR / "config.json").read_text())
    assert config["encoder"] == "whisper-tiny.en" and len(config["encoder_sha256"]) == 64
    assert config["window_seconds"] >= 8 and demo.max_duration == config["window_seconds"]
    assert sum(f.stat().st_size for f in MODEL_DIR.iterdir()) < 6 * 1024 * 1024  # heads only: the encoder is 15.6 MB
    assert demo.model.encoder.config.max_source_positions == 400 and demo.model.encoder.config.d_model == 384


def test_previous_model_loads_with_auto_classes_and_is_small():
    from transformers import AutoFeatureExtractor, AutoModelForAudioClassification

    extractor = AutoFeatureExtractor.from_pretrained(SMALL_DIR, local_files_only=True)
    model = AutoModelForAudioClassification.from_pretrained(SMALL_DIR, local_files_only=True)
    assert extractor.sampling_rate == 16000
    assert model.config.num_labels == 24
    assert model.config.id2label[0] == "activate" and model.config.id2label[23] == "washroom"
    assert sum(f.stat().st_size for f in SMALL_DIR.iterdir()) < 10 * 1024 * 1024


def test_preset_heads_match_the_labels(demo):
    assert PRESETS["demo"].heads == "action:6,object:14,location:4"
    assert [head.name for head in demo.heads] == ["action", "object", "location"]
    assert "change language" in demo.heads[0].labels and "none" in demo.heads[2].labels


def test_classifies_held_out_commands(demo, eval_set):
    """A regression floor on the 24 shipped clips (the 95 % target is measured by
    recipes/demo_model/eval_demo_model.py on 600 held-out utterances)."""
    correct = {"action": 0, "object": 0, "location": 0}
    for item in eval_set:
        clip = load_audio(str(EVAL_DIR / item["path"]), demo.sampling_rate)
        probabilities = demo.predict(clip.samples[None], np.array([len(clip.samples)]))
        for head in demo.heads:
            correct[head.name] += head.labels[int(probabilities[head.name][0].argmax())] == item["labels"][head.name]
    for slot, count in correct.items():
        assert count / len(eval_set) >= 0.85, f"{slot}: {count}/{len(eval_set)}"


@pytest.fixture(scope="module")
def plausibility(demo, eval_set):
    items = [(str(EVAL_DIR / item["path"]), item["words"], item["carriers"]) for item in eval_set]
    return plausibility_rates(demo, items)


@pytest.mark.parametrize("slot", ["action", "object", "location"])
def test_word_loo_scores_the_carrying_word_highest(plausibility, slot):
    """A regression floor on the shipped clips: with about 20 utterances per slot one miss
    moves the rate by 5 points, so the floor is 85 % (the 90 % target is measured by
    recipes/demo_model/eval_demo_model.py on 300 held-out utterances per phrasing set). A model whose
    explanations ignored the carrying word would score about one in the clip's word count."""
    rate, count = plausibility[slot]
    assert count >= 5, f"{slot}: only {count} utterances with a carrying word"
    assert rate >= 0.85, f"{slot}: {rate:.0%} of {count}"


def test_examples_are_small_16k_clips_with_fitting_words():
    clips = sorted((ASSETS / "examples").glob("*.wav"))
    assert 3 <= len(clips) <= 5
    for clip in clips:
        info = sf.info(clip)
        assert (info.samplerate, info.channels, info.subtype) == (16000, 1, "PCM_16")
        assert clip.stat().st_size < 200_000
        words = json.loads(clip.with_suffix(".json").read_text())
        assert [w["word"] for w in words] and all(0 <= w["start"] < w["end"] <= info.duration for w in words)
        assert " ".join(w["word"] for w in words) == clip.stem.replace("_", " ")


def test_clips_of_different_lengths_in_one_batch_score_as_they_do_alone(demo, eval_set):
    clips = [load_audio(str(EVAL_DIR / item["path"]), demo.sampling_rate).samples for item in eval_set[:4]]
    lengths = np.array([len(c) for c in clips])
    assert len({demo.extractor.frames(int(n)) for n in lengths}) > 1  # more than one encoded window
    batch = np.zeros((len(clips), lengths.max()), dtype=np.float32)
    for row, clip in zip(batch, clips):
        row[: len(clip)] = clip
    together = demo.predict(batch, lengths)
    for k, clip in enumerate(clips):
        alone = demo.predict(clip[None], np.array([len(clip)]))
        for head in demo.heads:
            np.testing.assert_allclose(together[head.name][k], alone[head.name][0], atol=1e-5)


def test_an_ensemble_of_heads_averages_its_members_log_probabilities():
    import torch

    from speechxai_core.models.encoder_slots import build_heads

    config = {**json.loads((MODEL_DIR / "config.json").read_text()), "members": 3}
    torch.manual_seed(0)
    ensemble = build_heads(config).eval()
    states, mask = torch.randn(2, config["layers"], 7, config["width"]), torch.ones(2, 7, dtype=torch.bool)
    mask[1, 5:] = False
    with torch.no_grad():
        logits = ensemble(states, mask)
        members = [member(states, mask) for member in ensemble.members]
    start = 0
    for size in config["sizes"]:
        expected = sum(m[:, start: start + size].log_softmax(-1) for m in members) / 3
        np.testing.assert_allclose(logits[:, start: start + size], expected, atol=1e-6)
        start += size
    assert not torch.allclose(members[0], members[1])  # the members differ
