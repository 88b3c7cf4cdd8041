"""CTC forced alignment: the Viterbi path on emissions with a known answer, and a tiny random model."""

import itertools

import numpy as np
import pytest

from speechxai_core.align import AlignmentError, align
from speechxai_core.align.ctc import CTCAligner, forced_align, path_gap

from .align_fixtures import CTC_VOCAB, save_tiny_ctc, spoken


def peaked(path, classes=5, p=0.9):
    """Log-probabilities where frame t puts ``p`` on class ``path[t]`` and spreads the rest."""
    rest = (1 - p) / (classes - 1)
    emissions = np.full((len(path), classes), np.log(rest))
    emissions[np.arange(len(path)), path] = np.log(p)
    return emissions


def test_viterbi_recovers_the_path_the_emissions_spell():
    #        frame: 0  1  2  3  4  5  6  7
    emissions = peaked([0, 1, 1, 0, 2, 2, 2, 0])
    spans = forced_align(emissions, [1, 2])
    assert [(s.start, s.end) for s in spans] == [(1, 3), (4, 7)]
    assert spans[0].score == pytest.approx(0.9)
    assert path_gap(emissions, spans, [1, 2]) == pytest.approx(0.0)


def test_repeated_tokens_need_a_blank_between_them():
    emissions = peaked([3, 3, 0, 3, 4])
    spans = forced_align(emissions, [3, 3, 4])
    assert [(s.start, s.end) for s in spans] == [(0, 2), (3, 4), (4, 5)]
    with pytest.raises(AlignmentError, match="too long for the audio"):
        forced_align(peaked([3, 3]), [3, 3])


def test_a_transcript_the_emissions_do_not_say_costs_probability():
    emissions = peaked([0, 1, 1, 0, 2, 2, 2, 0], p=0.98)
    wrong = forced_align(emissions, [3, 4])
    assert path_gap(emissions, wrong, [3, 4]) > 1.5


@pytest.fixture(scope="module")
def tiny_ctc(tmp_path_factory):
    return CTCAligner(save_tiny_ctc(tmp_path_factory.mktemp("tiny_ctc")))


def test_tiny_random_ctc_model_aligns_every_word_in_order(tiny_ctc):
    audio, _ = spoken("the quick brown fox jumps")
    tiny_ctc.max_path_gap = np.inf  # random weights hear nothing; only the mechanics are tested here
    result = tiny_ctc.align(audio, "The quick brown Fox jumps über 42", "en")
    assert [w.word for w in result.words] == ["The", "quick", "brown", "Fox", "jumps", "über", "42"]
    assert result.pronunciation_guessed == ["über"] and result.timing_guessed == ["42"]
    starts = [w.start for w in result.words]
    assert starts == sorted(starts) and all(0 <= w.start < w.end <= audio.duration + 1e-9 for w in result.words)
    assert result.describe()["model"].endswith("tiny_ctc0")


def test_word_times_follow_the_emission_frames(tiny_ctc, monkeypatch):
    audio, _ = spoken("the quick brown fox jumps")
    frames = tiny_ctc.emissions(audio).shape[0]
    a, b, bar = (CTC_VOCAB.index(c) for c in "ab|")
    path = [0] * frames  # speech runs from frame 15 (0.3 s) to the end
    path[15:55] = [a] * 40
    path[56] = bar
    path[57:frames - 1] = [b] * 10 + [0] + [a] * (frames - 69)
    emissions = peaked(path, classes=len(CTC_VOCAB), p=0.95)
    monkeypatch.setattr(tiny_ctc, "emissions", lambda clip: emissions)
    tiny_ctc.max_path_gap = 1.5
    result = tiny_ctc.align(audio, "a ba", "en")
    step = audio.duration / frames
    assert result.words[0].start == pytest.approx(15 * step) and result.words[0].end == pytest.approx(55 * step)
    assert result.words[1].start == pytest.approx(57 * step) and result.words[1].end == pytest.approx((frames - 1) * step)
    with pytest.raises(AlignmentError, match="does not match the audio"):
        tiny_ctc.align(audio, "zz yy xx", "en")


def test_ctc_through_the_registry_with_a_local_model(tiny_ctc, tmp_path):
    audio, _ = spoken("hello there")
    folder = save_tiny_ctc(tmp_path, seed=1)
    with pytest.raises(AlignmentError, match="transcript is empty"):
        align(audio, "?!", language="it", aligner="ctc", align_model=folder)
    with pytest.raises(AlignmentError, match="CTC model folder './missing-model' not found"):
        align(audio, "ciao", language="it", aligner="ctc", align_model="./missing-model")


def test_long_sequences_give_ordered_spans_on_random_emissions():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(1000, 32))
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    tokens = list(rng.integers(1, 32, 300))
    spans = forced_align(log_probs, tokens)
    assert len(spans) == 300 and spans[0].start >= 0 and spans[-1].end <= 1000
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_upper_case_vocabularies_are_matched(tmp_path):
    aligner = CTCAligner(save_tiny_ctc(tmp_path, upper=True))
    aligner.max_path_gap = np.inf
    audio, _ = spoken("open the door")
    result = aligner.align(audio, "open the door", "en")
    assert aligner.upper and [w.word for w in result.words] == ["open", "the", "door"] and result.pronunciation_guessed == result.timing_guessed == []
