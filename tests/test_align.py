"""Aligners on speech with known word times, the registry, the fallbacks and bad input."""

import importlib.util
import itertools

import numpy as np
import pytest

from speechxai_core.align import AlignmentError, align, get_aligner, window_words
from speechxai_core.align.espeak import synthesize
from speechxai_core.audio import Audio

from .align_fixtures import SR, boundary_errors, spoken

SENTENCE = "the quick brown fox jumps over the lazy dog"


@pytest.fixture(scope="module")
def fox():
    return spoken(SENTENCE)


def test_espeak_word_spans_are_ordered_and_inside_the_clip():
    synthesis = synthesize("please turn on the kitchen lights", rate=160)
    spans = [(w.start, w.end) for w in synthesis.words]
    assert [w.word for w in synthesis.words] == ["please", "turn", "on the", "kitchen", "lights"]
    assert all(a < b for a, b in spans) and all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))
    assert spans[-1][1] <= len(synthesis.samples) / synthesis.sr + 1e-9


def test_pocketsphinx_forced_alignment_is_within_40_ms_on_average(fox):
    audio, truth = fox
    result = align(audio, SENTENCE.upper() + ".", aligner="pocketsphinx")
    errors = boundary_errors(result.words, truth)
    assert [w.word for w in result.words][-1] == "DOG"  # the spelling is kept, punctuation stripped
    assert errors.mean() < 0.04 and errors.max() < 0.12
    assert result.aligner == "pocketsphinx" and result.pronunciation_guessed == result.timing_guessed == []
    assert all(0 < w.score <= 1 for w in result.words)


def test_words_missing_from_the_dictionary_are_guessed_and_reported():
    text = "my zyxqwerty cluster failed yesterday"
    audio, truth = spoken(text, voice="en-us+f3", rate=150)
    result = align(audio, text)
    assert result.pronunciation_guessed == ["zyxqwerty"] and result.timing_guessed == []
    assert result.describe()["guessed_pronunciations"]["zyxqwerty"].startswith("Z IH K S")
    assert boundary_errors(result.words, truth).mean() < 0.05


def test_without_a_transcript_the_clip_is_transcribed_then_aligned(fox):
    audio, truth = fox
    result = align(audio, None)
    heard = [w.word.lower().strip(".,") for w in result.words]
    assert result.describe()["transcribed"] is True
    assert len(set(heard) & set(SENTENCE.split())) >= 6
    assert result.words[0].start == pytest.approx(truth[0][1], abs=0.05)


def test_transcript_that_does_not_match_the_audio_is_refused(fox):
    audio, _ = fox
    with pytest.raises(AlignmentError, match="does not (fit|match)"):
        align(audio, "yes")
    with pytest.raises(AlignmentError, match="does not (fit|match)"):
        align(audio, " ".join(["international"] * 30))


def test_empty_transcript_silence_and_unknown_language_or_aligner_have_clear_messages(fox):
    audio, _ = fox
    with pytest.raises(AlignmentError, match="transcript is empty"):
        align(audio, " ... ")
    silence = Audio(np.zeros(SR, np.float32), SR, "quiet.wav")
    with pytest.raises(AlignmentError, match="quiet.wav: no speech found"):
        align(silence, "hello")
    with pytest.raises(AlignmentError, match="handles en, not 'it'"):
        align(audio, SENTENCE, language="it", aligner="pocketsphinx")
    with pytest.raises(AlignmentError, match="no CTC model is known for language 'xx'"):
        align(audio, SENTENCE, language="xx")
    with pytest.raises(AlignmentError, match="unknown aligner 'mfa'"):
        align(audio, SENTENCE, aligner="mfa")


