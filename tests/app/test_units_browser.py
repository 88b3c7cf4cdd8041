"""Every method's numbers in its own unit: the word table of the app, in Chromium at desktop and phone widths.

Screenshots are saved under test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re

import pytest

from speechxai_core.viz.style import number
from tests.app.browser import DONE
from tests.app.test_app_browser import current_explanation

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_the_word_table_states_its_unit_and_never_shows_a_shaded_zero(page, app_url, clip_files, artifacts,
                                                                      width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(app_url)
    page.locator("#clip input[type=file]").set_input_files(clip_files["wav"])
    page.locator("#words-file input[type=file]").set_input_files(clip_files["words"])
    page.get_by_text("Options").click()
    for label in ("Gradient × Input", "Integrated Gradients"):
        page.locator("#word-methods label", has_text=label).click()
    page.click("#explain")
    page.wait_for_function(DONE, timeout=180_000)
    explanation = current_explanation(page)
    assert page.locator("#word-table .sx-units").get_attribute("data-unit") == "probability drop"
    for label, method in (("Gradient × Input", "gradient_x_input"), ("Integrated Gradients", "integrated_gradients")):
        page.locator("#method-view label", has_text=label).click()
        page.wait_for_selector(f"#word-table table[data-method='{method}']", timeout=20_000)
        unit = page.locator("#word-table .sx-units").get_attribute("data-unit")
        assert unit.startswith("logit")
        assert "logit" in page.inner_text("#word-table .sx-units") and page.locator("#word-table .sx-units").is_visible()
        assert "shading:" in page.inner_text("#word-table .sx-shading")
        scores = explanation.scores_for(method)
        values = [scores[head][i] for i in range(len(explanation.words)) for head in explanation.head_names]
        largest = max(abs(v) for v in values)
        power = re.search(r"×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", unit)
        exponent = int(power.group(1).translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))) if power else 0
        assert (exponent != 0) == (largest < 0.01)
        cells = page.locator("#word-table td.sx-pick[title*='play:']").all_inner_texts()
        shown = [float(c.split()[0]) for c in cells]
        assert shown == pytest.approx([v / 10.0 ** exponent for v in values], abs=0.006)
        assert max(abs(v) for v in shown) >= 1.0 or exponent == 0  # the largest value reads as 1.00 or more
        limit = number(largest / 10.0 ** exponent, 3 if exponent == 0 else 2)
        assert f"−{limit}" in page.inner_text("#word-table .sx-shading")
        page.locator("#word-table").scroll_into_view_if_needed()
        page.screenshot(path=artifacts / f"app_units_{method}_{width}.png", full_page=False)
