"""What a hosted app says and refuses: no server folder in answers, absurd inputs refused before any
work, Gradio's own refusals (a server path, too few values) as one log line and a message."""

from __future__ import annotations

import json
import logging
import time

import numpy as np
import pytest
import requests

import app
from speechxai_core import CallableClassifier
from speechxai_core.align import whisper
from speechxai_core.audio import Audio
from speechxai_core.errors import echo
from speechxai_core.explain import explain
from speechxai_core.models.heads import HeadSpecError
from speechxai_core.models.presets import PRESETS
from speechxai_core.serving import runner
from speechxai_core.serving.limits import Limits, RequestError
from speechxai_core.serving.runner import APP_ROOT, ExplainRequest, hide_server_paths
from tests.app.conftest import HEADS, WORDS, spoken_like_clip
from tests.conftest import SR


def windowed_demo(window: float = 0.6) -> CallableClassifier:
    """A stand-in for the bundled demo model (named by its install path, as ``load_model`` names it) that
    hears only the first ``window`` seconds."""
    def fn(waveforms, sr):
        energy = (waveforms[:, : int(window * sr)].astype(np.float64) ** 2).mean(axis=1)
        loud = np.tanh(200 * energy)
        return np.stack([loud, 1 - loud], axis=1)

    return CallableClassifier(fn, ["loud", "quiet"], SR, name=PRESETS["demo"].source, max_duration=window)


def test_model_window_warning_names_the_preset_and_the_pages_words(clip_files, monkeypatch):
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")  # hosted
    monkeypatch.setattr(runner, "load_model", lambda *args, **kwargs: windowed_demo())
    request = ExplainRequest(clip_files["wav"], model="demo", words_file=clip_files["words"], properties=[])
    answer = app.explain_json(request, Limits(max_duration_s=10))
    text = json.dumps(answer)
    assert str(APP_ROOT) not in text and "assets/models" not in text
    (warning,) = [w for w in answer["warnings"] if w["code"] == "beyond_model_window"]
    assert "the model 'demo' hears only the first 0.6 s" in warning["message"]
    assert "Explain from / up to" in warning["message"] and "start/end" not in warning["message"]
    assert "The model 'demo' hears" in answer["notice"] and answer["model"]["name"] == "demo"


def test_library_warning_names_the_model_not_its_folder():
    result = explain((spoken_like_clip(), SR), windowed_demo(), words=WORDS, methods="loo")
    assert "'demo'" in result.warnings[0].message and str(APP_ROOT) not in result.warnings[0].message


def test_server_paths_left_in_a_text_become_their_last_part(tmp_path):
    model = str(tmp_path / "models" / "my-model")
    text = hide_server_paths(f"the model '{model}' read {APP_ROOT}/assets/x.wav; /etc/passwd stays", model)
    assert text == "the model 'my-model' read x.wav; /etc/passwd stays"


@pytest.mark.parametrize("field, value, words", [
    ("transcript", " ".join(["word"] * 100_000), "the transcript has 100,000 words"),
    ("targets", "x" * 5000, "the class to explain is 5,000 characters long"),
    ("heads", "a:1," * 2000, "the heads spec is 8,000 characters long"),
    ("model", "m" * 5000, "the model name is 5,000 characters long"),
])
def test_absurd_text_is_refused_at_once_with_a_short_message(clip_files, model_dir, field, value, words, caplog,
                                                             tmp_path):
    request = ExplainRequest(clip_files["wav"], model=model_dir, heads=HEADS, properties=[])
    setattr(request, field, value)
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, "speechxai.app"):
        views = list(app.run_views(request, Limits(max_duration_s=60), app.Workspace(root=tmp_path / "ws")))
    assert time.perf_counter() - started < 1.0  # refused before the model or the clip is touched
    message = views[-1]["error"]
    assert message.startswith(words) and len(message) < 200, message
    assert len(caplog.records) == 1 and len(caplog.records[0].getMessage()) < 250


def test_a_long_class_name_is_cut_in_the_librarys_message(model_dir, clip_files):
    with pytest.raises(HeadSpecError) as caught:
        explain(clip_files["wav"], model_dir, heads=HEADS, words=clip_files["words"], targets="y" * 5000,
                methods="loo")
    assert len(str(caught.value)) < 200 and "5,000 characters" in str(caught.value)
    assert echo("short") == "short" and echo("z" * 61).endswith("… (61 characters)")


def test_transcript_bound_follows_the_clip_limit():
    Limits(max_duration_s=60).check_transcript(" ".join(["word"] * 600))
    with pytest.raises(RequestError, match="at most 600 words"):
        Limits(max_duration_s=60).check_transcript(" ".join(["word"] * 601))
    with pytest.raises(RequestError, match="at most 20 words"):
        Limits(max_duration_s=1).check_transcript("a " * 21)


def test_whisper_decoding_is_capped_by_the_clip_length(monkeypatch):
    """On noise Whisper looped on a made-up phrase up to 224 tokens per fallback temperature (20-70 s for
    3 s of noise); the cap follows the audio's length."""
    seen = {}

    class Model:
        def transcribe(self, samples, **options):
            seen.update(options)
            return iter(()), None

    transcriber = whisper.WhisperTranscriber.__new__(whisper.WhisperTranscriber)
    transcriber.model, transcriber.english_only = Model(), True
    noise = np.random.default_rng(4).standard_normal(3 * 16000).astype(np.float32) * 0.05
    assert transcriber.transcription(Audio(noise, 16000, "noise")).text == ""
    assert seen["max_new_tokens"] == whisper.token_budget(3.0) == 46
    assert whisper.token_budget(600) == whisper.MAX_NEW_TOKENS


def test_raw_api_call_with_a_server_path_gets_a_message_and_one_log_line(app_url, caplog, capfd):
    with caplog.at_level(logging.INFO):
        for data, said in (([{"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}] + [None] * 40,
                            "was not uploaded to this server"),
                           ([{"path": "/etc/passwd"}], "values, the request has 1")):
            event = requests.post(app_url + "gradio_api/call/explain", json={"data": data}, timeout=30).json()
            stream = requests.get(app_url + f"gradio_api/call/explain/{event['event_id']}", timeout=60).text
            assert "event: error" in stream, stream
            payload = json.loads(stream.split("data:", 1)[1].strip().splitlines()[0])
            assert said in (payload["error"] or ""), payload
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 2 and all("\n" not in r.getMessage() for r in refusals)
    assert not [r for r in caplog.records if r.exc_info] and "Traceback" not in capfd.readouterr().err


def test_notice_sentences_keep_file_names_as_written():
    assert runner._sentence("silence3.wav: no words were found") == "silence3.wav: no words were found."
    assert runner._sentence("the model hears 8 s") == "The model hears 8 s."
    assert runner._sentence("lime not run: 400 variants") == "Lime not run: 400 variants."
