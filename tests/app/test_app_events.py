"""The app's event functions called directly: streaming, views, player, downloads, errors."""

from __future__ import annotations

import copy
import csv
import html
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import app
from speechxai_core import Explanation, explain, variant_audio
from speechxai_core.perturb import PROPERTIES
from speechxai_core.serving.limits import Limits
from speechxai_core.serving.runner import ExplainRequest
from speechxai_core.serving.session import pcm16
from speechxai_core.serving.workspace import Workspace
from tests.app.conftest import HEADS, SR, WORDS


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return Workspace(root=tmp_path_factory.mktemp("downloads"))


@pytest.fixture(scope="module")
def streamed(model_dir, clip_files, workspace):
    """All view updates of one run with word timings, the grid "fast", every property."""
    request = ExplainRequest(clip_files["wav"], model_dir, HEADS, words_file=clip_files["words"])
    return list(app.run_views(request, Limits(), workspace))


def test_stream_shows_words_first_then_properties(streamed):
    assert "Loading model" in streamed[0]["status"]
    reports = [re.search(r'value="(\d+)" max="(\d+)"', views["status"]) for views in streamed]
    counts = [(int(m[1]), int(m[2])) for m in reports if m]
    assert len(counts) >= 3 and [done for done, _ in counts] == sorted(done for done, _ in counts)
    methods = 3 + 4 * 3 + 5 + 3 + 2 + 2 + 1 + 1  # 3 words, then the fast grid's levels
    assert methods in [done for done, _ in counts]
    snapshots = [views for views in streamed if "session" in views]
    scored = len(snapshots[-1]["session"].explanation.variants) - 1  # then the faithfulness curves (on by default)
    assert counts[-1][0] == counts[-1][1] == scored > methods
    assert len(snapshots) >= 2, "expected the word stage and at least one later snapshot"
    first, last = snapshots[0]["session"].explanation, snapshots[-1]["session"].explanation
    assert first.word_scores and not first.complete
    assert len(first.paralinguistic_levels) < len(PROPERTIES)
    assert last.complete and len(last.paralinguistic_levels) == len(PROPERTIES)
    assert "Done in" in snapshots[-1]["status"]
    # the player starts on the original clip once, then is left alone while streaming
    assert "player" in snapshots[0] and all("player" not in views for views in snapshots[1:])
    assert [w.word for w in last.words] == ["turn", "on", "lights"]
    assert snapshots[0]["transcript"] == "turn on lights"
    assert snapshots[0]["targets"]["info"] == "Classes — action: c0, c1, c2; object: c3, c4, c5, c6; location: c7, c8"


def test_views_carry_the_explanation_numbers(streamed, model_dir, clip_files):
    views = streamed[-1]
    explanation = views["session"].explanation
    reference = explain(clip_files["wav"], model_dir, heads=HEADS, words=clip_files["words"], grid="fast")
    for head in reference.head_names:
        np.testing.assert_allclose(explanation.word_scores[head], reference.word_scores[head], atol=1e-9)
    waveform = views["waveform"]
    bars, labels = [trace for trace in waveform.data if trace.type == "bar"]
    assert list(bars.customdata) == list(labels.customdata) == ["word:0", "word:1", "word:2"]
    assert list(labels.text) == ["turn", "on", "lights"] and labels.textangle == 0  # labels only where they fit
    assert waveform.layout.uniformtext.mode == "hide"
    np.testing.assert_allclose(bars.marker.color, explanation.word_scores["action"])
    assert bars.marker.cmin == -bars.marker.cmax  # diverging scale centred at 0
    menu = waveform.layout.updatemenus[0].buttons  # the head selector recolours the spans
    assert [button.label for button in menu] == ["action", "object", "location"]
    np.testing.assert_allclose(menu[1].args[0]["marker.color"][0], explanation.word_scores["object"])
    heatmaps = [trace for trace in views["heatmaps"].data if trace.type == "heatmap"]
    assert [trace.name for trace in heatmaps] == list(explanation.paralinguistic_levels)
    noise = heatmaps[4]
    assert noise.customdata[0][0] == "original" and noise.x[0] == "clean (original)"
    assert list(noise.customdata[0][1:]) == ["noise:20", "noise:10", "noise:5", "noise:2", "noise:0.5"]
    np.testing.assert_allclose(noise.z[2][1:], explanation.paralinguistic_drops["location"]["noise"])
    assert views["word_table"].count('data-variant="word:') == 3 * 4  # word cell + one cell per head
    assert "lights" in views["transcript_view"]
    assert views["paraling_table"].count("<tr>") == 1 + len(PROPERTIES)  # header and one row per property
    choices = views["picker"]["choices"]
    assert ('word 3 "lights" masked', "word:2") in choices and len(choices) == len(explanation.variants)


