"""Plain-text tables of an explanation for terminals and logs."""

from __future__ import annotations

from ..explanation import Explanation
from ..viz.style import number


def format_explanation(explanation: Explanation) -> str:
    lines = [f"clip: {explanation.audio['name']} ({explanation.audio['duration']:.2f} s)   model: {explanation.model['name']}"]
    for head in explanation.heads:
        lines.append(f"  {head.name}: predicted {head.predicted}; explaining {head.target} (p = {head.probability:.3f})")
    heads = explanation.head_names
    if explanation.word_scores:
        lines += ["", "word attribution  p(target) - p(target | word masked)"]
        lines.append(_row(["word", "start", "end", *heads]))
        for row in explanation.word_table():
            lines.append(_row([row["word"], f"{row['start']:.2f}", f"{row['end']:.2f}", *(number(row[h], signed=True) for h in heads)]))
    if explanation.paralinguistic:
        lines += ["", "paralinguistic attribution  mean drop over levels"]
        lines.append(_row(["property", *heads]))
        for row in explanation.paralinguistic_table():
            lines.append(_row([row["property"], *(number(row[h], signed=True) for h in heads)]))
    return "\n".join(lines)


def _row(cells: list[str]) -> str:
    first, *rest = cells
    return f"  {first:<16}" + "".join(f"{cell:>11}" for cell in rest)
