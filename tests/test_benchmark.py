"""``speechxai benchmark``: per head and method faithfulness, plausibility and time, against hand computations."""

from __future__ import annotations

import csv
import json
import zlib

import numpy as np
import pytest
import soundfile as sf

from speechxai_core.cli import main

from .conftest import SR, harmonic_tone

WORDS = [{"word": w, "start": 0.1 + 0.3 * i, "end": 0.3 + 0.3 * i} for i, w in enumerate(("put", "the", "lamp", "here"))]
#: p(yes) = 0.05 + 0.3·[word 0 heard] + 0.6·[word 1 heard]; p(here) = 0.1 + 0.8·[word 3 heard]
WHICH, WHERE = (0.05, [0.3, 0.6, 0.0, 0.0]), (0.1, [0.0, 0.0, 0.0, 0.8])

MODEL_FILE = f'''
import numpy as np
from speechxai_core import CallableClassifier

WORDS = {WORDS!r}

def fn(waveforms, sr):
    heard = np.stack([np.abs(waveforms[:, int(w["start"] * sr) + 10:int(w["end"] * sr) - 10]).mean(axis=1) > 1e-4
                      for w in WORDS], axis=1).astype(float)
    which = {WHICH[0]} + heard @ np.array({WHICH[1]})
    where = {WHERE[0]} + heard @ np.array({WHERE[1]})
    return {{"which": np.stack([which, 1 - which], 1), "where": np.stack([where, 1 - where], 1)}}

model = CallableClassifier(fn, {{"which": ["yes", "no"], "where": ["here", "there"]}}, {SR}, name="additive-heads")
'''


@pytest.fixture()
def manifest(tmp_path):
    for name in ("a.wav", "b.wav"):
        sf.write(tmp_path / name, harmonic_tone(seconds=1.4), SR)
    rows = [{"path": "a.wav", "words": WORDS, "carriers": {"which": 1, "where": 3}},
            {"path": "b.wav", "words": WORDS, "carriers": {"which": None, "where": 2}}]
    path = tmp_path / "manifest.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    (tmp_path / "additive.py").write_text(MODEL_FILE)
    return path


def p_of(head, kept) -> float:
    base, coefficients = head
    return base + sum(c for i, c in enumerate(coefficients) if i in kept)


def by_hand(head, scores) -> dict:
    """Deletion/insertion areas, comprehensiveness and sufficiency of ``scores`` on the additive head."""
    n = len(scores)
    order = sorted(range(n), key=lambda i: (-scores[i], i))
    everything = set(range(n))
    deletion = [p_of(head, everything - set(order[:i])) for i in range(n + 1)]
    insertion = [p_of(head, set(order[:i])) for i in range(n + 1)]
    area = lambda c: sum((c[i] + c[i + 1]) / 2 for i in range(n)) / n  # noqa: E731
    positive = [i for i in order if scores[i] > 0]
    chosen = []
    for t in range(1, 11):
        k = int(t / 10 * n + 1e-9)
        selection = frozenset(positive[:k])
        if k and selection and selection not in chosen:
            chosen.append(selection)
    full = p_of(head, everything)
    comp = np.mean([full - p_of(head, everything - s) for s in chosen]) if chosen else np.nan
    suff = np.mean([full - p_of(head, s) for s in chosen]) if chosen else np.nan
    return {"deletion_auc": area(deletion), "insertion_auc": area(insertion), "comprehensiveness": comp,
            "sufficiency": suff, "first": order[0]}


def test_benchmark_writes_the_table_of_every_method_and_a_random_row(manifest, tmp_path):
    out = tmp_path / "bench"
    code = main(["benchmark", str(manifest), "--model", f"{tmp_path / 'additive.py'}:model",
                 "--methods", "loo,shapley,lime", "--out", str(out), "--quiet"])
    assert code == 0
    with open(out / "benchmark.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["head", "method", "comprehensiveness", "sufficiency", "deletion_auc", "insertion_auc",
                             "plausibility", "seconds_per_clip"]
    assert [(r["head"], r["method"]) for r in rows] == [
        (h, m) for h in ("which", "where") for m in ("loo", "shapley", "lime", "random")]
    table = {(r["head"], r["method"]): {k: float(v) if v else np.nan for k, v in r.items() if k not in ("head", "method")}
             for r in rows}
    heads = {"which": WHICH, "where": WHERE}
    carriers = {"which": [1, None], "where": [3, 2]}
    for head, truth in heads.items():
        # on an additive model, LOO and Shapley both return the coefficients: the ranking is known
        expected = by_hand(truth, truth[1])
        for method in ("loo", "shapley"):
            row = table[(head, method)]
            for key in ("deletion_auc", "insertion_auc", "comprehensiveness", "sufficiency"):
                assert row[key] == pytest.approx(expected[key], abs=1e-9), (head, method, key)
            hits = [expected["first"] == c for c in carriers[head] if c is not None]
            assert row["plausibility"] == pytest.approx(np.mean(hits))
            assert row["seconds_per_clip"] > 0
        # random: uniform scores in [-1, 1] from (seed, crc32(clip name)), seeds 0-4, mean over seeds then clips
        per_clip = []
        for clip in ("a.wav", "b.wav"):
            draws = [np.random.default_rng([seed, zlib.crc32(clip.encode())]).uniform(-1, 1, 4) for seed in range(5)]
            per_clip.append([by_hand(truth, list(d)) for d in draws])
        random = table[(head, "random")]
        for key in ("deletion_auc", "insertion_auc"):
            assert random[key] == pytest.approx(np.mean([np.mean([d[key] for d in c]) for c in per_clip]), abs=1e-9)
        assert np.isnan(random["seconds_per_clip"])
        assert table[(head, "loo")]["deletion_auc"] < random["deletion_auc"]
        assert table[(head, "loo")]["insertion_auc"] > random["insertion_auc"]
    assert table[("which", "loo")]["plausibility"] == 1.0 and table[("where", "loo")]["plausibility"] == 0.5
    page = (out / "benchmark.html").read_text()
    assert 'class="sx-benchmark"' in page and "deletion_auc ↓" in page and "probability drop" in page
    with open(out / "agreement.csv", newline="") as handle:
        agreement = {r["method"]: r for r in csv.DictReader(handle)}
    assert float(agreement["loo"]["shapley"]) == pytest.approx(1.0)


