"""Leave nothing behind: SIGTERM handled like Ctrl-C, and the web framework's files kept in a folder
of the app's own, pruned by age and removed at the end.

``docker stop``, systemd and Spaces stop a process with SIGTERM, which by default ends Python at
once, skipping every cleanup; :func:`stop_on_sigterm` turns it into the ``KeyboardInterrupt`` that
Ctrl-C raises, so both take the same path (the server closes, then the files go).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

CACHE_VARIABLE = "GRADIO_TEMP_DIR"


def stop_on_sigterm() -> None:
    """Make SIGTERM raise ``KeyboardInterrupt`` in the main thread, as SIGINT does."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


class PrivateCache:
    """A new folder inside ``$GRADIO_TEMP_DIR`` (default ``<tmp>/gradio``) that Gradio uses for this
    process alone (uploads, player clips, copies of downloads and examples). Call :meth:`create`
    before building the page."""

    def __init__(self, folder: Path, base: Path, created: list[Path], previous: str | None = None):
        self.folder, self.base, self.created, self.previous = folder, base, created, previous

    @classmethod
    def create(cls) -> "PrivateCache":
        previous = os.environ.get(CACHE_VARIABLE)
        base = Path(previous or Path(tempfile.gettempdir()) / "gradio")
        # Gradio makes these in the folder it was imported with, whoever uses them
        created = [path for path in (base, base / "vibe_edit_history") if not path.exists()]
        base.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="speechxai-", dir=base))
        os.environ[CACHE_VARIABLE] = str(folder)
        return cls(folder, base, created, previous)

    def prune(self, max_age_s: float, keep: set[str] = frozenset(), now: float | None = None) -> None:
        """Remove files older than ``max_age_s`` (by change time, as Gradio ages them) but ``keep``,
        then the folders left empty."""
        now = time.time() if now is None else now
        for path in sorted(self.folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            try:
                if path.is_dir():
                    if not any(path.iterdir()) and now - path.stat().st_ctime > max_age_s:
                        path.rmdir()
                elif str(path) not in keep and now - path.stat().st_ctime > max_age_s:
                    path.unlink()
            except OSError:
                continue

    def remove(self) -> None:
        """Remove the folder, and what was made for Gradio around it when it was not there before;
        ``$GRADIO_TEMP_DIR`` is set back to what it was (another app of this process keeps its uploads)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        if os.environ.get(CACHE_VARIABLE) == str(self.folder):
            if self.previous is None:
                os.environ.pop(CACHE_VARIABLE, None)
            else:
                os.environ[CACHE_VARIABLE] = self.previous
        for path in reversed(self.created):
            try:
                path.rmdir()  # only when empty: another app may share the base folder
            except OSError:
                pass


class TempLeftovers:
    """Folders that libraries make in the temporary directory on their own (PyTorch's compiler cache
    ``torchinductor_<user>``): those that appear while the app runs are removed when it stops."""

    PATTERNS = ("torchinductor_*",)

    def __init__(self, temp: str | Path | None = None):
        self.temp = Path(temp or tempfile.gettempdir())
        self.before = self._present()

    def _present(self) -> set[Path]:
        return {path for pattern in self.PATTERNS for path in self.temp.glob(pattern)}

    def remove(self) -> None:
        for path in self._present() - self.before:
            shutil.rmtree(path, ignore_errors=True)


def kept_files(blocks) -> set[str]:
    """Files a Gradio ``Blocks`` keeps for its whole life (cached example clips)."""
    return set().union(*(getattr(block, "keep_in_cache", set()) for block in blocks.blocks.values()))
