"""Dataset items from a folder of audio files or a CSV / JSONL manifest.

Manifest columns (CSV header or JSONL keys):

- audio file: ``path`` (or ``audio``, ``file``, ``file_name``, ``audio_path``), relative to the manifest;
- ``id`` (optional, default the path as written);
- transcript (optional): ``transcript`` (or ``text``, ``sentence``, ``transcription``);
- ``words`` (optional): ``[{word, start, end}]`` as JSON (a list in JSONL) or a path to a
  JSON/CSV timings file;
- every other scalar column is kept as a label (e.g. ``action``, ``label``), and so is each
  entry of a ``labels`` object in JSONL (``{"labels": {"action": "activate"}}``).

A folder is searched recursively for audio files; ``clip.txt`` next to ``clip.wav`` is its
transcript and ``clip.words.json`` / ``clip.words.csv`` its timings. A folder holding
``metadata.csv`` or ``metadata.jsonl`` is read as that manifest.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import SpeechXAIError
from .fingerprint import files_fingerprint, text_fingerprint

AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3", ".webm", ".m4a", ".opus", ".aac")
PATH_KEYS = ("path", "audio", "file", "file_name", "audio_path")
TEXT_KEYS = ("transcript", "text", "sentence", "transcription")


class DatasetError(SpeechXAIError, ValueError):
    """A dataset source that cannot be read (missing, empty, malformed manifest)."""


@dataclass(frozen=True)
class Item:
    """One utterance: ``audio`` is a file path, the bytes of a file, or ``(samples, sampling_rate)``."""

    id: str
    audio: str | bytes | tuple
    transcript: str | None = None
    words: list[dict] | str | None = None
    labels: dict = field(default_factory=dict)

    @property
    def source(self) -> str:
        return self.audio if isinstance(self.audio, str) else self.id


class Items:
    """An ordered, id-addressable set of items; ``load(i)`` builds item ``i`` on demand;
    ``fingerprint`` changes when the source's content does (None: unknown)."""

    def __init__(self, name: str, ids: list[str], load, fingerprint: str | None = None):
        duplicates = sorted(i for i, count in Counter(ids).items() if count > 1)
        if duplicates:
            raise DatasetError(f"{name}: item ids must be unique; repeated: {', '.join(duplicates[:5])}")
        if not ids:
            raise DatasetError(f"{name}: no items found")
        self.name, self.ids, self._load, self.fingerprint = name, ids, load, fingerprint

    def __len__(self) -> int:
        return len(self.ids)

    def pending(self, done: Iterable[str]) -> Iterator[tuple[int, Item]]:
        """(index, item) for every item whose id is not in ``done``, in order."""
        skip = set(done)
        for index, item_id in enumerate(self.ids):
            if item_id not in skip:
                yield index, self._load(index)

    @classmethod
    def from_list(cls, name: str, items: list[Item], fingerprint: str | None = None) -> "Items":
        return cls(name, [item.id for item in items], items.__getitem__, fingerprint)


def read_items(source: str | Path, *, split: str | None = None, audio_column: str | None = None,
               text_column: str | None = None) -> Items:
    """Items of a folder, a ``.csv`` / ``.jsonl`` manifest, or a Hugging Face dataset (see :mod:`.hf`)."""
    from . import hf

    path = Path(source).expanduser()
    if path.is_dir() and hf.is_saved_dataset(path):
        return hf.read_hf(str(path), split, audio_column, text_column)
    if path.is_dir():
        for manifest in ("metadata.csv", "metadata.jsonl"):
            if (path / manifest).is_file():
                return read_manifest(path / manifest)
        return read_folder(path)
    if path.is_file():
        return read_manifest(path)
    return hf.read_hf(str(source), split, audio_column, text_column)


def read_folder(folder: Path) -> Items:
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_EXTENSIONS and p.is_file())
    items = []
    for file in files:
        transcript_file = file.with_suffix(".txt")
        words_file = next((p for p in (file.with_suffix(".words.json"), file.with_suffix(".words.csv")) if p.is_file()), None)
        items.append(Item(
            id=file.relative_to(folder).as_posix(), audio=str(file),
            transcript=transcript_file.read_text(encoding="utf-8").strip() if transcript_file.is_file() else None,
            words=str(words_file) if words_file else None,
        ))
    if not items:
        raise DatasetError(f"{folder}: no audio files ({', '.join(AUDIO_EXTENSIONS)}) found")
    return Items.from_list(str(folder), items, files_fingerprint(files, folder, contents=False))


def read_manifest(path: Path) -> Items:
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8-sig")
    if suffix == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
    elif suffix in (".jsonl", ".ndjson"):
        rows = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise DatasetError(f"{path.name}: line {number} is not valid JSON ({exc.msg})") from None
    else:
        raise DatasetError(f"{path.name}: a manifest must be .csv or .jsonl (or give a folder)")
    items = [_row_item(row, number, path) for number, row in enumerate(rows, 1)]
    return Items.from_list(path.name, items, text_fingerprint(text))


def _row_item(row: dict, number: int, manifest: Path) -> Item:
    if not isinstance(row, dict):
        raise DatasetError(f"{manifest.name}: row {number} is not an object")
    row = {str(k).strip(): (None if v == "" else v) for k, v in row.items() if k is not None}
    path_key = next((k for k in PATH_KEYS if row.get(k)), None)
    if path_key is None:
        raise DatasetError(f"{manifest.name}: row {number} has no audio path (column {' / '.join(PATH_KEYS)})")
    written = str(row[path_key])
    audio = Path(written).expanduser()
    audio = audio if audio.is_absolute() else manifest.parent / audio
    text_key = next((k for k in TEXT_KEYS if k in row), None)
    words = row.get("words")
    if isinstance(words, str) and words.lstrip().startswith("["):
        try:
            words = json.loads(words)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{manifest.name}: row {number} has unreadable words JSON ({exc.msg})") from None
    elif isinstance(words, str):
        words_path = Path(words).expanduser()
        words = str(words_path if words_path.is_absolute() else manifest.parent / words_path)
    known = {path_key, "id", "words", "labels", *TEXT_KEYS}
    labels = {k: v for k, v in row.items() if k not in known and isinstance(v, (str, int, float, bool))}
    if isinstance(row.get("labels"), dict):
        labels.update(row["labels"])
    return Item(
        id=str(row.get("id") or written), audio=str(audio),
        transcript=None if text_key is None or row[text_key] is None else str(row[text_key]),
        words=words, labels=labels,
    )
