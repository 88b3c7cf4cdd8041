"""Is the app hosted, i.e. reachable from other machines? Where does it listen?

Hosted means: running on a Hugging Face Space (``SPACE_ID`` set) or listening beyond the
loopback interface (``GRADIO_SERVER_NAME`` other than 127.0.0.1 / localhost / ::1).
``SPEECHXAI_HOSTED=1`` forces hosted mode (e.g. behind a reverse proxy on the same machine),
``SPEECHXAI_HOSTED=0`` turns it off. A hosted app opens only folders under its configured roots
and never says whether a server path outside them exists.
"""

from __future__ import annotations

import ipaddress
import os

HOSTED_VARIABLE = "SPEECHXAI_HOSTED"
SERVER_NAME_VARIABLE = "GRADIO_SERVER_NAME"
DEFAULT_SERVER_NAME = "127.0.0.1"


def server_name(environ: dict | None = None) -> str:
    """The address the app listens on: ``$GRADIO_SERVER_NAME``, else loopback only."""
    environ = os.environ if environ is None else environ
    return environ.get(SERVER_NAME_VARIABLE, "").strip() or DEFAULT_SERVER_NAME


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_hosted(environ: dict | None = None) -> bool:
    """True when people on other machines can reach the app (see the module docstring)."""
    environ = os.environ if environ is None else environ
    forced = environ.get(HOSTED_VARIABLE, "").strip().lower()
    if forced in ("1", "true", "yes"):
        return True
    if forced in ("0", "false", "no"):
        return False
    if forced:
        raise ValueError(f"{HOSTED_VARIABLE} must be 1 or 0, got '{environ[HOSTED_VARIABLE]}'")
    return bool(environ.get("SPACE_ID", "").strip()) or not is_loopback(server_name(environ))
