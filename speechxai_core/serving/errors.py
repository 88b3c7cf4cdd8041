"""What the page says about an error, and what the server log keeps.

A user error (:class:`SpeechXAIError`, ``ValueError``: bad input the user can fix) is logged as one
line and shown as it is. Anything else is a fault of the server: its traceback goes to the log
under a short reference id, and the user sees only that id.
"""

from __future__ import annotations

import logging
import secrets

from ..errors import SpeechXAIError

log = logging.getLogger("speechxai.app")
USER_ERRORS = (SpeechXAIError, ValueError)


def user_message(exc: BaseException, action: str) -> str:
    """Log ``exc`` (raised while doing ``action``, e.g. "explain") and return what to show the user."""
    if isinstance(exc, USER_ERRORS):
        log.warning("%s: %s", action, " ".join(str(exc).split()))
        return str(exc)
    reference = secrets.token_hex(4)
    log.error("%s failed [ref %s]: %s: %s", action, reference, type(exc).__name__, exc, exc_info=exc)
    return f"Something went wrong on the server (reference {reference}). Please try again; if it keeps " \
           f"happening, report the reference to the people running this app."
