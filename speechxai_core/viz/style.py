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
    "flat_pitch": "Flat intonation", "flat_loudness": "Flat loudness", "formant_down": "Formants lowered",
    "formant_up": "Formants raised",
}
PROPERTY_KIND = {"pitch_down": "pitch", "pitch_up": "pitch", "stretch_down": "stretch",
                 "stretch_up": "stretch", "noise": "noise", "reverb": "reverb", "flat_pitch": "flat_pitch",
                 "flat_loudness": "flat_loudness", "formant_down": "formant", "formant_up": "formant"}
#: Short names of the word-local properties (columns of the word × property heatmap).
WORD_PROPERTY_TITLES = {
    "pitch_down": "pitch ↓", "pitch_up": "pitch ↑", "stretch_down": "faster", "stretch_up": "slower",
    "gain_down": "quieter", "gain_up": "louder", "noise": "noise",
}
WORD_PROPERTY_KIND = {"pitch_down": "word_pitch", "pitch_up": "word_pitch", "stretch_down": "word_stretch",
                      "stretch_up": "word_stretch", "gain_down": "word_gain", "gain_up": "word_gain",
                      "noise": "word_noise"}
METHOD_TITLES = {
    "loo": "leave-one-out: p(target) − p(target | word masked)",
    "lime": "LIME: weighted linear fit of p(target) on the words kept",
    "shapley": "Shapley value: average gain of p(target) when the word joins",
    "gradient": "gradient (saliency): mean |∂ logit / ∂ input| over the word",
    "gradient_x_input": "gradient × input: mean input · ∂ logit / ∂ input over the word",
    "integrated_gradients": "Integrated Gradients: the word's share of logit(x) − logit(0)",
}
#: What one number of each word method is (its unit); shown with its table, transcript and colour scale.
METHOD_UNITS = {
    "loo": "probability drop", "lime": "probability (fit weight)", "shapley": "probability",
    "gradient": "gradient magnitude (logit per input unit)", "gradient_x_input": "logit",
    "integrated_gradients": "logit",
}
METHOD_LABELS = {"loo": "Leave-one-out", "lime": "LIME", "shapley": "Shapley", "gradient": "Gradient",
                 "gradient_x_input": "Gradient × Input", "integrated_gradients": "Integrated Gradients",
                 "word_paraling": "Word-local prosody (7 variants per word)"}
ORIGINAL_LEVEL_LABEL = {"pitch": "0 st", "stretch": "×1", "noise": "clean", "reverb": "dry", "flat_pitch": "0 %",
                        "flat_loudness": "0 %", "formant": "×1"}


def method_scores(explanation: Explanation, method: str) -> dict[str, list[float]]:
    """{head: word scores} of ``method``; empty when the explanation has none (yet)."""
    return explanation.scores_for(method) if method in explanation.word_methods else {}


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
    kind = kind.removeprefix("word_")
    if kind == "pitch":
        return f"{level:+g} st"
    if kind in ("stretch", "formant"):
        return f"×{level:g}"
    if kind == "noise":
        return f"{level:g} dB"
    if kind == "gain":
        return f"{level:+g} dB"
    if kind in ("flat_pitch", "flat_loudness"):
        return f"{level * 100:g} %"
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
    if parsed.kind in ("band", "bands", "word_band"):
        return _describe_bands(explanation, parsed)
    if parsed.kind in ("phone", "phones"):
        indices = [parsed.unit_index] if parsed.kind == "phone" else list(parsed.unit_indices)
        return "masked phoneme: " + " + ".join(_phone_name(explanation, i) for i in indices)
    if parsed.word_index is not None:
        index = parsed.word_index
        text = explanation.words[index].word if index < len(explanation.words) else "?"
        local = {"word_pitch": "pitch", "word_stretch": "duration", "word_gain": "level", "word_noise": "noise at"}
        return f'word {index + 1} "{text}" only: {local[parsed.kind]} {level_label(parsed.kind, parsed.level)}'
    names = {"pitch": "pitch", "stretch": "duration", "noise": "white noise at", "reverb": "reverb, room",
             "flat_pitch": "intonation flattened", "flat_loudness": "loudness flattened",
             "formant": "formants"}
    draw = f" (draw {parsed.draw + 1})" if parsed.draw else ""
    return f"{names[parsed.kind]} {level_label(parsed.kind, parsed.level)}{draw}"


def band_label(band: dict) -> str:
    """``259–614 Hz`` (``4–5.6 kHz`` from 1 kHz up)."""
    low, high = band["low_hz"], band["high_hz"]
    if low >= 1000:
        return f"{low / 1000:.2g}–{high / 1000:.2g} kHz"
    return f"{low:.0f}–{high:.0f} Hz" if high < 1000 else f"{low:.0f} Hz–{high / 1000:.2g} kHz"


def _describe_bands(explanation: Explanation, parsed) -> str:
    indices = list(parsed.unit_indices) if parsed.kind == "bands" else [parsed.unit_index]
    names = [band_label(explanation.bands[i]) if i < len(explanation.bands) else "?" for i in indices]
    text = "removed: " + " + ".join(names)
    if parsed.kind == "word_band":
        index = parsed.word_index
        word = explanation.words[index].word if index < len(explanation.words) else "?"
        text += f' inside word {index + 1} "{word}"'
    return text


def _phone_name(explanation: Explanation, i: int) -> str:
    if i >= len(explanation.phonemes):
        return "?"
    phone = explanation.phonemes[i]
    word = explanation.words[phone.word_index].word if phone.word_index < len(explanation.words) else "?"
    return f'/{phone.phone}/ of "{word}"'


def number(value, digits: int = 3, signed: bool = False) -> str:
    """``value`` with ``digits`` decimals (``signed``: with its sign, ``+0.250``); a value that
    rounds to zero prints as ``0.000``, never ``-0.000``; None or NaN prints as ``n/a``."""
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    text = f"{float(value):+.{digits}f}" if signed else f"{float(value):.{digits}f}"
    return f"{0.0:.{digits}f}" if float(text) == 0 else text


def method_unit(method: str) -> str:
    """The unit of ``method``'s word scores (``score`` for a method without a stated unit)."""
    return METHOD_UNITS.get(method, "score")


def scale_exponent(values) -> int:
    """The power of ten ``e`` a table's values are shown in (a cell shows ``value / 10^e``): 0 when
    the largest |value| reads with 3 decimals (≥ 0.01) or is 0, else the ``e`` that puts it in [1, 10)."""
    largest = max((abs(float(v)) for v in values if v is not None and math.isfinite(float(v))), default=0.0)
    return 0 if largest == 0 or largest >= 0.01 else math.floor(math.log10(largest))


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(exponent: int) -> str:
    """``×10⁻⁴`` for −4 ("" for 0)."""
    return "" if exponent == 0 else "×10" + str(exponent).translate(_SUPERSCRIPT)


def scaled_unit(unit: str, exponent: int) -> str:
    """``logit`` or, with values shown in units of 10^e, ``logit ×10⁻⁴``."""
    return f"{unit} {power_of_ten(exponent)}".strip()


def readable(value, signed: bool = True) -> str:
    """One value anywhere (tooltips, hover): ``number`` unless it is nonzero and under 0.001 in
    magnitude, then scientific notation (``+3.2e-05``), so a tiny value never reads as 0.000."""
    if value is not None and math.isfinite(float(value)) and 0 < abs(float(value)) < 1e-3:
        return f"{float(value):+.1e}" if signed else f"{float(value):.1e}"
    return number(value, signed=signed)


def escape(text: object) -> str:
    return html.escape(str(text), quote=True)
