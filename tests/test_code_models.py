"""Third-party models from Python code (file.py:name, package.module:name) and checks on model outputs."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import soundfile as sf

from speechxai_core import CallableClassifier
from speechxai_core.explain import explain
from speechxai_core.models import ModelLoadError, load_model
from speechxai_core.scoring import ModelOutputError
from speechxai_core.serving.hosting import is_hosted

from .conftest import SR, harmonic_tone

MODEL_FILE = textwrap.dedent('''
    import numpy as np
    from speechxai_core import CallableClassifier

    def _loudness(waveforms, sr):
        energy = (waveforms[:, : sr // 2].astype(np.float64) ** 2).mean(axis=1)
        loud = np.tanh(100 * energy)
        return np.stack([loud, 1 - loud], axis=1)

    def _nan(waveforms, sr):
        return np.full((len(waveforms), 2), np.nan)

    loud = CallableClassifier(_loudness, ["loud", "quiet"], 16000, name="loudness")

    def build():
        return CallableClassifier(_loudness, ["loud", "quiet"], 16000, name="built")

    broken = CallableClassifier(_nan, ["yes", "no"], 16000, name="nan-model")
    not_a_model = 42
''')


@pytest.fixture()
def model_file(tmp_path):
    path = tmp_path / "my_model.py"
    path.write_text(MODEL_FILE)
    return path


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "speechxai_core.cli", *args], capture_output=True, text=True,
                          timeout=300)


def test_file_and_module_specs_load_a_classifier_or_a_function_returning_one(model_file, monkeypatch):
    assert load_model(f"{model_file}:loud").name == "loudness"
    assert load_model(f"{model_file}:build").name == "built"
    monkeypatch.syspath_prepend(str(model_file.parent))
    assert load_model("my_model:loud").name == "loudness"
    for spec, message in [(f"{model_file}:missing", "has no 'missing'"), (f"{model_file}:not_a_model", "neither"),
                          (f"{model_file.parent}/nope.py:loud", "not found"), ("no_such_module_x:m", "importing")]:
        with pytest.raises(ModelLoadError, match=message):
            load_model(spec)
    with pytest.raises(ModelLoadError, match="only when the app runs locally"):
        load_model(f"{model_file}:loud", allow_code_models=False)


def test_hosted_means_a_space_or_a_server_beyond_loopback():
    assert is_hosted({"SPACE_ID": "user/space"}) and is_hosted({}) and is_hosted({"GRADIO_SERVER_NAME": "0.0.0.0"})
    assert not is_hosted({"GRADIO_SERVER_NAME": "127.0.0.1"}) and not is_hosted({"GRADIO_SERVER_NAME": "localhost"})


def test_cli_runs_a_file_model_and_stops_on_nan_outputs(tmp_path, model_file, three_words):
    audio = tmp_path / "clip.wav"
    sf.write(audio, harmonic_tone(seconds=2.0), SR)
    words = tmp_path / "words.json"
    words.write_text(json.dumps(three_words))
    out = tmp_path / "out.json"
    ok = _cli("explain", str(audio), "--model", f"{model_file}:loud", "--words", str(words), "--methods", "loo",
              "--quiet", "--json", str(out))
    assert ok.returncode == 0, ok.stderr
    data = json.loads(out.read_text())
    assert data["model"]["name"] == "loudness" and len(data["word_scores"]["class"]) == 3
    bad = _cli("explain", str(audio), "--model", f"{model_file}:broken", "--words", str(words), "--methods", "loo",
               "--quiet")
    assert bad.returncode == 2 and "NaN" in bad.stderr and "nan-model" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_infinite_outputs_and_one_class_logits_are_refused():
    clip = (harmonic_tone(seconds=1.0), SR)
    infinite = CallableClassifier(lambda w, sr: np.full((len(w), 2), np.inf), ["a", "b"], SR, name="inf-model")
    with pytest.raises(ModelOutputError, match="inf-model.*infinite"):
        explain(clip, infinite, methods="paraling", grid="fast")
    with pytest.raises(ValueError, match="softmax over one class is\\s+always 1"):
        CallableClassifier(lambda w, sr: np.zeros((len(w), 1)), ["yes"], SR, outputs="logits")


def test_scores_that_do_not_sum_to_one_are_explained_as_they_are(three_words):
    detector = CallableClassifier(lambda w, sr: np.full((len(w), 2), 0.9), ["speech", "music"], SR)
    result = explain((harmonic_tone(seconds=2.0), SR), detector, words=three_words, methods="loo")
    assert result.heads[0].probabilities == [0.9, 0.9]
