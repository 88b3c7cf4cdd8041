"""The first screen at a phone's size (390 × 844) and a desktop's (1280 × 900): the clip, Explain and an
example in view on a phone; the model's name readable; empty segment fields; after Explain the page
moves to the results; after an error the old results go and the message is under Explain (no toast
titled "Warning", no error badges).

Screenshots are saved under test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import pytest

from tests.app.test_app_layout import explained_page

pytestmark = pytest.mark.browser
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
BOTTOM_JS = ("(selector) => { const e = document.querySelector(selector); "
             "return e ? e.getBoundingClientRect().bottom : null; }")
# The model box: its text's width against the room left of the menu arrow.
MODEL_JS = """() => { const input = document.querySelector('#model input');
  const style = getComputedStyle(input), box = input.getBoundingClientRect();
  const arrow = document.querySelector('#model .icon-wrap') || document.querySelector('#model svg');
  const room = (arrow ? arrow.getBoundingClientRect().left : box.right) - box.left - parseFloat(style.paddingLeft);
  const probe = document.createElement('span'); probe.style.position = 'absolute';
  probe.style.font = style.font; probe.style.whiteSpace = 'pre'; probe.textContent = input.value;
  document.body.appendChild(probe); const text = probe.getBoundingClientRect().width; probe.remove();
  return {text, room, value: input.value}; }"""


def open_page(page, app_url, size: str) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    page.goto(app_url)
    page.wait_for_selector("#explain", timeout=30_000)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("size", SIZES)
def test_first_screen(page, app_url, artifacts, size):
    open_page(page, app_url, size)
    height = SIZES[size][1]
    page.screenshot(path=str(artifacts / f"app_first_screen_{size}.png"))
    assert page.evaluate(BOTTOM_JS, "#explain") <= height
    assert page.evaluate(BOTTOM_JS, "#examples table tbody tr, #examples button") <= height
    assert page.evaluate(BOTTOM_JS, "#clip") <= height
    # the model's name in full, clear of the menu's arrow (the bundled model chosen from the menu)
    page.click("#model input")
    page.get_by_role("option", name="superb-ic", exact=True).click()
    page.wait_for_function("document.querySelector('#model').innerText.includes('Fluent Speech Commands')",
                           timeout=10_000)  # the description under the menu
    model = page.evaluate(MODEL_JS)
    assert model["value"] == "superb-ic" and model["text"] <= model["room"], model
    # a fresh page's segment fields are empty, not "0"
    page.get_by_text("Options").first.click()
    for field in ("#segment-start", "#segment-end"):
        assert page.locator(f"{field} textarea, {field} input").first.input_value() == ""
    page.screenshot(path=str(artifacts / f"app_first_screen_options_{size}.png"), full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_explain_moves_to_the_results_and_an_error_hides_them(page, app_url, clip_files, artifacts, size):
    explained_page(page, app_url, clip_files, size)
    page.wait_for_timeout(1500)  # the smooth scroll
    top = page.evaluate("document.querySelector('#results').getBoundingClientRect().top")
    assert -60 <= top <= 120, top  # the results start at the top of the window (the status above may shrink)
    page.screenshot(path=str(artifacts / f"app_after_explain_{size}.png"))
    # an error: the earlier results go, the message is under Explain
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#heads textarea, #heads input").first.fill("nonsense heads")
    page.click("#explain")
    page.wait_for_selector("#status .sx-error", timeout=60_000)
    page.wait_for_function("!document.querySelector('#results') || document.querySelector('#results').offsetParent "
                           "=== null", timeout=10_000)
    assert "bad heads spec" in page.inner_text("#status")
    assert page.locator(".toast-body").count() == 0  # no toast titled "Warning"
    page.screenshot(path=str(artifacts / f"app_after_error_{size}.png"))
    assert page.get_by_text("Error", exact=True).count() == 0  # no error badges on the views
