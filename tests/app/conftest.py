"""App fixtures: a sensitive tiny model, a clip with word timings, the app served in-process, Chromium."""

from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import SR, harmonic_tone, save_tiny_wav2vec2

HEADS = "action:3,object:4,location:2"
WORDS = [{"word": "turn", "start": 0.1, "end": 0.4}, {"word": "on", "start": 0.5, "end": 0.7},
         {"word": "lights", "start": 0.8, "end": 1.4}]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def save_sensitive_model(folder) -> str:
    """A tiny random wav2vec2 (9 outputs) whose classifier is scaled up so that perturbations visibly
    change its probabilities."""
    import torch
    from transformers import Wav2Vec2ForSequenceClassification

    save_tiny_wav2vec2(folder, num_labels=9, seed=1)
    model = Wav2Vec2ForSequenceClassification.from_pretrained(folder)
    with torch.no_grad():
        model.classifier.weight.mul_(60)
        model.projector.weight.mul_(3)
    model.save_pretrained(folder)
    return str(folder)


def spoken_like_clip(seconds: float = 1.6) -> np.ndarray:
    """Three voiced bursts with different pitches separated by short pauses."""
    clip = np.zeros(int(seconds * SR), dtype=np.float32)
    for (start, end), f0 in zip([(0.1, 0.4), (0.5, 0.7), (0.8, 1.4)], (140.0, 190.0, 120.0)):
        burst = harmonic_tone(f0, end - start)
        burst *= np.hanning(len(burst)).astype(np.float32)
        clip[int(start * SR):int(start * SR) + len(burst)] = burst
    return clip


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> str:
    return save_sensitive_model(tmp_path_factory.mktemp("sensitive_model"))


@pytest.fixture(scope="session")
def clip_files(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("clips")
    wav = folder / "command.wav"
    sf.write(wav, spoken_like_clip(), SR, subtype="PCM_16")
    words = folder / "command.json"
    words.write_text(json.dumps(WORDS), encoding="utf-8")
    text = folder / "notes.wav"
    text.write_text("this is not audio at all", encoding="utf-8")
    return {"wav": str(wav), "words": str(words), "not_audio": str(text), "folder": folder}


@pytest.fixture(scope="session")
def app_url(model_dir):
    """The app (limits: 2 MB, 10 s) served on a free local port for the whole session, with Gradio's
    files in a folder of its own (as ``python app.py`` does)."""
    from app import build_app, launch_options
    from speechxai_core.serving.limits import Limits
    from speechxai_core.serving.shutdown import PrivateCache

    cache = PrivateCache.create()
    limits = Limits(max_file_mb=2, max_duration_s=10, concurrency=2)
    demo = build_app(limits, default_model=model_dir)
    demo.queue(default_concurrency_limit=limits.concurrency)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                **launch_options(limits))
    yield f"http://127.0.0.1:{port}/"
    demo.close()
    cache.remove()


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def launch_chromium(playwright, user_data_dir, extra_args=()):
    """Debian's Chromium, headless, with a fresh profile; a persistent context (one page)."""
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (scripts/setup.sh --test installs it)")
        pytest.skip("chromium is not installed")
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=executable, headless=True,
        args=CHROMIUM_FLAGS + list(extra_args), viewport={"width": 1280, "height": 900},
    )


@pytest.fixture()
def page(tmp_path):
    """A page of a fresh headless Chromium (its own profile), closed after the test."""
    from tests.app.browser import playwright_api

    with playwright_api.sync_playwright() as playwright:
        context = launch_chromium(playwright, tmp_path / "profile")
        yield context.pages[0]
        context.close()
