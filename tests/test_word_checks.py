"""Word checks: typed words the audio does not support, automatic words the recogniser was unsure of."""

from __future__ import annotations

import pytest

from speechxai_core.align import confidence
from speechxai_core.align.confidence import second_opinion, token_confidences
from speechxai_core.align.fit import MIN_FIT, transcript_fit
from speechxai_core.align.text import transcript_tokens
from speechxai_core.align.whisper_models import base_installed
from speechxai_core.align.words import Word
from speechxai_core.explain import explain
from speechxai_core.viz import prediction_html
from speechxai_core.viz.tables import transcript_html, word_table_html

from .align_fixtures import shared_speech, spoken

SAID = "turn off the lights in the office"


@pytest.fixture(scope="module")
def office():
    return spoken(SAID, rate=150)[0]


def _fit(audio, text):
    return transcript_fit(audio, [Word(token, 0.0, audio.duration) for token in transcript_tokens(text)])


@pytest.mark.parametrize("typed, swapped", [("turn off the lights in the kitchen", "kitchen"),
                                            ("turn off the lamp in the office", "lamp"),
                                            ("turn off the music in the office", "music")])
def test_one_swapped_word_is_flagged_by_name_although_the_whole_fits(office, typed, swapped):
    fit = _fit(office, typed)
    assert fit.fit > MIN_FIT  # the geometric mean alone lets it pass
    assert fit.flagged and fit.suspect == [swapped] and f"'{swapped}'" in fit.message()
    assert not _fit(office, SAID).flagged


def test_a_swapped_word_is_named_in_the_warning_and_marked_on_the_page(office, energy_model):
    result = explain(office, energy_model, transcript="turn off the lights in the kitchen", methods="loo",
                     properties=())
    mismatch = [c.message for c in result.warnings if c.code == "transcript_mismatch"]
    assert mismatch and mismatch[0].endswith("'kitchen' (heard 'office')")  # the typed word, and what was said
    marked = [(f'sx-doubt" ' in html, html.count("'kitchen'")) for html in (transcript_html(result),
                                                                          word_table_html(result))]
    assert marked == [(True, 1), (True, 1)]  # the word marked, and named in the note above
    assert "check and correct these words, then Explain again" in transcript_html(result)


def test_confidences_follow_the_tokens_of_the_heard_text():
    heard = [("Turn", 0.9), ("off", 0.4), ("lights", 0.8), ("in", 0.95), ("the", 0.99), ("office.", 0.7)]
    assert token_confidences("Turn off lights in the office.", heard) == [0.9, 0.4, 0.8, 0.95, 0.99, 0.7]
    # "50%" decoded as one word but "3 hours" split differently: unmatched tokens take the lowest around them
    heard = [("Set", 0.9), ("a", 0.8), ("timer", 0.3), ("for", 0.9), ("3hours", 0.2)]
    assert token_confidences("Set a timer for 3 hours", heard) == [0.9, 0.8, 0.3, 0.9, 0.2, 0.2]
    assert token_confidences("hello", []) == [0.0]


def test_unsure_automatic_words_are_warned_about_and_marked(office, energy_model, monkeypatch):
    sure = explain(office, energy_model, methods="loo", properties=())
    aligner = sure.settings["aligner"]
    assert aligner["transcribed"] and len(aligner["asr_confidence"]) == len(sure.words)
    assert all(0.0 <= c <= 1.0 for c in aligner["asr_confidence"])
    second = aligner.get("second_opinion")
    floor = confidence.MIN_CONFIDENCE if second is None else confidence.MIN_CONFIDENCE_SECONDED
    expected = [w.word for w, c, s in zip(sure.words, aligner["asr_confidence"], second or [1.0] * len(sure.words))
                if c < floor or s < confidence.MIN_SECOND_OPINION]
    assert aligner["uncertain_words"] == expected
    assert ("transcript_uncertain" in sure.warning_codes()) == bool(expected)
    for name in ("MIN_CONFIDENCE", "MIN_CONFIDENCE_SECONDED"):
        monkeypatch.setattr(confidence, name, 1.01)  # every word below: all named
    unsure = explain(office, energy_model, methods="loo", properties=())
    message = next(c.message for c in unsure.warnings if c.code == "transcript_uncertain")
    assert all(w.word in message for w in unsure.words)
    assert "check and correct these words, then Explain again" in message
    assert transcript_html(unsure).count('class="sx-pick sx-word sx-doubt"') == len(unsure.words)
    assert "sx-out-of-scope" not in prediction_html(unsure)  # a model without a scope signal says nothing


@pytest.mark.skipif(not base_installed(), reason="Whisper base (speechxai[asr]) not installed")
def test_a_one_word_transcript_gets_a_second_opinion_from_the_multilingual_model():
    clip = spoken("kitchen", rate=150)[0]  # an automatic transcript of one token, judged by Whisper base
    opinion = second_opinion(clip, [Word("kitchen", 0.0, clip.duration)], "tiny.en")
    wrong = second_opinion(clip, [Word("bedroom", 0.0, clip.duration)], "tiny.en")
    assert opinion is not None and len(opinion) == len(wrong) == 1
    assert wrong[0] < confidence.MIN_SECOND_OPINION and opinion[0] > 10 * wrong[0]


@pytest.mark.skipif(shared_speech() is None, reason="shared speech recordings not available")
@pytest.mark.parametrize("clip, said, typed", [
    ("sentences/spk2_snt4.wav", "mend the coat before you go out", "mend the coat before you go in"),
    ("sentences/spk1_snt4.wav", "a thin stripe runs down the middle", "a thin stripe runs up the middle"),
    ("librivox/austen_0880.wav", "he was not an ill disposed young man", "she was not an ill disposed young man"),
    ("commands_en/turn_on_standing_light.wav", "turn on standing light", "turn off standing light"),
])
def test_a_short_word_swapped_in_a_human_recording_is_named_and_the_said_text_passes(clip, said, typed):
    from speechxai_core.audio import load_audio

    audio = load_audio(shared_speech() / clip, 16000, max_duration=None)
    swapped = next(t for s, t in zip(said.split(), typed.split()) if s != t)
    fit = _fit(audio, typed)
    assert fit.flagged and swapped in fit.suspect, fit.describe()
    assert not _fit(audio, said).flagged
