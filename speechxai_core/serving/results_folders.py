"""Which server folders the app may open as dataset results.

Hosted (see :mod:`.hosting`): only folders inside the results root, ``$SPEECHXAI_RESULTS_ROOT`` or
else ``runs/`` beside the app; a relative name is looked up in the root, and any other path gets
the same message whether it exists or not. Local: inside ``$SPEECHXAI_RESULTS_ROOT`` when it is
set, else any folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..dataset.items import DatasetError
from .hosting import is_hosted

ROOT_VARIABLE = "SPEECHXAI_RESULTS_ROOT"
DEFAULT_ROOT = Path(__file__).resolve().parent.parent.parent / "runs"


def results_root(environ: dict | None = None) -> Path | None:
    """The folder results must lie in: the variable, else ``runs/`` when hosted, else None (anywhere)."""
    environ = os.environ if environ is None else environ
    root = environ.get(ROOT_VARIABLE, "").strip()
    if root:
        return Path(root).expanduser().resolve()
    return DEFAULT_ROOT if is_hosted(environ) else None


def allowed_results_folder(folder: str, environ: dict | None = None) -> Path:
    """``folder`` resolved, or :class:`DatasetError` saying why it may not be opened here."""
    environ = os.environ if environ is None else environ
    if not folder or not folder.strip():
        raise DatasetError("enter the path of an explain-dataset results folder")
    text = folder.strip()
    root = results_root(environ)
    if is_hosted(environ):
        path = (root / Path(text).expanduser()).resolve()  # an absolute path replaces the root
        if not (inside(path, root) and path.is_dir()):
            raise DatasetError(f"no results folder '{text}' here: enter the name of a folder in this server's "
                               f"results folder ({ROOT_VARIABLE})")
        return path
    path = Path(text).expanduser().resolve()
    if root is not None and not inside(path, root):
        raise DatasetError(f"{text}: only folders inside {root} can be opened here ({ROOT_VARIABLE})")
    if not path.is_dir():
        raise DatasetError(f"{text}: no such folder")
    return path


def inside(path: Path, root: Path) -> bool:
    """True when the resolved ``path`` is ``root`` or lies below it."""
    return path == root or root in path.parents
