"""Bundled example clips: ``assets/examples/*.wav``, each with optional same-stem ``.json`` word timings."""

from __future__ import annotations

from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent.parent.parent / "assets" / "examples"


def find_examples(folder: str | Path = EXAMPLES_DIR) -> list[tuple[str, str | None]]:
    """(wav path, word-timings path or None) for every clip in ``folder``, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    pairs = []
    for wav in sorted(folder.glob("*.wav")):
        timings = wav.with_suffix(".json")
        pairs.append((str(wav), str(timings) if timings.exists() else None))
    return pairs
