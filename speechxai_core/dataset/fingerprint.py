"""Content fingerprints, so that a resumed run refuses a model or data set that changed under
the same name (a retrained model saved to the same folder, a rewritten manifest)."""

from __future__ import annotations

import hashlib
from pathlib import Path

# Files of a saved model that decide its outputs (a model card does not).
MODEL_FILE_PATTERNS = ("*.safetensors", "*.bin", "*.pt", "*.json")


def text_fingerprint(text: str) -> str:
    """First 16 hex digits of the SHA-256 of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def files_fingerprint(files: list[Path], root: Path, contents: bool) -> str:
    """SHA-256 over each file's path relative to ``root`` and its bytes (``contents``) or size."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        if not contents:
            digest.update(str(path.stat().st_size).encode("ascii") + b"\0")
            continue
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def model_fingerprint(folder: str | Path) -> str | None:
    """Fingerprint of a local model folder's weights and configs; None where ``folder`` is not
    a local folder (a hub id: the hub cache keeps one revision per id)."""
    root = Path(folder).expanduser()
    if not root.is_dir():
        return None
    files = sorted({path for pattern in MODEL_FILE_PATTERNS for path in root.glob(pattern) if path.is_file()})
    return files_fingerprint(files, root, contents=True) if files else None
