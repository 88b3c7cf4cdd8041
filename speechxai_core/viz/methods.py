"""Choosing which word method a page shows: the choices and the views that follow the choice."""

from __future__ import annotations

import numpy as np

from ..explain.methods import WORD_METHODS
from ..explanation import Explanation
from .explanation import waveform_figure
from .style import METHOD_LABELS
from .tables import transcript_html, word_table_html
from .trust import trust_figure, trust_html


def method_choices(names=WORD_METHODS) -> list[tuple[str, str]]:
    """(label, name) of word methods, for a selector."""
    return [(METHOD_LABELS.get(name, name), name) for name in names]


def shown_method(explanation: Explanation, wanted: str | None = None) -> str:
    """``wanted`` when the explanation has it, else its first word method (``loo`` when none yet)."""
    methods = explanation.word_methods
    return wanted if wanted in methods else (methods[0] if methods else "loo")


def word_views(explanation: Explanation, samples: np.ndarray, method: str) -> dict:
    """The views that follow the method selector: waveform, highlighted transcript, word table, and the
    "How far to trust it" panel (text and curves)."""
    return {"waveform": waveform_figure(explanation, samples, method),
            "transcript_view": transcript_html(explanation, method),
            "word_table": word_table_html(explanation, method),
            "trust": trust_html(explanation, method), "trust_curves": trust_figure(explanation, method)}
