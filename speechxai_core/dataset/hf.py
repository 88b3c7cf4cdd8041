"""Hugging Face ``datasets`` as item sources: a folder saved with ``save_to_disk``, or a hub name.

The audio column (a ``datasets.Audio`` feature, read undecoded and loaded by SpeechXAI itself,
or ``audio_column``: file bytes, a path, or ``{"array", "sampling_rate"}``); the transcript column is ``text_column`` or the first of
``transcript, text, sentence, transcription, normalized_text``; scalar columns become labels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .items import DatasetError, Item, Items

TEXT_COLUMNS = ("transcript", "text", "sentence", "transcription", "normalized_text")


def is_saved_dataset(folder: Path) -> bool:
    return any((folder / name).is_file() for name in ("dataset_info.json", "dataset_dict.json", "state.json"))


def read_hf(source: str, split: str | None, audio_column: str | None, text_column: str | None) -> Items:
    try:
        import datasets
    except ImportError:
        raise DatasetError(f"'{source}' is not a file or folder; reading Hugging Face datasets needs "
                           "the 'datasets' package (pip install datasets)") from None
    data = _open(datasets, source, split)
    audio_key = audio_column or next(
        (name for name, feature in data.features.items() if isinstance(feature, datasets.Audio)), None
    )
    if audio_key is None or audio_key not in data.column_names:
        raise DatasetError(f"{source}: no audio column (columns: {', '.join(data.column_names)}); name it with --audio-column")
    if isinstance(data.features[audio_key], datasets.Audio):
        data = data.cast_column(audio_key, datasets.Audio(decode=False))
    text_key = text_column or next((name for name in TEXT_COLUMNS if name in data.column_names), None)
    if text_key is not None and text_key not in data.column_names:
        raise DatasetError(f"{source}: no column '{text_key}' (columns: {', '.join(data.column_names)})")
    ids = [str(value) for value in data["id"]] if "id" in data.column_names else [str(i) for i in range(len(data))]

    def load(index: int) -> Item:
        row = data[index]
        audio = row[audio_key]
        if isinstance(audio, dict) and audio.get("array") is not None:
            payload = (np.asarray(audio["array"], dtype=np.float32), int(audio["sampling_rate"]))
        elif isinstance(audio, dict):
            payload = audio.get("bytes") or audio.get("path")
        else:
            payload = audio
        labels = {k: v for k, v in row.items()
                  if k not in (audio_key, text_key, "id", "words") and isinstance(v, (str, int, float, bool))}
        return Item(id=ids[index], audio=payload, transcript=row.get(text_key) if text_key else None,
                    words=row.get("words"), labels=labels)

    return Items(source, ids, load)


def _open(datasets, source: str, split: str | None):
    if Path(source).expanduser().is_dir():
        data = datasets.load_from_disk(str(Path(source).expanduser()))
    else:
        from ..models.hf import hub_reachable

        if not hub_reachable():
            raise DatasetError(f"'{source}' is not a file or folder, and the Hugging Face hub is unreachable "
                               "(give a folder, a .csv/.jsonl manifest, or a dataset saved with save_to_disk)")
        try:
            data = datasets.load_dataset(source, split=split or "test")
        except Exception as exc:  # noqa: BLE001 - one clear message
            raise DatasetError(f"hub dataset '{source}' could not be loaded ({str(exc).splitlines()[0][:200]})") from None
    if isinstance(data, datasets.DatasetDict):
        names = list(data)
        chosen = split or ("test" if "test" in names else names[0] if len(names) == 1 else None)
        if chosen not in names:
            raise DatasetError(f"{source}: choose a split with --split ({', '.join(names)})")
        data = data[chosen]
    return data
