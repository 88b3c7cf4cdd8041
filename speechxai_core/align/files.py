"""Word timings on disk: WhisperX JSON, plain JSON, CSV and Praat TextGrid (through praatio).

Reading accepts ``[{word,start,end}]``, ``{"words": [...]}``, WhisperX's
``{"segments": [{"words": [...]}]}`` (untimed words skipped), ``word,start,end`` CSV and
TextGrid (the interval tier named "words"/"word", else the first interval tier; empty
intervals are pauses). Writing picks the format from the suffix: .json, .csv, .TextGrid.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .words import Word, WordsError, words_from_records

WORD_TIER_NAMES = ("words", "word")


def records_from_json(data, source: str) -> list[dict]:
    """The word records inside a parsed JSON document of any supported shape."""
    if isinstance(data, dict) and isinstance(data.get("segments"), list):
        records = []
        for segment in data["segments"]:
            for word in (segment.get("words") or []) if isinstance(segment, dict) else []:
                if isinstance(word, dict) and "start" in word and "end" in word:
                    records.append(word)
        return records
    if isinstance(data, dict) and "words" in data:
        data = data["words"]
    if not isinstance(data, list):
        raise WordsError(f"{source}: expected a list of {{word, start, end}} or WhisperX segments")
    return data


def read_textgrid(path: Path) -> list[Word]:
    from praatio import textgrid

    try:
        grid = textgrid.openTextgrid(str(path), includeEmptyIntervals=False)
    except Exception as exc:  # noqa: BLE001 - praatio raises several kinds for malformed files
        raise WordsError(f"{path.name}: not a readable TextGrid ({str(exc).splitlines()[0][:120]})") from None
    tiers = [grid.getTier(name) for name in grid.tierNames]
    intervals = [tier for tier in tiers if tier.tierType == textgrid.INTERVAL_TIER]
    if not intervals:
        raise WordsError(f"{path.name}: the TextGrid has no interval tier")
    tier = next((t for t in intervals if t.name.lower() in WORD_TIER_NAMES), intervals[0])
    return [Word(label.strip(), float(start), float(end)) for start, end, label in tier.entries
            if label.strip() and label.strip().lower() not in ("sil", "sp", "<sil>")]


def write_words(words: list[Word], path: str | Path, duration: float | None = None, settings: dict | None = None) -> Path:
    """Write ``words`` to ``path`` as JSON (with ``settings``), CSV or TextGrid by suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        payload = {"words": [w.to_dict() for w in words]}
        if settings:
            payload["aligner"] = settings
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    elif suffix == ".csv":
        path.write_text(words_csv(words), encoding="utf-8")
    elif suffix == ".textgrid":
        write_textgrid(words, path, duration)
    else:
        raise WordsError(f"{path.name}: choose .json, .csv or .TextGrid")
    return path


def words_csv(words: list[Word]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["word", "start", "end", "score"])
    for w in words:
        writer.writerow([w.word, f"{w.start:.3f}", f"{w.end:.3f}", "" if w.score is None else f"{w.score:.3f}"])
    return buffer.getvalue()


def write_textgrid(words: list[Word], path: Path, duration: float | None = None) -> None:
    from praatio import textgrid

    end = max([duration or 0.0] + [w.end for w in words])
    entries = [(round(w.start, 4), round(w.end, 4), w.word) for w in words]
    tier = textgrid.IntervalTier("words", entries, 0.0, end)
    grid = textgrid.Textgrid()
    grid.addTier(tier)
    grid.save(str(path), format="long_textgrid", includeBlankSpaces=True)


def read_json_words(text: str, source: str) -> list[Word]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WordsError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    return words_from_records(records_from_json(data, source), source)
