"""Serving helpers: limits from the environment, temp folders, ZeroGPU wrapper, example discovery."""

from __future__ import annotations

import os
import time

import pytest

from speechxai_core.audio import AudioError
from speechxai_core.serving.examples import find_examples
from speechxai_core.serving.gpu import gpu_task
from speechxai_core.serving.limits import Limits
from speechxai_core.serving.workspace import Workspace


def test_limits_from_environment():
    limits = Limits.from_env({"SPEECHXAI_MAX_FILE_MB": "5", "SPEECHXAI_MAX_DURATION_S": "30",
                              "SPEECHXAI_CONCURRENCY": "3", "SPEECHXAI_QUEUE_SIZE": "",
                              "SPEECHXAI_FILE_MAX_AGE_S": "600", "SPEECHXAI_WORKSPACE_MAX_MB": "50"})
    assert limits == Limits(max_file_mb=5.0, max_duration_s=30.0, concurrency=3, queue_size=Limits().queue_size,
                            file_max_age_s=600.0, workspace_max_mb=50.0)
    with pytest.raises(ValueError, match="SPEECHXAI_CONCURRENCY must be a number"):
        Limits.from_env({"SPEECHXAI_CONCURRENCY": "two"})
    with pytest.raises(ValueError, match="SPEECHXAI_MAX_DURATION_S must be positive"):
        Limits.from_env({"SPEECHXAI_MAX_DURATION_S": "0"})


def test_file_size_limit_names_the_file_and_the_setting(tmp_path):
    clip = tmp_path / "big.wav"
    clip.write_bytes(b"\0" * 1_500_000)
    Limits(max_file_mb=2).check_file(clip)
    with pytest.raises(AudioError, match=r"big.wav: the file is 1.5 MB; .* up to 1 MB \(SPEECHXAI_MAX_FILE_MB\)"):
        Limits(max_file_mb=1).check_file(clip)


def test_workspace_prunes_old_folders_and_cleans_up(tmp_path):
    workspace = Workspace(max_age_s=60, root=tmp_path / "ws")
    old = workspace.new_folder()
    (old / "report.html").write_text("x")
    os.utime(old, (time.time() - 120, time.time() - 120))
    fresh = workspace.new_folder()
    assert not old.exists() and fresh.exists()
    workspace.cleanup()
    assert not workspace.root.exists()


def test_workspace_keeps_sessions_apart_and_drops_a_closed_one(tmp_path):
    workspace = Workspace(root=tmp_path / "ws")
    a, b, api = workspace.new_folder("abc123"), workspace.new_folder("xyz789"), workspace.new_folder(None)
    assert a.parent.name == "session-abc123" and b.parent.name == "session-xyz789" and api.parent.name == "shared"
    assert workspace.new_folder("../../etc").parent.parent == workspace.root  # ids are only names
    workspace.drop_session("abc123")
    assert not a.parent.exists() and b.exists() and api.exists()


def test_workspace_stays_under_its_size_cap_oldest_first(tmp_path):
    workspace = Workspace(max_mb=3.5, root=tmp_path / "ws")
    runs = []
    for age in (400, 300, 200, 100):  # four runs of 1 MB, oldest first
        run = workspace.new_folder("s")
        (run / "report.html").write_bytes(b"x" * 1_000_000)
        os.utime(run, (time.time() - age, time.time() - age))
        runs.append(run)
    assert workspace.size_mb() == pytest.approx(4.0)
    workspace.prune(keep=runs[0])
    assert [run.exists() for run in runs] == [True, False, True, True]  # the oldest goes, but never the kept one
    workspace.max_mb = 2.5
    workspace.new_folder("s")  # a new run makes room first
    assert [run.exists() for run in runs] == [False, False, True, True] and workspace.size_mb() <= 2.5


def test_private_gradio_cache_is_pruned_by_age_and_removed(tmp_path, monkeypatch):
    from speechxai_core.serving.shutdown import PrivateCache

    base = tmp_path / "gradio"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(base))
    cache = PrivateCache.create()
    assert os.environ["GRADIO_TEMP_DIR"] == str(cache.folder) and cache.folder.parent == base
    for name in ("old", "example", "new"):
        (cache.folder / name).mkdir()
        (cache.folder / name / "audio.wav").write_bytes(b"RIFF")
    cache.prune(60, keep={str(cache.folder / "example" / "audio.wav")}, now=time.time() + 120)
    assert sorted(p.name for p in cache.folder.iterdir()) == ["example"]
    (base / "vibe_edit_history").mkdir()  # what Gradio makes beside it
    cache.remove()
    assert not base.exists()  # nothing was there before: nothing stays
    assert os.environ["GRADIO_TEMP_DIR"] == str(base)  # set back: another app of the process keeps its uploads


def test_gpu_task_is_a_no_op_without_spaces():
    def work(x):
        return x * 2

    try:
        import spaces  # noqa: F401
    except ImportError:
        assert gpu_task(work) is work
    else:
        assert gpu_task(work)(2) == 4


def test_examples_pair_clips_with_word_timings(tmp_path):
    (tmp_path / "b.wav").write_bytes(b"RIFF")
    (tmp_path / "a.wav").write_bytes(b"RIFF")
    (tmp_path / "a.json").write_text("[]")
    assert find_examples(tmp_path) == [(str(tmp_path / "a.wav"), str(tmp_path / "a.json")),
                                       (str(tmp_path / "b.wav"), None)]
    assert find_examples(tmp_path / "missing") == []


