"""The app's own files (downloads, small dataset runs): one folder per session, one per run inside it.

Everything lives under one private root in the temporary directory (``$TMPDIR``). A session's folder
is removed when the session ends (:meth:`Workspace.drop_session`), a run folder once it is older
than ``max_age_s``, and the oldest run folders whenever the whole workspace is over ``max_mb``.
The web framework's own files (uploads, player clips; :meth:`Workspace.count_also`) count against
the same ``max_mb``: when the old runs are not enough, the oldest of them go too;
:meth:`Workspace.cleanup` removes the root (at exit, and on SIGTERM/SIGINT through ``app.main``).
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

SHARED = "shared"  # runs without a session (API calls)


class Workspace:
    """A private temp root; ``max_age_s`` per run folder, ``max_mb`` for the whole root."""

    def __init__(self, max_age_s: float = 3600.0, max_mb: float = 500.0, root: str | Path | None = None):
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="speechxai-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_age_s = max_age_s
        self.max_mb = max_mb
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._also: list[tuple[Path, Callable[[], set[str]]]] = []
        atexit.register(self.cleanup)

    def count_also(self, folder: str | Path, kept: Callable[[], set[str]] = set) -> None:
        """Count the files in ``folder`` (another part of the app's files) against ``max_mb``; when over it,
        its oldest files go after the runs, except those ``kept()`` names."""
        self._also.append((Path(folder), kept))

    def new_folder(self, session: str | None = None) -> Path:
        """A new empty run folder in ``session``'s folder (pruning old and excess runs first)."""
        self.prune()
        with self._lock:
            parent = self.root / _folder_name(session)
            parent.mkdir(parents=True, exist_ok=True)
            return Path(tempfile.mkdtemp(dir=parent))

    def drop_session(self, session: str | None) -> None:
        """Remove everything written for ``session`` (its page was closed)."""
        if session:
            with self._lock:
                shutil.rmtree(self.root / _folder_name(session), ignore_errors=True)

    def runs(self) -> list[Path]:
        """Every run folder, oldest first."""
        folders = [run for session in self.root.iterdir() if session.is_dir() for run in session.iterdir()]
        return sorted(folders, key=_mtime)

    def size_mb(self) -> float:
        """Megabytes of every file counted: the workspace's and those of :meth:`count_also` folders."""
        folders = [self.root, *(folder for folder, _ in self._also)]
        return sum(_size(f) for folder in folders if folder.is_dir() for f in folder.rglob("*") if f.is_file()) / 1e6

    def prune(self, now: float | None = None, keep: Path | None = None) -> None:
        """Remove run folders older than ``max_age_s``, then the oldest while over ``max_mb`` (never ``keep``)."""
        now = time.time() if now is None else now
        with self._lock:
            if not self.root.is_dir():
                return
            runs = []
            for run in self.runs():
                if now - _mtime(run) > self.max_age_s and run != keep:
                    shutil.rmtree(run, ignore_errors=True)
                else:
                    runs.append(run)
            sizes = {run: sum(_size(f) for f in run.rglob("*") if f.is_file()) for run in runs}
            kept_total, others = 0, {}
            for folder, kept in self._also:
                names = kept()
                for path in (folder.rglob("*") if folder.is_dir() else ()):
                    if path.is_file():
                        if str(path) in names:
                            kept_total += _size(path)
                        else:
                            others[path] = _size(path)
            total = kept_total + sum(sizes.values()) + sum(others.values())
            for item in [*runs, *sorted(others, key=_mtime)]:  # runs first: an upload may still be in use
                if total <= self.max_mb * 1e6:
                    break
                if item == keep:
                    continue
                if item in sizes:
                    shutil.rmtree(item, ignore_errors=True)
                    total -= sizes[item]
                else:
                    item.unlink(missing_ok=True)
                    total -= others[item]
            for session in self.root.iterdir():
                if session.is_dir() and not any(session.iterdir()) and now - _mtime(session) > self.max_age_s:
                    session.rmdir()

    def prune_every(self, interval_s: float, *also: Callable[[], None]) -> None:
        """Prune (and call each of ``also``) on a daemon thread every ``interval_s`` seconds until :meth:`cleanup`."""
        def loop() -> None:
            while not self._stop.wait(interval_s):
                for task in (self.prune, *also):
                    task()

        threading.Thread(target=loop, name="speechxai-workspace-prune", daemon=True).start()

    def cleanup(self) -> None:
        self._stop.set()
        with self._lock:
            shutil.rmtree(self.root, ignore_errors=True)


def _folder_name(session: str | None) -> str:
    """A safe folder name for a session id (Gradio's session hashes are short random strings)."""
    name = re.sub(r"[^A-Za-z0-9_-]", "", session or "")[:64]
    return f"session-{name}" if name else SHARED


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
