"""The transcript check (Whisper word probabilities), word labels, and stage announcements."""

import json

import pytest

from speechxai_core.align import AlignmentError
from speechxai_core.align.fit import MIN_FIT, transcript_fit
from speechxai_core.align.text import transcript_tokens, word_labels
from speechxai_core.align.words import Word
from speechxai_core.explain import explain

from .align_fixtures import shared_speech, spoken

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


def test_a_swapped_word_is_named_with_the_word_heard_in_its_place(office):
    from speechxai_core.align.fit import MIN_RIVAL_RATIO

    swapped = transcript_fit(office, _words(office, SAID.replace("office", "kitchen")))
    kitchen = swapped.words.index("kitchen")
    assert swapped.flagged and swapped.suspect == ["kitchen"] and swapped.rivals[kitchen] == "office"
    assert "'kitchen' (heard 'office')" in swapped.message()
    record = swapped.describe()
    assert record["unsupported"] == [kitchen] and record["rivals"][kitchen] == "office"
    assert record["rival_ratios"][kitchen] < MIN_RIVAL_RATIO
    right = transcript_fit(office, _words(office, SAID))
    assert min(right.rival_ratios) >= MIN_RIVAL_RATIO and not right.flagged


def test_a_word_likely_on_its_own_but_far_below_its_rival_is_flagged():
    """The rival rule judges a word whose probability passes the floor (a word of several tokens,
    where one token is far below its rival while the mean over its tokens stays above the floor)."""
    from speechxai_core.align.fit import MIN_RIVAL_RATIO, MIN_WORD_P, TranscriptFit

    words, probabilities = ["turn", "on", "lights"], [0.9, 0.004, 0.9]
    assert probabilities[1] > MIN_WORD_P
    alone = TranscriptFit(0.15, words, probabilities)
    judged = TranscriptFit(0.15, words, probabilities, rival_ratios=[1.0, MIN_RIVAL_RATIO / 2, 1.0],
                           rivals=["", "off", ""])
    assert not alone.flagged and judged.flagged and judged.unsupported == [1]
    assert "'on' (heard 'off')" in judged.message()


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


def test_a_transcript_longer_than_whispers_window_is_not_checked_and_says_why(office):
    from speechxai_core.align.fit import check_fit

    words = _words(office, " ".join([SAID] * 80))  # 560 words for 2 s of speech
    with pytest.raises(AlignmentError, match="more than Whisper reads in one 30 s window"):
        transcript_fit(office, words)
    assert "cannot be checked" in check_fit(office, words)["skipped"]
    from speechxai_core.explain.caveats import add_caveats
    from speechxai_core.explanation import Explanation

    explanation = Explanation(audio={"name": "office.wav", "duration": office.duration, "sampling_rate": office.sr},
                              model={"name": "m"}, words=[], heads=[])
    add_caveats(explanation, office, {"transcript_fit": check_fit(office, words)})
    assert explanation.warning_codes() == ["transcript_unchecked"]  # said, never silent
    assert "cannot be checked" in explanation.warnings[0].message


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


@pytest.mark.skipif(shared_speech() is None, reason="shared speech recordings not available")
def test_human_recordings_fit_their_own_transcripts_and_not_swapped_ones():
    from speechxai_core.audio import load_audio

    root = shared_speech()
    rows = [json.loads(line) for line in (root / "manifest.jsonl").read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r["set"] in ("commands_en", "slu", "librivox") and r.get("transcript")][:8]
    swapped_flagged = 0
    for i, row in enumerate(rows):
        audio = load_audio(root / row["path"], 16000, max_duration=None)
        other = rows[(i + 1) % len(rows)]["transcript"]
        assert not transcript_fit(audio, _words(audio, row["transcript"])).flagged, row["path"]
        swapped_flagged += transcript_fit(audio, _words(audio, other)).flagged
    assert swapped_flagged >= 7  # of 8; a swap that shares most of its words may pass
