"""The recipe of the demo model: the command grammar keeps its held-out phrasings and voices
out of training and points at the right carrying words; augmentation and loss treat a
silenced carrying word as an unknown slot."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import demo_commands as grammar  # noqa: E402
from demo_augment import SAMPLE_RATE, Augmenter  # noqa: E402
from train_demo_model import BLOCKS, slot_loss  # noqa: E402

CARRIER_WORDS = (
    {w for words in grammar.OBJECT_WORDS.values() for w in words}
    | set(grammar.DIRECTION.values()) | {w for words in grammar.VERBS.values() for w in words}
    | set(grammar.FEEL.values()) | set(grammar.STATE.values()) | set(grammar.LOCATIONS[1:])
)


def test_held_out_phrasings_and_voices_never_reach_training():
    for family, templates in grammar.TEMPLATES.items():
        held_out = set(templates["test"]) | set(templates["fresh"])
        assert held_out and not held_out & set(templates["train"]), family
    rng = random.Random(3)
    for _ in range(300):
        command = grammar.sample_command(rng, "test")
        assert command.template in grammar.TEMPLATES[command.family]["test"]
    assert not set(grammar.voices("test")) & set(grammar.voices("train"))
    assert all(v.split("+")[0] in grammar.TEST_LANGUAGES or v.split("+")[1] in grammar.TEST_VARIANTS
               for v in grammar.voices("test"))


def test_fillers_tell_no_slot():
    fillers = set(grammar.FILLER_WORDS)
    assert not fillers & CARRIER_WORDS
    assert not fillers & {"on", "off", "up", "down", "language", "warm", "cold", "hot", "loud", "quiet"}


def test_carriers_point_at_their_words_with_fillers_around():
    plain = {  # each family's training templates with their optional opener and closer, without fillers
        family: {f"{p}{t}{x}" for t in templates["train"]
                 for p in ["", *(f"{w} " for w in grammar.TRAIN_PREFIXES)]
                 for x in ["", *(f" {w}" for w in grammar.TRAIN_SUFFIXES)]}
        for family, templates in grammar.TEMPLATES.items()
    }
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


def _three_tone_words():
    """Three 0.4 s "words", each a tone of its own frequency, after 0.1 s of silence."""
    t = np.arange(int(0.4 * SAMPLE_RATE)) / SAMPLE_RATE
    gap = np.zeros(int(0.1 * SAMPLE_RATE))
    audio = np.concatenate([gap, *[0.3 * np.sin(2 * np.pi * f * t) for f in TONES], gap]).astype(np.float32)
    return audio, [{"start": 0.1 + 0.4 * i, "end": 0.5 + 0.4 * i} for i in range(3)]


def _audible(audio: np.ndarray, frequency: float) -> bool:
    """Whether the band within 20 % of ``frequency`` (speed changes move it) holds 5 % of the energy."""
    power = np.abs(np.fft.rfft(audio)) ** 2
    band = np.abs(np.fft.rfftfreq(len(audio), 1 / SAMPLE_RATE) - frequency) < 0.2 * frequency
    return power[band].sum() / power.sum() > 0.05


def test_a_silenced_carrier_makes_its_slots_unknown():
    audio, words = _three_tone_words()
    augment = Augmenter(seed=1, carrier_rate=1.0)
    for _ in range(20):
        augmented, unknown = augment(audio, words, {"action": 1, "object": 1, "location": None})
        assert unknown == {"action", "object"}
        assert not _audible(augmented, TONES[1])


def test_only_words_that_carry_nothing_are_silenced_otherwise():
    audio, words = _three_tone_words()
    augment = Augmenter(seed=2, carrier_rate=0.0)
    silenced_others = 0
    for _ in range(40):
        augmented, unknown = augment(audio, words, {"action": 1, "object": None, "location": None})
        assert unknown == set() and _audible(augmented, TONES[1])
        silenced_others += not (_audible(augmented, TONES[0]) and _audible(augmented, TONES[2]))
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
