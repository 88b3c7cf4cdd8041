"""Items explained on Ray: one actor per worker loads the model once and explains items
sent to it; records come back to the caller (the only writer) as they finish.

Each actor reserves one CPU, and one GPU when the cluster has a GPU for every worker.
The records are the ones :func:`~.run.explain_item` makes in a single process.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import SpeechXAIError
from ..scoring import ScoringEngine
from .items import Item
from .run import ModelSpec, RunOptions, explain_item

IN_FLIGHT_PER_WORKER = 2


class DatasetWorker:
    """Holds one classifier and scoring engine for its lifetime."""

    def __init__(self, spec: ModelSpec, options: RunOptions):
        self.load_error = None
        try:
            self.classifier = spec.load()
        except Exception as exc:  # noqa: BLE001 - reported by load_error(), not as a dead actor
            self.load_error = str(exc)
            return
        self.engine = ScoringEngine(self.classifier, batch_size=options.batch_size)
        self.options = options

    def loaded(self) -> str | None:
        """None when the model loaded, else why it did not."""
        return self.load_error

    def run(self, index: int, item: Item) -> dict:
        return explain_item(item, index, self.classifier, self.engine, self.options)


def ray_records(
    pending: Iterable[tuple[int, Item]], spec: ModelSpec, options: RunOptions, workers: int,
    address: str | None = None, gpus_per_worker: float | None = None,
) -> Iterator[dict]:
    """Records of ``pending`` items from ``workers`` Ray actors, in completion order."""
    try:
        import ray
    except ImportError:
        raise SpeechXAIError("--ray needs Ray: pip install 'speechxai[ray]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    actors = []
    try:
        cpus = ray.cluster_resources().get("CPU", 0)
        if workers > cpus:
            raise SpeechXAIError(f"the Ray cluster has {cpus:g} CPUs; ask for at most {cpus:g} workers")
        if gpus_per_worker is None:
            gpus_per_worker = 1.0 if ray.cluster_resources().get("GPU", 0) >= workers else 0.0
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
        actor = ray.remote(DatasetWorker).options(
            num_cpus=1, num_gpus=gpus_per_worker, runtime_env={"env_vars": {"PYTHONPATH": path}}
        )
        actors = [actor.remote(spec, options) for _ in range(workers)]
        failures = [error for error in ray.get([worker.loaded.remote() for worker in actors]) if error]
        if failures:
            raise SpeechXAIError(failures[0])
        yield from _dispatch(ray, actors, pending)
    finally:
        for worker in actors:
            ray.kill(worker)
        if started_here:
            ray.shutdown()


def _dispatch(ray, actors: list, pending: Iterable[tuple[int, Item]]) -> Iterator[dict]:
    """Keeps every actor busy (a few items queued each) and yields records as they finish."""
    free = actors * IN_FLIGHT_PER_WORKER
    running: dict = {}
    queue = iter(pending)
    while True:
        while free:
            nxt = next(queue, None)
            if nxt is None:
                break
            worker = free.pop()
            running[worker.run.remote(*nxt)] = worker
        if not running:
            return
        ready, _ = ray.wait(list(running), num_returns=1)
        free.append(running.pop(ready[0]))
        try:
            record = ray.get(ready[0])
        except ray.exceptions.RayError as exc:  # a worker crashed (out of memory, killed, ...)
            raise SpeechXAIError(f"a Ray worker failed: {str(exc).strip().splitlines()[-1]}") from None
        yield record
