"""Words stay with their clip and segment in the browser: the ✕-then-upload race, a new segment."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.app.browser import DONE
from tests.app.conftest import HEADS, SR
from tests.app.test_app_browser import IDLE, fill, new_clip

pytestmark = pytest.mark.browser
EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"
WORDS_SCORED = ("document.querySelector('#status') && "
                "document.querySelector('#status').innerText.includes('Words scored')")
REPEATS = 20


@pytest.fixture(scope="module")
def two_clips(tmp_path_factory) -> tuple[Path, Path]:
    """A: two spoken commands (words found automatically); B: a third one."""
    folder = tmp_path_factory.mktemp("race")
    first = [sf.read(EXAMPLES / f"{name}.wav")[0] for name in ("please_bring_my_newspaper_from_the_kitchen",
                                                               "decrease_the_washroom_volume_now")]
    clip_a, clip_b = folder / "a.wav", folder / "b.wav"
    sf.write(clip_a, np.concatenate(first), SR)
    sf.write(clip_b, sf.read(EXAMPLES / "lamp_off_in_the_bedroom.wav")[0], SR)
    return clip_a, clip_b


def test_remove_then_upload_while_words_are_shown_never_brings_the_old_words_back(page, app_url, two_clips, artifacts):
    """Issue sequence, repeated: Explain A; when "Words scored" shows (A's words fill the transcript box),
    click the clip's ✕ and upload B; 0.5-1.2 s later A's words must not come back, nor A's progress line."""
    clip_a, clip_b = two_clips
    page.goto(app_url)
    fill(page, "#heads", HEADS)
    refilled = []
    for attempt in range(REPEATS):
        new_clip(page, clip_a)
        page.click("#explain")
        page.wait_for_function(WORDS_SCORED, timeout=120_000)
        page.wait_for_timeout(300)
        assert "newspaper" in page.input_value("#transcript textarea").lower(), (attempt, page.inner_text("#status"))
        new_clip(page, clip_b)  # ✕, upload, 0.8 s for the event
        page.wait_for_timeout(400 + 100 * (attempt % 5))  # 1.2-1.6 s after the upload in all
        if page.input_value("#transcript textarea") != "":
            refilled.append(attempt)
        page.wait_for_function(IDLE, timeout=120_000)
        page.wait_for_timeout(300)
        if page.input_value("#transcript textarea") != "" and attempt not in refilled:
            refilled.append(attempt)
        status = page.inner_text("#status")
        assert "variants scored" not in status and "Words scored" not in status, (attempt, status)
    page.screenshot(path=artifacts / "app_remove_then_upload.png", full_page=True)
    assert refilled == [], f"A's transcript came back onto clip B in attempts {refilled} of {REPEATS}"


def test_a_new_segment_drops_the_automatic_words_of_the_previous_one_and_checks_typed_ones(
        page, app_url, two_clips, artifacts):
    """Explain the whole of A (words found automatically), then "Explain from" 2.5 s: the first part's
    words go and the run finds the second part's; a typed transcript stays and is checked there."""
    clip_a, _ = two_clips
    page.goto(app_url)
    fill(page, "#heads", HEADS)
    new_clip(page, clip_a)
    page.click("#explain")
    page.wait_for_function(DONE, timeout=120_000)
    assert "newspaper" in page.input_value("#transcript textarea").lower()
    page.get_by_text("Options", exact=True).first.click()
    page.locator("#segment-start textarea, #segment-start input").first.fill("2.5")
    page.locator("#segment-start textarea, #segment-start input").first.press("Tab")
    page.wait_for_function("document.querySelector('#transcript textarea').value === ''", timeout=10_000)
    assert "cleared" in page.inner_text("#status")
    page.click("#explain")
    page.wait_for_function(DONE, timeout=120_000)
    second_part = page.input_value("#transcript textarea").lower()
    assert "volume" in second_part and "newspaper" not in second_part
    shown = page.evaluate("document.querySelector('#waveform .js-plotly-plot')._fullLayout.xaxis.range")
    assert abs(shown[0] - 2.3) < 0.01, shown  # the waveform opens on the part explained (margin 0.2 s)
    page.screenshot(path=artifacts / "app_new_segment.png", full_page=True)

    fill(page, "#transcript", "please bring my newspaper from the kitchen")  # typed: the first part's words
    page.locator("#segment-start textarea, #segment-start input").first.fill("2.6")
    page.locator("#segment-start textarea, #segment-start input").first.press("Tab")
    page.wait_for_timeout(1000)
    assert page.input_value("#transcript textarea") == "please bring my newspaper from the kitchen"
    page.click("#explain")  # the status leaves the last run's "Done in" as this one starts, then comes back to it
    page.wait_for_function(f"!({DONE})", timeout=60_000)
    page.wait_for_function(DONE, timeout=120_000)
    status = page.inner_text("#status")  # checked against this part, where it does not fit
    assert any(sign in status for sign in ("does not seem to fit", "does not fit", "does not match")), status
