import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from speechxai_core.dataset import ModelSpec, RunOptions, read_records
from speechxai_core.dataset.records import RECORDS
from speechxai_core.dataset.views import load_summary, run_small_dataset
from speechxai_core.evaluation.dataset_summary import normalize_word, summarize_records
from speechxai_core.reports.dataset_html import faithfulness_table, paralinguistic_table

from .align_fixtures import spoken
from .conftest import energy_window_model
from .test_dataset import WORDS, make_manifest


def _record(i, words, scores, target, paraling, faith=None, label=None):
    return {
        "id": f"u{i}", "index": i, "status": "ok", "labels": {"intent": label} if label else {},
        "explanation": {
            "words": [{"word": w, "start": 0.1 * j, "end": 0.1 * j + 0.05} for j, w in enumerate(words)],
            "heads": [{"name": "intent", "target": target, "predicted": target}],
            "word_scores": {"intent": scores}, "paralinguistic": {"intent": paraling},
        },
        "faithfulness": {"intent": faith} if faith else None,
    }


def _faith(comp, suff, rcomp, rsuff):
    return {"comprehensiveness": comp, "sufficiency": suff, "random_comprehensiveness": float(np.mean(rcomp)),
            "random_sufficiency": float(np.mean(rsuff)), "random_comprehensiveness_seeds": rcomp,
            "random_sufficiency_seeds": rsuff, "selections": 2}


RECORDS_BY_HAND = [
    _record(0, ["Lights!", "ON"], [0.6, 0.2], "on", {"noise": 0.1, "pitch_up": 0.0},
            _faith(0.5, 0.1, [0.2, 0.4], [0.3, 0.5]), label="on"),
    _record(1, ["lights", "off"], [0.2, 0.9], "off", {"noise": 0.3, "pitch_up": 0.2},
            _faith(0.7, 0.3, [0.4, 0.0], [0.5, 0.1]), label="on"),
    _record(2, ["the", "lights", "on"], [0.0, 0.4, 0.5], "on", {"noise": -0.1, "pitch_up": 0.1},
            _faith(None, None, [0.9, 0.9], [0.9, 0.9])),  # no positive word: left out entirely
    {"id": "bad", "index": 3, "status": "error", "error": "bad.wav: file is empty", "error_type": "AudioError",
     "audio": "bad.wav"},
]


def test_word_paralinguistic_and_faithfulness_tables_match_hand_computation():
    summary = summarize_records(RECORDS_BY_HAND, top_k=2)
    words = {(r["class"], r["word"]): (r["mean_score"], r["count"], r["rank"]) for r in summary.words.to_dict("records")}
    # class "on": lights (0.6, 0.4) -> 0.5; on (0.2, 0.5) -> 0.35; the 0.0 is cut by top_k = 2
    assert words[("on", "lights")] == (pytest.approx(0.5), 2, 1)
    assert words[("on", "on")] == (pytest.approx(0.35), 2, 2)
    assert ("on", "the") not in words and words[("off", "off")] == (pytest.approx(0.9), 1, 1)

    para = {(r["property"]): (r["mean"], r["items"]) for r in summary.paralinguistic.to_dict("records")}
    assert para["noise"] == (pytest.approx(0.1), 3) and para["pitch_up"] == (pytest.approx(0.1), 3)

    faith = summary.faithfulness.iloc[0]
    assert faith["items"] == 2  # the item without positive words is left out
    assert faith["comprehensiveness"] == pytest.approx(0.6) and faith["sufficiency"] == pytest.approx(0.2)
    # per seed over items: comp (0.3, 0.2) -> 0.25 ± 0.05; suff (0.4, 0.3) -> 0.35 ± 0.05
    assert faith["random_comprehensiveness"] == pytest.approx(0.25)
    assert faith["random_comprehensiveness_std"] == pytest.approx(0.05)
    assert faith["random_sufficiency"] == pytest.approx(0.35)

    assert summary.overview.iloc[0]["accuracy"] == pytest.approx(0.5) and summary.overview.iloc[0]["labelled"] == 2
    assert summary.failed == 1 and summary.errors.iloc[0]["error_type"] == "AudioError"
    assert faithfulness_table(summary).iloc[0]["comprehensiveness ↑"] == "0.600 ± 0.100"
    assert paralinguistic_table(summary).loc["noise", "intent"] == pytest.approx(0.1)


