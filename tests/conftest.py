"""Shared fixtures: tiny random-weight models saved to temp folders, known-answer models, clips."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

SR = 16000


def save_tiny_wav2vec2(folder, num_labels: int, attention_mask: bool = False, seed: int = 0) -> str:
    """A 2-layer wav2vec2 sequence classifier with random weights, saved with save_pretrained."""
    import torch
    from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2ForSequenceClassification

    torch.manual_seed(seed)
    config = Wav2Vec2Config(
        hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        conv_dim=(16, 16, 16), conv_stride=(5, 4, 4), conv_kernel=(10, 8, 4),
        num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=2,
        feat_extract_norm="layer" if attention_mask else "group", do_stable_layer_norm=attention_mask,
        classifier_proj_size=16, num_labels=num_labels,
        id2label={i: f"c{i}" for i in range(num_labels)}, label2id={f"c{i}": i for i in range(num_labels)},
    )
    model = Wav2Vec2ForSequenceClassification(config).eval()
    extractor = Wav2Vec2FeatureExtractor(
        feature_size=1, sampling_rate=SR, padding_value=0.0, do_normalize=True, return_attention_mask=attention_mask
    )
    model.save_pretrained(folder)
    extractor.save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    return save_tiny_wav2vec2(tmp_path_factory.mktemp("tiny_single"), num_labels=3)


@pytest.fixture(scope="session")
def tiny_multihead_dir(tmp_path_factory):
    return save_tiny_wav2vec2(tmp_path_factory.mktemp("tiny_multi"), num_labels=9, seed=1)


@pytest.fixture(scope="session")
def tiny_masked_model_dir(tmp_path_factory):
    return save_tiny_wav2vec2(tmp_path_factory.mktemp("tiny_mask"), num_labels=4, attention_mask=True, seed=2)


def harmonic_tone(f0: float = 150.0, seconds: float = 2.0, sr: int = SR, amplitude: float = 0.3) -> np.ndarray:
    """A voiced-speech-like tone: 10 harmonics of ``f0`` with falling amplitude."""
    t = np.arange(int(seconds * sr)) / sr
    signal = sum(np.sin(2 * np.pi * f0 * h * t) / h for h in range(1, 11))
    return (amplitude * signal / np.max(np.abs(signal))).astype(np.float32)


@pytest.fixture()
def tone() -> np.ndarray:
    return harmonic_tone()


def energy_window_model(start_s: float = 0.5, end_s: float = 0.75):
    """Known-answer model: p('loud') rises with the energy inside [start_s, end_s)."""
    from speechxai_core import CallableClassifier

    def fn(waveforms, sr):
        window = waveforms[:, int(start_s * sr):int(end_s * sr)]
        energy = (window.astype(np.float64) ** 2).mean(axis=1)
        loud = np.tanh(200 * energy)
        return np.stack([loud, 1 - loud], axis=1)

    return CallableClassifier(fn, ["loud", "quiet"], SR, name="energy-window")


@pytest.fixture()
def energy_model():
    return energy_window_model()


@pytest.fixture()
def three_words():
    return [{"word": "one", "start": 0.05, "end": 0.4}, {"word": "two", "start": 0.5, "end": 0.75},
            {"word": "three", "start": 1.0, "end": 1.6}]
