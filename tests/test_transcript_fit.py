"""The transcript check (Whisper word probabilities), word labels, and stage announcements."""

import json
from pathlib import Path

import pytest

from speechxai_core.align import AlignmentError
from speechxai_core.align.fit import MIN_FIT, transcript_fit
from speechxai_core.align.text import transcript_tokens, word_labels
from speechxai_core.align.words import Word
from speechxai_core.explain import explain

from .align_fixtures import spoken

SAID = "turn off the lights in the office"
WRONG = "set a timer for five minutes"


def _words(audio, text):
    return [Word(token, 0.0, audio.duration) for token in transcript_tokens(text)]


@pytest.fixture(scope="module")
def office():
    return spoken(SAID, rate=150)[0]


def test_the_right_transcript_fits_and_a_swapped_one_is_flagged_with_its_words(office):
    right = transcript_fit(office, _words(office, SAID))
    wrong = transcript_fit(office, _words(office, WRONG))
    assert not right.flagged and right.fit > 10 * MIN_FIT
    assert wrong.flagged and wrong.fit < MIN_FIT
    assert set(wrong.suspect) & {"timer", "five", "minutes"} and "timer" in wrong.message()


def test_a_swapped_short_word_is_caught_by_its_rival_and_the_word_heard_is_named(office):
    from speechxai_core.align.fit import MIN_RIVAL_RATIO, MIN_WORD_P

    swapped = transcript_fit(office, _words(office, SAID.replace(" off ", " on ")))
    on = swapped.words.index("on")
    assert swapped.probabilities[on] >= MIN_WORD_P  # likely enough on its own: the floor alone passes it
    assert swapped.rival_ratios[on] < MIN_RIVAL_RATIO and swapped.rivals[on] == "off"
    assert swapped.flagged and swapped.suspect == ["on"] and "'on' (heard 'off')" in swapped.message()
    record = swapped.describe()
    assert record["unsupported"] == [on] and record["rivals"][on] == "off"
    right = transcript_fit(office, _words(office, SAID))
    assert min(right.rival_ratios) >= MIN_RIVAL_RATIO and not any(right.rivals[i] for i in right.unsupported)


def test_a_flagged_run_still_explains_with_a_warning_or_stops_when_asked(office, energy_model):
    result = explain(office, energy_model, transcript=WRONG, methods="loo")
    assert "transcript_mismatch" in result.warning_codes()
    fit = result.settings["aligner"]["transcript_fit"]
    assert fit["flagged"] and set(fit["suspect"]) <= set(WRONG.split())
    assert result.word_scores and len(result.words) == len(WRONG.split())
    with pytest.raises(AlignmentError, match="does not seem to fit"):
        explain(office, energy_model, transcript=WRONG, methods="loo", on_align_failure="error")
    fine = explain(office, energy_model, transcript=SAID.capitalize() + ".", methods="loo")
    assert "transcript_mismatch" not in fine.warning_codes()
    assert [w.word for w in fine.words] == ["Turn", "off", "the", "lights", "in", "the", "office"]


def test_long_clips_are_checked_in_pieces_that_fit_whispers_window():
    from speechxai_core.align.fit import WINDOW_S, _pieces

    words = [Word(f"w{i}", 2.0 * i, 2.0 * i + 1.5) for i in range(40)]  # 80 s of words
    pieces = _pieces(words, 80.0)
    assert pieces[0][0] == 0 and pieces[-1][1] == 40 and all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(words[last - 1].end - words[first].start + 1.0 <= WINDOW_S for first, last in pieces)
    assert _pieces(words[:5], 12.0) == [(0, 5)]


def test_stages_are_announced_in_order(office, energy_model):
    said = []
    explain(office, energy_model, transcript=SAID, methods="loo", stage=said.append)
    assert [text.split()[0] for text in said] == ["Aligning", "Checking", "Scoring"]
    assert said[-1].startswith("Scoring 7 variants")


def test_word_labels_lose_asr_punctuation_and_sentence_capitals():
    tokens = "Hey computer, could you turn the lights on? Please. I want TV at 50% now.".split()
    assert word_labels(tokens, transcribed=True) == ["hey", "computer", "could", "you", "turn", "the", "lights", "on",
                                                     "please", "I", "want", "TV", "at", "50%", "now"]
    assert word_labels(["Office.", "what's"]) == ["Office", "what's"]  # a typed transcript keeps its capitals


def _shared_speech() -> Path | None:
    for root in (Path(__file__).resolve().parents[1].parent / "shared" / "data" / "speech",
                 Path("/work/shared/data/speech")):
        if (root / "manifest.jsonl").exists():
            return root
    return None


@pytest.mark.skipif(_shared_speech() is None, reason="shared speech recordings not available")
def test_human_recordings_fit_their_own_transcripts_and_not_swapped_ones():
    from speechxai_core.audio import load_audio

    root = _shared_speech()
    rows = [json.loads(line) for line in (root / "manifest.jsonl").read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r["set"] in ("commands_en", "slu", "librivox") and r.get("transcript")][:8]
    swapped_flagged = 0
    for i, row in enumerate(rows):
        audio = load_audio(root / row["path"], 16000, max_duration=None)
        other = rows[(i + 1) % len(rows)]["transcript"]
        assert not transcript_fit(audio, _words(audio, row["transcript"])).flagged, row["path"]
        swapped_flagged += transcript_fit(audio, _words(audio, other)).flagged
    assert swapped_flagged >= 7  # of 8; a swap that shares most of its words may pass
