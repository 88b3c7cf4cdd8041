import json

import numpy as np
import pytest
import soundfile as sf

from speechxai_core import explain
from speechxai_core.dataset import (DatasetError, ModelSpec, RunOptions, explain_dataset, read_items, read_records,
                                    write_parquet)
from speechxai_core.evaluation.faithfulness import evaluate_explanation

from .conftest import SR, energy_window_model, harmonic_tone, save_tiny_wav2vec2

WORDS = [{"word": "Turn", "start": 0.05, "end": 0.4}, {"word": "on,", "start": 0.5, "end": 0.75},
         {"word": "lights", "start": 1.0, "end": 1.6}]
OPTIONS = RunOptions(grid="fast", properties=("pitch_up", "noise"))


def _clip(i):
    tone = harmonic_tone(110 + 15 * i, seconds=2.0, amplitude=0.1)
    tone[int(0.5 * SR):int(0.75 * SR)] *= 2 + i
    return tone


def make_manifest(folder, n=4, bad=True, no_words=True):
    """n good clips with word timings, plus a corrupt file and a silent clip without words or transcript."""
    rows = []
    for i in range(n):
        sf.write(folder / f"clip{i}.wav", _clip(i), SR)
        rows.append({"path": f"clip{i}.wav", "words": WORDS, "intent": "loud"})
    if bad:
        (folder / "broken.wav").write_text("not audio " * 50)
        rows.insert(1, {"path": "broken.wav", "transcript": "turn on"})
    if no_words:
        sf.write(folder / "nowords.wav", np.zeros(2 * SR, np.float32), SR)
        rows.append({"path": "nowords.wav"})
    manifest = folder / "manifest.jsonl"
    manifest.write_text("\n".join(json.dumps(r) for r in rows))
    return manifest


def _strip(records):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in records]


def test_manifest_folder_and_csv_sources(tmp_path):
    manifest = make_manifest(tmp_path)
    items = read_items(manifest)
    assert items.ids == ["clip0.wav", "broken.wav", "clip1.wav", "clip2.wav", "clip3.wav", "nowords.wav"]
    first = next(item for _, item in items.pending([]))
    assert first.words[2]["word"] == "lights" and first.labels == {"intent": "loud"}
    assert first.audio == str(tmp_path / "clip0.wav")

    (tmp_path / "clip0.txt").write_text("turn on lights\n")
    (tmp_path / "clip1.words.json").write_text(json.dumps(WORDS))
    folder_items = dict((item.id, item) for _, item in read_items(tmp_path).pending([]))
    assert folder_items["clip0.wav"].transcript == "turn on lights"
    assert folder_items["clip1.wav"].words.endswith("clip1.words.json")

    csv = tmp_path / "m.csv"
    csv.write_text('id,file,text,words,action\na,clip0.wav,hello there,,open\nb,clip1.wav,,"[{""word"": ""x"", ""start"": 0.1, ""end"": 0.3}]",\n')
    rows = [item for _, item in read_items(csv).pending(["a"])]
    assert [r.id for r in rows] == ["b"] and rows[0].words[0]["word"] == "x" and rows[0].labels == {}
    assert read_items(csv).pending([]).__next__()[1].transcript == "hello there"


