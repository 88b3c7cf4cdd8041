"""Leave nothing behind: SIGTERM handled like Ctrl-C, and the web framework's temporary files removed.

``docker stop``, systemd and Spaces stop a process with SIGTERM, which by default ends Python at
once, skipping every cleanup; :func:`stop_on_sigterm` turns it into the ``KeyboardInterrupt`` that
Ctrl-C raises, so both take the same path (the server closes, then the files go).
"""

from __future__ import annotations

import signal
from pathlib import Path


def stop_on_sigterm() -> None:
    """Make SIGTERM raise ``KeyboardInterrupt`` in the main thread, as SIGINT does."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def remove_cached_files(blocks) -> int:
    """Delete every file a Gradio ``Blocks`` put in its cache (uploads, player clips, copies of
    downloads and examples), then the folders that held them once empty. Returns the files removed."""
    files: set[str] = set()
    for file_set in getattr(blocks, "temp_file_sets", []):
        files.update(file_set)
    for block in blocks.blocks.values():
        files.update(getattr(block, "keep_in_cache", set()))
    removed = 0
    for name in files:
        path = Path(name)
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError:
            continue
        try:
            path.parent.rmdir()  # Gradio keeps each file in a folder named by its hash
        except OSError:
            pass
    for file_set in getattr(blocks, "temp_file_sets", []):
        file_set.clear()
    return removed
