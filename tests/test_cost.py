"""Methods are budgeted by work (planned variants × the model's cost measured once), not by the wall
clock of the moment: the same request keeps the same methods when the machine gets slower."""

from __future__ import annotations

import time

import numpy as np
import pytest

from speechxai_core import CallableClassifier
from speechxai_core.explain import explain
from speechxai_core.explain.cost import ModelCost, measure_model_cost, model_cost

from .conftest import SR, harmonic_tone

WORDS = [{"word": w, "start": 0.1 + 0.3 * i, "end": 0.3 + 0.3 * i} for i, w in enumerate(("turn", "the", "light"))]


def slowing_model(pause_s: list[float]) -> CallableClassifier:
    """Energy classifier that sleeps ``pause_s[0]`` per waveform: raising it plays a loaded machine."""
    def fn(waveforms, sr):
        time.sleep(pause_s[0] * len(waveforms))
        loud = np.tanh(50 * (waveforms.astype(np.float64) ** 2).mean(axis=1))
        return np.stack([loud, 1 - loud], axis=1)

    return CallableClassifier(fn, ["loud", "quiet"], SR, name="slowing")


def test_the_models_cost_is_a_line_in_the_clip_length():
    calls = []

    def fn(waveforms, sr):
        calls.append(waveforms.shape)
        time.sleep(0.002 + 0.004 * waveforms.shape[1] / sr)  # per batch of 8: 0.25 ms + 0.5 ms per second
        return np.ones((len(waveforms), 2)) / 2

    cost = measure_model_cost(CallableClassifier(fn, ["a", "b"], SR))
    assert {shape[1] for shape in calls} == {SR, 4 * SR} and all(shape[0] == 8 for shape in calls)
    assert cost.per_second_s == pytest.approx(0.0005, rel=0.3)
    assert cost.seconds_per_variant(2.0) == pytest.approx(0.00025 + 0.001, rel=0.3)


def test_same_request_same_methods_when_the_machine_slows_down():
    pause = [0.001]
    model = slowing_model(pause)
    options = {"lime_samples": 400}
    run = lambda: explain((harmonic_tone(seconds=1.0), SR), model, words=WORDS, methods="loo,lime",  # noqa: E731
                          method_options=options, method_time_limit_s=2.0)
    idle = run()
    assert idle.word_methods == ["loo", "lime"] and "skipped_methods" not in idle.settings
    pause[0] = 0.02  # twenty times slower: a clock-based estimate (400 × 20 ms = 8 s) would skip LIME
    busy = run()
    assert busy.word_methods == idle.word_methods and "skipped_methods" not in busy.settings
    assert busy.method_scores == idle.method_scores
    assert model_cost(model).seconds_per_variant(1.0) < 0.004  # measured once, on the idle model


def test_skip_message_names_the_method_once():
    model = slowing_model([0.0])
    setattr(model, "_speechxai_cost", ModelCost(0.5, 0.0))  # 0.5 s per variant
    messages = []
    result = explain((harmonic_tone(seconds=1.0), SR), model, words=WORDS, methods="loo,shapley,lime",
                     method_options={"lime_samples": 400}, method_time_limit_s=120, notify=messages.append)
    assert result.settings["skipped_methods"]["lime"] == "400 variants, about 3.3 min of work, over the 120 s limit"
    (warning,) = [w.message for w in result.warnings if w.code == "method_skipped"]
    assert warning.count("lime") == 1 and warning.startswith("lime not run: 400 variants")
    assert result.word_methods == ["loo", "shapley"]


def test_shapley_on_a_twenty_word_clip_costs_its_budget_and_fits_the_apps_limit():
    """20 words: ``min(2^n, budget)`` coalitions planned and scored, values and interactions together,
    within a 120 s limit even at 25 ms of work per second of audio (the old sampled Shapley planned
    2,498 coalitions here: 156 s)."""
    words = [{"word": f"w{i}", "start": 0.05 + 0.12 * i, "end": 0.15 + 0.12 * i} for i in range(20)]
    model = slowing_model([0.0])
    setattr(model, "_speechxai_cost", ModelCost(0.0, 0.025))
    messages = []
    result = explain((harmonic_tone(seconds=2.5), SR), model, words=words, methods="shapley",
                     method_time_limit_s=120, notify=messages.append)
    assert result.word_methods == ["shapley"] and "skipped_methods" not in result.settings
    details = result.method_details["shapley"]
    assert details["coalitions"] <= details["budget"] == 300 and not details["exact"]
    assert len([r for r in result.variants if r.kind in ("words", "original")]) == details["coalitions"]
    assert len(result.word_interactions["class"]["indices"]) == 5
