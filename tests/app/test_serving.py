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
                              "SPEECHXAI_CONCURRENCY": "3", "SPEECHXAI_QUEUE_SIZE": ""})
    assert limits == Limits(max_file_mb=5.0, max_duration_s=30.0, concurrency=3, queue_size=Limits().queue_size)
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