def test_player_plays_exactly_the_scored_audio(streamed, clip_files):
    session = streamed[-1]["session"]
    sr, samples = session.play("word:2")
    expected = variant_audio(session.explanation, clip_files["wav"], "word:2")
    assert sr == SR
    np.testing.assert_array_equal(samples, pcm16(expected))
    masked = slice(int(WORDS[2]["start"] * SR), int(WORDS[2]["end"] * SR))
    assert np.all(samples[masked] == 0) and np.abs(samples[: masked.start]).max() > 1000
    player, caption, picker = app.play_variant(session, "noise:10")
    np.testing.assert_array_equal(player[1], pcm16(variant_audio(session.explanation, clip_files["wav"], "noise:10")))
    record = session.explanation.variant("noise:10")
    assert f"{record.probabilities['object']:.3f}" in caption and "10 dB" in caption
    assert picker["value"] == "noise:10"


def test_player_ignores_unknown_variants(streamed):
    session = streamed[-1]["session"]
    with pytest.warns(UserWarning, match="'pitch:9' was not scored"):
        skipped = app.play_variant(session, "pitch:9")
    assert all(isinstance(value, type(app.gr.skip())) for value in skipped)


def test_downloads_round_trip(streamed):
    paths = [Path(p) for p in streamed[-1]["downloads"]]
    assert [p.name for p in paths] == ["command.explanation.json", "command.words.csv",
                                      "command.paralinguistic.csv", "command.checks.csv", "command.report.html"]
    explanation = streamed[-1]["session"].explanation
    loaded = Explanation.from_json(paths[0])
    assert loaded.word_scores == explanation.word_scores
    rows = list(csv.DictReader(io.StringIO(paths[1].read_text())))
    assert [row["word"] for row in rows] == ["turn", "on", "lights"]
    assert float(rows[2]["object"]) == pytest.approx(explanation.word_scores["object"][2])
    report = paths[4].read_text()
    assert "data:audio/wav;base64," in report and report.count("Plotly.newPlot") == 3  # words, trust curves, levels
    checks = list(csv.DictReader(io.StringIO(paths[3].read_text())))
    auc = next(r for r in checks if r["method"] == "loo" and r["head"] == "object" and r["metric"] == "deletion_auc")
    assert float(auc["value"]) == pytest.approx(explanation.checks["faithfulness"]["loo"]["object"]["deletion_auc"])
    assert "<script src=" not in report and "<link " not in report  # nothing fetched: opens offline
    assert len(report) > 1_000_000  # plotly.js is inlined


def test_without_words_the_properties_still_run(model_dir, clip_files, workspace):
    request = ExplainRequest(clip_files["wav"], model_dir, HEADS, properties=["noise"])
    views = list(app.run_views(request, Limits(), workspace))[-1]
    explanation = views["session"].explanation
    assert list(explanation.paralinguistic_levels) == ["noise"]
    aligner = explanation.settings["aligner"]["name"]
    if aligner == "none":  # a core without alignment: the words are skipped, and the page says why
        assert "Words not scored" in views["status"] and "transcript" in views["status"]
        assert "appear here once words are scored" in views["word_table"]
    elif aligner == "windows":  # no words recognised: windows stand in, the page says why
        assert "stand in for them" in views["status"] and "transcript" not in views
        assert len(explanation.word_scores["object"]) == len(explanation.words)
    else:  # the aligner found words: they fill the transcript box, to be corrected and run again
        assert views["transcript"] == " ".join(word.word for word in explanation.words)


