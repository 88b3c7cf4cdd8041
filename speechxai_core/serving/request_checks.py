"""Requests Gradio refuses before a handler runs (a server path, too few values): one log line and
a message for the client, instead of a traceback in the log and ``{"error": null}`` on the wire.

:class:`Blocks` is ``gr.Blocks`` whose input preprocessing turns those refusals into ``gr.Error``
(Gradio is pinned in ``requirements.txt``; the hook is ``Blocks.preprocess_data``).
"""

from __future__ import annotations

import logging

import gradio as gr
from gradio.exceptions import InvalidPathError

log = logging.getLogger("speechxai.app")


def refusal(exc: ValueError, endpoint: str, wanted: int, got: int) -> str:
    """What the client is told when Gradio refuses the inputs of ``endpoint`` (one line)."""
    if isinstance(exc, InvalidPathError):
        return ("a file in the request was not uploaded to this server; upload it first (gradio_client: "
                "handle_file(...)) and send the path the upload returned")
    if got < wanted:
        return f"{endpoint} takes {wanted} values, the request has {got}"
    return f"{endpoint}: the request's values could not be read ({type(exc).__name__})"


class Blocks(gr.Blocks):
    """``gr.Blocks`` whose refused requests get a message and leave one line in the log."""

    async def preprocess_data(self, block_fn, inputs, state, explicit_call: bool = False):
        try:
            return await super().preprocess_data(block_fn, inputs, state, explicit_call)
        except gr.Error:
            raise
        except ValueError as exc:
            endpoint = f"/{block_fn.api_name}" if block_fn.api_name else (block_fn.name or "event")
            message = refusal(exc, endpoint, len(block_fn.inputs), len(inputs))
            log.warning("%s refused: %s", endpoint, message)
            raise gr.Error(message, print_exception=False) from None