def test_normalize_word_lowercases_and_strips_punctuation():
    assert [normalize_word(w) for w in ["Lights!", "«Küche»", "don't", "...", "C3PO"]] == ["lights", "küche", "dont", "", "c3po"]


def test_cli_explain_dataset_then_summarize_writes_csv_and_offline_html(tmp_path, tiny_multihead_dir):
    manifest = make_manifest(tmp_path, n=2, no_words=False)
    out = tmp_path / "out"
    common = [sys.executable, "-m", "speechxai_core.cli"]
    run = subprocess.run([*common, "explain-dataset", str(manifest), "--model", tiny_multihead_dir, "--heads",
                          "a:2,b:3,c:4", "--out", str(out), "--grid", "fast", "--properties", "noise,reverb"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "3 items: 0 already done, 3 processed (1 failed)" in run.stdout and "broken.wav" in run.stdout
    assert re.search(r"explaining: 100%.*3/3", run.stderr)
    summary = subprocess.run([*common, "summarize", str(out), "--top-k", "3"], capture_output=True, text=True, timeout=300)
    assert summary.returncode == 0, summary.stderr
    assert "faithfulness" in summary.stdout and "reverb" in summary.stdout
    faith = pd.read_csv(out / "summary" / "faithfulness.csv")
    records = [r for r in read_records(out) if r["status"] == "ok"]
    for head in ("a", "b", "c"):
        values = [r["faithfulness"][head]["comprehensiveness"] for r in records]
        values = [v for v in values if v is not None]
        if values:
            assert faith.set_index("head").loc[head, "comprehensiveness"] == pytest.approx(np.mean(values))
    words = pd.read_csv(out / "summary" / "words.csv")
    assert set(words["word"]) <= {"turn", "on", "lights"} and words.groupby(["head", "class"]).size().max() <= 3
    html = (out / "summary" / "report.html").read_text()
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js inlined
    assert not re.search(r"<script[^>]+src=", html)
    assert "broken.wav" in html and "Faithfulness" in html


def test_cli_summarize_on_a_folder_without_records_fails_cleanly(tmp_path):
    result = subprocess.run([sys.executable, "-m", "speechxai_core.cli", "summarize", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stderr.startswith("error:") and RECORDS in result.stderr


def test_app_views_run_a_small_dataset_and_reload_it(tmp_path):
    manifest = make_manifest(tmp_path, n=2)
    view = run_small_dataset(manifest, ModelSpec(energy_window_model()), tmp_path / "out", grid="fast")
    assert view.status == "4 items, 2 explained, 2 failed"
    assert set(view.figures) == {"words:class", "paralinguistic", "faithfulness"}
    bars = view.figures["words:class"].data
    assert {bar.name for bar in bars} == set(view.words["class"])
    assert list(view.paralinguistic.columns) == ["property", "class"] and len(view.errors) == 2
    assert view.report.is_file()
    status, words_figure, *_, report = view.outputs()
    assert status == view.status and report == str(view.report)
    bars = sum(int(np.sum(~np.isnan(np.asarray(trace.x, dtype=float)))) for trace in words_figure.data)
    assert bars == len(view.words)
    reloaded = load_summary(tmp_path / "out")
    assert reloaded.faithfulness.equals(view.faithfulness)

    uploads = tmp_path / "uploads"
    for i, name in enumerate(["clip0.wav", "clip0.txt", "clip1.wav", "clip1.words.json"]):
        (uploads / str(i)).mkdir(parents=True)
    files = [uploads / "0" / "clip0.wav", uploads / "2" / "clip1.wav"]
    speech, _ = spoken("turn on lights")  # the transcript is force-aligned to real speech
    sf.write(files[0], speech.samples, speech.sr)
    files[1].write_bytes((tmp_path / "clip1.wav").read_bytes())
    (uploads / "1" / "clip0.txt").write_text("turn on lights")
    (uploads / "3" / "clip1.words.json").write_text(json.dumps(WORDS))
    uploaded = run_small_dataset([files[0], uploads / "1" / "clip0.txt", files[1], uploads / "3" / "clip1.words.json"],
                                 ModelSpec(energy_window_model()), tmp_path / "uploaded-run", grid="fast",
                                 methods=("loo",))
    assert uploaded.status == "2 items, 2 explained, 0 failed"
    assert set(uploaded.words["word"]) == {"turn", "on", "lights"}
    with pytest.raises(Exception, match="too many items: 2 in the uploaded files; here at most 1"):
        run_small_dataset(files, ModelSpec(energy_window_model()), tmp_path / "too-many", max_items=1)
