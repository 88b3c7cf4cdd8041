"""Hosted mode: what a visitor may open, and that the messages never tell which server paths exist;
on loopback the local conveniences stay. Errors: one log line for user errors, a reference id for faults."""

from __future__ import annotations

import html
import logging
import re

import pytest

import app
from speechxai_core.dataset.items import DatasetError
from speechxai_core.models import ModelLoadError, load_model
from speechxai_core.models.presets import PRESETS
from speechxai_core.serving.hosting import is_hosted, is_loopback
from speechxai_core.serving.limits import Limits
from speechxai_core.serving.model_access import BUNDLED_ROOT, allowed_model
from speechxai_core.serving.results_folders import DEFAULT_ROOT, allowed_results_folder
from speechxai_core.serving.runner import ExplainRequest
from speechxai_core.serving.workspace import Workspace
from tests.app.conftest import HEADS

HOSTED = {"GRADIO_SERVER_NAME": "0.0.0.0"}
LOCAL = {"GRADIO_SERVER_NAME": "127.0.0.1"}


@pytest.mark.parametrize("environ, hosted", [
    ({}, False), (LOCAL, False), ({"GRADIO_SERVER_NAME": "localhost"}, False), ({"GRADIO_SERVER_NAME": "::1"}, False),
    (HOSTED, True), ({"GRADIO_SERVER_NAME": "192.168.1.20"}, True), ({"SPACE_ID": "someone/speechxai"}, True),
    ({"SPEECHXAI_HOSTED": "1"}, True), (HOSTED | {"SPEECHXAI_HOSTED": "0"}, False),
])
def test_is_hosted(environ, hosted):
    assert is_hosted(environ) is hosted


def test_is_hosted_refuses_a_bad_switch():
    assert is_loopback("127.0.0.2") and not is_loopback("example.org")
    with pytest.raises(ValueError, match="SPEECHXAI_HOSTED must be 1 or 0"):
        is_hosted({"SPEECHXAI_HOSTED": "maybe"})


@pytest.fixture()
def roots(tmp_path):
    """A results root with one run, a models root with one model folder, and server folders outside."""
    results, models, secret = tmp_path / "runs", tmp_path / "models", tmp_path / "secret"
    (results / "run-a").mkdir(parents=True)
    (models / "my-model").mkdir(parents=True)
    (secret / "private-run").mkdir(parents=True)
    (results / "escape").symlink_to(secret / "private-run")
    return {"results": results, "models": models, "secret": secret,
            "environ": HOSTED | {"SPEECHXAI_RESULTS_ROOT": str(results), "SPEECHXAI_MODELS_ROOT": str(models)}}


def test_hosted_results_folders_only_inside_the_root_and_no_existence_leak(roots):
    environ = roots["environ"]
    assert allowed_results_folder("run-a", environ) == roots["results"] / "run-a"
    assert allowed_results_folder(str(roots["results"] / "run-a"), environ) == roots["results"] / "run-a"
    messages = set()
    for outside in ["/etc", "/etc/passwd", "/no/such/folder", str(roots["secret"] / "private-run"), "../secret",
                    "escape", "missing-run", "~"]:
        with pytest.raises(DatasetError) as caught:
            allowed_results_folder(outside, environ)
        messages.add(str(caught.value).replace(outside, "PATH"))
    assert len(messages) == 1, messages  # the same words whether the path exists or not
    (message,) = messages
    assert "no results folder 'PATH' here" in message and str(roots["results"]) not in message


def test_hosted_results_root_defaults_to_runs_beside_the_app():
    with pytest.raises(DatasetError, match="no results folder"):
        allowed_results_folder("/etc", {"SPACE_ID": "someone/speechxai"})
    assert DEFAULT_ROOT.name == "runs" and DEFAULT_ROOT.parent == app.Path(app.__file__).resolve().parent


