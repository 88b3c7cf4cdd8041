"""Plain-text tables of an explanation for terminals and logs."""

from __future__ import annotations

from ..explanation import Explanation
from ..viz.style import METHOD_TITLES, WORD_PROPERTY_TITLES, method_unit, number, scale_exponent, scaled_unit
from ..viz.trust import trust_lines
from ..viz.word_paraling import largest_effect_sentence

RANDOM_PROPERTIES = ("noise", "reverb")  # the properties drawn at random (spread over repeats)


def format_explanation(explanation: Explanation) -> str:
    lines = [f"clip: {explanation.audio['name']} ({explanation.audio['duration']:.2f} s)   model: {explanation.model['name']}"]
    for head in explanation.heads:
        against = "" if head.contrast is None else f" rather than {head.contrast} ({head.quantity} = {head.value:.3f})"
        lines.append(f"  {head.name}: predicted {head.predicted}; explaining {head.target} (p = {head.probability:.3f})"
                     + against)
    lines += [f"  warning [{caveat.code}]: {caveat.message}" for caveat in explanation.warnings]
    heads = explanation.head_names
    for method in explanation.word_methods:
        scores = explanation.scores_for(method)
        exponent = scale_exponent(v for h in scores for v in scores[h])
        lines += ["", f"word attribution ({method})  {METHOD_TITLES.get(method, method)}",
                  f"  values in {scaled_unit(method_unit(method), exponent)}"]
        lines.append(_row(["word", "start", "end", *heads]))
        for i, word in enumerate(explanation.words):
            lines.append(_row([word.word, f"{word.start:.2f}", f"{word.end:.2f}",
                               *(_score(scores[h][i], exponent) if h in scores else "" for h in heads)]))
        lines += _method_notes(explanation, method)
    for head, block in explanation.word_interactions.items():
        lines += ["", f"shapley interactions ({head}): > 0 the words matter more together"]
        lines.append(_row(["", *block["words"]]))
        for word, row in zip(block["words"], block["matrix"]):
            lines.append(_row([word, *(number(v, signed=True) for v in row)]))
    lines += _band_lines(explanation, heads) + _phoneme_lines(explanation, heads)
    lines += _word_paraling_lines(explanation)
    if explanation.paralinguistic:
        spread = explanation.paralinguistic_std if explanation.settings.get("repeats", 1) > 1 else {}
        lines += ["", "paralinguistic attribution  mean drop over levels" + (" (± std over repeats)" if spread else "")]
        lines.append(_row(["property", *heads]))
        for row in explanation.paralinguistic_table():
            prop = row["property"]
            shown = spread if prop in RANDOM_PROPERTIES else {}
            cells = [number(row[h], signed=True) + (f" ±{number(shown[h][prop])}" if shown else "") for h in heads]
            lines.append(_row([prop, *cells], width=16 if spread else 11))
    lines += _trust(explanation)
    return "\n".join(lines)


def _word_paraling_lines(explanation: Explanation) -> list[str]:
    """Per head: the largest word-local effect, then words × word-local properties (drops of p(target))."""
    lines = []
    for head, table in explanation.word_paralinguistic.items():
        props = [p for p in WORD_PROPERTY_TITLES if p in table]
        lines += ["", f"word-local prosody ({head})  drop of p(target) when only that word is changed",
                  "  " + largest_effect_sentence(explanation, head), _row(["word", *props], width=13)]
        lines += [_row([word.word, *(_score(table[p][i]) for p in props)], width=13)
                  for i, word in enumerate(explanation.words)]
    return lines


def _trust(explanation: Explanation) -> list[str]:
    """The checks of the explanation: one block of sentences per method and head."""
    methods = dict.fromkeys(m for check in ("faithfulness", "stability", "sanity")
                            for m in explanation.checks.get(check, {}))
    blocks = [(method, head, trust_lines(explanation, method, head))
              for method in methods for head in explanation.head_names]
    if not any(lines for _, _, lines in blocks):
        return []
    out = ["", "how far to trust it"]
    for method, head, lines in blocks:
        out += [f"  {method} / {head}:"] + [f"    {line}" for line in lines] if lines else []
    return out


