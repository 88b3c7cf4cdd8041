import json

import numpy as np
import pytest

from speechxai_core import Explanation, MaskConfig, WordsError, explain, iter_explain, load_model, variant_audio
from speechxai_core.models import HeadSpecError
from speechxai_core.perturb import FAST_GRID, PROPERTIES, transforms

from .conftest import SR, harmonic_tone


def _clip():
    tone = harmonic_tone(seconds=2.0, amplitude=0.1)
    tone[int(0.5 * SR):int(0.75 * SR)] *= 3
    return tone


def test_known_answer_masking_the_window_word_scores_highest(energy_model, three_words):
    result = explain((_clip(), SR), energy_model, words=three_words, methods="loo")
    scores = result.word_scores["class"]
    assert result.heads[0].target == "loud"
    assert int(np.argmax(scores)) == 1 and scores[1] > 0.5 and abs(scores[0]) < 1e-9 and abs(scores[2]) < 1e-9


def test_loo_and_paralinguistic_match_an_unbatched_computation(tiny_multihead_dir, three_words):
    model = load_model(tiny_multihead_dir, heads="a:2,b:3,c:4")
    clip = harmonic_tone(seconds=2.0)
    result = explain((clip, SR), model, words=three_words, grid=FAST_GRID, batch_size=7)

    def probs(samples):
        return model.predict(samples[None], np.array([len(samples)]))

    original = probs(clip)
    for head in result.heads:
        k = head.target_index
        assert k == int(np.argmax(original[head.name][0]))
        for i, word in enumerate(three_words):
            masked = clip.copy()
            masked[int(round(word["start"] * SR)):int(round(word["end"] * SR))] = 0
            expected = original[head.name][0, k] - probs(masked)[head.name][0, k]
            assert result.word_scores[head.name][i] == pytest.approx(expected, abs=1e-4)
        drops = [original[head.name][0, k] - probs(transforms.pitch_shift(clip, SR, st))[head.name][0, k]
                 for st in FAST_GRID.pitch_up]
        assert result.paralinguistic_drops[head.name]["pitch_up"] == pytest.approx(drops, abs=1e-4)
        assert result.paralinguistic[head.name]["pitch_up"] == pytest.approx(np.mean(drops), abs=1e-4)
        stretched = [original[head.name][0, k] - probs(transforms.time_stretch(clip, SR, f))[head.name][0, k]
                     for f in FAST_GRID.stretch_down]
        assert result.paralinguistic[head.name]["stretch_down"] == pytest.approx(np.mean(stretched), abs=1e-4)
    assert list(result.paralinguistic["a"]) == list(PROPERTIES)
    assert PROPERTIES[:6] == ("pitch_down", "pitch_up", "stretch_down", "stretch_up", "noise", "reverb")


def test_targets_by_name_and_head(tiny_multihead_dir, three_words):
    model = load_model(tiny_multihead_dir, heads="a:2,b:3,c:4")
    result = explain((harmonic_tone(seconds=2.0), SR), model, words=three_words, methods="loo", targets="b=c3,c=c8")
    heads = {h.name: h for h in result.heads}
    assert heads["b"].target == "c3" and heads["b"].target_index == 1 and heads["c"].target == "c8"
    with pytest.raises(HeadSpecError, match="has no class"):
        explain((harmonic_tone(seconds=2.0), SR), model, words=three_words, methods="loo", targets="a=c7")
    with pytest.raises(HeadSpecError, match="heads are"):
        explain((harmonic_tone(seconds=2.0), SR), model, words=three_words, methods="loo", targets="z=c1")


def test_noise_and_reverb_are_deterministic_run_to_run(tiny_model_dir, three_words):
    runs = [explain((harmonic_tone(seconds=2.0), SR), tiny_model_dir, words=three_words, grid="fast",
                    mask=MaskConfig("noise"), seed=5).to_dict() for _ in range(2)]
    assert runs[0] == runs[1]


def test_json_round_trip_csv_and_required_keys(energy_model, three_words):
    result = explain((_clip(), SR), energy_model, words=three_words, grid="fast")
    data = json.loads(result.to_json())
    assert {"words", "heads", "word_scores", "paralinguistic", "variants"} <= set(data)
    assert data["words"][1] == {"word": "two", "start": 0.5, "end": 0.75}
    assert set(data["heads"][0]) >= {"name", "labels", "target", "probability"}
    assert set(data["paralinguistic"]["class"]) == set(PROPERTIES)
    assert {"id", "kind", "level", "probabilities"} <= set(data["variants"][0])
    assert len(data["variants"]) == 1 + 3 + len(FAST_GRID.variants())
    assert Explanation.from_json(result.to_json()).to_dict() == result.to_dict()
    lines = result.word_csv().splitlines()
    assert lines[0] == "word,start,end,class" and lines[2].startswith("two,0.5,0.75,")


def test_stream_yields_words_first_then_properties(energy_model, three_words):
    snapshots = list(iter_explain((_clip(), SR), energy_model, words=three_words, grid="fast", batch_size=4))
    assert snapshots[-1].complete and not any(s.complete for s in snapshots[:-1])
    assert snapshots[0].word_scores and len(snapshots) >= 3
    filled = [len(s.paralinguistic.get("class", {})) for s in snapshots]
    assert filled == sorted(filled) and filled[-1] == len(PROPERTIES)


def test_replayed_variant_is_exactly_what_was_scored(energy_model, three_words):
    clip = _clip()
    result = explain((clip, SR), energy_model, words=three_words, grid="fast", mask=MaskConfig("noise"), seed=3)
    for variant_id in ("word:1", "noise:5", "pitch:-3", "stretch:1.2", "reverb:7"):
        samples = variant_audio(result, (clip, SR), variant_id)
        p = energy_model.predict(samples[None], np.array([len(samples)]))["class"][0, 0]
        assert p == pytest.approx(result.variant(variant_id).probabilities["class"], abs=1e-9)


def test_words_that_do_not_fit_and_missing_words(energy_model, tmp_path):
    with pytest.raises(WordsError, match="does not fit the clip"):
        explain((_clip(), SR), energy_model, words=[{"word": "x", "start": 1.5, "end": 2.8}], methods="loo")
    with pytest.raises(WordsError, match="no speech found"):
        explain((np.zeros(2 * SR, np.float32), SR), energy_model, methods="loo", on_align_failure="error")
    with pytest.raises(WordsError, match="transcript is empty"):
        explain((_clip(), SR), energy_model, transcript="  ", methods="loo", on_align_failure="error")
    bad = tmp_path / "w.json"
    bad.write_text("{not json")
    with pytest.raises(WordsError, match="not valid JSON"):
        explain((_clip(), SR), energy_model, words=str(bad), methods="loo")
    only_paraling = explain((_clip(), SR), energy_model, methods="paraling", grid="fast")
    assert only_paraling.words == [] and only_paraling.word_scores == {}


def test_transcript_without_timings_spreads_words_over_the_voiced_part(energy_model):
    clip = np.zeros(2 * SR, np.float32)
    clip[int(0.5 * SR):int(1.5 * SR)] = harmonic_tone(seconds=1.0)
    result = explain((clip, SR), energy_model, transcript="aa bb", methods="loo", aligner="proportional")
    assert [w.word for w in result.words] == ["aa", "bb"]
    assert result.words[0].start == pytest.approx(0.5, abs=0.05) and result.words[1].end == pytest.approx(1.5, abs=0.05)
    assert result.settings["aligner"]["name"] == "proportional"
