"""Whisper's audio encoder as a plain PyTorch module (loads without importing ``transformers``).

For log-mel features X (batch, mels, frames):
h_0 = GELU(conv2(GELU(conv1(X))))ᵀ + P (conv2 has stride 2; P the sinusoidal position table),
then per layer, pre-norm: h ← h + Attn(LN₁(h)); h ← h + W₂ GELU(W₁ LN₂(h) + b₁) + b₂,
the last layer's output through a final LayerNorm. Attn has heads of 64 dimensions,
softmax(Q Kᵀ / √64) V without a mask; the key projection has no bias. Parameter names are
those of ``transformers``' ``WhisperEncoder``, so one converted state dict loads into either.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.functional import gelu, scaled_dot_product_attention

HEAD_WIDTH = 64


@dataclass(frozen=True)
class EncoderShape:
    """Sizes read off a converted state dict."""

    num_mel_bins: int
    d_model: int
    encoder_layers: int
    encoder_ffn_dim: int
    max_source_positions: int

    @classmethod
    def of(cls, state: dict) -> "EncoderShape":
        positions, width = state["embed_positions.weight"].shape
        layers = len({name.split(".")[1] for name in state if name.startswith("layers.")})
        return cls(state["conv1.weight"].shape[1], width, layers, state["layers.0.fc1.weight"].shape[0], positions)


class SelfAttention(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.heads = width // HEAD_WIDTH
        self.q_proj, self.v_proj, self.out_proj = nn.Linear(width, width), nn.Linear(width, width), nn.Linear(width, width)
        self.k_proj = nn.Linear(width, width, bias=False)

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        batch, frames, width = states.shape

        def split(projected: torch.Tensor) -> torch.Tensor:
            return projected.view(batch, frames, self.heads, HEAD_WIDTH).transpose(1, 2)

        mixed = scaled_dot_product_attention(split(self.q_proj(states)), split(self.k_proj(states)),
                                             split(self.v_proj(states)))
        return self.out_proj(mixed.transpose(1, 2).reshape(batch, frames, width))


class EncoderLayer(nn.Module):
    def __init__(self, width: int, ffn: int) -> None:
        super().__init__()
        self.self_attn, self.self_attn_layer_norm = SelfAttention(width), nn.LayerNorm(width)
        self.fc1, self.fc2, self.final_layer_norm = nn.Linear(width, ffn), nn.Linear(ffn, width), nn.LayerNorm(width)

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        states = states + self.self_attn(self.self_attn_layer_norm(states))
        return states + self.fc2(gelu(self.fc1(self.final_layer_norm(states))))


class WhisperAudioEncoder(nn.Module):
    """``forward(features)`` returns every hidden state: (batch, layers + 1, frames / 2, width) —
    the embeddings, then each layer's output, the last after the final layer norm. Takes any even
    number of frames up to twice its positions (a shorter window than the one it was trained on)."""

    def __init__(self, shape: EncoderShape) -> None:
        super().__init__()
        self.config = shape
        width = shape.d_model
        self.conv1 = nn.Conv1d(shape.num_mel_bins, width, kernel_size=3, padding=1)
        self.conv2 = nn.Conv1d(width, width, kernel_size=3, stride=2, padding=1)
        self.embed_positions = nn.Embedding(shape.max_source_positions, width)
        self.layers = nn.ModuleList(EncoderLayer(width, shape.encoder_ffn_dim) for _ in range(shape.encoder_layers))
        self.layer_norm = nn.LayerNorm(width)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        frames = features.shape[-1]
        if frames % 2 or not 0 < frames <= 2 * self.config.max_source_positions:
            raise ValueError(f"features of {frames} frames; the encoder takes an even number up to "
                             f"{2 * self.config.max_source_positions}")
        states = gelu(self.conv2(gelu(self.conv1(features)))).permute(0, 2, 1)
        states = states + self.embed_positions.weight[: states.shape[1]]
        collected = [states]
        for layer in self.layers:
            states = layer(states)
            collected.append(states)
        collected[-1] = self.layer_norm(states)
        return torch.stack(collected, dim=1)
