"""The faithfulness check: deletion/insertion curves equal an independent computation on a known-answer model."""

import json
import zlib

import numpy as np
import pytest

from speechxai_core import ScoringEngine, explain, variant_audio
from speechxai_core.evaluation.curves import HeadCurves, check_faithfulness
from speechxai_core.evaluation.faithfulness import EvaluationError, evaluate_explanation
from speechxai_core.explanation import Explanation

from .conftest import SR
from .test_evaluate import WORDS, _clip, _masked, _model, _p

FIELDS = ["deletion_curve", "insertion_curve", "deletion_auc", "insertion_auc", "comprehensiveness", "sufficiency",
          "random_deletion_auc", "random_insertion_auc", "minimal_words", "minimal_variant"]


def _by_hand(model, clip, scores, head, k, order=None):
    """Curves computed directly: mask with numpy, run the model's function, integrate with numpy."""
    order = order if order is not None else sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    n = len(order)
    deletion = [_p(model, _masked(clip, order[:i]), head, k) for i in range(n + 1)]
    insertion = [_p(model, _masked(clip, order[i:]), head, k) for i in range(n + 1)]
    x = np.linspace(0, 1, n + 1)
    return order, deletion, insertion, np.trapezoid(deletion, x), np.trapezoid(insertion, x)


def test_curves_equal_an_independent_computation_on_the_known_answer_model():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods=["loo", "shapley"], checks=("faithfulness",))
    checks = result.checks["faithfulness"]
    assert set(checks) == {"loo", "shapley"} and set(checks["loo"]) == {"a", "b"}
    for method in ("loo", "shapley"):
        for head in ("a", "b"):
            entry = checks[method][head]
            assert list(entry) == FIELDS
            k = next(h.target_index for h in result.heads if h.name == head)
            scores = result.scores_for(method)[head]
            order, deletion, insertion, d_auc, i_auc = _by_hand(model, clip, scores, head, k)
            assert entry["deletion_curve"] == pytest.approx(deletion, abs=1e-9)
            assert entry["insertion_curve"] == pytest.approx(insertion, abs=1e-9)
            assert len(entry["deletion_curve"]) == len(WORDS) + 1
            assert entry["deletion_auc"] == pytest.approx(d_auc, abs=1e-9)
            assert entry["insertion_auc"] == pytest.approx(i_auc, abs=1e-9)
            base = _p(model, clip, head, k)
            needed = next(m for m in range(len(order) + 1) if insertion[m] >= 0.9 * base)
            assert entry["minimal_words"] == order[:needed]
            # the minimal kept set replays exactly and scores as its insertion point
            kept = variant_audio(result, (clip, SR), entry["minimal_variant"])
            assert np.array_equal(kept, _masked(clip, order[needed:]))
            assert _p(model, kept, head, k) == pytest.approx(insertion[needed], abs=1e-9)
            assert result.variant(entry["minimal_variant"]).probabilities[head] == pytest.approx(insertion[needed])
    # the known truth: head a's weights rank w2 > w4 > w0 > w3 > w1, and the ranking beats random orders
    a = checks["loo"]["a"]
    assert a["minimal_words"][:1] == [2]
    assert a["deletion_auc"] < a["random_deletion_auc"] - 0.005
    assert a["insertion_auc"] > a["random_insertion_auc"] + 0.005


def test_random_areas_are_the_mean_over_five_seeded_orders():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo", checks="faithfulness")
    band = result.checks["faithfulness_random"]["b"]
    assert band["seeds"] == [0, 1, 2, 3, 4]
    k = next(h.target_index for h in result.heads if h.name == "b")
    deletions, insertions = [], []
    for seed in range(5):
        order = list(np.random.default_rng([seed, zlib.crc32(result.audio["name"].encode())]).permutation(5))
        _, deletion, insertion, d_auc, i_auc = _by_hand(model, clip, None, "b", k, order=order)
        deletions.append(d_auc)
        insertions.append(i_auc)
        assert band["deletion_curves"][seed] == pytest.approx(deletion, abs=1e-9)
    entry = result.checks["faithfulness"]["loo"]["b"]
    assert entry["random_deletion_auc"] == pytest.approx(np.mean(deletions), abs=1e-9)
    assert entry["random_insertion_auc"] == pytest.approx(np.mean(insertions), abs=1e-9)
    assert np.std(deletions) > 1e-3  # the orders differ


def test_comprehensiveness_and_sufficiency_equal_the_eraser_evaluation():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo", checks="faithfulness")
    eraser = evaluate_explanation(result, (clip, SR), model, seeds=())
    for head in ("a", "b"):
        entry = result.checks["faithfulness"]["loo"][head]
        assert entry["comprehensiveness"] == pytest.approx(eraser[head].comprehensiveness, abs=1e-9)
        assert entry["sufficiency"] == pytest.approx(eraser[head].sufficiency, abs=1e-9)