@pytest.mark.parametrize("case, expected", [
    ("not_audio", "notes.wav: not a readable audio file"),
    ("too_long", "too long (12.0 s; the limit is 10 s)"),
    ("too_big", "this server accepts up to 0.1 MB"),
    ("bad_heads", "covers 5 outputs but the model has 9"),
    ("no_model", "model folder"),
    ("bad_target", "has no class 'lamp'"),
    ("bad_words", "does not fit the clip"),
    ("no_clip", "no clip: upload or record one first"),
    ("upload_gone", "the clip is no longer on the server (uploads are removed after a while); upload it again"),
    ("hub_offline", "no network: hub model 'superb/wav2vec2-base-superb-er' cannot be downloaded"),
])
def test_bad_input_gives_a_clear_message(case, expected, model_dir, clip_files, workspace, tmp_path):
    limits = Limits(max_duration_s=10)
    request = ExplainRequest(clip_files["wav"], model_dir, HEADS, words_file=clip_files["words"])
    if case == "not_audio":
        request.audio = clip_files["not_audio"]
    elif case == "too_long":
        request.audio = str(tmp_path / "long.wav")
        sf.write(request.audio, np.full(12 * SR, 0.1, np.float32), SR)
    elif case == "too_big":
        limits = Limits(max_file_mb=0.1)
        request.audio = str(tmp_path / "big.wav")
        sf.write(request.audio, np.full(4 * SR, 0.1, np.float32), SR)
    elif case == "bad_heads":
        request.heads = "a:2,b:3"
    elif case == "no_model":
        request.model = str(tmp_path / "missing-model")
    elif case == "bad_target":
        request.targets = "object=lamp"
    elif case == "no_clip":
        request.audio = None
    elif case == "upload_gone":
        request.audio = str(tmp_path / "pruned" / "command.wav")
    elif case == "hub_offline":
        request.model, request.heads = "superb-er", ""
    elif case == "bad_words":
        request.words_file = str(tmp_path / "late.json")
        Path(request.words_file).write_text(json.dumps([{"word": "late", "start": 5, "end": 6}]))
    views = list(app.run_views(request, limits, workspace))
    assert expected in html.unescape(views[-1]["status"]) and "sx-error" in views[-1]["status"]
    assert expected in views[-1]["error"]
    if case == "not_audio":
        assert "/tmp" not in views[-1]["error"]  # the server's upload path is not shown
    assert not any("session" in v for v in views)


def test_explain_json_matches_the_library(model_dir, clip_files):
    result = app.explain_json(ExplainRequest(clip_files["wav"], model_dir, HEADS, words_file=clip_files["words"],
                                             properties=["pitch_up"]), Limits())
    reference = explain(clip_files["wav"], model_dir, heads=HEADS, words=clip_files["words"], grid="fast",
                        properties=["pitch_up"])
    assert result["notice"] == ""
    assert result["word_scores"] == reference.word_scores
    assert result["paralinguistic"] == reference.paralinguistic


def test_heads_hint_shows_the_preset_spec():
    info, hint = app.heads_hint("superb-ic")
    assert hint["placeholder"] == "action:6,object:14,location:4" and hint["value"] == ""
    assert info["info"].startswith("wav2vec2-base fine-tuned on Fluent Speech Commands")
    assert "one head" in app.heads_hint("some/other-model")[1]["placeholder"]


def test_a_new_clip_clears_the_previous_clips_words_and_results():
    from speechxai_core.serving.current_clip import CurrentClip

    skip = type(app.gr.skip())
    current = CurrentClip()
    # words typed or uploaded before the first clip belong to it: nothing is cleared
    assert all(isinstance(value, skip) for value in app.new_clip("/cache/a.wav", "typed", current))
    transcript, words_file, status, results, session, start, end = app.new_clip("/cache/b.wav", "typed", current)
    assert (transcript, words_file, status, session) == ("", None, "", None)
    assert (start, end) == (None, None)  # the previous clip's segment goes too
    assert results["visible"] is False and current.clip == "/cache/b.wav"
    assert all(isinstance(value, skip) for value in app.new_clip("/cache/b.wav", "", current))  # the same clip
    assert app.new_clip(None, "", current)[0] == ""  # removing the clip clears them too
    assert all(isinstance(value, skip) for value in app.new_clip("/cache/c.wav", "typed", current))
    # an example brings its own timings: only the transcript, status and results are cleared
    assert app.example_clip("/examples/lamp.wav", current)[:2] == ("", "") and current.clip == "/examples/lamp.wav"


