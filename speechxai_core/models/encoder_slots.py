"""A frozen pretrained speech encoder with a small head per slot (the bundled ``demo`` model).

Each clip is encoded on a window of its own length + ``tail`` (rounded up to 0.4 s, at most the
declared ``window_seconds``): a 3 s clip costs the encoder 3.6 s, not 8 s.

The folder holds ``config.json`` (``"speechxai_model": "whisper-encoder-slots"``, the encoder's
name and SHA-256, the input window, labels and head sizes) and ``heads.safetensors``; the
encoder itself is converted from an installed package on first use (``whisper_encoder``).

Forward, SUPERB-style: the encoder's hidden states h_0 … h_L (embeddings, then each layer) are
summed with softmax weights, s = LayerNorm(Σ_l softmax(w)_l h_l); frames are averaged in fours
(80 ms), frames past the clip's end + ``tail`` are masked; u = GELU(s A + a) is shared (then,
if ``context_layers`` > 0, passed through that many small pre-norm transformer layers over the
unmasked frames), and each slot k has its own head: attention pooling
p_k = Σ_t softmax_t(u_t · q_k + c_k) u_t, then logits_k = p_k B_k + b_k. An ensemble of M such
heads gives logits_k = (1/M) Σ_m log softmax(logits_{m,k}).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .base import Classifier, ModelLoadError
from .heads import parse_heads, softmax

MODEL_TYPE = "whisper-encoder-slots"
POOL = 4  # encoder frames (20 ms) averaged into one head frame
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
    """The trainable part: layer weights, optional context layers, one attention-pooling head per slot;
    with ``members`` > 1, that many such heads (trained from different seeds) as one ensemble."""
    import torch
    from torch import nn

    class SlotHeads(nn.Module):
        def __init__(self, layers: int, width: int, hidden: int, sizes: list[int], dropout: float,
                     context: int) -> None:
            super().__init__()
            self.layer_weights = nn.Parameter(torch.zeros(layers))
            self.norm = nn.LayerNorm(width)
            self.dropout = nn.Dropout(dropout)  # training only
            self.project = nn.Linear(width, hidden)
            self.context = nn.ModuleList(
                nn.TransformerEncoderLayer(hidden, nhead=4, dim_feedforward=2 * hidden, dropout=dropout,
                                           activation="gelu", batch_first=True, norm_first=True)
                for _ in range(context))
            self.query = nn.ModuleList(nn.Linear(hidden, 1) for _ in sizes)
            self.out = nn.ModuleList(nn.Linear(hidden, size) for size in sizes)

        def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """``states`` (batch, layers, frames, width) pooled hidden states, ``mask`` (batch, frames)
            True where a frame counts; returns the logits of all slots side by side."""
            mask = mask.expand(states.shape[0], -1)  # one mask may serve a batch of scaled copies (gradients)
            mixed = self.norm(torch.einsum("l,blfw->bfw", self.layer_weights.softmax(0), states))
            frames = nn.functional.gelu(self.project(self.dropout(mixed)))
            for layer in self.context:
                frames = layer(frames, src_key_padding_mask=~mask)
            logits = []
            for query, out in zip(self.query, self.out):
                scores = query(frames).squeeze(-1).masked_fill(~mask, float("-inf"))
                pooled = torch.einsum("bf,bfh->bh", scores.softmax(-1), frames)
                logits.append(out(pooled))
            return torch.cat(logits, dim=-1)

    class HeadsEnsemble(nn.Module):
        def __init__(self, members: list[nn.Module], sizes: list[int]) -> None:
            super().__init__()
            self.members, self.sizes = nn.ModuleList(members), sizes

        def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """Per slot, the mean of the members' log-probabilities (their renormalised geometric mean)."""
            return self.each(states, mask).mean(0)

        def each(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            """Every member's log-probabilities per slot: (members, batch, Σ sizes)."""
            return torch.stack([
                torch.cat([block.log_softmax(-1) for block in member(states, mask).split(self.sizes, dim=-1)], dim=-1)
                for member in self.members
            ])

    def member() -> SlotHeads:
        return SlotHeads(config["layers"], config["width"], config["hidden"], config["sizes"],
                         config.get("dropout", 0.0), config.get("context_layers", 0))

    count = int(config.get("members", 1))
    return member() if count == 1 else HeadsEnsemble([member() for _ in range(count)], config["sizes"])


WINDOW_STEP = 0.4  # seconds: encoded windows are whole multiples of this


def window_frames(length: int, sampling_rate: int, tail: float, window: float) -> int:
    """Log-mel frames (10 ms) encoded for a clip of ``length`` samples: its duration + ``tail``,
    rounded up to a multiple of ``WINDOW_STEP``, at most ``window`` seconds."""
    steps = int(np.ceil((length / sampling_rate + tail) / WINDOW_STEP - 1e-9))
    return int(round(min(steps * WINDOW_STEP, window) * 100))


def pooled_states(encoder, features) -> "torch.Tensor":
    """All hidden states of ``encoder`` for log-mel ``features``, frames averaged in fours:
    (batch, layers + 1, frames / (2 POOL), width)."""
    states = encoder(features)
    batch, layers, frames, width = states.shape
    return states.reshape(batch, layers, frames // POOL, POOL, width).mean(dim=3)


def frame_mask(lengths: np.ndarray, sampling_rate: int, frames: int, tail: float):
    """(batch, frames) True for head frames that start before the clip's end + ``tail`` seconds."""
    import torch

    ends = torch.as_tensor(np.asarray(lengths) / sampling_rate + tail, dtype=torch.float32)
    starts = torch.arange(frames, dtype=torch.float32) * FRAME_SECONDS
    return starts[None, :] < ends[:, None]


class WindowFeatures:
    """Log-mel features of clips that share one encoded window (``window_frames``), with each
    clip's length in samples, as the network takes them; also what gradient methods read."""

    def __init__(self, mels: int, sampling_rate: int, window: float, tail: float) -> None:
        from .whisper_features import WhisperLogMel

        self.log_mel = WhisperLogMel(mels, sampling_rate)
        self.feature_size, self.hop_length, self.sampling_rate = mels, self.log_mel.hop_length, sampling_rate
        self.window, self.tail = window, tail

    def frames(self, length: int) -> int:
        return window_frames(length, self.sampling_rate, self.tail, self.window)

    def __call__(self, items: list[np.ndarray], sampling_rate: int, return_tensors: str = "pt") -> dict:
        import torch

        lengths = [min(len(item), int(self.window * self.sampling_rate)) for item in items]
        frames = {self.frames(n) for n in lengths}
        if len(frames) != 1:
            raise ValueError("clips of one call must share their encoded window")
        features = self.log_mel.features([item[:n] for item, n in zip(items, lengths)], frames.pop())
        return {"input_features": features, "lengths": torch.tensor(lengths)}


def build_network(encoder, heads, sampling_rate: int, tail: float):
    """Encoder + heads as one module: ``network(input_features, lengths).logits``."""
    from types import SimpleNamespace

    from torch import nn

    class Network(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder, self.heads = encoder, heads

        def forward(self, input_features, lengths, members: bool = False):
            """``members``: also each ensemble member's log-probabilities (``member_logits``)."""
            states = pooled_states(self.encoder, input_features)
            mask = frame_mask(lengths.cpu().numpy(), sampling_rate, states.shape[2], tail).to(states.device)
            if members and hasattr(self.heads, "each"):
                each = self.heads.each(states, mask)
                return SimpleNamespace(logits=each.mean(0), member_logits=each)
            return SimpleNamespace(logits=self.heads(states, mask))

    return Network()


class EncoderSlotsClassifier(Classifier):
    """The model of a ``whisper-encoder-slots`` folder; inputs longer than its window are cut."""

    supports_padding = False  # the encoded window follows each clip's length

    def __init__(self, source: str, heads: str | None = None, device: str | None = None) -> None:
        import torch
        from safetensors.torch import load_file

        from .hf import pick_device
        from .whisper_encoder import load_encoder

        folder = Path(source).expanduser()
        self.config = json.loads((folder / "config.json").read_text())
        self.name = source
        self.device = pick_device(device)
        self.dtype = torch.float32
        self.window = float(self.config["window_seconds"])
        self.max_duration = self.window
        self.sampling_rate = 16000
        encoder = load_encoder(self.config["encoder"], int(round(self.window / 0.02)), self.config.get("encoder_sha256"))
        head_model = build_heads(self.config)
        try:
            head_model.load_state_dict(load_file(str(folder / "heads.safetensors")))
        except (RuntimeError, OSError) as error:
            raise ModelLoadError(f"model folder '{source}': heads do not load ({str(error).splitlines()[0]})") from None
        tail = float(self.config["tail_seconds"])
        self.extractor = WindowFeatures(encoder.config.num_mel_bins, self.sampling_rate, self.window, tail)
        self.model = build_network(encoder, head_model, self.sampling_rate, tail).to(self.device).eval()
        self.heads = parse_heads(heads or self.config["heads"], list(self.config["labels"]))
        self._torch = torch
        if int(self.config.get("members", 1)) > 1:
            from .scope import SCOPE_SIGNAL, SCOPE_THRESHOLD

            self.out_of_scope_threshold = float(self.config.get("out_of_scope_threshold", SCOPE_THRESHOLD))
            self.out_of_scope_signal = SCOPE_SIGNAL

    def predict(self, waveforms: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
        from .heads import split_probabilities

        logits = np.zeros((len(lengths), sum(self.config["sizes"])))
        windows = np.array([self.extractor.frames(int(n)) for n in lengths])
        for frames in np.unique(windows):  # clips of one window form one batch
            rows = np.flatnonzero(windows == frames)
            logits[rows] = self.logits([waveforms[i][: lengths[i]] for i in rows])
        return split_probabilities(logits, self.heads)

    def members(self) -> list["EncoderSlotsClassifier"]:
        """Each head of the ensemble on the shared encoder, as a classifier of its own."""
        import copy

        heads = self.model.heads
        if not hasattr(heads, "members"):
            return []
        clones = []
        for i, member in enumerate(heads.members):
            clone = copy.copy(self)
            clone.model = build_network(self.model.encoder, member, self.sampling_rate,
                                        float(self.config["tail_seconds"])).eval()
            clone.name = f"{self.name} (member {i + 1} of {len(heads.members)})"
            clone.out_of_scope_threshold = None  # the scope signal is the ensemble's, not a member's
            clones.append(clone)
        return clones

    def logits(self, items: list[np.ndarray], members: bool = False) -> np.ndarray:
        """Logits of clips that share one encoded window; with ``members``, each ensemble member's
        log-probabilities instead: (members, batch, Σ sizes)."""
        inputs = self.extractor(items, sampling_rate=self.sampling_rate)
        with self._torch.inference_mode():
            output = self.model(inputs["input_features"].to(self.device), inputs["lengths"].to(self.device),
                                members=members)
        if not members:
            return output.logits.float().cpu().numpy()
        return getattr(output, "member_logits", output.logits[None]).float().cpu().numpy()

    def member_probabilities(self, waveforms: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
        """Each ensemble member's probabilities: {head: (members, batch, classes)} (one member: its own)."""
        windows = np.array([self.extractor.frames(int(n)) for n in lengths])
        count = int(self.config.get("members", 1))
        logits = np.zeros((count, len(lengths), sum(self.config["sizes"])))
        for frames in np.unique(windows):
            rows = np.flatnonzero(windows == frames)
            logits[:, rows] = self.logits([waveforms[i][: lengths[i]] for i in rows], members=True)
        return {head.name: softmax(logits[..., head.start:head.end].astype(np.float64)) for head in self.heads}

    def out_of_scope_score(self, waveforms: np.ndarray, lengths: np.ndarray) -> np.ndarray | None:
        """See :func:`.scope.ensemble_scope` (an ensemble's members and their agreement); None for one member."""
        if self.out_of_scope_threshold is None:
            return None
        from .scope import ensemble_scope

        return ensemble_scope(self.member_probabilities(waveforms, lengths))
