"""The files a user can download after a run: explanation JSON, CSV tables, HTML report."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..explanation import Explanation
from ..reports.clip_html import build_report


def write_downloads(explanation: Explanation, samples: np.ndarray, folder: str | Path) -> list[str]:
    """Write the downloads into ``folder``; returns their paths (JSON, CSVs present, report)."""
    folder = Path(folder)
    stem = Path(explanation.audio["name"]).stem or "clip"
    paths = [folder / f"{stem}.explanation.json"]
    explanation.to_json(paths[0])
    if explanation.word_methods:
        paths.append(folder / f"{stem}.words.csv")
        paths[-1].write_text(explanation.word_csv(), encoding="utf-8")
    if explanation.word_interactions:
        paths.append(folder / f"{stem}.interactions.csv")
        paths[-1].write_text(explanation.interaction_csv(), encoding="utf-8")
    for present, name, table in ((explanation.bands, "bands", explanation.band_csv),
                                 (explanation.word_band_scores, "word_bands", explanation.word_band_csv),
                                 (explanation.phonemes, "phonemes", explanation.phoneme_csv)):
        if present:
            paths.append(folder / f"{stem}.{name}.csv")
            paths[-1].write_text(table(), encoding="utf-8")
    if explanation.paralinguistic:
        paths.append(folder / f"{stem}.paralinguistic.csv")
        paths[-1].write_text(explanation.paralinguistic_csv(), encoding="utf-8")
    if explanation.checks:
        paths.append(folder / f"{stem}.checks.csv")
        paths[-1].write_text(explanation.checks_csv(), encoding="utf-8")
    paths.append(folder / f"{stem}.report.html")
    paths[-1].write_text(build_report(explanation, samples), encoding="utf-8")
    return [str(path) for path in paths]