def test_local_results_folders_keep_their_convenience(roots):
    assert allowed_results_folder(str(roots["secret"] / "private-run"), LOCAL) == roots["secret"] / "private-run"
    with pytest.raises(DatasetError, match="no such folder"):
        allowed_results_folder(str(roots["secret"] / "missing"), LOCAL)
    with pytest.raises(DatasetError, match="only folders inside"):
        allowed_results_folder(str(roots["secret"]), LOCAL | {"SPEECHXAI_RESULTS_ROOT": str(roots["results"])})
    with pytest.raises(DatasetError, match="enter the path"):
        allowed_results_folder("  ", LOCAL)


def test_hosted_models_only_presets_hub_ids_and_folders_in_the_roots(roots):
    environ = roots["environ"]
    assert allowed_model("demo", environ) == "demo" and allowed_model("", environ) == "demo"
    assert allowed_model(PRESETS["superb-ic"].source, environ) == PRESETS["superb-ic"].source
    assert allowed_model("someone/some-model", environ) == "someone/some-model"  # a hub id
    assert allowed_model("my-model", environ) == str(roots["models"] / "my-model")
    assert allowed_model(str(roots["models"] / "my-model"), environ) == str(roots["models"] / "my-model")
    assert allowed_model(str(BUNDLED_ROOT / "demo-commands"), environ) == str(BUNDLED_ROOT / "demo-commands")
    messages = set()
    for outside in ["/etc", "/no/such/folder", str(roots["secret"]), "../secret", "./x", "a/b/c", "~"]:
        with pytest.raises(ModelLoadError) as caught:
            allowed_model(outside, environ)
        messages.add(str(caught.value).replace(outside, "PATH"))
    assert len(messages) == 1, messages
    assert "--model" not in messages.pop()  # web wording, no command-line advice


def test_local_models_are_loaded_as_given(roots):
    assert allowed_model(str(roots["secret"]), LOCAL) == str(roots["secret"])
    assert allowed_model("/etc", LOCAL) == "/etc"


def test_hosted_page_messages_do_not_tell_which_paths_exist(monkeypatch, clip_files, tmp_path):
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.delenv("SPEECHXAI_MODELS_ROOT", raising=False)
    monkeypatch.setenv("SPEECHXAI_RESULTS_ROOT", str(tmp_path / "runs"))
    workspace = Workspace(root=tmp_path / "ws")
    statuses = []
    for model in ["/etc", "/no/such/folder"]:
        views = list(app.run_views(ExplainRequest(clip_files["wav"], model, HEADS), Limits(), workspace))
        statuses.append(html.unescape(views[-1]["status"]).replace(model, "PATH"))
    assert statuses[0] == statuses[1] and "not available on this server" in statuses[0]
    errors = []
    for folder in ["/etc", "/etc/passwd", "/no/such/folder"]:
        errors.append(app.open_results(folder)[0].replace(folder, "PATH"))
    assert len(set(errors)) == 1 and "no results folder" in errors[0]
    assert "not available on this server" in app.explain_clips([clip_files["wav"]], "/etc", HEADS, workspace, "s1")[0]


def test_local_page_opens_any_model_folder(monkeypatch, clip_files, model_dir, tmp_path):
    monkeypatch.setenv("GRADIO_SERVER_NAME", "127.0.0.1")
    monkeypatch.delenv("SPACE_ID", raising=False)
    views = list(app.run_views(ExplainRequest(clip_files["wav"], model_dir, HEADS, words_file=clip_files["words"],
                                              properties=[]), Limits(), Workspace(root=tmp_path / "ws")))
    assert "Done in" in views[-1]["status"]


def test_a_user_error_is_one_log_line(caplog, clip_files, model_dir, tmp_path):
    caplog.set_level(logging.INFO, logger="speechxai")
    request = ExplainRequest(clip_files["not_audio"], model_dir, HEADS)
    views = list(app.run_views(request, Limits(), Workspace(root=tmp_path / "ws")))
    assert "not a readable audio file" in views[-1]["error"]
    records = [r for r in caplog.records if r.name.startswith("speechxai")]
    assert len(records) == 1 and records[0].exc_info is None
    assert "\n" not in records[0].getMessage() and "not a readable audio file" in records[0].getMessage()


