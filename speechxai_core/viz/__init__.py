"""Plotly figures and HTML tables shared by the app, reports and notebooks."""

from .explanation import heatmap_figure, waveform_figure
from .tables import (
    paralinguistic_table_html, prediction_html, transcript_html, variant_choices, warnings_html, word_table_html,
)

__all__ = ["heatmap_figure", "paralinguistic_table_html", "prediction_html", "transcript_html",
           "variant_choices", "warnings_html", "waveform_figure", "word_table_html"]
