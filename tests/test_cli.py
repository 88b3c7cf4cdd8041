import json
import subprocess
import sys

import pytest
import soundfile as sf

from .conftest import SR, harmonic_tone


def _run(*args):
    return subprocess.run([sys.executable, "-m", "speechxai_core.cli", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture()
def clip_with_words(tmp_path, three_words):
    """A 2 s tone saved as ``clip.wav`` and its three words as ``words.json``."""
    audio = tmp_path / "clip.wav"
    sf.write(audio, harmonic_tone(seconds=2.0), SR)
    words = tmp_path / "words.json"
    words.write_text(json.dumps(three_words))
    return audio, words


def test_explain_prints_tables_and_writes_json_and_csv(tmp_path, tiny_multihead_dir, clip_with_words):
    audio, words = clip_with_words
    out, table = tmp_path / "out.json", tmp_path / "words.csv"
    result = _run("explain", str(audio), "--model", tiny_multihead_dir, "--heads", "a:2,b:3,c:4", "--words",
                  str(words), "--grid", "fast", "--json", str(out), "--csv", str(table), "--target", "b=c4")
    assert result.returncode == 0, result.stderr
    assert "word attribution" in result.stdout and "paralinguistic attribution" in result.stdout
    assert "three" in result.stdout and "stretch_down" in result.stdout
    data = json.loads(out.read_text())
    assert [h["name"] for h in data["heads"]] == ["a", "b", "c"] and data["heads"][1]["target"] == "c4"
    assert len(data["word_scores"]["c"]) == 3 and set(data["paralinguistic"]["a"]) >= {"noise", "reverb"}
    assert table.read_text().splitlines()[0] == "word,start,end,a,b,c"


def test_bad_input_exits_nonzero_with_one_line(tmp_path, tiny_model_dir):
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("hello " * 100)
    cases = [
        ("explain", str(tmp_path / "missing.wav"), "--model", tiny_model_dir, "--methods", "paraling"),
        ("explain", str(not_audio), "--model", tiny_model_dir, "--methods", "paraling"),
        ("explain", str(not_audio), "--model", str(tmp_path / "no-model")),
    ]
    for args in cases:
        result = _run(*args)
        assert result.returncode == 2
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:") and "Traceback" not in result.stderr
    audio = tmp_path / "clip.wav"
    sf.write(audio, harmonic_tone(seconds=1.0), SR)
    result = _run("explain", str(audio), "--model", tiny_model_dir, "--methods", "loo,shap")
    assert result.returncode == 2 and "unknown method" in result.stderr


def test_models_lists_presets():
    result = _run("models")
    assert result.returncode == 0 and "superb/wav2vec2-base-superb-ic" in result.stdout and "demo" in result.stdout


def test_explain_runs_every_method_by_name(tmp_path, tiny_multihead_dir, clip_with_words):
    audio, words = clip_with_words
    out, table = tmp_path / "out.json", tmp_path / "words.csv"
    methods = "loo,lime,shapley,gradient,gradient_x_input,integrated_gradients,paraling"
    result = _run("explain", str(audio), "--model", tiny_multihead_dir, "--heads", "a:2,b:3,c:4", "--words",
                  str(words), "--grid", "fast", "--properties", "noise", "--repeats", "2", "--methods", methods,
                  "--lime-samples", "50", "--ig-steps", "4", "--json", str(out), "--csv", str(table), "--quiet")
    assert result.returncode == 0, result.stderr
    for method in methods.split(",")[:-1]:
        assert f"word attribution ({method})" in result.stdout
    data = json.loads(out.read_text())
    assert list(data["method_scores"]) == methods.split(",")[1:-1]
    assert len(data["method_scores"]["lime"]["b"]) == 3 and data["method_details"]["lime"]["samples"] == 50
    assert data["word_interactions"]["a"]["words"] and data["settings"]["repeats"] == 2
    assert len(data["paralinguistic_drops_std"]["c"]["noise"]) == 5
    header = table.read_text().splitlines()[0].split(",")
    assert header[:6] == ["word", "start", "end", "a", "b", "c"] and "shapley:b" in header and "lime:c" in header
    assert (tmp_path / "words.interactions.csv").read_text().startswith("head,word_a,word_b")
    bad = _run("explain", str(audio), "--model", tiny_multihead_dir, "--words", str(words), "--methods", "loo,shap")
    assert bad.returncode != 0 and "unknown method(s) shap" in bad.stderr


def test_explain_with_a_contrast_writes_it_with_its_head(tmp_path, tiny_multihead_dir, clip_with_words):
    audio, words = clip_with_words
    out = tmp_path / "out.json"
    base = ("explain", str(audio), "--model", tiny_multihead_dir, "--heads", "a:2,b:3,c:4", "--words", str(words),
            "--methods", "loo")
    result = _run(*base, "--target", "b=c2", "--contrast", "b=c4", "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "rather than c4" in result.stdout
    data = json.loads(out.read_text())
    assert data["heads"][1]["contrast"] == "c4" and data["heads"][1]["contrast_index"] == 2
    assert data["heads"][0]["contrast"] is None and data["settings"]["contrast"] == {"b": "c4"}
    same = _run(*base, "--target", "b=c2", "--contrast", "b=c2")
    assert same.returncode == 2 and "is the explained class" in same.stderr
    wrong = _run(*base, "--contrast", "d=c4")
    assert wrong.returncode == 2 and "not a head" in wrong.stderr


def test_explain_bands_and_phonemes_write_json_csv_and_tables(tmp_path, tiny_model_dir, clip_with_words):
    audio, words = clip_with_words
    out, table = tmp_path / "out.json", tmp_path / "words.csv"
    result = _run("explain", str(audio), "--model", tiny_model_dir, "--words", str(words), "--methods",
                  "bands,band_shapley,word_bands,phonemes", "--bands", "3", "--json", str(out), "--csv", str(table))
    assert result.returncode == 0, result.stderr
    assert "frequency bands" in result.stdout and "phonemes" in result.stdout and "word × band" in result.stdout
    data = json.loads(out.read_text())
    assert len(data["bands"]) == 3 and data["bands"][0] == {"low_hz": 0.0, "high_hz": data["bands"][1]["low_hz"]}
    assert len(data["band_scores"]["class"]) == 3 and len(data["unit_method_scores"]["bands"]["shapley"]["class"]) == 3
    assert [p["word_index"] for p in data["phonemes"]][0] == 0 and len(data["phoneme_scores"]["class"]) == len(
        data["phonemes"])
    assert len(data["word_band_scores"]["class"]) == 3 and len(data["word_band_scores"]["class"][0]) == 3
    for suffix in ("bands", "word_bands", "phonemes"):
        assert (tmp_path / f"words.{suffix}.csv").read_text().count("\n") > 3
    bad = _run("explain", str(audio), "--model", tiny_model_dir, "--methods", "bands", "--bands", "0")
    assert bad.returncode == 2 and "bands" in bad.stderr
