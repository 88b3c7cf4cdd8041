"""``word_paraling`` end to end on a model whose truth is known: it hears only one word's pitch."""

import json

import numpy as np
import pytest

from speechxai_core import CallableClassifier, Explanation, explain, variant_audio
from speechxai_core.explain import MethodError, MethodOptions
from speechxai_core.explain.base import Context
from speechxai_core.explain.methods import WORD_METHODS, get_methods
from speechxai_core.perturb import FAST_GRID
from speechxai_core.perturb.variants import WORD_PROPERTIES

from .conftest import SR, harmonic_tone

WORDS = [{"word": "low", "start": 0.1, "end": 0.45}, {"word": "key", "start": 0.5, "end": 1.0},
         {"word": "end", "start": 1.1, "end": 1.5}]
F0 = (120.0, 160.0, 200.0)
LISTEN = (0.65, 0.85)  # inside "key" (also after "low" is stretched and "key" shifted)


def _clip() -> np.ndarray:
    clip = np.zeros(int(1.8 * SR), np.float32)
    for word, f0 in zip(WORDS, F0):
        lo, hi = int(word["start"] * SR), int(word["end"] * SR)
        clip[lo:hi] = harmonic_tone(f0, (hi - lo) / SR)[: hi - lo]
    return clip


def _autocorrelation_f0(window: np.ndarray) -> float:
    lags = np.arange(SR // 250, SR // 100 + 1)  # 100-250 Hz
    window = window - window.mean()
    scores = [np.dot(window[:-lag], window[lag:]) for lag in lags]
    return SR / lags[int(np.argmax(scores))]


def pitch_of_key_model() -> CallableClassifier:
    """p('high') rises with the F0 of the audio at LISTEN, the middle of the word "key"; nothing else counts."""

    def fn(waveforms, sr):
        f0 = np.array([_autocorrelation_f0(w[int(LISTEN[0] * sr):int(LISTEN[1] * sr)]) for w in waveforms])
        high = 1 / (1 + np.exp(-(f0 - 145.0) / 6.0))
        return np.stack([high, 1 - high], axis=1)

    return CallableClassifier(fn, ["high", "low"], SR, name="pitch-of-key")


@pytest.fixture(scope="module")
def result():
    return explain((_clip(), SR), pitch_of_key_model(), words=WORDS, methods="word_paraling", grid="fast")


def test_the_heard_words_pitch_comes_first(result):
    table = result.word_paralinguistic["class"]
    assert list(table) == list(WORD_PROPERTIES)
    cells = {(i, prop): drop for prop, drops in table.items() for i, drop in enumerate(drops)}
    first = max(cells, key=cells.get)
    assert first == (1, "pitch_down") and cells[first] > 0.5
    pitch = table["pitch_down"]
    assert pitch[1] > 0.5 and abs(pitch[0]) < 1e-6 and abs(pitch[2]) < 1e-6  # no other word's pitch counts
    assert table["pitch_up"][1] < 0  # higher pitch: more 'high'
    for prop in ("gain_down", "gain_up", "noise", "stretch_down", "stretch_up"):
        assert max(abs(v) for v in table[prop]) < 0.1, prop
    assert result.word_paralinguistic_levels == {"pitch_down": -3.0, "pitch_up": 3.0, "stretch_down": 0.8,
                                                 "stretch_up": 1.25, "gain_down": -6.0, "gain_up": 6.0, "noise": 5.0}


def test_every_variant_is_recorded_and_replays_exactly(result):
    clip = _clip()
    model = pitch_of_key_model()
    records = [r for r in result.variants if r.kind.startswith("word_")]
    assert len(records) == 7 * len(WORDS)
    assert {r.kind for r in records} == {"word_pitch", "word_stretch", "word_gain", "word_noise"}
    for record in records:
        assert record.id == f"{record.kind}:{record.word_index}:{record.level:g}"
        samples = variant_audio(result, (clip, SR), record.id)
        p = model.predict(samples[None], np.array([len(samples)]))["class"][0, 0]
        assert p == pytest.approx(record.probabilities["class"], abs=1e-9)


def test_json_and_csv_carry_the_word_table(result, tmp_path):
    data = json.loads(result.to_json())
    assert data["word_paralinguistic"]["class"]["pitch_down"][1] == pytest.approx(
        result.word_paralinguistic["class"]["pitch_down"][1])
    again = Explanation.from_json(result.to_json())
    assert again.word_paralinguistic == result.word_paralinguistic
    assert again.word_paralinguistic_levels == result.word_paralinguistic_levels
    header, *rows = result.word_csv().splitlines()
    assert [c for c in header.split(",") if c.startswith("word_paraling:")] == [
        f"word_paraling:class:{prop}" for prop in WORD_PROPERTIES]
    assert len(rows) == 3


def test_levels_are_options_and_cost_is_seven_per_heard_word():
    options = MethodOptions(word_pitch_st=5.0, word_stretch=1.5, word_gain_db=10.0, word_noise_snr_db=0.0)
    result = explain((_clip(), SR), pitch_of_key_model(), words=WORDS, methods="word_paraling",
                     method_options=options)
    levels = result.word_paralinguistic_levels
    assert levels["pitch_down"] == -5.0 and levels["stretch_down"] == pytest.approx(0.6667)
    assert levels["gain_up"] == 10.0 and levels["noise"] == 0.0
    assert "word_pitch:1:-5" in {r.id for r in result.variants}
    method, = get_methods("word_paraling")
    context = Context(5, {"class": 0}, {}, FAST_GRID, (), heard=(0, 1, 2))
    assert method.planned(context) == 21
    assert "word_paraling" not in WORD_METHODS  # not one score per word
    for bad in ({"word_stretch": 0.8}, {"word_noise_snr_db": 200.0}, {"word_gain_db": -1.0}):
        with pytest.raises(MethodError):
            MethodOptions(**bad)


def test_words_beyond_the_model_window_are_null():
    model = pitch_of_key_model()
    model.max_duration = 1.05  # hears "low" and "key", not "end"
    result = explain((_clip(), SR), model, words=WORDS, methods="word_paraling")
    assert all(drops[2] is None and drops[1] is not None for drops in result.word_paralinguistic["class"].values())
    assert "beyond_model_window" in result.warning_codes()
    assert not any(r.word_index == 2 for r in result.variants if r.kind.startswith("word_"))


def test_dataset_summary_gives_word_local_effects_per_word_text(tmp_path):
    from speechxai_core.evaluation.dataset_summary import summarize_records, word_paraling_sentences
    from speechxai_core.reports.dataset_html import write_summary

    def record(i, words, target, pitch_down, noise):
        return {"id": f"u{i}", "index": i, "status": "ok", "labels": {}, "explanation": {
            "words": [{"word": w, "start": 0.2 * j, "end": 0.2 * j + 0.1} for j, w in enumerate(words)],
            "heads": [{"name": "mood", "target": target, "predicted": target}],
            "word_paralinguistic": {"mood": {"pitch_down": pitch_down, "noise": noise}}}}

    records = [record(0, ["Now!", "please"], "urgent", [0.4, 0.0], [0.1, 0.0]),
               record(1, ["please", "now"], "urgent", [0.1, 0.2], [0.0, None]),  # None: not heard
               record(2, ["now"], "calm", [-0.1], [0.05])]
    summary = summarize_records(records, top_k=3)
    table = summary.word_paraling
    urgent = table[(table["class"] == "urgent")]
    assert list(urgent["word"]) == ["now", "now", "please"]
    assert list(urgent["property"]) == ["pitch_down", "noise", "pitch_down"]
    assert list(urgent["mean_drop"]) == pytest.approx([0.3, 0.1, 0.05])
    first = urgent.iloc[0]
    assert first["mean_drop"] == pytest.approx(0.3) and first["count"] == 2 and first["rank"] == 1
    assert len(urgent) == 3  # top_k
    now_noise = table[(table["class"] == "urgent") & (table["word"] == "now") & (table["property"] == "noise")]
    assert now_noise["count"].item() == 1  # the unheard occurrence is left out
    assert word_paraling_sentences(summary)[0] == ('mood=calm: noise of "now" matters most (mean drop +0.050 over '
                                                   '1 occurrence)')
    assert 'mood=urgent: pitch ↓ of "now" matters most (mean drop +0.300 over 2 occurrences)' in \
        word_paraling_sentences(summary)
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    _, written = write_summary(folder)
    assert (folder / "summary" / "word_paraling.csv").read_text().startswith("head,class,word,property,mean_drop")
    assert "voice mattered (per word text)" in (folder / "summary" / "report.html").read_text()


def test_a_stored_result_plays_its_word_local_cells_again(result):
    from speechxai_core.dataset.views import stored_variants

    again = Explanation.from_json(result.to_json())
    stored = {record.id: record for record in stored_variants(again)}
    for record in result.variants:
        if record.kind.startswith("word_"):
            assert stored[record.id].probabilities["class"] == pytest.approx(record.probabilities["class"], abs=1e-9)
            assert stored[record.id].word_index == record.word_index
