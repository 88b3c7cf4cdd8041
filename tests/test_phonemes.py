"""Phonemes: aligned inside each word's span, scored by leave-one-out, replayable."""

import numpy as np
import pytest

from speechxai_core import CallableClassifier, Explanation, explain, variant_audio
from speechxai_core.align.base import AlignmentError
from speechxai_core.align.phones import align_phones
from speechxai_core.align.words import Word

from .align_fixtures import SR, spoken

FRICATIVES = {"S", "Z", "SH", "ZH", "F", "V", "TH", "DH", "HH"}


@pytest.fixture(scope="module")
def sentence():
    audio, truth = spoken("the cat sees a fish")
    return audio, [Word(label, start, end) for label, start, end in truth]


def hiss_listener():
    """Known truth: p('hiss') grows with the energy above 4 kHz only."""

    def fn(waveforms, sr):
        spectrum = np.abs(np.fft.rfft(waveforms.astype(np.float64), axis=1)) ** 2
        freqs = np.fft.rfftfreq(waveforms.shape[1], 1 / sr)
        energy = spectrum[:, freqs > 4000].sum(axis=1) / waveforms.shape[1]
        p = np.tanh(energy / 4.0)  # about 0.5 on the sentence: far from saturation
        return np.stack([p, 1 - p], axis=1)

    return CallableClassifier(fn, ["hiss", "calm"], SR, name="hiss")


def test_phones_tile_each_given_word_span_with_dictionary_pronunciations(sentence):
    audio, words = sentence
    phones, settings = align_phones(audio, words)
    assert settings["name"] == "pocketsphinx"
    for index, word in enumerate(words):
        own = [p for p in phones if p.word_index == index]
        assert own and own[0].start == pytest.approx(word.start, abs=1e-6) and own[-1].end == pytest.approx(word.end, abs=1e-6)
        assert all(a.end == b.start and a.end > a.start for a, b in zip(own, own[1:]))
    fish = [p.phone for p in phones if words[p.word_index].word == "fish"]
    assert fish == ["F", "IH", "SH"]
    # the aligner's boundaries, not an equal split: the phones of a word differ in length
    lengths = [p.end - p.start for p in phones if words[p.word_index].word == "sees"]
    assert max(lengths) - min(lengths) > 0.02 and "sees" not in settings["equal_split"]


def test_a_model_listening_to_hiss_above_4_khz_puts_a_fricative_first(sentence):
    audio, words = sentence
    result = explain(audio, hiss_listener(), words=words, methods="phonemes", targets="hiss")
    scores = np.array(result.phoneme_scores["class"], dtype=float)
    fricative = np.array([p.phone in FRICATIVES for p in result.phonemes])
    # a fricative scores highest; the vowel between the two fricatives of "sees" may tie with it, as
    # frication spills over the aligned boundary (eSpeak NG's output differs slightly from one synthesis to the next)
    assert scores[fricative].max() >= 0.95 * scores.max() and scores.max() > 0.05
    assert scores[fricative].sum() > 1.5 * scores[~fricative].sum()
    for p, word in ((p, result.words[p.word_index]) for p in result.phonemes):
        assert word.start - 1e-9 <= p.start < p.end <= word.end + 1e-9
    again = Explanation.from_json(result.to_json())
    assert again.phonemes == result.phonemes and again.phoneme_scores == result.phoneme_scores
    assert result.to_dict()["phonemes"][0].keys() == {"phone", "start", "end", "word_index"}
    rows = result.phoneme_csv().splitlines()
    assert rows[0] == "phone,start,end,word_index,word,class" and len(rows) == 1 + len(result.phonemes)


def test_phoneme_variants_replay_what_was_scored(sentence):
    audio, words = sentence
    result = explain(audio, hiss_listener(), words=words, methods="phonemes", targets="hiss")
    i = next(k for k, p in enumerate(result.phonemes) if p.phone == "SH")
    phone = result.phonemes[i]
    played = variant_audio(result, audio, f"phone:{i}")
    lo, hi = int(round(phone.start * SR)), int(round(phone.end * SR))
    assert np.all(played[lo:hi] == 0) and np.array_equal(played[:lo], audio.samples[:lo])
    assert np.array_equal(played[hi:], audio.samples[hi:])
    record = result.variant(f"phone:{i}")
    assert result.heads[0].value - record.probabilities["class"] == pytest.approx(result.phoneme_scores["class"][i])