def test_models_that_cannot_be_downloaded_offline_fail_fast_with_a_message(fox, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    audio, _ = fox
    with pytest.raises(AlignmentError, match="no network: the CTC model 'org/not-cached-ctc'"):
        align(audio, SENTENCE, aligner="ctc", align_model="org/not-cached-ctc")
    with pytest.raises(AlignmentError, match="Whisper model 'not-cached-size' could not be loaded"):
        align(audio, None, aligner="whisper", asr_model="not-cached-size")


@pytest.mark.skipif(importlib.util.find_spec("whisperx") is not None, reason="whisperx is installed here")
def test_whisperx_missing_is_reported_not_required(fox):
    with pytest.raises(AlignmentError, match="'whisperx' aligner is not installed"):
        align(fox[0], SENTENCE, aligner="whisperx")


def test_aligners_are_loaded_once_per_setting():
    first = get_aligner("pocketsphinx")
    assert get_aligner("auto", "en") is first
    assert get_aligner("pocketsphinx", asr_model="other") is not first
    assert get_aligner("windows", window=0.5) is get_aligner("windows", window=0.5)


def test_whisper_word_timestamps_aligner_finds_the_words(fox):
    audio, truth = fox
    result = align(audio, None, aligner="whisper")
    assert len(result.words) >= 7
    assert result.words[0].start == pytest.approx(truth[0][1], abs=0.3)


def test_equal_windows_cover_the_clip():
    def clip(seconds):
        return Audio(np.zeros(int(seconds * SR), np.float32), SR)

    assert [(w.start, w.end) for w in window_words(clip(1.0))] == [(0, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 1.0)]
    merged = window_words(clip(1.1))
    assert len(merged) == 4 and merged[-1].end == pytest.approx(1.1)
    assert len(window_words(clip(1.2))) == 5 and window_words(clip(1.2))[-1].word == "1.00-1.20"
    assert len(window_words(clip(1.0), 0.5)) == 2


def test_proportional_aligner_marks_every_word_approximate(fox):
    result = align(fox[0], "aa bb", aligner="proportional")
    assert result.timing_guessed == ["aa", "bb"] and result.words[0].start < result.words[1].start


def test_heard_text_that_will_not_align_keeps_whispers_word_times(fox, monkeypatch):
    aligner = get_aligner("pocketsphinx")

    def no_path(*args):
        raise AlignmentError("no alignment found")

    monkeypatch.setattr(aligner, "_decode", no_path)
    result = align(fox[0], None)
    assert "no alignment found" in result.describe()["fallback"]
    assert result.timing_guessed == [w.word for w in result.words] and len(result.words) >= 7
    with pytest.raises(AlignmentError, match="no alignment found"):
        align(fox[0], SENTENCE)


def test_voiced_frames_ignore_a_steady_noise_floor():
    from speechxai_core.align.checks import voiced_frames

    from .conftest import harmonic_tone

    rng = np.random.default_rng(0)
    samples = rng.normal(0, 0.01, 2 * SR).astype(np.float32)  # -40 dBFS floor, speech 30 dB above it
    samples[int(0.5 * SR):int(1.3 * SR)] += harmonic_tone(seconds=0.8, amplitude=0.5)
    voiced = voiced_frames(Audio(samples, SR))
    assert voiced[25:65].all() and not voiced[:24].any() and not voiced[66:].any()


def test_letter_to_sound_maps_ipa_and_falls_back_to_spelling(monkeypatch):
    from speechxai_core.align import espeak, lts

    assert lts.ipa_to_cmu("tʃˈaʊ") == ["CH", "AW"] and lts.ipa_to_cmu("kˌuːbɚnˈɛɾiːz")[:4] == ["K", "UW", "B", "ER"]
    assert lts.spell_to_cmu("xq7") == ["K", "S", "K"]

    def missing(*args):
        raise AlignmentError("eSpeak NG is not installed")

    monkeypatch.setattr(espeak, "ipa", missing)
    assert lts.guess_pronunciation("zork") == (["Z", "AA", "R", "K"], "spelling")


def test_english_only_whisper_refuses_other_languages(fox):
    # Without --asr-model a language other than English gets the multilingual base model.
    with pytest.raises(AlignmentError, match="English-only.*'de'"):
        align(fox[0], None, language="de", aligner="whisper", asr_model="tiny.en")
