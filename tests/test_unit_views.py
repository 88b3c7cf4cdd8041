"""Views of bands and phonemes: figures, tables, the HTML report, the notebook and the downloads."""

import re

import numpy as np
import pytest

from speechxai_core import CallableClassifier, explain
from speechxai_core.reports.clip_html import build_report
from speechxai_core.serving.downloads import write_downloads
from speechxai_core.viz.notebook import notebook_html
from speechxai_core.viz.style import describe_variant
from speechxai_core.viz.tables import variant_choices
from speechxai_core.viz.units import band_figure, band_table_html, phoneme_html, word_band_figure

from .align_fixtures import SR, spoken


def high_listener():
    def fn(waveforms, sr):
        spectrum = np.abs(np.fft.rfft(waveforms.astype(np.float64), axis=1)) ** 2
        freqs = np.fft.rfftfreq(waveforms.shape[1], 1 / sr)
        p = np.tanh(spectrum[:, freqs > 2000].sum(axis=1) / waveforms.shape[1] / 8.0)
        return np.stack([p, 1 - p], axis=1)

    return CallableClassifier(fn, ["bright", "dull"], SR, name="bright")


@pytest.fixture(scope="module")
def result():
    audio, truth = spoken("she sells fish")
    words = [{"word": w, "start": s, "end": e} for w, s, e in truth]
    return explain(audio, high_listener(), words=words, methods="bands,band_shapley,word_bands,phonemes",
                   method_options={"bands": 6}), audio


def test_band_views_carry_the_variant_of_every_bar_and_cell(result):
    explanation, _ = result
    chart = band_figure(explanation)
    assert list(chart.data[0].customdata) == [f"band:{i}" for i in range(6)]
    assert list(chart.data[0].y) == explanation.band_scores["class"]
    grid = word_band_figure(explanation)
    assert grid.data[0].customdata[1][4] == "word_band:1:4" and len(grid.data[0].z) == len(explanation.words)
    table = band_table_html(explanation)
    assert table.count('data-variant="band:5"') == 3  # the band's name, its drop and its Shapley value
    assert "Shapley" in table


def test_phonemes_open_by_word_and_every_phoneme_plays(result):
    explanation, _ = result
    html = phoneme_html(explanation)
    assert html.count("<details") == len(explanation.words) and html.count(" open") == 1
    for i in range(len(explanation.phonemes)):
        assert f'data-variant="phone:{i}"' in html
    scores = explanation.phoneme_scores["class"]
    best = explanation.phonemes[int(np.argmax(scores))]
    opened = re.search(r'<details class="sx-word-phones" data-word="(\d+)" open', html)
    assert int(opened.group(1)) == best.word_index  # the word holding the largest score opens first


def test_variant_names_for_bands_and_phonemes(result):
    explanation, _ = result
    assert describe_variant(explanation, "band:0") == "removed: 0–" + f"{explanation.bands[0]['high_hz']:.0f} Hz"
    assert describe_variant(explanation, "word_band:2:5").endswith('inside word 3 "fish"')
    i = next(k for k, p in enumerate(explanation.phonemes) if p.phone == "SH")
    assert describe_variant(explanation, f"phone:{i}") == f'masked phoneme: /SH/ of "{explanation.words[explanation.phonemes[i].word_index].word}"'
    ids = [v for _, v in variant_choices(explanation)]
    assert "band:3" in ids and sum(v.startswith("bands:") for v in ids) == 2 ** 6 - 1  # every coalition but none


def test_report_notebook_and_downloads_include_bands_and_phonemes(result, tmp_path):
    explanation, audio = result
    report = build_report(explanation, audio.samples)
    assert "<h2>Frequency bands</h2>" in report and "<h2>Phonemes</h2>" in report and "word_band:0:0" in report
    notebook = notebook_html(explanation, audio.samples)
    assert "Frequency bands" in notebook and 'data-variant="band:5"' in notebook and "Word × band" in notebook
    assert re.search(r'<audio[^>]+data-variant="phone:\d+"', notebook)
    names = [p.rsplit("/", 1)[-1] for p in write_downloads(explanation, audio.samples, tmp_path)]
    assert {"spoken.bands.csv", "spoken.word_bands.csv", "spoken.phonemes.csv"} <= set(names)


def test_phoneme_shapley_values_get_their_own_column(result):
    explanation, audio = result
    with_shapley = explain(audio, high_listener(), words=[w.to_dict() for w in explanation.words],
                           methods="phonemes,phoneme_shapley")
    html = phoneme_html(with_shapley)
    assert "class Shapley</th>" in html and html.count('data-variant="phone:0"') == 3  # name, drop, Shapley
