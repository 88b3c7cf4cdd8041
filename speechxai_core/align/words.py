"""Words with times, read from plain JSON or CSV and checked against the clip."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

from ..errors import SpeechXAIError


class WordsError(SpeechXAIError, ValueError):
    """Word timings that cannot be used with this clip."""


@dataclass(frozen=True)
class Word:
    """A word and its span in seconds; ``score`` is the aligner's confidence when known."""

    word: str
    start: float
    end: float
    score: float | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        if self.score is None:
            data.pop("score")
        return data


def words_from_records(records: Iterable[dict], source: str = "words") -> list[Word]:
    """``[{word|text, start, end[, score]}]`` -> words, sorted by start."""
    words = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise WordsError(f"{source}: item {i} is not an object with word, start and end")
        text = record.get("word", record.get("text"))
        try:
            start, end = float(record["start"]), float(record["end"])
        except (KeyError, TypeError, ValueError):
            raise WordsError(f"{source}: item {i} ({text!r}) needs numeric 'start' and 'end' seconds") from None
        if not text or not str(text).strip():
            raise WordsError(f"{source}: item {i} has no word text")
        score = record.get("score")
        words.append(Word(str(text).strip(), start, end, None if score in (None, "") else float(score)))
    return sorted(words, key=lambda w: (w.start, w.end))


def read_words(path: str | Path) -> list[Word]:
    """Read word timings: JSON (plain list, ``{"words": [...]}`` or WhisperX segments), CSV or TextGrid."""
    from .files import read_json_words, read_textgrid

    path = Path(path)
    if not path.exists():
        raise WordsError(f"{path.name}: file not found")
    if path.suffix.lower() == ".textgrid":
        return read_textgrid(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        if rows and not {"word", "start", "end"} <= set(rows[0]):
            raise WordsError(f"{path.name}: CSV needs the columns word,start,end")
        return words_from_records(rows, path.name)
    return read_json_words(text, path.name)


def check_words(words: list[Word], duration: float, source: str = "words", tolerance: float = 0.05) -> list[Word]:
    """Reject spans that are reversed or fall outside the clip; clamp small overruns."""
    checked = []
    for word in words:
        if word.start < -tolerance or word.end > duration + tolerance or word.start >= word.end:
            raise WordsError(
                f"{source}: '{word.word}' spans {word.start:.2f}-{word.end:.2f} s, "
                f"which does not fit the clip (0-{duration:.2f} s)"
            )
        checked.append(Word(word.word, max(0.0, word.start), min(duration, word.end), word.score))
    return checked
