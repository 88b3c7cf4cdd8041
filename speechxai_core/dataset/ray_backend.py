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
        self.classifier = spec.load()
        self.engine = ScoringEngine(self.classifier, batch_size=options.batch_size)
        self.options = options

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
    if gpus_per_worker is None:
        gpus_per_worker = 1.0 if ray.cluster_resources().get("GPU", 0) >= workers else 0.0
    package_root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
    actor = ray.remote(DatasetWorker).options(
        num_cpus=1, num_gpus=gpus_per_worker, runtime_env={"env_vars": {"PYTHONPATH": path}}
    )
    actors = [actor.remote(spec, options) for _ in range(workers)]
    free = actors * IN_FLIGHT_PER_WORKER
    running: dict = {}
    queue = iter(pending)
    try:
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
            yield ray.get(ready[0])
    finally:
        for worker in actors:
            ray.kill(worker)
        if started_here:
            ray.shutdown()
