"""Nothing left behind: ``python app.py`` with its own temporary folders, used through the API, the page
and the Dataset tab; a closed page loses its files; SIGTERM (what docker stop, systemd and Spaces send)
removes everything else the app wrote."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.app.browser import playwright_api
from tests.app.conftest import HEADS, launch_chromium

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def everything_in(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


@pytest.fixture()
def served(tmp_path, model_dir):
    """``python app.py`` on a free loopback port with TMPDIR and GRADIO_TEMP_DIR of its own."""
    temp, cache = tmp_path / "tmp", tmp_path / "gradio"
    temp.mkdir()
    cache.mkdir()
    port = free_port()
    env = os.environ | {"TMPDIR": str(temp), "GRADIO_TEMP_DIR": str(cache), "PORT": str(port),
                        "GRADIO_SERVER_NAME": "127.0.0.1", "SPEECHXAI_DEFAULT_MODEL": model_dir,
                        "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    log = open(tmp_path / "server.log", "w")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"

    def up() -> bool:
        assert process.poll() is None, (tmp_path / "server.log").read_text()
        try:
            return urllib.request.urlopen(url, timeout=2).status == 200
        except OSError:
            return False

    wait_until(up, 180, "the app to start")
    yield {"url": url, "process": process, "temp": temp, "cache": cache, "log": tmp_path / "server.log"}
    if process.poll() is None:
        process.kill()
        process.wait()
    log.close()


def test_sigterm_removes_everything_the_app_wrote(served, clip_files, tmp_path):
    from gradio_client import Client, handle_file

    client = Client(served["url"], verbose=False)
    for properties in (["noise"], ["pitch_up", "reverb"]):
        result = client.predict(audio=handle_file(clip_files["wav"]), heads=HEADS,
                                words_file=handle_file(clip_files["words"]), properties=properties,
                                api_name="/explain")
        assert len(result["word_scores"]["object"]) == 3
    with pytest.raises(Exception, match="not a readable audio file"):
        client.predict(audio=handle_file(clip_files["not_audio"]), heads=HEADS, api_name="/explain")
    client.close()

    timings = tmp_path / "command.words.json"
    shutil.copy(clip_files["words"], timings)
    with playwright_api.sync_playwright() as playwright:
        context = launch_chromium(playwright, tmp_path / "profile")
        page = context.pages[0]
        page.goto(served["url"])
        page.locator("#clip input[type=file]").set_input_files(clip_files["wav"])
        page.locator("#words-file input[type=file]").set_input_files(clip_files["words"])
        page.locator("#heads textarea, #heads input").first.fill(HEADS)
        page.wait_for_timeout(500)
        page.click("#explain")
        page.wait_for_selector("#downloads a[download$='.report.html']", timeout=120_000)
        page.get_by_role("tab", name="Dataset").click()
        page.locator("#tab-dataset input[type=file]").first.set_input_files([clip_files["wav"], str(timings)])
        page.wait_for_timeout(1000)
        page.get_by_role("button", name="Explain these clips").click()
        page.wait_for_function("document.querySelector('#dataset-status').innerText.includes('1 explained')",
                               timeout=120_000)

        (workspace,) = served["temp"].glob("speechxai-*")
        sessions = list(workspace.glob("session-*"))
        assert len(sessions) == 1, everything_in(served["temp"])
        written = everything_in(sessions[0])
        assert any(name.endswith(".report.html") for name in written)  # the first tab's downloads
        assert any(name.endswith("records.jsonl") for name in written)  # the Dataset tab's run
        assert not list(served["temp"].glob("speechxai-dataset-*"))
        assert len(everything_in(served["cache"])) > 5  # uploads, player clip, copies of downloads
        page.close()  # the session ends: its files go
        wait_until(lambda: not sessions[0].exists(), 30, "the closed page's files to be removed")
        context.close()

    assert everything_in(served["temp"]) and everything_in(served["cache"])
    served["process"].send_signal(signal.SIGTERM)
    assert served["process"].wait(timeout=60) == 0
    log = served["log"].read_text()
    assert everything_in(served["temp"]) == [], log
    assert everything_in(served["cache"]) == [], "\n".join(everything_in(served["cache"]))
    # a bad input is one log line; nothing is a traceback
    assert "Traceback" not in log
    assert sum("not a readable audio file" in line for line in log.splitlines()) == 1
