"""Which server folders the app may open as dataset results.

``SPEECHXAI_RESULTS_ROOT`` set: only folders inside it. Unset: any folder on a local run,
none on a hosted Space (``SPACE_ID`` set), where visitors must not browse the server.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..dataset.items import DatasetError

ROOT_VARIABLE = "SPEECHXAI_RESULTS_ROOT"


def allowed_results_folder(folder: str, environ: dict | None = None) -> Path:
    """``folder`` resolved, or :class:`DatasetError` saying why it may not be opened here."""
    environ = os.environ if environ is None else environ
    if not folder or not folder.strip():
        raise DatasetError("enter the path of an explain-dataset results folder")
    path = Path(folder.strip()).expanduser().resolve()
    root = environ.get(ROOT_VARIABLE, "").strip()
    if root:
        base = Path(root).expanduser().resolve()
        if path != base and base not in path.parents:
            raise DatasetError(f"{folder}: only folders inside {base} can be opened here ({ROOT_VARIABLE})")
    elif environ.get("SPACE_ID"):
        raise DatasetError(f"opening server folders is disabled on this Space; set {ROOT_VARIABLE} to allow one")
    if not path.is_dir():
        raise DatasetError(f"{folder}: no such folder")
    return path
