"""The out-of-scope signal: the Classifier contract, the ensemble's measure, the warning and the page."""

from __future__ import annotations

import numpy as np
import pytest

from speechxai_core import CallableClassifier
from speechxai_core.explain import explain
from speechxai_core.models.scope import disagreement, ensemble_scope
from speechxai_core.viz import prediction_html

from .conftest import SR, harmonic_tone


class ScopedModel(CallableClassifier):
    """A known-answer model that says how unfamiliar a clip is: its peak amplitude."""

    out_of_scope_threshold = 0.5
    out_of_scope_signal = "peak amplitude"

    def __init__(self):
        super().__init__(lambda waveforms, sr: np.stack([np.full(len(waveforms), 0.7), np.full(len(waveforms), 0.3)],
                                                        axis=1), ["yes", "no"], SR, name="scoped")

    def out_of_scope_score(self, waveforms, lengths):
        return np.abs(waveforms).max(axis=1)


@pytest.mark.parametrize("amplitude, flagged", [(0.9, True), (0.2, False)])
def test_a_models_scope_signal_becomes_a_warning_and_a_banner_next_to_the_prediction(amplitude, flagged):
    clip = harmonic_tone(amplitude=amplitude)
    result = explain((clip, SR), ScopedModel(), methods="paraling", properties=("noise",))
    scope = result.model["scope"]
    assert scope["score"] == pytest.approx(np.abs(clip).max(), abs=1e-4) and scope["threshold"] == 0.5
    assert scope["out_of_scope"] is flagged and scope["signal"] == "peak amplitude"
    assert ("out_of_scope" in result.warning_codes()) is flagged
    assert ("sx-out-of-scope" in prediction_html(result)) is flagged


def test_a_model_without_a_signal_records_none(energy_model):
    result = explain((harmonic_tone(), SR), energy_model, methods="paraling", properties=("noise",))
    assert "scope" not in result.model and "out_of_scope" not in result.warning_codes()


def test_members_that_agree_have_no_disagreement_and_opposite_ones_log_two():
    agree = np.array([[[0.9, 0.1]], [[0.9, 0.1]]])
    opposite = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])
    assert disagreement(agree)[0] == pytest.approx(0.0, abs=1e-9)
    assert disagreement(opposite)[0] == pytest.approx(np.log(2), abs=1e-6)
    # the demo's score is the doubt (one minus the top probability of the members' mean), largest over heads
    assert ensemble_scope({"a": agree, "b": opposite})[0] == pytest.approx(0.5, abs=1e-9)
