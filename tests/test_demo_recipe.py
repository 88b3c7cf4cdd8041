"""The recipe of the demo model: the command grammar keeps its held-out phrasings and voices
out of training and points at the right carrying words; augmenting in the mel-power domain
gives the extractor's features, and a vocal-tract warp moves frequencies by its factor;
augmentation and loss treat a silenced carrying word as an unknown slot."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "recipes" / "demo_model"))
import demo_commands as grammar  # noqa: E402
import soxr  # noqa: E402
from demo_augment import SPEEDS, Augmenter, Plan  # noqa: E402
from demo_features import SAMPLE_RATE, ClipBank, MelFeatures, render  # noqa: E402
from train_demo_model import BLOCKS, feature_extractor, features, slot_loss  # noqa: E402

CARRIER_WORDS = (
    {w for words in grammar.OBJECT_WORDS.values() for w in words}
    | set(grammar.DIRECTION.values()) | {w for words in grammar.VERBS.values() for w in words}
    | set(grammar.FEEL.values()) | set(grammar.STATE.values()) | set(grammar.LOCATIONS[1:])
)


def _with_openers_and_closers(templates: list[str]) -> set[str]:
    """``templates`` as training says them without fillers: each bare, and with every opener and closer."""
    return {f"{p}{t}{x}" for t in templates
            for p in ["", *(f"{w} " for w in grammar.TRAIN_PREFIXES)]
            for x in ["", *(f" {w}" for w in grammar.TRAIN_SUFFIXES)]}


def test_held_out_phrasings_and_voices_never_reach_training():
    for family, templates in grammar.TEMPLATES.items():
        held_out = set(templates["test"]) | set(templates["fresh"]) | set(templates["final"]) | set(templates["late"])
        held_out |= set(templates["fifth"]) | set(templates["sixth"])
        assert held_out and not held_out & _with_openers_and_closers(templates["train"]), family
    rng = random.Random(3)
    for split in ("test", "fresh", "final", "late", "fifth", "sixth"):
        for _ in range(300):
            command = grammar.sample_command(rng, split)
            assert command.template in grammar.TEMPLATES[command.family][split]
    assert not set(grammar.voices("test")) & set(grammar.voices("train"))
    test_picks = {grammar.pick_voice(rng, "test") for _ in range(500)}
    assert test_picks <= set(grammar.voices("test"))
    train_picks = [grammar.pick_voice(rng, "train") for _ in range(2000)]
    assert set(train_picks) <= set(grammar.voices("train")) | set(grammar.FLITE_VOICES)
    assert abs(np.mean([v.startswith("flite:") for v in train_picks]) - grammar.FLITE_SHARE) < 0.03
    assert all(v.split("+")[0] in grammar.TEST_LANGUAGES or v.split("+")[1] in grammar.TEST_VARIANTS
               for v in grammar.voices("test"))


def test_fillers_tell_no_slot():
    fillers = set(grammar.FILLER_WORDS) | set(grammar.SOUND_ALIKES)
    assert not fillers & CARRIER_WORDS
    assert not fillers & {"on", "off", "up", "down", "language", "warm", "cold", "hot", "loud", "quiet"}


def test_carriers_point_at_their_words_with_fillers_around():
    plain = {family: _with_openers_and_closers(templates["train"]) for family, templates in grammar.TEMPLATES.items()}
    rng = random.Random(7)
    with_fillers = 0
    for _ in range(2000):
        command = grammar.sample_command(rng, "train")
        words = command.text.split()
        with_fillers += command.template not in plain[command.family]
        labels, carriers = command.labels, command.carriers
        if carriers["object"] is not None:
            assert words[carriers["object"]] in (set(grammar.OBJECT_WORDS.get(labels["object"], []))
                                                 | set(grammar.FEEL.values()) | set(grammar.STATE.values()))
        if labels["location"] != "none":
            assert words[carriers["location"]] == labels["location"]
        else:
            assert carriers["location"] is None
        if carriers["action"] is not None:
            action_words = {grammar.DIRECTION.get(labels["action"]), *grammar.VERBS.get(labels["action"], []),
                            grammar.FEEL.get((labels["action"], labels["object"])),
                            grammar.STATE.get((labels["action"], labels["object"]))}
            assert words[carriers["action"]] in action_words
    assert 0.5 < with_fillers / 2000 < 0.7


TONES = (300.0, 1000.0, 3000.0)
EXTRACTOR = feature_extractor()
FRAME = EXTRACTOR.hop_length / SAMPLE_RATE  # s


@pytest.fixture(scope="module")
def tone_clip():
    """Three 0.42 s "words", each a tone of its own frequency, after 0.12 s of silence; the
    demo extractor split in two; the clip's bank; a white-noise bank."""
    t = np.arange(int(0.42 * SAMPLE_RATE)) / SAMPLE_RATE
    gap = np.zeros(int(0.12 * SAMPLE_RATE))
    audio = np.concatenate([gap, *[0.3 * np.sin(2 * np.pi * f * t) for f in TONES], gap]).astype(np.float32)
    words = [{"start": 0.12 + 0.42 * i, "end": 0.54 + 0.42 * i} for i in range(3)]
    mel = MelFeatures(EXTRACTOR)
    return audio, words, EXTRACTOR, mel, ClipBank(mel, [audio]), mel.white_noise(4)


