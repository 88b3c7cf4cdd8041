"""Hugging Face ``transformers`` audio classifiers, from the hub or a local folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from .base import Classifier, ModelLoadError
from .heads import parse_heads


def pick_device(requested: str | None = None) -> str:
    """``requested`` if given, else CUDA, then Apple MPS, then CPU."""
    import torch

    if requested and requested != "auto":
        if requested.startswith("cuda") and not torch.cuda.is_available():
            raise ModelLoadError(f"device '{requested}' requested but CUDA is not available")
        return requested
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


class HFAudioClassifier(Classifier):
    """``AutoFeatureExtractor`` + ``AutoModelForAudioClassification``.

    Zero-padding is used only for raw-waveform extractors that return an attention
    mask (then each item's output does not depend on its batch neighbours).
    """

    def __init__(
        self,
        source: str,
        heads: str | None = None,
        device: str | None = None,
        half: bool = False,
        trust_remote_code: bool = False,
        hub_only: bool = False,
    ) -> None:
        import torch

        self.name = source
        self.device = pick_device(device)
        self.extractor, self.model = _load(source, trust_remote_code, hub_only)
        self.dtype = torch.float16 if half and self.device != "cpu" else torch.float32
        self.model.to(self.device, dtype=self.dtype).eval()
        config = self.model.config
        labels = [str(config.id2label.get(i, config.id2label.get(str(i), f"LABEL_{i}"))) for i in range(config.num_labels)]
        self.heads = parse_heads(heads, labels)
        single = [head.name for head in self.heads if len(head.labels) == 1]
        if single:
            raise ModelLoadError(f"model '{source}': head '{single[0]}' has one output, and a softmax over one class "
                                 "is always 1; give --heads with at least two classes per head, or wrap the model "
                                 "with CallableClassifier(outputs='probabilities') and a sigmoid")
        self.sampling_rate = int(getattr(self.extractor, "sampling_rate", 16000))
        self.supports_padding = bool(
            getattr(self.extractor, "feature_size", 0) == 1 and getattr(self.extractor, "return_attention_mask", False)
        )
        self.max_duration = input_window(self.extractor, config)

    def predict(self, waveforms: np.ndarray, lengths: np.ndarray) -> dict[str, np.ndarray]:
        import torch

        from .heads import split_probabilities

        items = [row[:length] for row, length in zip(waveforms, lengths)]
        # Spectrogram extractors (AST, Whisper) pad or cut to their own fixed window: leave them their default.
        padding = {"padding": self.supports_padding} if getattr(self.extractor, "feature_size", 0) == 1 else {}
        inputs = self.extractor(items, sampling_rate=self.sampling_rate, return_tensors="pt", **padding)
        inputs = {
            key: value.to(self.device, dtype=self.dtype if value.is_floating_point() else value.dtype)
            for key, value in inputs.items()
        }
        with torch.inference_mode():
            logits = self.model(**inputs).logits
        return split_probabilities(logits.float().cpu().numpy(), self.heads)


def input_window(extractor, config) -> float | None:
    """Seconds of audio the model sees; None for raw-waveform models (wav2vec2-type) that take any length.

    Whisper-type: the extractor pads or cuts to ``n_samples``, and the encoder has
    ``max_source_positions`` positions, each two mel hops (conv stride 2): the shorter wins.
    AST-type: ``max_length`` fbank frames of 10 ms.
    """
    sr = float(getattr(extractor, "sampling_rate", 16000))
    limits = []
    if getattr(extractor, "n_samples", None):
        limits.append(extractor.n_samples / sr)
    positions, hop = getattr(config, "max_source_positions", None), getattr(extractor, "hop_length", None)
    if positions and hop and getattr(config, "model_type", "") == "whisper":
        limits.append(positions * 2 * hop / sr)
    if type(extractor).__name__ == "ASTFeatureExtractor" and getattr(extractor, "max_length", None):
        limits.append(extractor.max_length * 0.01)
    return round(min(limits), 4) if limits else None


def _load(source: str, trust_remote_code: bool, hub_only: bool = False):
    """Local folder (unless ``hub_only``), else the local hub cache, else a download (after a quick
    reachability check)."""
    local = Path(source).expanduser()
    if local.exists() and not hub_only:
        return _from_pretrained(str(local), source, trust_remote_code, local_only=True, is_local=True)
    if source.startswith((".", "/", "~")) or source.count("/") > 1:
        raise ModelLoadError(f"model folder '{source}' not found")
    try:
        return _from_pretrained(source, source, trust_remote_code, local_only=True, is_local=False)
    except ModelLoadError:
        pass
    if offline_mode() or not hub_reachable():
        raise ModelLoadError(
            f"no network: hub model '{source}' cannot be downloaded and is not in the local cache; "
            "use a local model folder or the bundled demo model ('demo')"
        )
    return _from_pretrained(source, source, trust_remote_code, local_only=False, is_local=False)


def offline_mode() -> bool:
    """True when the user turned the hub off (``HF_HUB_OFFLINE=1``)."""
    return os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes")


def hub_reachable(timeout: float = 3.0) -> bool:
    """True when a TCP connection to the Hugging Face endpoint opens within ``timeout`` s."""
    import socket
    from urllib.parse import urlparse

    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    try:
        with socket.create_connection((endpoint.hostname, port), timeout=timeout):
            return True
    except OSError:
        return False


def _from_pretrained(target: str, source: str, trust_remote_code: bool, local_only: bool, is_local: bool):
    from transformers import AutoFeatureExtractor, AutoModelForAudioClassification
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    options = {"trust_remote_code": trust_remote_code, "local_files_only": local_only}
    try:
        extractor = AutoFeatureExtractor.from_pretrained(target, **options)
        model = AutoModelForAudioClassification.from_pretrained(target, **options)
    except Exception as exc:  # noqa: BLE001 - turned into one clear message
        text = _first_line(str(exc))
        if "trust_remote_code" in str(exc):
            raise ModelLoadError(f"model '{source}' needs custom code; enable trust_remote_code only if you trust it") from None
        where = "model folder" if is_local else "hub model"
        raise ModelLoadError(f"{where} '{source}' is not a usable transformers audio classifier ({text})") from None
    return extractor, model


def _first_line(text: str, limit: int = 160) -> str:
    """The first sentence of the first line, cut at a word (with "…") when longer than ``limit``."""
    line = (text.strip().splitlines() or ["unknown error"])[0].strip()
    sentence = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0].rstrip(".")
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
