"""The Dataset tab's benchmark of word methods: the event on uploads, and the tab in Chromium."""

from __future__ import annotations

import json
import shutil

import gradio as gr
import pytest

import app
from speechxai_core.evaluation.benchmark import run_benchmark
from speechxai_core.models import load_model
from speechxai_core.serving.workspace import Workspace
from tests.app.conftest import WORDS
from tests.test_benchmark import manifest  # noqa: F401 - the fixture: two clips, a model file, a manifest


def uploads(*paths, root):
    """Each file in a folder of its own, as Gradio stores uploads."""
    copies = []
    for i, path in enumerate(paths):
        folder = root / f"upload{i}"
        folder.mkdir(parents=True)
        copies.append(str(shutil.copy(path, folder / path.name)))
    return copies


def test_the_benchmark_event_gives_the_commands_numbers(manifest, tmp_path):  # noqa: F811
    folder = manifest.parent
    model = f"{folder / 'additive.py'}:model"
    files = uploads(folder / "a.wav", folder / "b.wav", manifest, root=tmp_path / "up")
    table, report = app.benchmark_clips(files, ["loo", "shapley"], model, "", Workspace(root=tmp_path / "ws"), "s1")
    expected, _, _ = run_benchmark(manifest, load_model(model), ["loo", "shapley"])
    assert list(table["method"]) == ["Leave-one-out", "Shapley", "random"] * 2
    assert list(table.columns[:4]) == ["head", "method", "comprehensiveness ↑", "sufficiency ↓"]
    assert [float(v) for v in table["deletion_auc ↓"]] == pytest.approx(list(expected["deletion_auc"]), abs=6e-4)
    assert list(table["plausibility ↑"])[:2] == ["1.00", "1.00"]
    assert report.endswith("benchmark.html") and "sx-benchmark" in open(report, encoding="utf-8").read()
    # clips with their own timings and no manifest: no carriers, so no plausibility
    timings = tmp_path / "a.words.json"
    timings.write_text(json.dumps(json.loads(manifest.read_text().splitlines()[0])["words"]))
    table, _ = app.benchmark_clips(uploads(folder / "a.wav", timings, root=tmp_path / "up2"), ["loo"], model, "",
                                   Workspace(root=tmp_path / "ws"), "s1")
    assert list(table["plausibility ↑"]) == ["n/a"] * 4
    with pytest.raises(gr.Error, match="the manifest names clips that were not uploaded: b.wav"):
        app.benchmark_clips(uploads(folder / "a.wav", manifest, root=tmp_path / "up3"), ["loo"], model, "",
                            Workspace(root=tmp_path / "ws"), "s1")


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_the_dataset_tab_benchmarks_uploaded_clips(page, app_url, clip_files, artifacts, tmp_path, width, height):
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(json.dumps({"path": "command.wav", "words": WORDS,
                                    "carriers": {"action": 0, "object": 2, "location": None}}) + "\n")
    page.set_viewport_size({"width": width, "height": height})
    page.goto(app_url)
    page.click("#tab-dataset-button")
    page.locator("#tab-dataset input[type=file][multiple]").set_input_files([clip_files["wav"], str(manifest)])
    page.locator("#benchmark-methods label", has_text="LIME").click()  # leave-one-out and Shapley only
    page.click("#run-benchmark")
    page.wait_for_function("document.querySelector('#benchmark-table') && "
                           "document.querySelector('#benchmark-table').innerText.includes('deletion_auc')",
                           timeout=300_000)
    text = page.inner_text("#benchmark-table")
    for name in ("deletion_auc", "insertion_auc", "plausibility", "Leave-one-out", "Shapley", "random"):
        assert name in text
    assert "LIME" not in text
    page.locator("#benchmark-table").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / f"app_benchmark_tab_{width}.png", full_page=False)
    assert page.locator("#benchmark-report a").count() >= 1
