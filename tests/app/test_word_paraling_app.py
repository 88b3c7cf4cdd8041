"""The word × property heatmap on the page: built from the explanation, playable, readable at 1280 and 390 px."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

import app
from speechxai_core import variant_audio
from speechxai_core.perturb.variants import WORD_PROPERTIES
from speechxai_core.serving.limits import Limits
from speechxai_core.serving.runner import ExplainRequest
from speechxai_core.serving.session import pcm16
from speechxai_core.serving.workspace import Workspace
from speechxai_core.viz.word_paraling import largest_effect
from tests.app.conftest import HEADS


@pytest.fixture(scope="module")
def last_views(model_dir, clip_files, tmp_path_factory):
    request = ExplainRequest(clip_files["wav"], model_dir, HEADS, words_file=clip_files["words"],
                             properties=["flat_pitch", "formant_up"], methods=["loo", "word_paraling"])
    workspace = Workspace(root=tmp_path_factory.mktemp("word_paraling"))
    return [views for views in app.run_views(request, Limits(), workspace) if "session" in views][-1]


def test_the_heatmap_carries_every_drop_and_a_sentence_per_head(last_views):
    explanation = last_views["session"].explanation
    view = last_views["word_paraling"]
    assert set(explanation.word_paralinguistic) == {"action", "object", "location"}
    assert view.count('class="sx-word-paraling"') == 3
    for head in ("action", "object", "location"):
        i, prop, drop = largest_effect(explanation, head)
        word = explanation.words[i].word
        sentence = re.search(rf'data-head="{head}".*?<p class="sx-largest"[^>]*>(.*?)</p>', view, re.S)[1]
        assert html.unescape(sentence).startswith(f'{head}: "{word}"') and f"{abs(drop):.3f}" in sentence
    cells = re.findall(r'data-variant="(word_(?:pitch|stretch|gain|noise):\d+:[-\d.]+)"', view)
    assert len(cells) == 3 * len(WORD_PROPERTIES) * len(explanation.words)
    assert set(cells) == {r.id for r in explanation.variants if r.kind.startswith("word_")}
    # the new global properties sit in the property table too
    assert "Flat intonation" in last_views["paraling_table"] and "Formants raised" in last_views["paraling_table"]


def test_a_cell_plays_that_word_changed(last_views, clip_files):
    session = last_views["session"]
    sr, samples = session.play("word_pitch:1:-3")
    assert np.array_equal(samples, pcm16(variant_audio(session.explanation, clip_files["wav"], "word_pitch:1:-3")))


@pytest.mark.browser
def test_heatmap_on_the_page_at_1280_and_390_px(page, app_url, clip_files, artifacts):
    from tests.app.browser import DONE
    from tests.app.test_app_browser import current_explanation, fill, player_audio

    page.goto(app_url)
    page.locator("#clip input[type=file]").set_input_files(clip_files["wav"])
    page.locator("#words-file input[type=file]").set_input_files(clip_files["words"])
    fill(page, "#heads", HEADS)
    page.get_by_text("Options").click()
    page.locator("#word-methods label", has_text="Word-local prosody").click()
    page.click("#explain")
    page.wait_for_selector("#word-paraling table.sx-word-prosody", timeout=120_000)
    page.wait_for_function(DONE, timeout=180_000)
    assert page.locator("#word-paraling .sx-word-paraling").count() == 3
    assert page.locator("#word-paraling p.sx-largest").first.inner_text().startswith("action: ")
    cell = page.locator('#word-paraling [data-variant="word_gain:2:6"]').first
    cell.scroll_into_view_if_needed()
    page.locator("#word-paraling").screenshot(path=artifacts / "word_paraling_1280.png")
    cell.click()
    explanation = current_explanation(page)
    np.testing.assert_array_equal(player_audio(page, "word_gain:2:6"),
                                  pcm16(variant_audio(explanation, clip_files["wav"], "word_gain:2:6")))
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#word-paraling").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.locator("#word-paraling").screenshot(path=artifacts / "word_paraling_390.png")
    widths = page.evaluate("""() => [document.documentElement.scrollWidth,
        document.querySelector('#word-paraling').getBoundingClientRect().right]""")
    assert widths[0] <= 392 and widths[1] <= 392  # the table scrolls inside its box, the page does not
