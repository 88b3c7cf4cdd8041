"""The app served in-process and driven through gradio_client's documented ``/explain`` endpoint."""

from __future__ import annotations

import pytest
from gradio_client import Client, handle_file

from speechxai_core import explain
from tests.app.conftest import HEADS


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def test_explain_endpoint_is_documented(client):
    api = client.view_api(print_info=False, return_format="dict")
    assert "/explain" in api["named_endpoints"]
    names = [p["parameter_name"] for p in api["named_endpoints"]["/explain"]["parameters"]]
    assert names[:5] == ["audio", "model", "heads", "transcript", "words_file"]
    assert len(api["named_endpoints"]) == 1  # the page's own events stay private


def test_explain_through_the_client_matches_the_library(client, model_dir, clip_files):
    result = client.predict(audio=handle_file(clip_files["wav"]), model=model_dir, heads=HEADS,
                            words_file=handle_file(clip_files["words"]), properties=["noise", "reverb"],
                            api_name="/explain")
    reference = explain(clip_files["wav"], model_dir, heads=HEADS, words=clip_files["words"], grid="fast",
                        properties=["noise", "reverb"])
    assert [w["word"] for w in result["words"]] == ["turn", "on", "lights"]
    for head in reference.head_names:
        assert result["word_scores"][head] == pytest.approx(reference.word_scores[head], abs=1e-9)
        assert result["paralinguistic"][head] == pytest.approx(reference.paralinguistic[head], abs=1e-9)
    assert [h["predicted"] for h in result["heads"]] == [h.predicted for h in reference.heads]


def test_client_gets_the_error_message(client, model_dir, clip_files):
    with pytest.raises(Exception, match="notes.wav: not a readable audio file"):
        client.predict(audio=handle_file(clip_files["not_audio"]), model=model_dir, heads=HEADS,
                       api_name="/explain")
    result = client.predict(audio=handle_file(clip_files["wav"]), model=model_dir, heads=HEADS,
                            words_file=handle_file(clip_files["words"]), properties=[], api_name="/explain")
    assert len(result["word_scores"]["object"]) == 3  # the server still answers after the error


def test_client_asks_for_word_methods_and_repeats(client, model_dir, clip_files):
    result = client.predict(audio=handle_file(clip_files["wav"]), model=model_dir, heads=HEADS,
                            words_file=handle_file(clip_files["words"]), properties=["noise"],
                            word_methods=["loo", "shapley", "gradient"], repeats=3, api_name="/explain")
    reference = explain(clip_files["wav"], model_dir, heads=HEADS, words=clip_files["words"], grid="fast",
                        properties=["noise"], methods="loo,shapley,gradient,paraling", repeats=3)
    assert list(result["method_scores"]) == ["shapley", "gradient"] and result["settings"]["repeats"] == 3
    for head in reference.head_names:
        assert result["method_scores"]["shapley"][head] == pytest.approx(reference.method_scores["shapley"][head])
        assert result["paralinguistic_std"][head]["noise"] == pytest.approx(reference.paralinguistic_std[head]["noise"])
    assert result["word_interactions"]["object"]["words"] and result["method_details"]["gradient"]["input"] == "waveform"


def test_client_sets_the_number_of_frequency_bands(client, model_dir, clip_files):
    result = client.predict(audio=handle_file(clip_files["wav"]), model=model_dir, heads=HEADS,
                            words_file=handle_file(clip_files["words"]), properties=[],
                            unit_methods=["bands", "band_lime"], bands=5, api_name="/explain")
    assert len(result["bands"]) == 5 and result["settings"]["method_options"]["bands"] == 5
    assert all(len(values) == 5 for values in result["unit_method_scores"]["bands"]["lime"].values())
    default = client.predict(audio=handle_file(clip_files["wav"]), model=model_dir, heads=HEADS,
                             words_file=handle_file(clip_files["words"]), properties=[], unit_methods=["bands"],
                             api_name="/explain")
    assert len(default["bands"]) == 8  # left out: the default
