"""The "How far to trust it" panel in real Chromium, at desktop and phone widths."""

from __future__ import annotations

import numpy as np
import pytest

from speechxai_core import variant_audio
from speechxai_core.serving.session import pcm16
from tests.app.browser import DONE
from tests.app.conftest import HEADS
from tests.app.test_app_browser import current_explanation, fill, player_audio

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_trust_panel_shows_the_curves_the_sentence_and_plays_the_minimal_set(page, app_url, clip_files, artifacts,
                                                                             width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(app_url)
    page.locator("#clip input[type=file]").set_input_files(clip_files["wav"])
    page.locator("#words-file input[type=file]").set_input_files(clip_files["words"])
    fill(page, "#heads", HEADS)
    page.click("#explain")
    page.wait_for_function(DONE, timeout=120_000)
    page.wait_for_selector("#trust .sx-trust-head", timeout=30_000)
    explanation = current_explanation(page)
    assert explanation.settings["checks"] == ["faithfulness"]  # on by default
    heads = page.locator("#trust .sx-trust-head")
    assert heads.count() == 3
    entry = explanation.checks["faithfulness"]["loo"]["object"]
    text = heads.nth(1).inner_text()
    k = max(1, len(entry["minimal_words"]))
    curve = entry["deletion_curve"]
    verb = "drops" if curve[k] < curve[0] else "raises" if curve[k] > curve[0] else "leaves"
    assert f"{verb} p({explanation.heads[1].target}) from {curve[0]:.2f} to {curve[k]:.2f}" in text
    assert "random words:" in text and f"{entry['deletion_auc']:.3f}" in text
    # the curves: deletion and insertion over the random band, with their areas in the legend
    names = page.evaluate("() => document.querySelector('#trust-curves .js-plotly-plot').data.map(t => t.name)")
    assert f"deletion (AUC {entry['deletion_auc']:.2f})" in " ".join(names) or "deletion (AUC" in names[2]
    assert sum("random" in name for name in names) == 4
    # no part of the panel is wider than the page
    overflow = page.evaluate("() => [...document.querySelectorAll('#trust, #trust-curves')]"
                             ".map(e => e.getBoundingClientRect().right - document.documentElement.clientWidth)")
    assert max(overflow) <= 1, overflow
    button = heads.nth(1).locator(".sx-play-minimal")
    button.scroll_into_view_if_needed()
    page.locator("#trust").screenshot(path=artifacts / f"app_trust_{width}.png")
    page.locator("#trust-curves").screenshot(path=artifacts / f"app_trust_curves_{width}.png")
    button.click()
    played = player_audio(page, entry["minimal_variant"])
    np.testing.assert_array_equal(played, pcm16(variant_audio(explanation, clip_files["wav"], entry["minimal_variant"])))
    page.screenshot(path=artifacts / f"app_trust_page_{width}.png", full_page=True)
