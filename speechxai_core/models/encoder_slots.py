"""A frozen pretrained speech encoder with a small head per slot (the bundled ``demo`` model).

Each clip is encoded on a window of its own length + ``tail`` (rounded up to 0.4 s, at most the
declared ``window_seconds``): a 3 s clip costs the encoder 3.6 s, not 8 s.

The folder holds ``config.json`` (``"speechxai_model": "whisper-encoder-slots"``, the encoder's
name and SHA-256, the input window, labels and head sizes) and ``heads.safetensors``; the
encoder itself is converted from an installed package on first use (``whisper_encoder``).

Forward, SUPERB-style: the encoder's hidden states h_0 … h_L (embeddings, then each layer) are
summed with softmax weights, s = Σ_l softmax(w)_l h_l; frames are averaged in pairs (40 ms),
frames past the clip's end + ``tail`` are masked, and each slot k has its own head:
u = GELU(s A_k + a_k), attention pooling p = Σ_t softmax_t(u_t · q_k) u_t, logits = p B_k + b_k.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .base import Classifier, ModelLoadError
from .heads import parse_heads

MODEL_TYPE = "whisper-encoder-slots"
POOL = 2  # encoder frames (20 ms) averaged into one head frame
FRAME_SECONDS = 0.02 * POOL


def is_encoder_slots_folder(source: str) -> bool:
    """True for a local folder whose ``config.json`` names this model type."""
    config = Path(source).expanduser() / "config.json"
    if not config.is_file():
        return False
    try:
        return json.loads(config.read_text()).get("speechxai_model") == MODEL_TYPE
    except (json.JSONDecodeError, AttributeError):
        return False


def build_heads(config: dict):
    """The trainable part: layer weights and one attention-pooling head per slot."""
    import torch
    from torch import nn

    class SlotHeads(nn.Module):
        def __init__(self, layers: int, width: int, hidden: int, sizes: list[int], dropout: float) -> None:
            super().__init__()
            self.layer_weights = nn.Parameter(torch.zeros(layers))
            self.norm = nn.LayerNorm(width)
            self.dropout = nn.Dropout(dropout)  # training only
            self.project = nn.ModuleList(nn.Linear(width, hidden) for _ in sizes)
            self.query = nn.ModuleList(nn.Linear(hidden, 1) for _ in sizes)
            self.out = nn.ModuleList(nn.Linear(hidden, size) for size in sizes)

        def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """``states`` (batch, layers, frames, width) pooled hidden states, ``mask`` (batch, frames)
            True where a frame counts; returns the logits of all slots side by side."""
            mixed = self.dropout(self.norm(torch.einsum("l,blfw->bfw", self.layer_weights.softmax(0), states)))
            logits = []
            for project, query, out in zip(self.project, self.query, self.out):
                frames = nn.functional.gelu(project(mixed))
                scores = query(frames).squeeze(-1).masked_fill(~mask, float("-inf"))
                pooled = torch.einsum("bf,bfh->bh", scores.softmax(-1), frames)
                logits.append(out(pooled))
            return torch.cat(logits, dim=-1)

    return SlotHeads(config["layers"], config["width"], config["hidden"], config["sizes"], config.get("dropout", 0.0))


WINDOW_STEP = 0.4  # seconds: encoded windows are whole multiples of this


def window_frames(length: int, sampling_rate: int, tail: float, window: float) -> int:
    """Log-mel frames (10 ms) encoded for a clip of ``length`` samples: its duration + ``tail``,
    rounded up to a multiple of ``WINDOW_STEP``, at most ``window`` seconds."""
    steps = int(np.ceil((length / sampling_rate + tail) / WINDOW_STEP - 1e-9))
    return int(round(min(steps * WINDOW_STEP, window) * 100))


def pooled_states(encoder, features) -> "torch.Tensor":
    """All hidden states of ``encoder`` for log-mel ``features``, frames averaged in pairs:
    (batch, layers + 1, frames / (2 POOL), width)."""
    from .whisper_encoder import hidden_states

    states = hidden_states(encoder, features)
    batch, layers, frames, width = states.shape
    return states.reshape(batch, layers, frames // POOL, POOL, width).mean(dim=3)


def frame_mask(lengths: np.ndarray, sampling_rate: int, frames: int, tail: float):
    """(batch, frames) True for head frames that start before the clip's end + ``tail`` seconds."""
    import torch

    ends = torch.as_tensor(np.asarray(lengths) / sampling_rate + tail, dtype=torch.float32)
    starts = torch.arange(frames, dtype=torch.float32) * FRAME_SECONDS
    return starts[None, :] < ends[:, None]


class EncoderSlotsClassifier(Classifier):
    """The model of a ``whisper-encoder-slots`` folder; inputs are cut or padded to its window."""

    supports_padding = False  # the encoded window follows each clip's length

    def __init__(self, source: str, heads: str | None = None, device: str | None = None) -> None:
        import torch
        from safetensors.torch import load_file
        from transformers import WhisperFeatureExtractor

        from .hf import pick_device
        from .whisper_encoder import load_encoder

        folder = Path(source).expanduser()
        self.config = json.loads((folder / "config.json").read_text())
        self.name = source
        self.device = pick_device(device)
        self.window = float(self.config["window_seconds"])
        self.max_duration = self.window
        self.tail = float(self.config["tail_seconds"])
        self.sampling_rate = 16000
        positions = int(round(self.window / 0.02))
        self.encoder = load_encoder(self.config["encoder"], positions, self.config.get("encoder_sha256"))
        self.extractor = WhisperFeatureExtractor(
            feature_size=self.encoder.config.num_mel_bins, sampling_rate=self.sampling_rate,
            chunk_length=int(self.window),
        )
        self.head_model = build_heads(self.config)
        try:
            self.head_model.load_state_dict(load_file(str(folder / "heads.safetensors")))
        except (RuntimeError, OSError) as error:
            raise ModelLoadError(f"model folder '{source}': heads do not load ({str(error).splitlines()[0]})") from None
        self.encoder.to(self.device).eval()
        self.head_model.to(self.device).eval()
        self.heads = parse_heads(heads or self.config["heads"], list(self.config["labels"]))
        self._torch = torch

    def predict(self, waveforms: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
        from .heads import split_probabilities

        logits = np.zeros((len(lengths), sum(self.config["sizes"])))
        lengths = np.minimum(np.asarray(lengths), int(self.window * self.sampling_rate))
        windows = np.array([window_frames(n, self.sampling_rate, self.tail, self.window) for n in lengths])
        for frames in np.unique(windows):  # items of one window form one batch
            rows = np.flatnonzero(windows == frames)
            logits[rows] = self.logits([waveforms[i][: lengths[i]] for i in rows], lengths[rows], int(frames))
        return split_probabilities(logits, self.heads)

    def logits(self, items: list[np.ndarray], lengths: np.ndarray, frames: int) -> np.ndarray:
        """Head logits for clips encoded on a window of ``frames`` log-mel frames."""
        torch = self._torch
        features = self.extractor(items, sampling_rate=self.sampling_rate, return_tensors="pt").input_features
        with torch.inference_mode():
            states = pooled_states(self.encoder, features[:, :, :frames].to(self.device))
            mask = frame_mask(lengths, self.sampling_rate, states.shape[2], self.tail).to(self.device)
            return self.head_model(states, mask).float().cpu().numpy()
