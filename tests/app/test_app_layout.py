"""The page at a phone's width (390 × 844) and a desktop's (1280 × 900), measured in Chromium:
the sticky player bar, the caption, sideways-scrolling tables, figures within the width, word
labels that never overlap (a 100-word clip included), and the keyboard.

Screenshots are saved under test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re

import plotly.io as pio
import pytest

from tests.app.browser import DONE
from tests.app.conftest import HEADS
from tests.app.synthetic import synthetic_explanation

pytestmark = pytest.mark.browser
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}

# Boxes of the visible word labels of the plot in ``selector`` (those inside the plotting area).
LABELS_JS = """(selector) => {
  const plot = document.querySelector(selector + ' .js-plotly-plot') || document.querySelector(selector);
  const area = plot.querySelector('.draglayer .xy .nsewdrag').getBoundingClientRect();
  return [...plot.querySelectorAll('.bartext')].map((t) => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width};
  }).filter((b) => b.width > 0 && b.left >= area.left - 1 && b.right <= area.right + 1);
}"""
BOX_JS = """(selector) => { const e = document.querySelector(selector); if (!e) return null;
  const b = e.getBoundingClientRect(); return {left: b.left, right: b.right, top: b.top, bottom: b.bottom,
  width: b.width, height: b.height}; }"""


# "<view> <variant>" of a clickable element: which view it belongs to and what it plays.
WHERE_JS = """(e) => { const view = e.closest('#transcript-view, #word-table, #paraling-table, #waveform, #heatmaps');
  return (view ? view.id : '') + ' ' + (e.dataset ? e.dataset.variant : undefined); }"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]]


def intersect(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def explained_page(page, app_url, clip_files, size: str):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    page.goto(app_url)
    page.locator("#clip input[type=file]").set_input_files(clip_files["wav"])
    page.locator("#words-file input[type=file]").set_input_files(clip_files["words"])
    page.locator("#heads textarea, #heads input").first.fill(HEADS)
    page.wait_for_timeout(800)
    page.click("#explain")
    page.wait_for_function(DONE, timeout=120_000)
    page.wait_for_selector("#heatmaps .js-plotly-plot .hm", timeout=30_000)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("size", list(SIZES))
def test_results_fit_the_screen(page, app_url, clip_files, artifacts, size):
    width, height = SIZES[size]
    explained_page(page, app_url, clip_files, size)
    # scrolled down to the tables: the player bar stays on top and takes at most a fifth of the screen
    page.evaluate("window.scrollTo(0, document.querySelector('#word-table').getBoundingClientRect().top + scrollY - 200)")
    page.wait_for_timeout(300)
    bar, caption = page.evaluate(BOX_JS, "#player-bar"), page.evaluate(BOX_JS, "#caption")
    assert abs(bar["top"]) <= 1 and bar["height"] <= 0.2 * height, bar
    # the caption lies inside the bar, a readable width (not a word per line)
    assert bar["top"] - 1 <= caption["top"] and caption["bottom"] <= bar["bottom"] + 1, (caption, bar)
    assert caption["width"] >= 300
    page.screenshot(path=artifacts / f"app_layout_{size}.png")
    # nothing wider than the screen: figures fit, the page does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for plot in page.evaluate("[...document.querySelectorAll('#results .js-plotly-plot')].map("
                              "p => p.getBoundingClientRect().right)"):
        assert plot <= width
    # tables wider than the screen scroll in their own box, and their last column can be reached
    for selector in ("#word-table .sx-scroll", "#paraling-table .sx-scroll"):
        page.evaluate(f"document.querySelector('{selector}').scrollIntoView({{block: 'center'}})")
        scroll, client = page.evaluate(f"[document.querySelector('{selector}').scrollWidth, "
                                       f"document.querySelector('{selector}').clientWidth]")
        assert page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).overflowX") == "auto"
        if size == "phone":
            assert scroll > client  # three heads do not fit 390 px: the table scrolls
        page.evaluate(f"document.querySelector('{selector}').scrollLeft = 10000")
        last = page.evaluate(BOX_JS, f"{selector} th:last-child")
        assert last["right"] <= width and last["left"] >= 0
        hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).textContent",
                            [(last["left"] + last["right"]) / 2, (last["top"] + last["bottom"]) / 2])
        assert hit == "location"  # visible, not hidden under something else
    # word labels never overlap; the head menu does not cover the title
    labels = page.evaluate(LABELS_JS, "#waveform")
    assert labels and not overlapping(labels)
    title = page.evaluate(BOX_JS, "#waveform .gtitle")
    menu = page.evaluate(BOX_JS, "#waveform .updatemenu-container .updatemenu-header")
    assert title and menu and not intersect(title, menu), (title, menu)