def _render(tone_clip, plan: Plan) -> np.ndarray:
    _, words, _, mel, bank, noise = tone_clip
    return render(mel, bank, [0], [plan], [words], noise, np.random.default_rng(0))[0].numpy()


def _audible(features: np.ndarray, words: list[dict], index: int, plan: Plan) -> bool:
    """Whether, in the mel bands of word ``index``'s tone (speed and warp move it by up to 27 %), the
    word's middle frames (where ``plan`` put them) rise 0.5 above the clip's leading silence."""
    hertz = np.linspace(0, SAMPLE_RATE / 2, EXTRACTOR.mel_filters.shape[0])
    bands = np.flatnonzero(EXTRACTOR.mel_filters[np.abs(hertz - TONES[index]) < 0.3 * TONES[index]].max(axis=0) > 0)
    shift = round(plan.lead / FRAME)
    start, end = (shift + round(words[index][key] / SPEEDS[plan.speed] / FRAME) for key in ("start", "end"))
    level = features[bands][:, start + 2 : end - 2].mean(axis=1)
    silence = features[bands][:, shift : shift + 2].max(axis=1)
    return bool((level > silence + 0.5).any())


def test_rendered_features_are_the_extractors_features_of_the_changed_audio(tone_clip):
    audio, words, extractor, *_ = tone_clip
    assert np.abs(_render(tone_clip, Plan()) - features(extractor, [audio])[0].numpy()).max() < 2e-3
    fast = SPEEDS.index(1.15)
    resampled = soxr.resample(audio, SAMPLE_RATE, SAMPLE_RATE / SPEEDS[fast])
    assert np.abs(_render(tone_clip, Plan(speed=fast)) - features(extractor, [resampled])[0].numpy()).max() < 2e-3
    lead = 4 * FRAME
    changed = audio.copy()
    changed[int(words[2]["start"] * SAMPLE_RATE) : int(words[2]["end"] * SAMPLE_RATE)] = 0.0
    changed = np.concatenate([np.zeros(round(lead * SAMPLE_RATE), np.float32), changed]) * 10 ** (-6 / 20)
    difference = np.abs(_render(tone_clip, Plan(silenced=frozenset({2}), lead=lead, gain_db=-6.0))
                        - features(extractor, [changed])[0].numpy()).max(axis=0)
    assert (difference > 2e-3).sum() <= 2  # the silenced word's two edge frames, where the window straddles
    noisy = changed + np.random.default_rng(1).standard_normal(len(changed)).astype(np.float32) * np.sqrt(
        np.mean(audio**2) * 10 ** (-6 / 10) / 10 ** (20 / 10))
    gap = (_render(tone_clip, Plan(silenced=frozenset({2}), lead=lead, gain_db=-6.0, snr_db=20.0))
           - features(extractor, [noisy])[0].numpy())
    assert abs(gap.mean()) < 0.02 and np.abs(gap).mean() < 0.05