def test_automatic_words_never_stay_on_another_clip_or_segment():
    from speechxai_core.serving.current_clip import CurrentClip

    skip = type(app.gr.skip())
    current = CurrentClip()
    current.replace("/cache/a.wav")
    current.found_words("/cache/a.wav", (None, None), "bring my newspaper")
    app.new_clip(None, "", current)  # ✕: the clip is removed ...
    # ... and A's words land in the box late: the next upload clears them although no clip was current
    assert app.new_clip("/cache/b.wav", "bring my newspaper", current)[0] == ""
    assert isinstance(app.new_clip("/cache/b.wav", "typed by hand", current)[0], skip)
    # a new segment: the previous segment's automatic words go, typed ones stay (the next run checks them)
    current.found_words("/cache/b.wav", (None, None), "lamp off in the bedroom")
    transcript, status = app.new_segment("/cache/b.wav", 0.5, 1.2, "lamp off in the bedroom", current)
    assert transcript == "" and "cleared" in status
    assert all(isinstance(v, skip) for v in app.new_segment("/cache/b.wav", 0.5, 1.2, "lamp off", current))
    assert all(isinstance(v, skip) for v in app.new_segment("/cache/b.wav", 0, None, "lamp off in the bedroom",
                                                            current))  # the whole clip, as found


def test_a_run_only_claims_its_own_clip():
    from speechxai_core.serving.current_clip import CurrentClip

    import threading

    current = CurrentClip()
    assert current.claim("/cache/a.wav") and current.is_current("/cache/a.wav")  # first clip seen by the run
    current.replace("/cache/b.wav")
    assert not current.is_current("/cache/a.wav") and not current.claim("/cache/a.wav", wait_s=0.2)
    assert current.claim("/cache/b.wav")
    current.replace(None)  # the clip was removed: the next run's clip is the page's clip
    assert current.claim("/cache/c.wav", wait_s=0) and current.clip == "/cache/c.wav"
    # the upload event of a clip may arrive after its run started: the run waits for it
    threading.Timer(0.2, current.replace, ["/cache/d.wav"]).start()
    assert current.claim("/cache/d.wav", wait_s=5)
    assert copy.deepcopy(current).clip is None  # every page session starts empty
    # the same file removed and uploaded again (the same path) is a new clip: a run on it before is over
    version = current.claim("/cache/d.wav")
    current.replace(None)
    current.replace("/cache/d.wav")
    assert current.is_current("/cache/d.wav") and not current.is_current("/cache/d.wav", version)


def test_example_clips_are_offered_with_their_word_timings(tmp_path, model_dir, clip_files):
    import shutil

    shutil.copy(clip_files["wav"], tmp_path / "turn_on.wav")
    shutil.copy(clip_files["words"], tmp_path / "turn_on.json")
    demo = app.build_app(Limits(), default_model=model_dir, examples_dir=tmp_path)
    (dataset,) = [block for block in demo.blocks.values() if isinstance(block, app.gr.Dataset)]
    assert len(dataset.samples) == 1
    assert [Path(str(value["path"] if isinstance(value, dict) else value)).name for value in dataset.samples[0]] \
        == ["turn_on.wav", "turn_on.json"]
    empty = app.build_app(Limits(), default_model=model_dir, examples_dir=tmp_path / "none")
    assert not any(isinstance(block, app.gr.Dataset) for block in empty.blocks.values())


def test_notice_when_windows_stand_in_for_words(streamed):
    from speechxai_core.explain.caveats import add_caveats
    from speechxai_core.serving.runner import warnings_notice

    explanation = copy.deepcopy(streamed[-1]["session"].explanation)
    assert warnings_notice(explanation) == "" and explanation.warnings == []  # words came from the timings file
    aligner = {"name": "windows", "window": 0.25, "reason": "no speech recognised", "requested": "auto"}
    add_caveats(explanation, streamed[-1]["session"].clip, aligner)
    assert explanation.warning_codes() == ["alignment_fallback"]
    notice = warnings_notice(explanation)
    assert "no speech recognised" in notice and "0.25 s" in notice


