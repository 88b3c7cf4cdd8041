"""Is the app served to others? Then it must not run code named by a visitor."""

from __future__ import annotations

import os
from typing import Mapping

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_hosted(environ: Mapping[str, str] | None = None) -> bool:
    """True on a Hugging Face Space (``SPACE_ID`` set) or when the server listens beyond loopback
    (``GRADIO_SERVER_NAME`` unset means ``0.0.0.0``, as ``python app.py`` serves)."""
    environ = os.environ if environ is None else environ
    return bool(environ.get("SPACE_ID")) or environ.get("GRADIO_SERVER_NAME", "0.0.0.0") not in LOOPBACK