def test_a_vocal_tract_warp_moves_every_tone_by_its_factor(tone_clip):
    """The power-weighted mean frequency of each word's frames moves by the warp factor."""
    words, mel = tone_clip[1], tone_clip[3]

    def mean_frequencies(plan: Plan) -> np.ndarray:
        power = 10.0 ** (4.0 * _render(tone_clip, plan) - 4.0)
        spans = [(round(w["start"] / FRAME) + 2, round(w["end"] / FRAME) - 2) for w in words]
        return np.array([(mel.centres @ power[:, a:b]).sum() / power[:, a:b].sum() for a, b in spans])

    plain = mean_frequencies(Plan())
    assert plain == pytest.approx(TONES, rel=0.05)
    assert np.abs(_render(tone_clip, Plan(warp=1.0)) - _render(tone_clip, Plan())).max() == 0.0
    for alpha in (0.9, 1.1):
        assert mean_frequencies(Plan(warp=alpha)) / plain == pytest.approx([alpha] * 3, rel=0.02)
    augment = Augmenter(seed=3)
    warps = [augment(words, {"action": 1, "object": None, "location": None}).warp for _ in range(200)]
    assert 0.3 < np.mean(np.array(warps) != 1.0) < 0.9 and 0.9 <= min(warps) and max(warps) <= 1.1


def test_a_silenced_carrier_makes_its_slots_unknown(tone_clip):
    words = tone_clip[1]
    augment = Augmenter(seed=1, carrier_rate=1.0)
    for _ in range(20):
        plan = augment(words, {"action": 1, "object": 1, "location": None})
        assert plan.unknown == {"action", "object"} and 1 in plan.silenced
        assert not _audible(_render(tone_clip, plan), words, 1, plan)


def test_only_words_that_carry_nothing_are_silenced_otherwise(tone_clip):
    words = tone_clip[1]
    augment = Augmenter(seed=2, carrier_rate=0.0)
    silenced_others = 0
    for _ in range(40):
        plan = augment(words, {"action": 1, "object": None, "location": None})
        rendered = _render(tone_clip, plan)
        assert plan.unknown == set() and _audible(rendered, words, 1, plan)
        heard = [_audible(rendered, words, i, plan) for i in (0, 2)]
        assert heard == [i not in plan.silenced for i in (0, 2)]
        silenced_others += not all(heard)
    assert 5 <= silenced_others <= 35


def test_slot_loss_uses_uniform_targets_for_unknown_slots():
    torch.manual_seed(0)
    logits = torch.randn(3, BLOCKS[-1][1])
    y = torch.tensor([[0, 1, 2], [5, 13, 3], [1, 0, 0]])
    known = torch.zeros(3, 3, dtype=torch.bool)
    unknown = known.clone()
    unknown[1, 0] = True
    expected = 0.0
    for k, (a, b) in enumerate(BLOCKS):
        log_p = torch.log_softmax(logits[:, a:b], 1)
        terms = [-log_p[i, y[i, k]] if not unknown[i, k] else -log_p[i].mean() for i in range(3)]
        expected += torch.stack(terms).mean()
    assert slot_loss(logits, y, unknown).item() == pytest.approx(expected.item(), rel=1e-6)
    assert slot_loss(logits, y, unknown).item() != pytest.approx(slot_loss(logits, y, known).item(), rel=1e-3)


def test_heads_of_several_seeds_combine_into_one_loadable_ensemble(tmp_path, monkeypatch):
    import json

    from safetensors.torch import load_file, save_file

    import combine_heads
    from speechxai_core.models.encoder_slots import build_heads

    config = {"layers": 2, "width": 8, "hidden": 8, "sizes": [3, 2], "context_layers": 1}
    members = []
    for seed in range(2):
        torch.manual_seed(seed)
        folder = tmp_path / f"seed{seed}"
        folder.mkdir()
        save_file(build_heads(config).state_dict(), str(folder / "heads.safetensors"))
        (folder / "config.json").write_text(json.dumps(config))
        members.append(folder)
    monkeypatch.setattr(sys, "argv", ["combine_heads.py", *map(str, members), "--out", str(tmp_path / "ensemble")])
    combine_heads.main()
    combined = json.loads((tmp_path / "ensemble" / "config.json").read_text())
    assert combined == {**config, "members": 2}
    ensemble = build_heads(combined)
    ensemble.load_state_dict(load_file(str(tmp_path / "ensemble" / "heads.safetensors")))  # strict
    assert torch.equal(ensemble.members[1].project.weight, load_file(str(members[1] / "heads.safetensors"))["project.weight"])
    (members[1] / "config.json").write_text(json.dumps({**config, "hidden": 16}))
    with pytest.raises(SystemExit, match="differ"):
        combine_heads.main()
