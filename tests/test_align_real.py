"""Alignment of real recordings from the shared speech folder (skipped when it is absent)."""

import json
from pathlib import Path

import numpy as np
import pytest

from speechxai_core.align import AlignmentError, align
from speechxai_core.audio import load_audio

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "speech"
pytestmark = pytest.mark.skipif(not (DATA / "manifest.jsonl").exists(), reason="shared speech data not present")


def rows(set_name, limit):
    manifest = [json.loads(line) for line in (DATA / "manifest.jsonl").read_text().splitlines() if line.strip()]
    return [row for row in manifest if row["set"] == set_name][:limit]


@pytest.mark.parametrize("set_name", ["librivox", "commands_en", "slu"])
def test_english_recordings_align_close_to_their_reference_timings(set_name):
    for row in rows(set_name, 3):
        result = align(load_audio(DATA / row["path"], max_duration=None), row["transcript"])
        assert [w.word for w in result.words] == row["transcript"].split()
        reference = row["words"]
        gaps = [abs(w.start - r["start"]) for w, r in zip(result.words, reference)]
        assert np.mean(gaps) < 0.05, row["path"]


def test_8khz_digits_align():
    for row in rows("digits_8k", 5):
        result = align(load_audio(DATA / row["path"]), row["transcript"])
        assert len(result.words) == 1 and result.words[0].end > result.words[0].start


def test_italian_without_an_offline_model_says_what_to_do(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    row = rows("commands_it", 1)[0]
    with pytest.raises(AlignmentError, match="italian' cannot be downloaded"):
        align(load_audio(DATA / row["path"]), row["transcript"], language="it")