def test_word_methods_selector_interactions_and_coalition_playback(model_dir, clip_files, workspace):
    request = ExplainRequest(clip_files["wav"], model_dir, HEADS, words_file=clip_files["words"], properties=["noise"],
                             methods=["shapley", "loo", "lime"], repeats=2)
    views = list(app.run_views(request, Limits(), workspace))[-1]
    explanation = views["session"].explanation
    assert explanation.word_methods == ["loo", "shapley", "lime"] and explanation.settings["repeats"] == 2
    assert views["method_view"]["value"] == "shapley"
    assert [name for _, name in views["method_view"]["choices"]] == ["loo", "shapley", "lime"]
    (bars,) = [trace for trace in views["waveform"].data if trace.name == "words"]
    np.testing.assert_allclose(bars.marker.color, explanation.method_scores["shapley"]["action"])
    waveform, transcript, table, trust, _ = app.show_method(views["session"], "lime")
    (bars,) = [trace for trace in waveform.data if trace.name == "words"]
    np.testing.assert_allclose(bars.marker.color, explanation.method_scores["lime"]["action"])
    assert 'data-method="lime"' in table and "fit R²" in table
    assert views["interactions"]["visible"] is True
    interactions = views["interactions"]["value"].data
    assert [trace.type for trace in interactions] == ["heatmap"] * 3 and interactions[0].customdata[0][1] == "words:0+1"
    player, caption, picker = app.play_variant(views["session"], "words:0+1")
    assert player[1].shape == (len(explanation.clip_samples),) and "masked: &quot;turn&quot; + &quot;on&quot;" in caption
    assert "noise:20@1" in [value for _, value in app.variant_choices(explanation)]


def test_a_method_over_the_app_limit_is_not_run_and_the_status_says_so(model_dir, clip_files, workspace):
    request = ExplainRequest(clip_files["wav"], model_dir, HEADS, words_file=clip_files["words"], properties=[],
                             methods=["loo", "lime"])
    views = list(app.run_views(request, Limits(max_method_s=1e-6), workspace))[-1]
    explanation = views["session"].explanation
    assert "lime" in explanation.settings["skipped_methods"] and not explanation.method_scores
    assert "Lime not run: 1,000 variants, about " in views["status"] and "lime: " not in views["status"]
    assert explanation.warning_codes().count("method_skipped") == 2  # loo and lime
    assert views["interactions"]["visible"] is False  # no Shapley values: no empty interaction panel


def test_segment_fields_left_at_zero_explain_the_whole_clip(model_dir, clip_files, workspace):
    """Opening Options renders the segment fields, which then send 0 instead of nothing."""
    request = ExplainRequest(clip_files["wav"], model_dir, HEADS, words_file=clip_files["words"], properties=[],
                             start=0, end=0)
    views = list(app.run_views(request, Limits(), workspace))[-1]
    assert "error" not in views and "segment" not in views["session"].explanation.audio


def test_a_contrast_reaches_the_explanation_and_the_page_says_rather_than(model_dir, clip_files):
    request = ExplainRequest(clip_files["wav"], model_dir, HEADS, words_file=clip_files["words"], properties=[],
                             targets="object=c3", contrast="object=c4")
    result = app.explain_json(request, Limits())
    plain = explain(clip_files["wav"], model_dir, heads=HEADS, words=clip_files["words"], methods="loo",
                    targets="object=c3")
    against = explain(clip_files["wav"], model_dir, heads=HEADS, words=clip_files["words"], methods="loo",
                      targets="object=c4")
    object_head = next(h for h in result["heads"] if h["name"] == "object")
    assert object_head["contrast"] == "c4"
    np.testing.assert_allclose(result["word_scores"]["object"],
                               np.subtract(plain.word_scores["object"], against.word_scores["object"]), atol=1e-9)
    views = list(app.run_views(request, Limits(), Workspace(root=Path(clip_files["wav"]).parent / "contrast-ws")))
    prediction = next(v["prediction"] for v in views if "prediction" in v)
    assert "supported c3 rather than c4" in html.unescape(prediction)
