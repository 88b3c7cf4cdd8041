"""Explanations align words by themselves; the CLI's align command and explain options."""

import json

import numpy as np
import pytest

from speechxai_core import CallableClassifier, explain
from speechxai_core.align import AlignmentError, read_words
from speechxai_core.audio import save_wav
from speechxai_core.cli import main
from speechxai_core.explain.runner import AlignmentFallbackWarning

from .align_fixtures import SR, spoken

TEXT = "please turn on the kitchen lights"


@pytest.fixture(scope="module")
def kitchen():
    return spoken(TEXT)


@pytest.fixture(scope="module")
def loudness_model():
    def fn(waveforms, sr):
        loud = np.tanh(50 * (waveforms.astype(np.float64) ** 2).mean(axis=1))
        return np.stack([loud, 1 - loud], axis=1)

    return CallableClassifier(fn, ["loud", "quiet"], SR, name="loudness")


def test_transcript_is_force_aligned_and_recorded_in_the_explanation(kitchen, loudness_model):
    audio, truth = kitchen
    result = explain(audio, loudness_model, transcript=TEXT, methods="loo", targets="loud")
    assert [w.word for w in result.words] == TEXT.split()
    assert result.words[0].start == pytest.approx(truth[0][1], abs=0.04)
    settings = result.settings["aligner"]
    assert settings["name"] == "pocketsphinx" and settings["transcript"] == TEXT and settings["pronunciation_guessed"] == settings["timing_guessed"] == []
    assert len(result.word_scores["class"]) == 6 and max(result.word_scores["class"]) > 0


def test_without_words_or_transcript_the_clip_is_transcribed(kitchen, loudness_model):
    result = explain(kitchen[0], loudness_model, methods="loo")
    assert result.settings["aligner"]["transcribed"] is True
    assert {"kitchen", "lights"} <= {w.word.lower().strip(".,") for w in result.words}


def test_alignment_failure_falls_back_to_windows_or_stops(loudness_model):
    hum = np.zeros(SR, np.float32)
    with pytest.warns(AlignmentFallbackWarning, match="no speech found.*0.25 s windows"):
        result = explain((hum, SR), loudness_model, transcript="hello", methods="loo")
    assert len(result.words) == 4 and result.settings["aligner"]["name"] == "windows"
    assert "no speech found" in result.settings["aligner"]["reason"]
    with pytest.raises(AlignmentError, match="no speech found"):
        explain((hum, SR), loudness_model, transcript="hello", methods="loo", on_align_failure="error")
    with pytest.raises(ValueError, match="on_align_failure"):
        explain((hum, SR), loudness_model, methods="loo", on_align_failure="ignore")


def test_wrong_transcript_stops_cleanly_when_asked(kitchen, loudness_model):
    with pytest.raises(AlignmentError, match="does not (fit|match)"):
        explain(kitchen[0], loudness_model, transcript="no", methods="loo", on_align_failure="error")
    result = explain(kitchen[0], loudness_model, transcript="no", methods="loo", align_options={"window": 0.5})
    assert result.settings["aligner"]["window"] == 0.5 and result.words[1].start == 0.5


def test_cli_align_writes_textgrid_and_json(kitchen, tmp_path, capsys):
    wav = save_wav(kitchen[0], tmp_path / "kitchen.wav")
    assert main(["align", str(wav), "--transcript", TEXT, "--out", str(tmp_path / "k.TextGrid")]) == 0
    assert [w.word for w in read_words(tmp_path / "k.TextGrid")] == TEXT.split()
    assert main(["align", str(wav), "--transcript", TEXT, "--aligner", "pocketsphinx", "--out", str(tmp_path / "k.json")]) == 0
    saved = json.loads((tmp_path / "k.json").read_text())
    assert saved["aligner"]["name"] == "pocketsphinx" and len(saved["words"]) == 6
    assert "6 words by pocketsphinx" in capsys.readouterr().out
    assert main(["align", str(wav), "--aligner", "windows", "--window", "0.5", "--out", str(tmp_path / "w.csv")]) == 0
    assert len(read_words(tmp_path / "w.csv")) == round(kitchen[0].duration / 0.5)


def test_cli_errors_exit_2_with_one_line(kitchen, tmp_path, capsys, tiny_model_dir):
    wav = save_wav(kitchen[0], tmp_path / "kitchen.wav")
    assert main(["align", str(wav), "--transcript", TEXT, "--language", "it", "--aligner", "pocketsphinx"]) == 2
    assert "handles en, not 'it'" in capsys.readouterr().err
    silent = save_wav(np.zeros(SR, np.float32), tmp_path / "silent.wav", SR)
    code = main(["explain", str(silent), "--model", tiny_model_dir, "--methods", "loo", "--transcript", "hi",
                 "--on-align-failure", "error", "--quiet"])
    assert code == 2 and "no speech found" in capsys.readouterr().err
