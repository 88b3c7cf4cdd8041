"""Shared look of every view: the diverging colour scale and how levels and variants are named."""

from __future__ import annotations

import html
import math

from ..explanation import Explanation
from ..perturb.variants import parse_variant_id

# Negative (masking raised the target's probability) blue, zero white, positive red.
DIVERGING = [[0.0, "#2166ac"], [0.25, "#92c5de"], [0.5, "#f7f7f7"], [0.75, "#f4a582"], [1.0, "#b2182b"]]

PROPERTY_TITLES = {
    "pitch_down": "Pitch lowered", "pitch_up": "Pitch raised", "stretch_down": "Faster (shorter)",
    "stretch_up": "Slower (longer)", "noise": "White noise", "reverb": "Reverberation",
}
PROPERTY_KIND = {"pitch_down": "pitch", "pitch_up": "pitch", "stretch_down": "stretch",
                 "stretch_up": "stretch", "noise": "noise", "reverb": "reverb"}
METHOD_TITLES = {
    "loo": "leave-one-out: p(target) − p(target | word masked)",
    "lime": "LIME: weighted linear fit of p(target) on the words kept",
    "shapley": "Shapley value: average gain of p(target) when the word joins",
    "gradient": "gradient (saliency): mean |∂ logit / ∂ input| over the word",
    "gradient_x_input": "gradient × input: mean input · ∂ logit / ∂ input over the word",
    "integrated_gradients": "Integrated Gradients: the word's share of logit(x) − logit(0)",
}
METHOD_LABELS = {"loo": "Leave-one-out", "lime": "LIME", "shapley": "Shapley", "gradient": "Gradient",
                 "gradient_x_input": "Gradient × Input", "integrated_gradients": "Integrated Gradients"}
ORIGINAL_LEVEL_LABEL = {"pitch": "0 st", "stretch": "×1", "noise": "clean", "reverb": "dry"}


def symmetric_range(values) -> float:
    """Half-width of a colour range centred at 0 that holds every value (never 0)."""
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    return max(finite + [1e-6])


def diverging_css(value: float, limit: float) -> str:
    """CSS background for ``value`` on the diverging scale spanning ``[-limit, limit]``."""
    t = max(-1.0, min(1.0, value / limit)) if limit > 0 else 0.0
    position = (t + 1) / 2
    for (p0, c0), (p1, c1) in zip(DIVERGING, DIVERGING[1:]):
        if position <= p1:
            mix = (position - p0) / (p1 - p0)
            rgb = [round(int(c0[i:i + 2], 16) * (1 - mix) + int(c1[i:i + 2], 16) * mix) for i in (1, 3, 5)]
            return f"rgb({rgb[0]},{rgb[1]},{rgb[2]})"
    return DIVERGING[-1][1]


def text_colour(value: float, limit: float) -> str:
    """Dark text on light cells, white on saturated ones."""
    return "#ffffff" if limit > 0 and abs(value) / limit > 0.6 else "#1f2937"


def level_label(kind: str, level: float) -> str:
    if kind == "pitch":
        return f"{level:+g} st"
    if kind == "stretch":
        return f"×{level:g}"
    if kind == "noise":
        return f"{level:g} dB"
    return f"{level:g} m"


def variant_id(kind: str, level: float) -> str:
    """The id of the variant scored for ``kind`` at ``level`` (as :class:`Variant` writes it)."""
    return f"{kind}:{float(level):g}"


def describe_variant(explanation: Explanation, variant: str) -> str:
    """Plain-text name of a variant: ``word 2 "lights" masked``, ``pitch +3 st``, ``original``."""
    parsed = parse_variant_id(variant)
    if parsed.kind == "original":
        return "original clip"
    if parsed.kind == "word":
        index = parsed.word_index
        text = explanation.words[index].word if index < len(explanation.words) else "?"
        return f'word {index + 1} "{text}" masked'
    if parsed.kind == "words":
        texts = [explanation.words[i].word if i < len(explanation.words) else "?" for i in parsed.word_indices]
        return "masked: " + " + ".join(f'"{t}"' for t in texts)
    names = {"pitch": "pitch", "stretch": "duration", "noise": "white noise at", "reverb": "reverb, room"}
    draw = f" (draw {parsed.draw + 1})" if parsed.draw else ""
    return f"{names[parsed.kind]} {level_label(parsed.kind, parsed.level)}{draw}"


def escape(text: object) -> str:
    return html.escape(str(text), quote=True)