def test_examples_are_in_view_when_the_page_opens(page, app_url):
    page.goto(app_url)
    page.wait_for_selector("#explain")
    page.wait_for_selector("#tab-clip .table-wrap")  # the examples render after the button
    table = page.evaluate(BOX_JS, "#tab-clip .table-wrap")
    assert table["bottom"] <= 900
    assert page.evaluate("document.querySelector('#tab-clip .table-wrap').innerText").count(".wav") == 4


@pytest.mark.parametrize("size", list(SIZES))
def test_nothing_shows_through_the_sticky_player_bar(page, app_url, clip_files, artifacts, size):
    """Scrolled so that the word-method switch (a labelled block) passes under the bar: every
    point of the bar shows the bar (Gradio's block labels once painted over it)."""
    explained_page(page, app_url, clip_files, size)
    page.evaluate("window.scrollTo(0, document.querySelector('#method-view').getBoundingClientRect().top + scrollY - 60)")
    page.wait_for_timeout(300)
    bar = page.evaluate(BOX_JS, "#player-bar")
    under = page.evaluate(BOX_JS, "#method-view")
    assert under["top"] < bar["bottom"]  # the switch is scrolled under the bar
    points = [(bar["left"] + bar["width"] * fx, bar["top"] + bar["height"] * fy)
              for fx in (0.05, 0.15, 0.3, 0.5, 0.7, 0.9) for fy in (0.1, 0.3, 0.5, 0.7, 0.9)]
    inside = page.evaluate("(points) => points.map(([x, y]) => document.elementFromPoint(x, y)"
                           ".closest('#player-bar') !== null)", points)
    page.screenshot(path=artifacts / f"player_bar_over_content_{size}.png")
    assert all(inside), [p for p, ok in zip(points, inside) if not ok]


@pytest.mark.parametrize("size", list(SIZES))
def test_example_names_are_readable_at_every_width(page, app_url, artifacts, size):
    """The example table's two columns share the width; names wrap inside their cells, never a
    letter a line (a phone once got a clip column 31 px wide) and never cut off."""
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    page.goto(app_url)
    page.wait_for_selector("#explain")
    page.wait_for_selector("#tab-clip .table-wrap tbody td", timeout=30_000)  # the examples render after the page
    cells = page.evaluate("""() => [...document.querySelectorAll('#tab-clip .table-wrap tbody td')].map((td) => {
      const text = td.querySelector('div'); return {width: td.getBoundingClientRect().width,
      height: td.getBoundingClientRect().height, fits: text.scrollWidth <= text.clientWidth + 1}; })""")
    page.locator("#tab-clip .table-wrap").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / f"examples_{size}.png")
    assert len(cells) == 8
    table = page.evaluate(BOX_JS, "#tab-clip .table-wrap")
    assert all(cell["fits"] for cell in cells)
    assert min(cell["width"] for cell in cells) >= 0.4 * table["width"]
    assert max(cell["height"] for cell in cells) <= 100  # three lines at most


def test_every_word_cell_and_level_is_reached_with_tab_and_played_with_enter(page, app_url, clip_files):
    explained_page(page, app_url, clip_files, "desktop")
    expected = set(page.evaluate("[...document.querySelectorAll('#results [data-variant]')].map(e => e.dataset.variant)"))
    targets = page.evaluate(f"[...document.querySelectorAll('#results [data-variant]')].map({WHERE_JS})")
    heatmap_levels = {t.split(" ", 1)[1] for t in targets if t.startswith("heatmaps")}
    assert len(heatmap_levels) >= 6 * 3  # every property's levels have keyboard buttons
    page.focus("#waveform .sx-key[data-variant='word:0']")  # the first mark of the results
    reached = set()
    for _ in range(len(targets) + 60):
        active = page.evaluate(f"({WHERE_JS})(document.activeElement)")
        if not active.endswith("undefined"):
            reached.add(active)
        page.keyboard.press("Tab")
    assert reached >= set(targets)
    assert expected == {t.split(" ", 1)[1] for t in reached}
    # Enter plays: a transcript word, a table cell and a heatmap level
    for selector, variant in (("#transcript-view [data-variant='word:1']", "word:1"),
                              ("#paraling-table td[data-variant]", None),
                              ("#heatmaps .sx-key[data-variant='noise:10']", "noise:10")):
        element = page.locator(selector).first
        variant = variant or element.get_attribute("data-variant")
        element.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#caption [data-playing='{variant}']", timeout=20_000)
    # hovering a heatmap level: three decimals, not the raw float
    key = page.evaluate(BOX_JS, "#heatmaps .sx-key[data-variant='noise:10']")
    page.mouse.move((key["left"] + key["right"]) / 2, (key["top"] + key["bottom"]) / 2)
    page.wait_for_selector("#heatmaps .hoverlayer .hovertext", timeout=5_000)
    hover = page.evaluate("document.querySelector('#heatmaps .hoverlayer .hovertext').textContent")
    assert re.search(r"drop [+-]?\d\.\d{3}$", hover) and not re.search(r"\d\.\d{4}", hover), hover


