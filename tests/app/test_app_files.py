"""Every file the app makes counts against ``SPEECHXAI_WORKSPACE_MAX_MB``: downloads are served from
the workspace (no copy in Gradio's cache) and Gradio's own files (uploads, player clips) are counted
and pruned with it. Driven by 50 explanations in Chromium."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from speechxai_core.viz.style import PROPERTY_TITLES
from tests.app.browser import DONE
from tests.app.conftest import HEADS, launch_chromium

pytestmark = pytest.mark.browser
CAP_MB = 12.0
RUNS = 50
REPORT_JS = ("() => { const a = document.querySelector(\"#downloads a[download$='.report.html']\"); "
             "return a ? a.href : ''; }")


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


@pytest.fixture()
def capped_app(model_dir, tmp_path):
    """The app as ``python app.py`` serves it, with a 12 MB cap on its files."""
    import app
    from speechxai_core.serving.limits import Limits
    from speechxai_core.serving.shutdown import PrivateCache
    from speechxai_core.serving.workspace import Workspace

    cache = PrivateCache.create()
    limits = Limits(max_file_mb=2, max_duration_s=10, workspace_max_mb=CAP_MB)
    workspace = Workspace(limits.file_max_age_s, limits.workspace_max_mb, root=tmp_path / "workspace")
    demo = app.build_app(limits, default_model=model_dir, workspace=workspace)
    app.count_gradio_files(workspace, cache, demo)
    demo.queue(default_concurrency_limit=limits.concurrency)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                **app.launch_options(limits))
    yield f"http://127.0.0.1:{port}/", workspace, cache
    demo.close()
    workspace.cleanup()
    cache.remove()


def test_files_stay_under_the_cap_after_50_runs(capped_app, clip_files, tmp_path):
    from tests.app.browser import playwright_api

    url, workspace, cache = capped_app
    sizes = []
    with playwright_api.sync_playwright() as playwright:
        context = launch_chromium(playwright, tmp_path / "profile")
        page = context.pages[0]
        page.goto(url)
        page.locator("#clip input[type=file]").set_input_files(clip_files["wav"])
        page.locator("#words-file input[type=file]").set_input_files(clip_files["words"])
        page.locator("#heads textarea, #heads input").first.fill(HEADS)
        page.get_by_text("Options").first.click()  # words only: the runs are quick, their files as large
        for title in PROPERTY_TITLES.values():
            page.get_by_label(title, exact=True).uncheck()
        for run in range(RUNS):
            before = page.evaluate(REPORT_JS)
            page.click("#explain")
            try:
                page.wait_for_function(f"({DONE}) && ({REPORT_JS})() && ({REPORT_JS})() !== {before!r}",
                                       timeout=90_000)
            except Exception:
                raise AssertionError(f"run {run}: {page.inner_text('#status')}") from None
            sizes.append(folder_mb(workspace.root) + folder_mb(cache.folder))
        report = page.get_attribute("#downloads a[download$='.report.html']", "href")
        assert "<html" in page.request.get(report).text()[:2000].lower()  # served from the workspace
        one_run = folder_mb(max(workspace.runs(), key=folder_mb))
        context.close()
    assert 3 < one_run < CAP_MB / 2  # a run's downloads (the report carries plotly) fit twice in the cap
    assert max(sizes) <= CAP_MB + one_run, sizes  # a run writes its files, then makes room
    workspace.prune()
    assert workspace.size_mb() <= CAP_MB
    copies = [f for f in cache.folder.rglob("*.html")]
    assert not copies, copies  # no report copied into Gradio's cache