def test_benchmark_refuses_a_bad_manifest_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"path": "a.wav"}\n')
    assert main(["benchmark", str(bad), "--model", "demo", "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.strip() == f"error: {bad}:1: a row needs 'path' and 'words'"
    assert main(["benchmark", str(bad), "--methods", "paraling", "--out", str(tmp_path / "o")]) == 2
    assert "not a word method: paraling" in capsys.readouterr().err


def test_the_demo_model_benchmark_ranks_the_carrying_word_first(tmp_path):
    from pathlib import Path

    manifest = Path(__file__).resolve().parent.parent / "assets" / "demo-eval" / "manifest.jsonl"
    out = tmp_path / "demo"
    assert main(["benchmark", str(manifest), "--model", "demo", "--limit", "1", "--methods", "loo,shapley,gradient",
                 "--out", str(out), "--quiet"]) == 0
    with open(out / "benchmark.csv", newline="") as handle:
        rows = {(r["head"], r["method"]): r for r in csv.DictReader(handle)}
    assert [m for h, m in rows if h == "object"] == ["loo", "shapley", "gradient", "random"]
    object_rows = {m: {k: float(v) for k, v in r.items() if k not in ("head", "method") and v} for (h, m), r in rows.items()
                   if h == "object"}
    assert object_rows["shapley"]["comprehensiveness"] > object_rows["random"]["comprehensiveness"]
    assert object_rows["shapley"]["deletion_auc"] < object_rows["random"]["deletion_auc"]
    assert object_rows["loo"]["plausibility"] == 1.0  # "colder": the object word ranked first
    assert (out / "benchmark.md").read_text().startswith("| head | method | comprehensiveness ↑")


def test_benchmark_adds_stability_and_sanity_columns_when_asked(manifest, tmp_path):
    from scipy.stats import spearmanr

    from speechxai_core import explain
    from speechxai_core.models import load_model

    out = tmp_path / "checked"
    model = f"{tmp_path / 'additive.py'}:model"
    assert main(["benchmark", str(manifest), "--model", model, "--methods", "loo,lime", "--checks", "stability,sanity",
                 "--limit", "1", "--out", str(out), "--quiet"]) == 0
    with open(out / "benchmark.csv", newline="") as handle:
        rows = {(r["head"], r["method"]): r for r in csv.DictReader(handle)}
    assert list(rows[("which", "loo")])[-6:] == ["stability_spearman", "stability_top1", "mask_spearman",
                                                 "members_spearman", "sanity_spearman", "sanity_passed"]
    assert rows[("which", "loo")]["stability_spearman"] == ""  # deterministic: not applicable, never 1.0
    assert rows[("which", "lime")]["sanity_spearman"] == ""  # a Python function has no weights to reset
    # LIME across seeds 0, 1, 2: mean pairwise Spearman of its word scores, computed here
    classifier = load_model(model)
    words = json.loads(manifest.read_text().splitlines()[0])["words"]
    runs = [explain(str(manifest.parent / "a.wav"), classifier, words=words, methods="lime", seed=s).scores_for("lime")
            for s in (0, 1, 2)]
    for head in ("which", "where"):
        pairs = [(a[head], b[head]) for i, a in enumerate(runs) for b in runs[i + 1:]]
        expected = np.mean([spearmanr(a, b).statistic for a, b in pairs])
        assert float(rows[(head, "lime")]["stability_spearman"]) == pytest.approx(expected, abs=1e-5)
    assert "stability_spearman ↑" in (out / "benchmark.md").read_text()
