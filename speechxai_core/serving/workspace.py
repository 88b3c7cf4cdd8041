"""Temporary folders for downloads: one per run, removed when old and when the process exits."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from pathlib import Path


class Workspace:
    """A private temp root; :meth:`new_folder` prunes folders older than ``max_age_s`` first."""

    def __init__(self, max_age_s: float = 3600.0, root: str | Path | None = None):
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="speechxai-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_age_s = max_age_s
        atexit.register(self.cleanup)

    def new_folder(self) -> Path:
        self.prune()
        return Path(tempfile.mkdtemp(dir=self.root))

    def prune(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        for folder in self.root.iterdir():
            if now - folder.stat().st_mtime > self.max_age_s:
                shutil.rmtree(folder, ignore_errors=True)

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
