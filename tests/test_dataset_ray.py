import pytest

from speechxai_core.dataset import ModelSpec, RunOptions, explain_dataset, read_records

from .test_dataset import make_manifest

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield
    ray.shutdown()


def _science(records):
    """Everything in a record but the wall-clock time."""
    return [{k: v for k, v in r.items() if k != "seconds"} for r in records]


def test_two_ray_workers_give_the_single_process_records_and_resume(tmp_path, tiny_multihead_dir, local_cluster):
    manifest = make_manifest(tmp_path, n=4)
    spec = ModelSpec(tiny_multihead_dir, heads="a:2,b:3,c:4")
    options = RunOptions(grid="fast", properties=("noise", "pitch_up"))
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in a 1-CPU Ray worker: the same float reductions, bit-identical results
    try:
        explain_dataset(manifest, spec, tmp_path / "single", options)
    finally:
        torch.set_num_threads(threads)
    log = tmp_path / "ray" / "records.jsonl"
    first = explain_dataset(manifest, spec, tmp_path / "ray", options, workers=2)
    assert (first.explained, first.errors) == (6, 2)
    single, distributed = read_records(tmp_path / "single"), read_records(tmp_path / "ray")
    assert [r["status"] for r in distributed] == ["ok", "error", "ok", "ok", "ok", "error"]
    assert _science(distributed) == _science(single)

    lines = log.read_text().splitlines()
    log.write_text("\n".join(lines[:2]) + "\n")
    resumed = explain_dataset(manifest, spec, tmp_path / "ray", options, workers=2)
    assert (resumed.skipped, resumed.explained) == (2, 4)
    assert _science(read_records(tmp_path / "ray")) == _science(single)


def test_more_workers_than_cluster_cpus_is_a_clear_error(tmp_path, local_cluster):
    from speechxai_core.errors import SpeechXAIError

    manifest = make_manifest(tmp_path, n=1, bad=False, no_words=False)
    with pytest.raises(SpeechXAIError, match="at most 2 workers"):
        explain_dataset(manifest, ModelSpec("unused"), tmp_path / "out", RunOptions(), workers=3)
    assert ray.is_initialized()  # a cluster it did not start is left running