def test_background_streams_reports_and_items_in_order():
    from speechxai_core.serving.background import in_background

    def items(report):
        for i in range(3):
            report(i + 1, 3)
            yield f"item{i}"

    assert list(in_background(items)) == [("progress", (1, 3)), ("item", "item0"), ("progress", (2, 3)),
                                          ("item", "item1"), ("progress", (3, 3)), ("item", "item2")]


def test_background_announces_stages_and_keeps_talking_while_a_stage_waits():
    from speechxai_core.serving.background import in_background

    def items(report):
        report.stage("Transcribing the clip…")
        time.sleep(0.35)
        yield "words"

    events = list(in_background(items, heartbeat=0.1))
    assert events[0] == ("stage", "Transcribing the clip…") and events[-1] == ("item", "words")
    waits = [value for kind, value in events if kind == "wait"]
    assert len(waits) >= 2 and waits == sorted(waits) and all(0.05 < w < 0.5 for w in waits)


def test_stream_announces_each_stage_of_a_run(tmp_path, monkeypatch):
    import numpy as np
    import soundfile as sf

    from speechxai_core import CallableClassifier
    from speechxai_core.serving.limits import Limits
    from speechxai_core.serving.runner import ExplainRequest, stream_explanation

    path = tmp_path / "clip.wav"
    sf.write(path, 0.3 * np.sin(np.arange(32000) / 16000 * 2 * np.pi * 150).astype(np.float32), 16000)
    words = tmp_path / "words.json"
    words.write_text('[{"word": "a", "start": 0.1, "end": 0.5}, {"word": "b", "start": 1.2, "end": 1.8}]')
    model = CallableClassifier(lambda w, sr: np.stack([w[:, :sr].std(1), 1 - w[:, :sr].std(1)], 1), ["x", "y"],
                               name="first-second", max_duration=1.0)
    request = ExplainRequest(str(path), words_file=str(words), properties=[], start=0.0, end=2.0)
    monkeypatch.setattr("speechxai_core.serving.runner.load_model", lambda *args, **kwargs: model)
    updates = list(stream_explanation(request, Limits()))
    stages = [u.stage for u in updates if u.stage]
    assert any(stage.startswith("Scoring 1 variants") for stage in stages), stages
    assert stages[-1].startswith("Checking the explanation: scoring"), stages  # faithfulness is on by default
    final = updates[-1].explanation
    assert final.word_scores["class"] == [final.word_scores["class"][0], None]
    assert "beyond_model_window" in final.warning_codes() and "not scored" in updates[-1].notice


def test_background_raises_the_workers_error_and_stops_when_closed():
    import threading

    from speechxai_core.serving.background import in_background

    def failing(report):
        yield 1
        raise ValueError("bad clip")

    with pytest.raises(ValueError, match="bad clip"):
        list(in_background(failing))

    finished = threading.Event()

    def endless(report):
        try:
            n = 0
            while True:
                n += 1
                report(n, 0)
                yield n
                time.sleep(0.01)
        finally:
            finished.set()

    events = in_background(endless)
    next(events)
    events.close()
    assert finished.wait(5), "the worker kept running after the consumer left"


def test_core_serving_and_report_import_without_gradio():
    import subprocess
    import sys

    code = ("import sys; sys.modules['gradio'] = None\n"
            "import speechxai_core.reports.clip_html, speechxai_core.viz\n"
            "from speechxai_core.serving import background, downloads, examples, gpu, limits, runner, session, "
            "workspace, hosting, model_access, results_folders, errors, current_clip, shutdown\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_library_folders_made_in_temp_while_running_are_removed(tmp_path):
    from speechxai_core.serving.shutdown import TempLeftovers

    (tmp_path / "torchinductor_someone").mkdir()  # there before the app: not the app's
    leftovers = TempLeftovers(tmp_path)
    made = tmp_path / "torchinductor_root"
    (made / "cache").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    leftovers.remove()
    assert not made.exists() and (tmp_path / "torchinductor_someone").exists() and (tmp_path / "other").exists()


def test_warm_up_imports_shapiq_and_measures_the_default_models_cost_before_the_first_visitor(monkeypatch, caplog):
    import sys

    import numpy as np

    from speechxai_core import CallableClassifier
    from speechxai_core.explain.cost import COST_ATTRIBUTE
    from speechxai_core.models import ModelLoadError
    from speechxai_core.serving import warm_up

    model = CallableClassifier(lambda w, sr: np.stack([w.std(1), 1 - w.std(1)], 1), ["x", "y"], name="quick")
    asked = []
    monkeypatch.setattr(warm_up, "load_model", lambda name, **kwargs: asked.append(name) or model)
    warm_up.warm_up("demo").join(timeout=120)
    assert asked == ["demo"] and "shapiq" in sys.modules
    assert getattr(model, COST_ATTRIBUTE).seconds_per_variant(1.0) > 0  # kept for every later request

    def missing(name, **kwargs):
        raise ModelLoadError("no such model")

    monkeypatch.setattr(warm_up, "load_model", missing)
    warm_up.warm_up("nowhere").join(timeout=60)
    assert "warm-up of 'nowhere' not done: no such model" in caplog.text