@pytest.mark.parametrize("size", list(SIZES))
def test_a_hundred_word_clip_stays_readable(page, artifacts, tmp_path, size):
    from speechxai_core.serving.page_assets import PAGE_JS
    from speechxai_core.viz import waveform_figure

    explanation, samples = synthetic_explanation(100)
    figure = waveform_figure(explanation, samples)
    html = tmp_path / "waveform.html"
    html.write_text("<html><head><meta charset='utf-8'></head><body><div id='plot'>"
                    + pio.to_html(figure, full_html=False, include_plotlyjs=True, config={"responsive": True})
                    + "</div></body></html>", encoding="utf-8")
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    page.goto(html.as_uri())
    page.evaluate(PAGE_JS)  # as in the app: the window fits the width, plot marks get keyboard buttons
    page.wait_for_timeout(1000)
    assert page.locator("#plot .rangeslider-container").count() == 1
    labels = page.evaluate(LABELS_JS, "#plot")
    assert len(labels) >= 4 and not overlapping(labels), labels
    words = [word.word for word in explanation.words]
    assert all(label["text"] in words for label in labels)
    shown = page.evaluate("document.querySelector('#plot .js-plotly-plot')._fullLayout.xaxis.range")
    assert shown[1] < explanation.audio["duration"] / 2  # opened on a window, not all 100 words
    page.screenshot(path=artifacts / f"waveform_100_words_{size}.png")
    # further along the clip (as after dragging the slider) the labels there show, still apart
    page.evaluate("window.Plotly.relayout(document.querySelector('#plot .js-plotly-plot'), "
                  "{'xaxis.range': [20, 20 + %f]})" % (shown[1] - shown[0]))
    page.wait_for_timeout(500)
    moved = page.evaluate(LABELS_JS, "#plot")
    assert len(moved) >= 4 and not overlapping(moved) and [b["text"] for b in moved] != [b["text"] for b in labels]
    # every word, labelled or not, names itself on hover and to the keyboard
    keys = page.evaluate("[...document.querySelectorAll('#plot .sx-key')].map(k => k.getAttribute('aria-label'))")
    assert len(keys) >= len(moved) and all(key.startswith("play ") for key in keys)
    assert [text.split("<br>")[0] for text in figure.data[0].hovertext] == [f"<b>{w}</b>" for w in words]


# Every shown plot's tool bar and title: [left, top, right, bottom] each (null when the plot has none).
PLOT_CHROME_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.offsetParent).map(p => {
  const box = e => { if (!e) return null; const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {plot: (p.closest('[id]') || {}).id, bar: box(p.querySelector('.modebar')), title: box(p.querySelector('.gtitle'))}; })"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("size", list(SIZES))
def test_a_plots_tool_bar_never_covers_its_title(page, app_url, clip_files, artifacts, size):
    explained_page(page, app_url, clip_files, size)
    waveform = page.locator("#waveform .js-plotly-plot").first
    waveform.scroll_into_view_if_needed()
    waveform.hover(position={"x": 100, "y": 200})  # the tool bar shows while the pointer is over the plot
    page.wait_for_timeout(300)
    plots = page.evaluate(PLOT_CHROME_JS)
    titled = [p for p in plots if p["bar"] and p["title"]]
    assert {p["plot"] for p in titled} >= {"waveform", "heatmaps"}, plots
    assert not [p for p in titled if _overlap(p["bar"], p["title"])], plots
    page.screenshot(path=str(artifacts / f"app_plot_tool_bar_{size}.png"))
