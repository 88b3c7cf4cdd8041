"""A results folder: ``records.jsonl`` (one JSON object per item, appended as items finish)
and ``run.json`` (the settings of the run, checked when a run resumes).

A record is ``{"id", "index", "audio", "status": "ok" | "error", "labels", "transcript",
"seconds", "explanation", "faithfulness"}`` (``explanation`` without per-variant
probabilities; ``faithfulness`` = {head: comprehensiveness, sufficiency, random baseline}
or null) or, for a failed item, ``{"id", "index", "audio", "status": "error", "error",
"error_type"}``. When an id appears several times, the last record wins.
"""

from __future__ import annotations

import json
from pathlib import Path

from .items import DatasetError

RECORDS = "records.jsonl"
RUN = "run.json"


class RecordWriter:
    """Appends records to ``folder/records.jsonl``, one flushed line each (safe to interrupt)."""

    def __init__(self, folder: str | Path):
        self.path = Path(folder) / RECORDS
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _drop_torn_line(self.path)
        self._file = open(self.path, "a", encoding="utf-8")

    def write(self, record: dict) -> None:
        self._file.write(json.dumps(record, allow_nan=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "RecordWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _drop_torn_line(path: Path) -> None:
    """Cut a last line left unfinished by an interrupted write, so appends start on a new line."""
    if not path.is_file():
        return
    with open(path, "rb+") as file:
        data = file.read()
        if data and not data.endswith(b"\n"):
            file.truncate(data.rfind(b"\n") + 1)


def read_records(folder: str | Path) -> list[dict]:
    """The latest record of every item, in dataset order; a torn last line (interrupted write) is ignored."""
    path = Path(folder) / RECORDS
    if not path.is_file():
        raise DatasetError(f"{folder}: no {RECORDS} here (is it an explain-dataset results folder?)")
    latest: dict[str, dict] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                continue
            raise DatasetError(f"{path}: line {number} is not valid JSON") from None
        latest[record["id"]] = record
    return sorted(latest.values(), key=lambda r: r.get("index", 0))


def finished_ids(folder: str | Path, retry_errors: bool = False) -> set[str]:
    """Ids already recorded (successful ones only with ``retry_errors``)."""
    if not (Path(folder) / RECORDS).is_file():
        return set()
    return {r["id"] for r in read_records(folder) if not retry_errors or r["status"] == "ok"}


# How a changed setting is named in the refusal, where its key alone would not say it.
CHANGE_NAMES = {"model_content": "the model's files changed", "source_content": "the source's content changed"}


def check_run_settings(folder: str | Path, settings: dict) -> None:
    """Write ``run.json`` on the first run; on later runs, refuse settings that differ."""
    path = Path(folder) / RUN
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file():
        previous = json.loads(path.read_text(encoding="utf-8"))
        changed = sorted(k for k in set(previous) | set(settings) if previous.get(k) != settings.get(k))
        if changed:
            what = ", ".join(CHANGE_NAMES.get(k, k) for k in changed)
            raise DatasetError(
                f"{folder} holds results made with other settings ({what}); "
                "use a new --out folder or the same settings to resume"
            )
        return
    path.write_text(json.dumps(settings, indent=2), encoding="utf-8")


def write_parquet(folder: str | Path) -> Path:
    """``records.parquet``: one row per item with flat columns (nested values as JSON text)."""
    import pandas as pd

    rows = []
    for record in read_records(folder):
        flat = {key: record.get(key) for key in ("id", "index", "audio", "status", "error", "seconds", "transcript")}
        for key in ("labels", "explanation", "faithfulness"):
            flat[key] = json.dumps(record.get(key))
        rows.append(flat)
    path = Path(folder) / "records.parquet"
    try:
        pd.DataFrame(rows).to_parquet(path, index=False)
    except ImportError:
        raise DatasetError("Parquet output needs pyarrow (pip install pyarrow)") from None
    return path
