"""The model's input window (words beyond it are not scored) and explaining a segment of a recording."""

import json
import subprocess
import sys

import numpy as np
import pytest

from speechxai_core import CallableClassifier
from speechxai_core.audio import save_wav
from speechxai_core.evaluation.faithfulness import evaluate_explanation
from speechxai_core.evaluation.dataset_summary import word_summary
from speechxai_core.explain import explain
from speechxai_core.explain.replay import variant_audio
from speechxai_core.explanation import Explanation
from speechxai_core.models import load_model
from speechxai_core.viz import transcript_html, waveform_figure, word_table_html

from .conftest import SR, harmonic_tone

WORDS = [{"word": "one", "start": 0.05, "end": 0.4}, {"word": "two", "start": 0.5, "end": 0.75},
         {"word": "three", "start": 1.0, "end": 1.6}]


def recording_model(window=1.0):
    """p('loud') from the energy of the first ``window`` seconds; every input it receives is kept."""
    seen = []

    def fn(waveforms, sr):
        seen.append(waveforms.copy())
        energy = (waveforms[:, : int(window * sr)].astype(np.float64) ** 2).mean(axis=1)
        loud = np.tanh(200 * energy)
        return np.stack([loud, 1 - loud], axis=1)

    return CallableClassifier(fn, ["loud", "quiet"], SR, name="first-second", max_duration=window), seen


def test_input_windows_come_from_the_model(tiny_model_dir):
    assert load_model("demo").max_duration == 8.0  # declared by the encoder-slots model's config
    assert load_model("demo-small").max_duration == pytest.approx(4.98, abs=0.03)  # Whisper-type, 5 s extractor
    assert load_model(tiny_model_dir).max_duration is None  # wav2vec2-type: any length
    with pytest.raises(ValueError, match="max_duration"):
        CallableClassifier(lambda w, sr: w[:, :2], ["a", "b"], max_duration=0)


def test_words_beyond_the_window_are_not_scored_anywhere():
    model, seen = recording_model(1.0)
    clip = (harmonic_tone(seconds=2.0), SR)
    result = explain(clip, model, words=WORDS, methods="loo")
    assert result.word_scores["class"][2] is None and all(v is not None for v in result.word_scores["class"][:2])
    assert [v.id for v in result.variants] == ["original", "word:0", "word:1"]  # no pass spent on "three"
    assert sum(len(batch) for batch in seen) == 3
    assert result.warning_codes() == ["beyond_model_window"] and "three" in result.warnings[0].message
    data = json.loads(result.to_json())
    assert data["word_scores"]["class"][2] is None and data["model"]["max_duration"] == 1.0
    assert Explanation.from_json(result.to_json()).word_scores["class"][2] is None
    assert "not heard" in word_table_html(result) and "sx-unheard" in transcript_html(result)
    names = [trace.name for trace in waveform_figure(result, clip[0]).data if trace.name]
    assert names.count("words") == 1 and names.count("not heard") == 1
    faith = evaluate_explanation(result, clip, model, seeds=(0,))
    assert faith["class"].selections >= 1
    rows = word_summary([{"explanation": data}])
    assert "three" not in set(rows["word"])


def test_a_segment_keeps_the_recordings_timeline_and_replays_exactly_what_was_scored():
    model, seen = recording_model(1.0)
    clip = (harmonic_tone(seconds=2.0), SR)
    result = explain(clip, model, words=WORDS, methods="loo", start=0.45, end=1.9)
    assert result.audio["segment"] == {"start": 0.45, "end": 1.9} and result.audio["duration"] == 2.0
    assert [(w.word, w.start, w.end) for w in result.words] == [("two", 0.5, 0.75), ("three", 1.0, 1.6)]
    assert all(v is not None for v in result.word_scores["class"])  # "three" is heard within the segment
    assert len(seen[-1][0]) == round(1.45 * SR)
    for variant in ("original", "word:1"):
        seen.clear()
        scored = variant_audio(result, clip, variant)
        model.predict(scored[None], np.array([len(scored)]))
        assert np.array_equal(seen[-1][0], scored) and len(scored) == round(1.45 * SR)
    masked = variant_audio(result, clip, "word:1")  # "three" at 1.0-1.6 s of the recording = 0.55-1.15 s here
    assert np.all(masked[int(0.56 * SR):int(1.14 * SR)] == 0) and np.any(masked[int(0.1 * SR):int(0.5 * SR)] != 0)
    with pytest.raises(ValueError, match="empty or reversed"):
        explain(clip, model, words=WORDS, methods="loo", start=1.5, end=1.0)


def test_cli_on_a_20_s_recording_with_the_demo_model(tmp_path):
    from .align_fixtures import spoken

    audio, truth = spoken("turn on the lights in the kitchen please and then set a timer for five minutes "
                          "and lock the front door before we leave for the weekend", rate=80)
    assert audio.duration > 12
    path = save_wav(audio, tmp_path / "long.wav")
    words = tmp_path / "words.json"
    words.write_text(json.dumps([{"word": w, "start": a, "end": b} for w, a, b in truth]))

    def run(*extra):
        out = tmp_path / "out.json"
        result = subprocess.run([sys.executable, "-m", "speechxai_core.cli", "explain", str(path), "--words",
                                 str(words), "--methods", "loo", "--quiet", "--json", str(out), *extra],
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        return json.loads(out.read_text()), result.stdout

    data, stdout = run()
    scores = data["word_scores"]["action"]
    late = [i for i, w in enumerate(data["words"]) if w["start"] > 8.0]
    assert late and all(scores[i] is None for i in late) and scores[0] is not None
    assert [w["code"] for w in data["warnings"]] == ["beyond_model_window"] and "not heard" in stdout
    data, _ = run("--start", "6", "--end", "10")
    assert data["audio"]["segment"] == {"start": 6.0, "end": 10.0}
    assert data["words"] and all(5.9 <= w["start"] and w["end"] <= 10.0 for w in data["words"])
    assert all(v is not None for v in data["word_scores"]["action"])
