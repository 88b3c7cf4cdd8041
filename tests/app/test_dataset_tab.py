"""The Dataset tab: its folder guard, its events, and the tab in Chromium."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

from speechxai_core import Explanation, variant_audio
from speechxai_core.dataset import ModelSpec, RunOptions, explain_dataset, read_records
from speechxai_core.dataset.items import DatasetError
from speechxai_core.serving.results_folders import allowed_results_folder
from speechxai_core.serving.session import pcm16
from speechxai_core.viz.style import number
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


NUMBER = re.compile(r"^[+-]?\d+\.\d{3}$")


def test_open_results_event_shows_the_summary(results_folder, monkeypatch):
    from app import open_results

    monkeypatch.delenv("SPEECHXAI_RESULTS_ROOT", raising=False)
    monkeypatch.delenv("SPACE_ID", raising=False)
    (status, words_figure, paraling_figure, faith_figure, clips, words, paraling, faith, errors, report,
     opened) = open_results(str(results_folder))
    assert status == "5 items, 3 explained, 2 failed" and opened == str(results_folder)
    assert set(words["word"]) >= {"turn", "on", "lights"} and len(errors) == 2
    # the single-clip view's names and number format: titles, 3 decimals, never -0.000
    assert list(paraling["property"]) == ["Pitch raised", "White noise"]
    for cell in paraling["class"]:
        mean, std = cell.split(" ± ")
        assert NUMBER.match(mean) and NUMBER.match(std) and mean != "-0.000"
    assert all(NUMBER.match(cell) and cell != "-0.000" for cell in words["mean importance"])
    assert not any("-0.000" in str(cell) for cell in faith.to_numpy().ravel())
    # the clip list: file, prediction per head, status
    assert list(clips.columns) == ["file", "class", "status"]
    assert list(clips["file"]) == ["clip0.wav", "broken.wav", "clip1.wav", "clip2.wav", "nowords.wav"]
    assert list(clips["status"][[0, 2, 3]]) == ["explained"] * 3 and clips["status"][1].startswith("failed: ")
    assert re.fullmatch(r"\S+ \(\d\.\d\d\)", clips["class"][0])
    # titled figures; the word chart as small multiples: one panel (own axes) per class, never stacked
    assert words_figure.layout.title.text and paraling_figure.layout.title.text and faith_figure.layout.title.text
    assert words_figure.layout.barmode not in ("stack", "relative")
    panels = [(trace.xaxis, trace.yaxis) for trace in words_figure.data]
    assert len(set(panels)) == len(panels) == words["class"].nunique()
    for trace in words_figure.data:
        assert set(trace.y) == set(words[words["class"] == trace.name]["word"])
    assert [bar.x for bar in paraling_figure.data][0] == ("Pitch raised", "White noise")
    assert os.path.isfile(report)
    failed = open_results(str(results_folder / "nope"))  # the status says why; every view is emptied
    assert failed[0].startswith("**Not done:**") and "no such folder" in failed[0]
    assert failed[1:-1] == (None,) * 9 and failed[-1] == ""


def test_a_listed_clip_opens_with_its_stored_explanation(results_folder):
    from app import stored_clip_views

    record = read_records(results_folder)[2]
    stored = Explanation.from_dict(record["explanation"])
    views = stored_clip_views(str(results_folder), 2)
    session = views["session"]
    assert session.explanation.audio["name"] == "clip1.wav" and views["results"]["visible"]
    assert "clip1.wav" in views["status"] and "stored" in views["status"]
    # the player plays exactly the audio that was scored; the caption gives the stored drop
    sr, samples = session.play("word:2")
    np.testing.assert_array_equal(samples, pcm16(variant_audio(stored, record["audio"], "word:2")))
    head = stored.heads[0]
    assert f"(drop {number(stored.word_scores[head.name][2], signed=True)})" in session.caption("word:2")
    level = stored.paralinguistic_levels["noise"][1]
    drop = stored.paralinguistic_drops[head.name]["noise"][1]
    assert f"(drop {number(drop, signed=True)})" in session.caption(f"noise:{level:g}")
    assert views["caption"].count("<li>") == len(stored.heads) and views["player"][0] == sr
    assert f'data-variant="word:{len(stored.words) - 1}"' in views["word_table"]
    # a failed item and a missing row say why, in one line
    with pytest.raises(DatasetError, match="broken.wav: not explained"):
        stored_clip_views(str(results_folder), 1)
    with pytest.raises(DatasetError, match="no clip number 9"):
        stored_clip_views(str(results_folder), 8)


@pytest.mark.browser
def test_dataset_tab_in_the_browser(results_folder, app_url, artifacts, tmp_path):
    from tests.app.browser import playwright_api

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
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts / "app_dataset_tab.png"), full_page=True)
        text = page.inner_text("#tab-dataset")
        # named and written as on the first tab; figures titled by themselves, not "Plot"
        assert "Pitch raised" in text and "pitch_up" not in text and "-0.000" not in text
        assert not re.search(r"\d\.\d{4}", text)  # no raw floats
        assert "Plot" not in page.evaluate("[...document.querySelectorAll('#tab-dataset label')].map(l => l.innerText)")
        titles = page.evaluate("[...document.querySelectorAll('#tab-dataset .gtitle')].map(t => t.textContent)")
        assert len(titles) == 3 and titles[0].startswith("Top words per class")
        # output tables are read-only: a double click edits nothing, nothing can be dropped on them
        cell = page.locator("#dataset-words-table .body-cell", has_text="lights").first
        cell.dblclick()
        page.wait_for_timeout(300)
        assert page.locator("#dataset-words-table :is(input:not([type=file]), textarea, [contenteditable=true])"
                            ).count() == 0
        upload = tmp_path / "other.csv"
        upload.write_text("head,class\nuploaded,table\n", encoding="utf-8")
        page.locator("#dataset-words-table input[type=file]").set_input_files(upload)
        page.wait_for_timeout(1000)
        assert page.locator("#dataset-words-table .body-cell", has_text="uploaded").count() == 0
        assert page.locator("#dataset-words-table .body-cell", has_text="lights").count() >= 1
        assert page.locator("#dataset-report input[type=file]").count() == 0
        # the clip list: choosing a clip opens its stored explanation on the first tab, ready to play
        clips = page.locator("#dataset-clips .body-cell", has_text=re.compile(r"^\s*\S+\.wav\s*$"))
        assert [text.strip() for text in clips.all_inner_texts()] == ["clip0.wav", "broken.wav", "clip1.wav", "clip2.wav", "nowords.wav"]
        assert page.locator("#dataset-clips .body-cell", has_text="failed: broken.wav").count() == 1
        clips.nth(2).click()
        page.wait_for_selector("#tab-clip #results #prediction [data-head]", timeout=30_000)
        assert page.get_by_role("tab", name="Explain a clip").get_attribute("aria-selected") == "true"
        assert "clip1.wav" in page.inner_text("#status") and "clip1.wav" in page.inner_text("#prediction")
        page.wait_for_selector("#caption [data-playing='original']", timeout=20_000)
        page.click("#transcript-view [data-variant='word:2']")
        page.wait_for_selector("#caption [data-playing='word:2']", timeout=20_000)
        page.screenshot(path=str(artifacts / "app_dataset_clip_opened.png"), full_page=True)
        context.close()


@pytest.fixture()
def folder_in_home(results_folder):
    """A copy of the results in the home folder: outside the app's folder and the temporary folder."""
    import shutil
    import tempfile
    from pathlib import Path

    home = Path(tempfile.mkdtemp(prefix="speechxai-test-runs-", dir=Path.home()))
    shutil.copytree(results_folder, home / "a")
    yield home / "a"
    shutil.rmtree(home, ignore_errors=True)