def test_phonemes_follow_the_aligned_words_when_no_timings_are_given(sentence):
    audio, _ = sentence
    result = explain(audio, hiss_listener(), transcript="the cat sees a fish", methods="phonemes")
    assert result.settings["aligner"]["name"] == "pocketsphinx" and len(result.phonemes) >= 10
    assert {p.word_index for p in result.phonemes} == set(range(len(result.words)))


def test_phonemes_of_another_language_are_refused(sentence):
    audio, words = sentence
    with pytest.raises(AlignmentError, match="English only"):
        align_phones(audio, words, language="it")


def test_phonemes_of_a_segment_stay_in_the_recordings_timeline(sentence):
    audio, words = sentence
    start = 0.2
    result = explain(audio, hiss_listener(), words=words, methods="phonemes", start=start, end=audio.duration)
    for p in result.phonemes:
        word = result.words[p.word_index]
        assert word.start - 1e-9 <= p.start < p.end <= word.end + 1e-9 and p.start >= start
    i = len(result.phonemes) - 1
    phone = result.phonemes[i]
    played = variant_audio(result, audio, f"phone:{i}")  # the segment, as scored
    lo, hi = int(round((phone.start - start) * SR)), int(round((phone.end - start) * SR))
    assert np.all(played[lo:hi] == 0) and np.abs(played[lo - 400:lo]).max() > 0


def test_phoneme_shapley_shares_out_the_hiss_among_the_phonemes(sentence):
    audio, words = sentence
    result = explain(audio, hiss_listener(), words=words, methods="phonemes,phoneme_shapley", targets="hiss")
    values = np.array(result.unit_method_scores["phonemes"]["shapley"]["class"])
    assert len(values) == len(result.phonemes) and result.phonemes[int(np.argmax(values))].phone in FRICATIVES
    everything = "phones:" + "+".join(map(str, range(len(result.phonemes))))
    full, empty = result.heads[0].value, result.variant(everything).probabilities["class"]
    assert values.sum() == pytest.approx(full - empty, abs=1e-6)  # efficiency
    assert result.method_details["phoneme_shapley"]["coalitions"] <= 300
    assert result.phoneme_csv().splitlines()[0] == "phone,start,end,word_index,word,class,shapley:class"


def test_phoneme_lime_finds_the_hiss_in_a_fricative_and_every_view_shows_it(sentence):
    from speechxai_core.reports.clip_text import format_explanation
    from speechxai_core.viz.units import phoneme_html

    audio, words = sentence
    result = explain(audio, hiss_listener(), words=words, methods="phonemes,phoneme_lime", targets="hiss",
                     method_options={"lime_samples": 300})
    values = np.array(result.unit_method_scores["phonemes"]["lime"]["class"])
    assert len(values) == len(result.phonemes) and result.phonemes[int(np.argmax(values))].phone in FRICATIVES
    details = result.method_details["phoneme_lime"]
    assert details["samples"] == 300 and details["r2"]["class"] > 0.5
    assert {v.kind for v in result.variants} >= {"phones"}  # LIME's samples are phoneme sets
    assert result.phoneme_csv().splitlines()[0] == "phone,start,end,word_index,word,class,lime:class"
    assert "class LIME" in phoneme_html(result) and "class lime" in format_explanation(result)


def test_a_phoneme_method_without_leave_one_out_is_still_shown(sentence):
    from speechxai_core.reports.clip_text import format_explanation
    from speechxai_core.viz.units import phoneme_html

    audio, words = sentence
    result = explain(audio, hiss_listener(), words=words, methods="phoneme_lime", targets="hiss",
                     method_options={"lime_samples": 100})
    assert not result.phoneme_scores and result.unit_method_scores["phonemes"]["lime"]["class"]
    html = phoneme_html(result)
    assert "class LIME" in html and "sx-word-phones" in html and " open" in html  # the strongest word opens
    assert "phonemes  lime" in format_explanation(result)