def _band_lines(explanation: Explanation, heads: list[str]) -> list[str]:
    """The band table (leave-one-out, then Shapley values and LIME when computed) and the word × band grid."""
    if not explanation.bands:
        return []
    lines = []
    others = explanation.unit_method_scores.get("bands", {})
    for title, table in (("leave-one-out: drop when the band is removed", explanation.band_scores),
                         ("Shapley value of the band", others.get("shapley", {})),
                         ("LIME coefficient of the band (keeping it)", others.get("lime", {}))):
        if table:
            lines += ["", f"frequency bands  {title}", _row(["band (Hz)", *heads], width=13)]
            lines += [_row([f"{b['low_hz']:g}-{b['high_hz']:g}", *(_score(table[h][i]) if h in table else "" for h in heads)],
                           width=13) for i, b in enumerate(explanation.bands)]
    for head, grid in explanation.word_band_scores.items():
        lines += ["", f"word × band ({head}): drop when the band is removed inside the word",
                  _row(["word", *(f"{b['low_hz']:g}" for b in explanation.bands)], width=8)]
        lines += [_row([word.word, *(["not heard"] if row is None else [number(v, signed=True) for v in row])], width=8)
                  for word, row in zip(explanation.words, grid)]
    return lines


def _phoneme_lines(explanation: Explanation, heads: list[str]) -> list[str]:
    """Per phoneme: leave-one-out per head (when it ran), then the other methods' scores per head."""
    columns = [(h, "", explanation.phoneme_scores[h]) for h in heads if h in explanation.phoneme_scores]
    columns += [(h, method, values) for method, table in explanation.unit_method_scores.get("phonemes", {}).items()
                for h, values in table.items()]
    if not columns or not explanation.phonemes:
        return []
    methods = ["leave-one-out: drop when the phoneme is masked" if any(not m for _, m, _ in columns) else "",
               *dict.fromkeys(m for _, m, _ in columns if m)]
    lines = ["", "phonemes  " + "; then ".join(m for m in methods if m),
             _row(["word", "phone", "start", *(f"{h} {m}".strip() for h, m, _ in columns)])]
    for i, phone in enumerate(explanation.phonemes):
        lines.append(_row([explanation.words[phone.word_index].word, phone.phone, f"{phone.start:.3f}",
                           *(_score(values[i]) for _, _, values in columns)]))
    return lines


def _score(value: float | None, exponent: int = 0) -> str:
    """``value / 10^exponent`` (3 decimals, 2 when scaled); ``not heard`` for a word not scored."""
    return "not heard" if value is None else number(value / 10.0 ** exponent, 3 if exponent == 0 else 2, signed=True)


def _method_notes(explanation: Explanation, method: str) -> list[str]:
    """One line of diagnostics under a method's table (fit, exactness, what was attributed)."""
    details = explanation.method_details.get(method, {})
    if method == "lime":
        r2 = ", ".join(f"{h} {v:.2f}" if v is not None else f"{h} n/a" for h, v in details.get("r2", {}).items())
        return [f"  {details.get('samples')} samples; fit R²: {r2}"]
    if method == "shapley":
        how = "exact" if details.get("exact") else f"estimated by {details.get('approximator')} (SII, order 2)"
        gap = max((abs(v) for v in details.get("efficiency_gap", {}).values()), default=0.0)
        return [f"  {how}, {details.get('coalitions')} coalitions; efficiency gap {gap:.1e}"]
    if "input" in details:
        return [f"  attributed on the model's {details['input'].replace('_', ' ')}"]
    return []


def _row(cells: list[str], width: int = 11) -> str:
    first, *rest = cells
    return f"  {first:<16}" + "".join(f"{cell:>{width}}" for cell in rest)
