"""The same request runs the same methods on an idle server and with every CPU busy: the method
budget counts work (variants × the model's cost measured once), not the seconds of the moment."""

from __future__ import annotations

import os
import subprocess
import sys

import app
from speechxai_core.explain.cost import model_cost
from speechxai_core.models import load_model
from speechxai_core.serving.limits import Limits
from speechxai_core.serving.runner import ExplainRequest
from speechxai_core.serving.workspace import Workspace
from tests.app.conftest import HEADS

LIME_SAMPLES = 1000  # the default of the app's LIME


def busy_cpus(count: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def test_same_methods_idle_and_with_the_cpus_busy(model_dir, clip_files, tmp_path):
    cost = model_cost(load_model(model_dir, heads=HEADS))  # the server measures it once, at first use
    lime_work = (LIME_SAMPLES + 3) * cost.seconds_per_variant(1.6)
    limits = Limits(max_method_s=1.5 * lime_work)  # LIME fits; three times slower it would not
    request = ExplainRequest(clip_files["wav"], model_dir, HEADS, words_file=clip_files["words"], properties=[],
                             methods=["loo", "lime"])
    workspace = Workspace(root=tmp_path / "workspace")
    idle = list(app.run_views(request, limits, workspace))[-1]["session"].explanation
    workers = busy_cpus(3 * (os.cpu_count() or 1))
    try:
        busy = list(app.run_views(request, limits, workspace))[-1]["session"].explanation
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
    assert idle.word_methods == busy.word_methods == ["loo", "lime"]
    assert "skipped_methods" not in idle.settings and "skipped_methods" not in busy.settings
    assert busy.method_scores == idle.method_scores
    workspace.cleanup()
