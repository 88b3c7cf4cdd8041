"""Caveats travel with the explanation: JSON, text and HTML reports, the CLI and the app notice."""

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from speechxai_core.explain import explain
from speechxai_core.explanation import WARNING_CODES, Explanation
from speechxai_core.reports.clip_html import build_report
from speechxai_core.reports.clip_text import format_explanation
from speechxai_core.serving.runner import warnings_notice

from .conftest import SR, harmonic_tone


def test_the_codes_named_by_the_contract_exist():
    assert {"beyond_model_window", "transcript_mismatch", "alignment_fallback", "silent_clip",
            "pronunciation_guessed"} <= set(WARNING_CODES)


def test_warnings_round_trip_through_json_and_old_files_still_load(energy_model, three_words):
    result = explain((harmonic_tone(seconds=2.0), SR), energy_model, words=three_words, methods="loo")
    assert result.warnings == []
    result.warn("transcript_mismatch", "'five' does not sound like what was heard")
    result.warn("transcript_mismatch", "'five' does not sound like what was heard")  # the same caveat once
    data = json.loads(result.to_json())
    assert data["warnings"] == [{"code": "transcript_mismatch", "message": "'five' does not sound like what was heard"}]
    assert Explanation.from_json(result.to_json()).warnings == result.warnings
    data.pop("warnings")
    assert Explanation.from_dict(data).warnings == []
    with pytest.raises(ValueError, match="unknown warning code"):
        result.warn("misc", "no such code")


def test_old_approximated_lists_are_split_into_pronunciation_and_timing(energy_model, three_words):
    data = explain((harmonic_tone(seconds=2.0), SR), energy_model, words=three_words, methods="loo").to_dict()
    data["settings"]["aligner"] = {"name": "pocketsphinx", "approximated": ["Zyx", "5"],
                                   "guessed_pronunciations": {"zyx": "Z IH K S (espeak)"}}
    aligner = Explanation.from_dict(data).settings["aligner"]
    assert aligner["pronunciation_guessed"] == ["Zyx"] and aligner["timing_guessed"] == ["5"]
    assert "approximated" not in aligner


def test_silent_clip_is_a_caveat_shown_in_every_view(energy_model, three_words):
    silent = (np.zeros(2 * SR, np.float32), SR)
    with pytest.warns(UserWarning, match="silent"):
        result = explain(silent, energy_model, words=three_words, methods="loo")
    assert result.warning_codes() == ["silent_clip"]
    message = result.warnings[0].message
    assert message in format_explanation(result)
    html = build_report(result)
    assert 'data-code="silent_clip"' in html and "the clip is silent" in html
    assert "the clip is silent" in warnings_notice(result)


def test_cli_prints_the_silent_clip_warning_once(tmp_path, tiny_model_dir, three_words):
    audio = tmp_path / "silent.wav"
    sf.write(audio, np.zeros(2 * SR, np.float32), SR)
    words = tmp_path / "words.json"
    words.write_text(json.dumps(three_words))
    out = tmp_path / "out.json"
    result = subprocess.run([sys.executable, "-m", "speechxai_core.cli", "explain", str(audio), "--model",
                             tiny_model_dir, "--words", str(words), "--methods", "loo", "--quiet", "--json", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).count("the clip is silent") == 1
    assert json.loads(out.read_text())["warnings"][0]["code"] == "silent_clip"



def test_whisper_times_and_dropped_transcription_are_caveats():
    from speechxai_core.audio import Audio
    from speechxai_core.explain.caveats import add_caveats

    explanation = Explanation(audio={}, model={}, words=[], heads=[])
    clip = Audio(np.full(16000, 0.1, dtype=np.float32), 16000, "clip.wav")
    add_caveats(explanation, clip, {"name": "whisper", "timing_guessed": ["ciao", "mondo"],
                                    "filtered_segments": [{"text": "Thank you.", "start": 0.0, "end": 1.0}]})
    assert explanation.warning_codes() == ["timing_guessed", "transcription_filtered"]
    assert "Thank you." in explanation.warnings[1].message and "ciao, mondo" in explanation.warnings[0].message