def test_an_unexpected_error_shows_a_reference_that_matches_the_log(caplog, monkeypatch, clip_files, tmp_path):
    def broken(request, limits):
        raise RuntimeError("disk on fire at /srv/secret")
        yield

    monkeypatch.setattr(app, "stream_explanation", broken)
    caplog.set_level(logging.INFO, logger="speechxai")
    views = list(app.run_views(ExplainRequest(clip_files["wav"]), Limits(), Workspace(root=tmp_path / "ws")))
    shown = views[-1]["error"]
    reference = re.search(r"reference ([0-9a-f]{8})", shown)[1]
    assert "/srv/secret" not in shown and "RuntimeError" not in shown
    (record,) = [r for r in caplog.records if r.name.startswith("speechxai")]
    assert f"[ref {reference}]" in record.getMessage() and "disk on fire" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError  # the traceback is logged


def test_the_prediction_header_names_the_model_not_its_server_path(model_dir, clip_files, tmp_path):
    from speechxai_core.models.presets import display_name

    assert display_name(PRESETS["demo"].source) == "demo"
    assert display_name("superb/wav2vec2-base-superb-ic") == "superb-ic"
    assert display_name("someone/other-model") == "someone/other-model"
    views = [v for v in app.run_views(ExplainRequest(clip_files["wav"], model_dir, HEADS,
                                                     words_file=clip_files["words"], properties=[]),
                                      Limits(), Workspace(root=tmp_path / "ws")) if "prediction" in v]
    header = views[-1]["prediction"]
    assert f"model {app.Path(model_dir).name}" in header and model_dir not in header
    final = views[-1]["session"].explanation  # the downloads do not name server paths either
    assert final.model["name"] == app.Path(model_dir).name
    assert final.settings["aligner"] == {"name": "given", "source": "command.json"}
    downloaded = app.Path(views[-1]["downloads"][0]).read_text()
    assert model_dir not in downloaded and str(clip_files["folder"]) not in downloaded


def test_model_messages_speak_to_web_users_and_end_on_a_whole_word(tmp_path, clip_files):
    (tmp_path / "not-a-model").mkdir()
    (tmp_path / "not-a-model" / "notes.txt").write_text("hello")
    messages = []
    for model in (str(tmp_path / "not-a-model"), "superb-er"):  # a folder without a model; a hub id offline
        views = list(app.run_views(ExplainRequest(clip_files["wav"], model), Limits(), Workspace(root=tmp_path / "ws")))
        messages.append(views[-1]["error"])
    folder, hub = messages
    assert "is not a usable transformers audio classifier" in folder
    assert folder.endswith(")") and "Otherwise" not in folder and len(folder) < 300
    assert re.search(r"\(Can't load [\w ]+ for '[^']+'\)$", folder), folder  # the first sentence, whole
    assert "no network" in hub and "--model" not in hub and "path/to" not in hub


def test_hosted_hub_names_never_reveal_server_folders_and_code_models_are_refused(roots, monkeypatch):
    environ = roots["environ"]
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # "assets" and "tests" exist beside the app (the working directory of the tests), "no-such-model-x" nowhere:
    # all are hub ids for a hosted app, loaded from the hub only, so they fail alike
    messages = set()
    for name in ["assets", "tests", "no-such-model-x"]:
        assert allowed_model(name, environ) == name
        with pytest.raises(ModelLoadError) as caught:
            load_model(name, hub_only=True)
        messages.add(str(caught.value).replace(name, "NAME"))
    assert len(messages) == 1 and "hub model" in messages.pop()
    for spec in ["app.py:build_app", "os:getcwd"]:
        with pytest.raises(ModelLoadError, match="only when the app runs locally"):
            allowed_model(spec, environ)
    assert allowed_model("os:getcwd", LOCAL) == "os:getcwd"  # a local app may load code models
