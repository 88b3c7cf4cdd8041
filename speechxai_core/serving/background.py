"""Run a generator on a worker thread so that its progress reports can be streamed as they happen."""

from __future__ import annotations

import queue
import threading
import time
from typing import Callable, Iterator

Report = Callable[[int, int], None]


class Cancelled(Exception):
    """Raised inside the worker when the consumer stopped listening."""


def in_background(make_items: Callable[[Report], Iterator], heartbeat: float | None = None,
                  ) -> Iterator[tuple[str, object]]:
    """Yield ``("progress", (done, total))``, ``("stage", text)`` and ``("item", item)`` events in the order
    they happen.

    ``make_items(report)`` returns the generator to run; it calls ``report(done, total)`` as it goes.
    Its exceptions are raised here; closing this iterator stops the worker at its next report.
    With ``heartbeat`` (seconds), ``("wait", seconds since the last event)`` comes whenever nothing
    else happened for that long, so a page can show that the work goes on.
    """
    events: queue.Queue = queue.Queue()
    stop = threading.Event()

    def report(done: int, total: int) -> None:
        if stop.is_set():
            raise Cancelled()
        events.put(("progress", (done, total)))

    def stage(text: str) -> None:
        if stop.is_set():
            raise Cancelled()
        events.put(("stage", text))

    report.stage = stage  # ``report.stage(text)`` announces a stage: ("stage", text)

    def work() -> None:
        try:
            for item in make_items(report):
                events.put(("item", item))
                if stop.is_set():
                    return
            events.put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            events.put(("error", exc))

    worker = threading.Thread(target=work, name="speechxai-explain", daemon=True)
    worker.start()
    try:
        quiet_since = time.monotonic()
        while True:
            try:
                kind, value = events.get(timeout=heartbeat)
            except queue.Empty:
                yield "wait", time.monotonic() - quiet_since
                continue
            quiet_since = time.monotonic()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield kind, value
    finally:
        stop.set()
