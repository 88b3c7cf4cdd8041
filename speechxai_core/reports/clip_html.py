"""A self-contained HTML report of one explanation: figures (plotly JS inlined), tables, the clip.

The file opens offline in any browser; nothing is fetched from the network.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import numpy as np

from ..audio import wav_bytes
from ..explanation import Explanation
from ..viz import (
    heatmap_figure, interaction_figure, paralinguistic_table_html, prediction_html, transcript_html, warnings_html,
    waveform_figure,
    word_table_html,
)
from ..viz.word_paraling import NOTE as WORD_PARALING_NOTE, word_paraling_html
from ..viz.tables import positive_note
from ..viz.units import band_figure, band_table_html, phoneme_html, word_band_figure
from ..viz.trust import trust_figure, trust_html
from ..viz.style import METHOD_LABELS, METHOD_TITLES, escape

PAGE_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:24px auto;
padding:0 16px;color:#111827}
h1{font-size:24px} h2{font-size:18px;margin-top:28px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
pre{background:#f9fafb;padding:8px;font-size:12px;overflow:auto}
.note{color:#6b7280;font-size:13px}
"""


def build_report(explanation: Explanation, samples: np.ndarray | None = None) -> str:
    """The report as one HTML string; ``samples`` (the clip as scored) adds the waveform and a player."""
    sections = [f"<h1>SpeechXAI explanation</h1>{prediction_html(explanation)}{warnings_html(explanation)}"]
    if samples is not None:
        audio = base64.b64encode(wav_bytes(samples, explanation.audio["sampling_rate"])).decode("ascii")
        sections.append(f'<audio controls src="data:audio/wav;base64,{audio}"></audio>')
    plotly_included = False

    def figure_html(figure) -> str:
        nonlocal plotly_included
        html = figure.to_html(full_html=False, include_plotlyjs=not plotly_included, config={"responsive": True})
        plotly_included = True
        return html

    for method in explanation.word_methods:
        title = "Words" if method == "loo" else f"Words — {METHOD_LABELS.get(method, method)}"
        sections.append(f"<h2>{escape(title)}</h2><p class='note'>{escape(METHOD_TITLES.get(method, method))}. "
                        f"{escape(positive_note(explanation))}</p>")
        if samples is not None:
            sections.append(figure_html(waveform_figure(explanation, samples, method)))
        sections.append(transcript_html(explanation, method) + word_table_html(explanation, method))
    if explanation.word_paralinguistic:
        sections.append(f"<h2>Which word's voice mattered</h2><p class='note'>{escape(WORD_PARALING_NOTE)}</p>")
        sections.append(word_paraling_html(explanation))
    for method in [m for m in explanation.word_methods if m in explanation.checks.get("faithfulness", {})
                   or any(m in explanation.checks.get(c, {}) for c in ("sanity", "stability"))]:
        sections.append(f"<h2>How far to trust it — {escape(METHOD_LABELS.get(method, method))}</h2><p class='note'>"
                        "Deletion: p(target) as the top words are masked; insertion: with only the top words kept; "
                        "the band: random orders of the words.</p>" + trust_html(explanation, method, play=False))
        if method in explanation.checks.get("faithfulness", {}):
            sections.append(figure_html(trust_figure(explanation, method)))
    if explanation.word_interactions:
        sections.append("<h2>Word interactions</h2><p class='note'>Shapley interaction index of the top words: "
                        "positive when two words matter more together than apart.</p>")
        sections.append(figure_html(interaction_figure(explanation)))
    if explanation.bands:
        sections.append("<h2>Frequency bands</h2><p class='note'>Drop of the explained quantity when the band is "
                        "removed from the whole clip (zero-phase band-stop; mel-spaced bands); Shapley values "
                        "share out the drop of removing every band; LIME fits each band's effect on random band "
                        "subsets.</p>")
        if explanation.band_scores:
            sections.append(figure_html(band_figure(explanation)))
        sections.append(band_table_html(explanation))
        if explanation.word_band_scores:
            sections.append(figure_html(word_band_figure(explanation)))
    if explanation.phonemes:
        sections.append("<h2>Phonemes</h2><p class='note'>Drop when the phoneme is masked, per word (open a word "
                        "to see its phonemes).</p>" + phoneme_html(explanation))
    if explanation.paralinguistic:
        repeats = explanation.settings.get("repeats", 1)
        spread = f" ± standard deviation over {repeats} draws of noise and room" if repeats > 1 else ""
        sections.append("<h2>Paralinguistic properties</h2><p class='note'>Attribution of a property = mean drop "
                        f"of p(target) over its levels{spread}.</p>")
        sections.append(paralinguistic_table_html(explanation))
        sections.append(figure_html(heatmap_figure(explanation)))
    settings = json.dumps(explanation.settings | {"model": explanation.model}, indent=2)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sections.append(f"<h2>Settings</h2><pre>{escape(settings)}</pre><p class='note'>Generated {stamp}.</p>")
    title = escape(f"SpeechXAI — {explanation.audio['name']}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{PAGE_STYLE}</style></head><body>{''.join(sections)}</body></html>")
