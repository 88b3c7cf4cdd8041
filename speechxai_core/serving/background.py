"""Run a generator on a worker thread so that its progress reports can be streamed as they happen."""

from __future__ import annotations

import queue
import threading
from typing import Callable, Iterator

Report = Callable[[int, int], None]


class Cancelled(Exception):
    """Raised inside the worker when the consumer stopped listening."""


def in_background(make_items: Callable[[Report], Iterator]) -> Iterator[tuple[str, object]]:
    """Yield ``("progress", (done, total))``, ``("stage", text)`` and ``("item", item)`` events in the order
    they happen.

    ``make_items(report)`` returns the generator to run; it calls ``report(done, total)`` as it goes.
    Its exceptions are raised here; closing this iterator stops the worker at its next report.
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
        while True:
            kind, value = events.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield kind, value
    finally:
        stop.set()