@pytest.mark.browser
def test_a_local_results_folder_anywhere_opens_with_its_report(folder_in_home, app_url, artifacts, tmp_path):
    from tests.app.browser import playwright_api

    with playwright_api.sync_playwright() as playwright:
        context = launch_chromium(playwright, tmp_path / "profile")
        page = context.pages[0]
        page.goto(app_url)
        page.get_by_role("tab", name="Dataset").click()
        field = page.locator("#results-folder textarea, #results-folder input").first
        field.fill(str(folder_in_home))
        page.click("#open-results")
        page.wait_for_function("document.querySelector('#dataset-status').innerText.includes('3 explained')",
                               timeout=60_000)
        href = page.get_attribute("#dataset-report a", "href")
        assert "Top words per class" in page.request.get(href).text()
        assert page.locator("#tab-dataset .error").count() == 0
        field.fill(str(folder_in_home / "missing"))
        page.click("#open-results")
        page.wait_for_function("document.querySelector('#dataset-status').innerText.includes('Not done')",
                               timeout=30_000)
        assert "no such folder" in page.inner_text("#dataset-status")
        assert page.get_by_text("Error", exact=True).count() == 0  # no empty error badges
        page.screenshot(path=str(artifacts / "app_dataset_missing_folder.png"), full_page=True)
        context.close()


def test_a_stored_clip_plays_its_bands_with_their_stored_drops(tmp_path):
    from app import stored_clip_views

    manifest = make_manifest(tmp_path, n=2)
    explain_dataset(manifest, ModelSpec(energy_window_model()), tmp_path / "out",
                    RunOptions(methods=("loo", "bands"), properties=(), faithfulness=False,
                               method_options=(("bands", 4),)))
    record = read_records(tmp_path / "out")[0]
    stored = Explanation.from_dict(record["explanation"])
    session = stored_clip_views(str(tmp_path / "out"), 0)["session"]
    head = stored.heads[0]
    assert len(stored.bands) == 4
    assert f"(drop {number(stored.band_scores[head.name][2], signed=True)})" in session.caption("band:2")
    _, samples = session.play("band:2")
    np.testing.assert_array_equal(samples, pcm16(variant_audio(stored, record["audio"], "band:2")))
