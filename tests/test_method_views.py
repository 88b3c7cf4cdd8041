"""Every word method in the views: tables, report, notebook display, interaction heatmap."""

import copy
import math
import re

import numpy as np
import pytest

from speechxai_core import Explanation, explain
from speechxai_core.perturb.grids import ParalinguisticGrid
from speechxai_core.reports.clip_html import build_report
from speechxai_core.viz import interaction_figure, paralinguistic_table_html, waveform_figure, word_table_html
from speechxai_core.viz.style import describe_variant

from .conftest import SR
from .test_paraling_repeats import hiss_model
from .test_word_methods import WORDS, clip, together_model

GRID = ParalinguisticGrid(noise=(20.0, 5.0, 1.0), reverb=(3.0, 6.0), name="small")


@pytest.fixture(scope="module")
def result():
    return explain((clip(), SR), together_model(), words=WORDS, methods="loo,lime,shapley",
                   method_options={"lime_samples": 80})


def test_tables_and_waveform_show_the_chosen_method(result):
    lime = word_table_html(result, "lime")
    assert 'data-method="lime"' in lime and "fit R²" in lime and "±" in lime
    shown = [float(v) for v in __import__("re").findall(r"<td[^>]*>([+-]\d\.\d{3})<", word_table_html(result, "shapley"))]
    assert shown == pytest.approx([round(v, 3) for v in result.method_scores["shapley"]["class"]], abs=1e-3)
    figure = waveform_figure(result, clip(), "shapley")
    assert list(figure.data[0].marker.color) == pytest.approx(result.method_scores["shapley"]["class"])
    assert "Shapley" in figure.layout.title.text
    assert "appear here" in word_table_html(result, "gradient")  # not computed: a placeholder, no crash


def test_interaction_heatmap_plays_pairs(result):
    figure = interaction_figure(result)
    trace = figure.data[0]
    block = result.word_interactions["class"]
    assert np.array(trace.z) == pytest.approx(np.array(block["matrix"]))
    assert trace.customdata[0][3] == "words:0+3" and trace.customdata[1][1] == "word:1"
    assert list(figure.layout.xaxis.ticktext) == block["words"] and trace.visible
    assert describe_variant(result, "words:0+3") == 'masked: "turn" + "off"'
    assert "Word interactions appear" in interaction_figure(Explanation.from_json(
        explain((clip(), SR), together_model(), words=WORDS, methods="loo").to_json())).layout.annotations[0].text


def test_report_and_notebook_show_every_method(result):
    report = build_report(result, clip())
    for text in ("Words — LIME", "Words — Shapley", "Word interactions", "fit R²"):
        assert text in report
    html = result._repr_html_()
    assert '<svg class="sx-waveform"' in html and html.count("<rect") == len(WORDS)
    assert 'data-method="lime"' in html and 'class="sx-interactions"' in html
    assert html.count("<audio") == 1 + len(WORDS) + 1 and 'data-variant="words:0+3"' in html
    loaded = Explanation.from_json(result.to_json())
    assert "<audio" not in loaded._repr_html_() and 'data-method="shapley"' in loaded._repr_html_()


def test_paralinguistic_views_show_the_spread_over_repeats():
    repeated = explain((clip(), SR), hiss_model(), methods="paraling", grid=GRID, properties=("noise", "reverb"),
                       repeats=3)
    assert "±" in paralinguistic_table_html(repeated)
    html = repeated._repr_html_()
    assert 'class="sx-levels"' in html and "over 3 draws" in html
    from speechxai_core.viz import heatmap_figure

    hover = heatmap_figure(repeated).data[0].hovertext
    assert any("over 3 draws" in cell for row in hover for cell in row)


def test_tables_state_the_unit_and_show_tiny_values_in_a_stated_power_of_ten(result):
    from speechxai_core.reports.clip_text import format_explanation

    table = word_table_html(result, "shapley")
    assert 'data-unit="probability"' in table and "values in <b>probability</b>" in table
    assert 'class="sx-shading"' in table and "white = 0" in table
    tiny = copy.deepcopy(result)
    original = result.method_scores["shapley"]["class"]
    tiny.method_scores["shapley"]["class"] = [v * 1e-5 for v in original]
    table = word_table_html(tiny, "shapley")
    exponent = math.floor(math.log10(max(abs(v) for v in original))) - 5
    power = "×10⁻" + "".join("⁰¹²³⁴⁵⁶⁷⁸⁹"[int(d)] for d in str(-exponent))
    assert f'data-unit="probability {power}"' in table
    cells = [float(v) for v in re.findall(r"<td[^>]*>([+-]\d+\.\d{2})<", table)]
    assert cells == pytest.approx([v * 1e-5 / 10.0 ** exponent for v in original], abs=0.006)
    assert not any(c == 0 for c in cells)  # no 0.000 in a shaded cell
    text = format_explanation(tiny)
    assert f"values in probability {power}" in text
