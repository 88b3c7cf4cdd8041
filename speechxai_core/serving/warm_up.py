"""Start-up work, done in the background before the first visitor asks: import the Shapley library
(seconds, once per process) and load the default model and measure its cost per variant while the
server is still idle (:func:`speechxai_core.explain.cost.model_cost` keeps what it measured)."""

from __future__ import annotations

import logging
import threading

from ..explain.cost import model_cost
from ..models import load_model
from .hosting import is_hosted

log = logging.getLogger("speechxai.app")


def warm_up(default_model: str) -> threading.Thread:
    """Start the warm-up thread and return it; a failure is logged and leaves the first run to retry."""

    def work() -> None:
        try:
            import shapiq  # noqa: F401

            hosted = is_hosted()
            model_cost(load_model(default_model, allow_code_models=not hosted, hub_only=hosted))
        except Exception as exc:  # the first request loads what is missing and says what went wrong
            log.warning("warm-up of '%s' not done: %s", default_model, exc)

    thread = threading.Thread(target=work, name="speechxai-warm-up", daemon=True)
    thread.start()
    return thread
