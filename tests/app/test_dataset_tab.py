"""The Dataset tab: its folder guard, its events, and the tab in Chromium."""

from __future__ import annotations

import os

import gradio as gr
import pytest

from speechxai_core.dataset import ModelSpec, RunOptions, explain_dataset
from speechxai_core.dataset.items import DatasetError
from speechxai_core.serving.results_folders import allowed_results_folder
from tests.app.conftest import launch_chromium
from tests.conftest import energy_window_model
from tests.test_dataset import make_manifest


@pytest.fixture(scope="module")
def results_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dataset")
    manifest = make_manifest(folder, n=3)
    explain_dataset(manifest, ModelSpec(energy_window_model()), folder / "out",
                    RunOptions(grid="fast", properties=("pitch_up", "noise")))
    return folder / "out"


def test_folder_guard(tmp_path):
    inside = tmp_path / "root" / "run"
    inside.mkdir(parents=True)
    assert allowed_results_folder(str(inside), {"SPEECHXAI_RESULTS_ROOT": str(tmp_path / "root")}) == inside
    with pytest.raises(DatasetError, match="only folders inside"):
        allowed_results_folder(str(tmp_path), {"SPEECHXAI_RESULTS_ROOT": str(tmp_path / "root")})
    with pytest.raises(DatasetError, match="only folders inside"):
        allowed_results_folder(str(inside / ".." / ".."), {"SPEECHXAI_RESULTS_ROOT": str(tmp_path / "root")})
    with pytest.raises(DatasetError, match="no results folder"):  # hosted: only inside runs/ beside the app
        allowed_results_folder(str(inside), {"SPACE_ID": "someone/speechxai"})
    with pytest.raises(DatasetError, match="no such folder"):
        allowed_results_folder(str(tmp_path / "missing"), {})
    with pytest.raises(DatasetError, match="enter the path"):
        allowed_results_folder("  ", {})


def test_open_results_event_shows_the_summary(results_folder, monkeypatch):
    from app import open_results

    monkeypatch.delenv("SPEECHXAI_RESULTS_ROOT", raising=False)
    monkeypatch.delenv("SPACE_ID", raising=False)
    status, words_figure, paraling_figure, faith_figure, words, paraling, faith, errors, report = open_results(
        str(results_folder))
    assert status == "5 items, 3 explained, 2 failed"
    assert set(words["word"]) >= {"turn", "on", "lights"} and len(errors) == 2
    assert list(paraling["property"]) == ["pitch_up", "noise"]
    assert words_figure is not None and os.path.isfile(report)
    with pytest.raises(gr.Error, match="no such folder"):
        open_results(str(results_folder / "nope"))


@pytest.mark.browser
def test_dataset_tab_in_the_browser(results_folder, app_url, artifacts, tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api") if not os.environ.get("CI") else __import__(
        "playwright.sync_api", fromlist=["sync_playwright"])
    with playwright_api.sync_playwright() as playwright:
        context = launch_chromium(playwright, tmp_path / "profile")
        page = context.pages[0]
        page.goto(app_url)
        page.get_by_role("tab", name="Dataset").click()
        page.locator("#results-folder textarea, #results-folder input").first.fill(str(results_folder / "missing"))
        page.click("#open-results")
        page.get_by_text("no such folder").first.wait_for(timeout=30_000)
        page.locator("#results-folder textarea, #results-folder input").first.fill(str(results_folder))
        page.click("#open-results")
        page.wait_for_function("document.querySelector('#dataset-status').innerText.includes('3 explained')",
                               timeout=60_000)
        page.wait_for_selector("#tab-dataset .js-plotly-plot", timeout=30_000)
        assert page.locator("#tab-dataset .js-plotly-plot").count() == 3
        page.screenshot(path=str(artifacts / "app_dataset_tab.png"), full_page=True)
        context.close()
