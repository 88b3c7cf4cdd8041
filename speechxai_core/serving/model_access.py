"""Which models the app's model field may load.

Local (see :mod:`.hosting`): anything the library loads (preset, hub id, any folder, code). Hosted:
a preset, a hub id, or a folder inside a model root (``assets/models`` and ``$SPEECHXAI_MODELS_ROOT``),
given by its absolute path or by its name in a root; any other path gets the same message
whether it exists or not, a hub id is loaded with ``hub_only`` (never as a folder relative to the
server's working directory), and models from Python code are refused.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..models import ModelLoadError
from ..models.code import is_code_spec
from ..models.presets import ASSETS, HUB_IDS, PRESETS
from .hosting import is_hosted
from .results_folders import inside

ROOT_VARIABLE = "SPEECHXAI_MODELS_ROOT"
BUNDLED_ROOT = ASSETS / "models"


def model_roots(environ: dict | None = None) -> list[Path]:
    """The folders a hosted app loads model folders from."""
    environ = os.environ if environ is None else environ
    extra = environ.get(ROOT_VARIABLE, "").strip()
    return [BUNDLED_ROOT.resolve()] + ([Path(extra).expanduser().resolve()] if extra else [])


def allowed_model(text: str | None, environ: dict | None = None) -> str:
    """The model to load for what the user typed (empty: ``demo``), or :class:`ModelLoadError` when
    the app is hosted and ``text`` names a folder outside the model roots."""
    environ = os.environ if environ is None else environ
    text = (text or "").strip() or "demo"
    if not is_hosted(environ) or text in PRESETS or text in HUB_IDS:
        return text
    if is_code_spec(text):
        raise ModelLoadError("models from Python code (file.py:name) are accepted only when the app runs "
                             "locally; choose a preset, a hub id or a model folder")
    roots = model_roots(environ)
    given = Path(text).expanduser()
    candidates = [given.resolve()] if given.is_absolute() else [(root / given).resolve() for root in roots]
    for path in candidates:
        if any(inside(path, root) for root in roots) and path.is_dir():
            return str(path)
    if given.is_absolute() or _looks_like_a_path(text):
        raise ModelLoadError(f"model '{text}' is not available on this server: choose a preset, a Hugging Face "
                             f"hub id (owner/name) or a model folder in this server's models folder ({ROOT_VARIABLE})")
    return text  # a hub id (whether or not a folder of that name exists here: see hub_only)


def _looks_like_a_path(text: str) -> bool:
    """Hub ids are ``name`` or ``owner/name``; anything else with path syntax is a server path."""
    return text.startswith((".", "~")) or "\\" in text or ".." in text or text.count("/") > 1
