"""The number format shared by every view, and the figures' layout choices that a page relies on."""

from __future__ import annotations

import math
import re

from speechxai_core.viz import heatmap_figure, paralinguistic_table_html, transcript_html, waveform_figure, word_table_html
from speechxai_core.viz.explanation import DENSE_WORDS
from speechxai_core.viz.style import number
from tests.app.synthetic import synthetic_explanation


def test_number_never_prints_a_negative_zero():
    assert number(-1e-5) == "0.000" and number(-1e-5, signed=True) == "0.000"
    assert number(-0.0004, 3, signed=True) == "0.000" and number(-0.0005001, signed=True) == "-0.001"
    assert number(0.3496895385580353) == "0.350" and number(0.25, signed=True) == "+0.250"
    assert number(-0.004, 2) == "0.00" and number(-0.006, 2, signed=True) == "-0.01"
    assert number(None) == number(math.nan) == number(math.inf) == "n/a"


def test_tables_and_heatmaps_show_three_digits_and_no_negative_zero():
    explanation, _ = synthetic_explanation(8)  # word 1 and one level per property score exactly -1e-5
    html = word_table_html(explanation) + paralinguistic_table_html(explanation) + transcript_html(explanation)
    assert "-0.000" not in html and "-0.00<" not in html
    cells = re.findall(r'data-variant="word:\d+"[^>]*>([^<]*)</td>', html)
    assert len(cells) == 8 * 3 and all(re.fullmatch(r"[+-]?\d\.\d{3}", cell) for cell in cells)
    assert cells[3:6] == ["0.000"] * 3  # word 1, every head
    for trace in heatmap_figure(explanation).data:
        texts = [t for row in trace.text for t in row]
        hovers = [h for row in trace.hovertext for h in row]
        assert "-0.00" not in texts and all(re.fullmatch(r"[+-]?\d\.\d\d", t) for t in texts)
        assert all(re.search(r"drop [+-]?\d\.\d{3}$", h) for h in hovers) and not any("-0.000" in h for h in hovers)
        assert trace.hovertemplate == "%{hovertext}<extra></extra>"  # plotly does not format the raw value


def test_waveform_labels_sit_on_a_twin_axis_and_dense_clips_get_a_slider():
    sparse = waveform_figure(*synthetic_explanation(5))
    dense_explanation, samples = synthetic_explanation(DENSE_WORDS + 1)
    dense = waveform_figure(dense_explanation, samples)
    for figure in (sparse, dense):
        spans, labels = [trace for trace in figure.data if trace.type == "bar"]
        assert labels.xaxis == "x2" and figure.layout.xaxis2.matches == "x" and labels.textangle == 0
        assert figure.layout.uniformtext.mode == "hide" and figure.layout.barmode == "overlay"
        assert list(labels.hovertext) == list(spans.hovertext)  # every word named on hover
        menu, title = figure.layout.updatemenus[0], figure.layout.title
        assert menu.y == 1.0 and menu.yanchor == "bottom" and title.x == 0.0  # menu under the title
    assert not sparse.layout.xaxis.rangeslider.visible and sparse.layout.meta is None
    assert dense.layout.xaxis.rangeslider.visible
    assert dense.layout.xaxis.range[1] < dense_explanation.audio["duration"] / 2
    assert math.isclose(dense.layout.meta["word_pitch"], dense_explanation.audio["duration"] / (DENSE_WORDS + 1))


def test_the_waveform_of_a_segment_opens_on_the_segment_with_a_slider_to_the_rest():
    explanation, samples = synthetic_explanation(30)  # 10.6 s
    duration = explanation.audio["duration"]
    explanation.audio["segment"] = {"start": 3.0, "end": 6.0}
    explanation.words = [w for w in explanation.words if 3.0 <= w.start and w.end <= 6.0]
    figure = waveform_figure(explanation, samples)
    assert [round(x, 3) for x in figure.layout.xaxis.range] == [2.8, 6.2]  # margin 0.2 s
    assert figure.layout.xaxis.rangeslider.visible and list(figure.layout.xaxis.rangeslider.range) == [0, duration]
    long, samples = synthetic_explanation(80)  # 28.05 s
    long.audio["segment"] = {"start": 10.0, "end": 25.0}
    long.words = [w for w in long.words if 10.0 <= w.start and w.end <= 25.0]
    dense = waveform_figure(long, samples)
    low, high = dense.layout.xaxis.range
    assert low == 10.0 - 0.75 and high < 10.0 + DENSE_WORDS * 0.35  # 5 % of 15 s; the first words of the segment
    assert dense.layout.meta["start"] == low and dense.layout.meta["end"] == 25.75
    whole = waveform_figure(*synthetic_explanation(5))
    assert list(whole.layout.xaxis.range) == [0, whole.layout.xaxis.range[1]] and whole.layout.xaxis.range[0] == 0


def test_the_terminal_tables_use_the_same_format():
    from speechxai_core.reports.clip_text import format_explanation

    text = format_explanation(synthetic_explanation(3)[0])
    assert "-0.000" not in text and re.search(r"turn .* 0\.000 +0\.000 +0\.000$", text, re.M)