def test_standalone_check_scores_everything_in_one_batch_and_round_trips():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo", checks="faithfulness")
    engine = ScoringEngine(model, batch_size=1024)
    curves, bands = check_faithfulness(result, (clip, SR), model, engine=engine)
    assert engine.forward_passes == 2  # the original, then every curve point of every head and seed
    assert curves["loo"]["a"].to_dict() == result.checks["faithfulness"]["loo"]["a"]
    assert HeadCurves.from_dict(curves["loo"]["a"].to_dict()) == curves["loo"]["a"]
    again = Explanation.from_json(result.to_json())
    assert again.checks == json.loads(json.dumps(result.checks))
    with pytest.raises(EvaluationError, match="samples"):
        check_faithfulness(result, (clip[:-10], SR), model)


def test_cost_is_at_most_two_n_per_method_and_head_plus_the_shared_random_orders():
    model, clip = _model(), _clip()
    plain = explain((clip, SR), model, words=WORDS, methods="loo")
    checked = explain((clip, SR), model, words=WORDS, methods="loo", checks="faithfulness")
    n, heads, seeds = len(WORDS), 2, 5
    extra = len(checked.variants) - len(plain.variants)
    assert 0 < extra <= (2 * n - 1) * (heads + seeds)


def test_unknown_check_is_a_clear_error():
    model, clip = _model(), _clip()
    with pytest.raises(EvaluationError, match="unknown check.*faithfulness"):
        explain((clip, SR), model, words=WORDS, methods="loo", checks="faithfulness,truthiness")


def test_cli_writes_the_checks_to_json_and_csv(tmp_path, tiny_model_dir, three_words):
    import csv
    import subprocess
    import sys

    import soundfile as sf

    from .conftest import harmonic_tone

    audio, words = tmp_path / "clip.wav", tmp_path / "words.json"
    sf.write(audio, harmonic_tone(seconds=2.0), SR)
    words.write_text(json.dumps(three_words))
    out, table = tmp_path / "out.json", tmp_path / "words.csv"
    run = subprocess.run([sys.executable, "-m", "speechxai_core.cli", "explain", str(audio), "--model", tiny_model_dir,
                          "--words", str(words), "--methods", "loo", "--checks", "faithfulness", "--quiet",
                          "--json", str(out), "--csv", str(table)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "how far to trust it" in run.stdout
    entry = json.loads(out.read_text())["checks"]["faithfulness"]["loo"]["class"]
    assert list(entry) == FIELDS and len(entry["insertion_curve"]) == 4
    rows = list(csv.DictReader((tmp_path / "words.checks.csv").open()))
    auc = next(r for r in rows if r["method"] == "loo" and r["metric"] == "deletion_auc")
    assert float(auc["value"]) == pytest.approx(entry["deletion_auc"])
    bad = subprocess.run([sys.executable, "-m", "speechxai_core.cli", "explain", str(audio), "--model", tiny_model_dir,
                          "--words", str(words), "--methods", "loo", "--checks", "faithful"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.strip().startswith("error: unknown check(s) faithful")


def test_curves_follow_a_contrastive_target():
    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo", targets="b=x", contrast="b=y", checks="faithfulness")
    entry = result.checks["faithfulness"]["loo"]["b"]
    order = sorted(range(5), key=lambda i: (-result.word_scores["b"][i], i))
    by_hand = [_p(model, _masked(clip, order[:i]), "b", 0) - _p(model, _masked(clip, order[:i]), "b", 1) for i in range(6)]
    assert entry["deletion_curve"] == pytest.approx(by_hand, abs=1e-9)
    assert min(by_hand) < 0 < max(by_hand) or abs(by_hand[0] - by_hand[-1]) > 1e-3


def test_report_notebook_and_text_carry_the_checks():
    from speechxai_core.reports.clip_html import build_report
    from speechxai_core.reports.clip_text import format_explanation
    from speechxai_core.viz.notebook import notebook_html

    model, clip = _model(), _clip()
    result = explain((clip, SR), model, words=WORDS, methods="loo", checks="faithfulness")
    entry = result.checks["faithfulness"]["loo"]["b"]
    k = max(1, len(entry["minimal_words"]))
    sentence = f"from {entry['deletion_curve'][0]:.2f} to {entry['deletion_curve'][k]:.2f}"
    report = build_report(result, clip)
    assert "How far to trust it" in report and sentence in report and f"{entry['deletion_auc']:.3f}" in report
    assert "random deletion (AUC" in report  # the curves figure with its band
    notebook = notebook_html(result, clip)
    assert "How far to trust it" in notebook and sentence in notebook
    assert f'data-variant="{entry["minimal_variant"]}"' in notebook  # a player of the minimal kept set
    text = format_explanation(result)
    assert "how far to trust it" in text and sentence in text