def test_bad_sources_are_clear_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="no audio files"):
        read_items(tmp_path / "empty")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"path": "a.wav"}\n{oops\n')
    with pytest.raises(DatasetError, match="line 2"):
        read_items(bad)
    dup = tmp_path / "dup.csv"
    dup.write_text("path\na.wav\na.wav\n")
    with pytest.raises(DatasetError, match="unique"):
        read_items(dup)
    nopath = tmp_path / "nopath.csv"
    nopath.write_text("transcript\nhello\n")
    with pytest.raises(DatasetError, match="no audio path"):
        read_items(nopath)
    with pytest.raises(DatasetError, match=".csv or .jsonl"):
        read_items(dup.rename(tmp_path / "dup.txt"))


def test_run_records_match_single_explanations_and_errors_do_not_stop_it(tmp_path):
    manifest = make_manifest(tmp_path)
    model = energy_window_model()
    summary = explain_dataset(manifest, ModelSpec(model), tmp_path / "out", OPTIONS)
    assert (summary.total, summary.explained, summary.errors) == (6, 6, 2)
    records = {r["id"]: r for r in read_records(tmp_path / "out")}
    assert records["broken.wav"]["status"] == "error" and records["broken.wav"]["error_type"] == "AudioError"
    assert "no speech found" in records["nowords.wav"]["error"]
    for i in range(4):
        record = records[f"clip{i}.wav"]
        audio = str(tmp_path / f"clip{i}.wav")
        direct = explain(audio, model, words=WORDS, grid="fast", properties=("pitch_up", "noise"))
        assert record["explanation"]["word_scores"] == direct.word_scores
        assert record["explanation"]["paralinguistic"] == direct.paralinguistic
        assert max(direct.word_scores["class"]) > 0.01
        faith = evaluate_explanation(direct, audio, model)["class"]
        assert record["faithfulness"]["class"] == faith.to_dict()
        assert record["labels"] == {"intent": "loud"} and record["index"] == list(records).index(f"clip{i}.wav")


def test_resume_skips_done_items_and_finishes_an_interrupted_run(tmp_path):
    manifest = make_manifest(tmp_path)
    model = ModelSpec(energy_window_model())
    out = tmp_path / "out"
    explain_dataset(manifest, model, out, OPTIONS)
    complete = _strip(read_records(out))
    log = out / "records.jsonl"
    lines = log.read_text().splitlines()
    again = explain_dataset(manifest, model, out, OPTIONS)
    assert (again.skipped, again.explained) == (6, 0) and log.read_text().splitlines() == lines

    log.write_text("\n".join(lines[:3]) + "\n" + lines[3][:40])  # killed while writing the 4th record
    resumed = explain_dataset(manifest, model, out, OPTIONS)
    assert (resumed.skipped, resumed.explained) == (3, 3)
    assert _strip(read_records(out)) == complete

    retried = explain_dataset(manifest, model, out, OPTIONS, retry_errors=True)
    assert (retried.skipped, retried.explained, retried.errors) == (4, 2, 2)
    with pytest.raises(DatasetError, match="other settings"):
        explain_dataset(manifest, model, out, RunOptions(grid="full"))


def test_a_model_or_manifest_changed_under_the_same_name_is_not_resumed(tmp_path):
    manifest = make_manifest(tmp_path, n=1, bad=False, no_words=False)
    folder = save_tiny_wav2vec2(tmp_path / "model", num_labels=2, seed=0)
    out = tmp_path / "out"
    assert explain_dataset(manifest, ModelSpec(folder), out, OPTIONS).explained == 1
    (tmp_path / "model" / "README.md").write_text("a model card does not change the outputs")
    assert explain_dataset(manifest, ModelSpec(folder), out, OPTIONS).skipped == 1
    save_tiny_wav2vec2(folder, num_labels=2, seed=1)  # retrained, saved to the same folder
    with pytest.raises(DatasetError, match="the model's files changed"):
        explain_dataset(manifest, ModelSpec(folder), out, OPTIONS)

    model, other_out = ModelSpec(energy_window_model()), tmp_path / "other"
    explain_dataset(manifest, model, other_out, OPTIONS)
    manifest.write_text(manifest.read_text().replace('"loud"', '"quiet"'))
    with pytest.raises(DatasetError, match="the source's content changed"):
        explain_dataset(manifest, model, other_out, OPTIONS)


def test_progress_reports_every_item(tmp_path):
    manifest = make_manifest(tmp_path, n=2, bad=False, no_words=False)
    calls = []
    explain_dataset(manifest, ModelSpec(energy_window_model()), tmp_path / "out", OPTIONS,
                    progress=lambda done, total, errors: calls.append((done, total, errors)))
    assert calls == [(0, 2, 0), (1, 2, 0), (2, 2, 0)]


def test_parquet_export_has_one_row_per_item(tmp_path):
    pytest.importorskip("pyarrow")
    import pandas as pd

    manifest = make_manifest(tmp_path, n=2)
    explain_dataset(manifest, ModelSpec(energy_window_model()), tmp_path / "out", OPTIONS)
    table = pd.read_parquet(write_parquet(tmp_path / "out"))
    assert table["id"].tolist() == ["clip0.wav", "broken.wav", "clip1.wav", "nowords.wav"]
    assert table["status"].tolist() == ["ok", "error", "ok", "error"]
    assert json.loads(table["faithfulness"][0])["class"]["selections"] >= 1


def test_saved_hugging_face_dataset_gives_the_same_records(tmp_path):
    datasets = pytest.importorskip("datasets")
    manifest = make_manifest(tmp_path, n=2, bad=False, no_words=False)
    data = datasets.Dataset.from_dict({
        "id": ["clip0.wav", "clip1.wav"],
        "audio": [{"bytes": (tmp_path / f"clip{i}.wav").read_bytes(), "path": None} for i in range(2)],
        "words": [WORDS, WORDS], "intent": ["loud", "loud"],
    }).cast_column("audio", datasets.Audio())
    data.save_to_disk(str(tmp_path / "hf"))
    model = ModelSpec(energy_window_model())
    explain_dataset(tmp_path / "hf", model, tmp_path / "out-hf", OPTIONS)
    explain_dataset(manifest, model, tmp_path / "out-manifest", OPTIONS)

    def science(folder):
        return [(r["id"], r["labels"], r["explanation"]["word_scores"], r["faithfulness"]) for r in read_records(folder)]

    assert science(tmp_path / "out-hf") == science(tmp_path / "out-manifest")
    with pytest.raises(DatasetError, match="no column"):
        read_items(tmp_path / "hf", text_column="sentence")

    arrays = datasets.Dataset.from_dict({
        "id": ["clip0.wav", "clip1.wav"], "words": [WORDS, WORDS], "intent": ["loud", "loud"],
        "speech": [{"array": sf.read(tmp_path / f"clip{i}.wav", dtype="float32")[0], "sampling_rate": SR} for i in range(2)],
    })
    arrays.save_to_disk(str(tmp_path / "hf-arrays"))
    explain_dataset(tmp_path / "hf-arrays", model, tmp_path / "out-arrays", OPTIONS, audio_column="speech")
    assert science(tmp_path / "out-arrays") == science(tmp_path / "out-manifest")


def test_unknown_source_offline_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("speechxai_core.models.hf.hub_reachable", lambda timeout=3.0: False)
    with pytest.raises(DatasetError, match="not a file or folder"):
        read_items(str(tmp_path / "nothing-here"))


@pytest.mark.parametrize("options, message", [
    (dict(methods=("loo", "shap")), "unknown method"), (dict(grid="huge"), "unknown grid"),
    (dict(properties=("pitch",)), "unknown properties"), (dict(thresholds="quartiles"), "unknown thresholds"),
    (dict(mask="blur"), "unknown mask"),
])
def test_options_that_would_fail_every_item_fail_at_once(options, message):
    with pytest.raises(ValueError, match=message):
        RunOptions(**options)


def test_word_methods_and_their_options_reach_every_item_and_the_run_settings(tmp_path):
    manifest = make_manifest(tmp_path, n=2, bad=False, no_words=False)
    options = RunOptions(methods=("loo", "lime", "shapley"), properties=("noise",), grid="fast", repeats=2,
                         method_options=(("lime_samples", 30),))
    explain_dataset(manifest, ModelSpec(energy_window_model()), tmp_path / "out", options)
    records = list(read_records(tmp_path / "out"))
    explanation = records[0]["explanation"]
    assert explanation["method_details"]["lime"]["samples"] == 30 and explanation["settings"]["repeats"] == 2
    assert len(explanation["method_scores"]["shapley"]["class"]) == 3
    settings = json.loads((tmp_path / "out" / "run.json").read_text())
    assert settings["method_options"] == [["lime_samples", 30]] and settings["repeats"] == 2
    assert "method_options" not in OPTIONS.settings() and "repeats" not in OPTIONS.settings()
    with pytest.raises(ValueError, match="lime_samples must be at least 2"):
        RunOptions(method_options=(("lime_samples", 1),))
