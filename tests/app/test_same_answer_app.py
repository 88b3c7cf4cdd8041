"""One request, one answer through the app: the same clip gives the same JSON whatever came before it
or runs beside it (words found automatically: transcription, alignment and scoring all on the server)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import soundfile as sf
from gradio_client import Client, handle_file

from tests.align_fixtures import SR, spoken
from tests.app.conftest import HEADS


@pytest.fixture(scope="module")
def spoken_clips(tmp_path_factory) -> dict[str, str]:
    """Two eSpeak clips, the second louder and noisier (what a decoder may carry over to the next)."""
    folder = tmp_path_factory.mktemp("same-answer")
    first, _ = spoken("turn off the lights in the kitchen")
    other, _ = spoken("what is the weather like in new york", voice="en-us+f3", rate=140)
    rng = np.random.default_rng(0)
    clips = {"first": first.samples + rng.normal(0, 0.01, len(first.samples)),
             "other": 3.0 * other.samples + rng.normal(0, 0.05, len(other.samples))}
    paths = {}
    for name, samples in clips.items():
        paths[name] = str(folder / f"{name}.wav")
        sf.write(paths[name], np.clip(samples, -1, 1).astype(np.float32), SR)
    return paths


def _answer(client: Client, model_dir: str, clip: str) -> str:
    result = client.predict(audio=handle_file(clip), model=model_dir, heads=HEADS, properties=["noise"],
                            api_name="/explain")
    return json.dumps(result, sort_keys=True)


def test_identical_requests_get_identical_answers_in_turn_and_side_by_side(app_url, model_dir, spoken_clips):
    client = Client(app_url, verbose=False)
    first = _answer(client, model_dir, spoken_clips["first"])
    assert json.loads(first)["settings"]["aligner"]["transcribed"]
    _answer(client, model_dir, spoken_clips["other"])
    assert _answer(client, model_dir, spoken_clips["first"]) == first
    with ThreadPoolExecutor(2) as pool:
        side_by_side = list(pool.map(lambda clip: _answer(Client(app_url, verbose=False), model_dir, clip),
                                     [spoken_clips["other"], spoken_clips["first"], spoken_clips["first"]]))
    assert side_by_side[1] == side_by_side[2] == first
