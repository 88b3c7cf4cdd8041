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
    heatmap_figure, paralinguistic_table_html, prediction_html, transcript_html, warnings_html, waveform_figure,
    word_table_html,
)
from ..viz.style import escape

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

    if explanation.word_scores:
        sections.append("<h2>Words</h2><p class='note'>Attribution of a word = p(target) − p(target | word masked)."
                        " Positive (red): the word supported the class.</p>")
        if samples is not None:
            sections.append(figure_html(waveform_figure(explanation, samples)))
        sections.append(transcript_html(explanation) + word_table_html(explanation))
    if explanation.paralinguistic:
        sections.append("<h2>Paralinguistic properties</h2><p class='note'>Attribution of a property = mean drop "
                        "of p(target) over its levels.</p>")
        sections.append(paralinguistic_table_html(explanation))
        sections.append(figure_html(heatmap_figure(explanation)))
    settings = json.dumps(explanation.settings | {"model": explanation.model}, indent=2)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sections.append(f"<h2>Settings</h2><pre>{escape(settings)}</pre><p class='note'>Generated {stamp}.</p>")
    title = escape(f"SpeechXAI — {explanation.audio['name']}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{PAGE_STYLE}</style></head><body>{''.join(sections)}</body></html>")
