"""Audio input: any file or array -> mono float32 at the model's sampling rate.

Every failure raises :class:`AudioError` with a message that names the source and the
problem, so the CLI and the app can show it as it is.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import numpy as np
import soundfile as sf
import soxr

from .errors import SpeechXAIError

MIN_DURATION_S = 0.1
DEFAULT_MAX_DURATION_S = 60.0
SILENCE_PEAK = 1e-4


class AudioError(SpeechXAIError, ValueError):
    """A clip that cannot be explained; the message names the clip and the problem."""


class SilentAudioWarning(UserWarning):
    """The clip is (almost) digital silence; explanations of it are meaningless."""


@dataclass(frozen=True)
class Audio:
    """Mono float32 samples at ``sr`` Hz, plus the name used in messages."""

    samples: np.ndarray
    sr: int
    name: str = "audio"

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sr

    def with_samples(self, samples: np.ndarray) -> "Audio":
        return Audio(np.asarray(samples, dtype=np.float32), self.sr, self.name)


AudioSource = Union[str, os.PathLike, bytes, Audio, tuple]


def load_audio(
    source: AudioSource,
    target_sr: int | None = None,
    *,
    max_duration: float | None = DEFAULT_MAX_DURATION_S,
    name: str | None = None,
) -> Audio:
    """Load ``source`` as validated mono float32, resampled to ``target_sr`` when given.

    ``source`` is a file path, the bytes of a file, an :class:`Audio`, or a
    ``(samples, sr)`` tuple (samples shaped ``(n,)``, ``(n, channels)`` or
    ``(channels, n)``; integer samples are scaled by their type's full range).
    """
    label = name or _label(source)
    if isinstance(source, Audio):
        samples, sr = source.samples, source.sr
    elif isinstance(source, tuple):
        if len(source) != 2:
            raise AudioError(f"{label}: expected a (samples, sampling_rate) pair")
        samples, sr = _array_to_float(np.asarray(source[0]), label), int(source[1])
    elif isinstance(source, (bytes, bytearray)):
        samples, sr = _decode(io.BytesIO(bytes(source)), label)
    else:
        path = Path(source)
        if not path.exists():
            raise AudioError(f"{label}: file not found")
        if path.is_dir():
            raise AudioError(f"{label}: is a folder, not an audio file")
        if path.stat().st_size == 0:
            raise AudioError(f"{label}: file is empty")
        _reject_long_file_early(path, label, max_duration)
        samples, sr = _decode(path, label)
    if sr <= 0:
        raise AudioError(f"{label}: invalid sampling rate {sr}")
    mono = _to_mono(np.asarray(samples, dtype=np.float32), label)
    _validate(mono, sr, label, max_duration)
    if target_sr and target_sr != sr:
        mono = soxr.resample(mono, sr, target_sr, quality="HQ").astype(np.float32)
        sr = target_sr
    return Audio(np.ascontiguousarray(mono, dtype=np.float32), int(sr), label)


def save_wav(audio: Audio | np.ndarray, path: str | os.PathLike, sr: int | None = None) -> Path:
    """Write 16-bit PCM wav (clipped to [-1, 1]); returns the path."""
    samples = audio.samples if isinstance(audio, Audio) else np.asarray(audio)
    rate = audio.sr if isinstance(audio, Audio) else sr
    if rate is None:
        raise ValueError("save_wav needs a sampling rate for a plain array")
    sf.write(str(path), np.clip(samples, -1.0, 1.0), rate, subtype="PCM_16")
    return Path(path)


def wav_bytes(samples: np.ndarray, sr: int) -> bytes:
    """The clip as the bytes of a 16-bit wav file (for players and downloads)."""
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(samples, -1.0, 1.0), sr, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def _label(source: object) -> str:
    if isinstance(source, Audio):
        return source.name
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    return "audio"


def _reject_long_file_early(path: Path, label: str, max_duration: float | None) -> None:
    """Refuse an over-long file from its header, before decoding it into memory."""
    if max_duration is None:
        return
    try:
        duration = sf.info(str(path)).duration
    except Exception:  # noqa: BLE001 - not a libsndfile format: checked after decoding
        return
    if duration > max_duration:
        raise AudioError(f"{label}: too long ({duration:.1f} s; the limit is {max_duration:g} s)")


def _decode(file, label: str) -> tuple[np.ndarray, int]:
    """libsndfile first (wav, flac, ogg, mp3); FFmpeg through PyAV for the rest."""
    try:
        data, sr = sf.read(file, dtype="float32", always_2d=True)
        return data, sr
    except Exception:  # noqa: BLE001 - any libsndfile refusal falls through to PyAV
        if hasattr(file, "seek"):
            file.seek(0)
    return _decode_with_av(file, label)


def _decode_with_av(file, label: str) -> tuple[np.ndarray, int]:
    import av

    try:
        container = av.open(file if hasattr(file, "read") else str(file))
    except Exception as exc:  # noqa: BLE001
        raise AudioError(f"{label}: not a readable audio file ({_short(exc)})") from None
    with container:
        streams = container.streams.audio
        if not streams:
            raise AudioError(f"{label}: contains no audio stream")
        stream = streams[0]
        chunks: list[np.ndarray] = []
        sr = stream.rate or stream.codec_context.sample_rate
        try:
            for frame in container.decode(stream):
                chunks.append(_frame_to_array(frame))
        except Exception as exc:  # noqa: BLE001
            if not chunks:
                raise AudioError(f"{label}: audio data is corrupt ({_short(exc)})") from None
    if not chunks:
        raise AudioError(f"{label}: contains no audio samples")
    return np.concatenate(chunks, axis=0), int(sr)


def _frame_to_array(frame) -> np.ndarray:
    """A decoded frame as float32 shaped (samples, channels)."""
    array = frame.to_ndarray()
    channels = len(frame.layout.channels)
    if frame.format.is_planar:
        array = array.reshape(channels, -1).T
    else:
        array = array.reshape(-1, channels)
    return _array_to_float(array, "frame")


def _array_to_float(array: np.ndarray, label: str) -> np.ndarray:
    if array.dtype.kind in "iu":
        info = np.iinfo(array.dtype)
        scale = float(max(abs(info.min), info.max))
        offset = (info.max + 1) / 2 if array.dtype.kind == "u" else 0.0
        return ((array.astype(np.float64) - offset) / scale).astype(np.float32)
    if array.dtype.kind == "f":
        return array.astype(np.float32)
    raise AudioError(f"{label}: unsupported sample type {array.dtype}")


def _to_mono(samples: np.ndarray, label: str) -> np.ndarray:
    if samples.ndim == 1:
        return samples
    if samples.ndim != 2:
        raise AudioError(f"{label}: expected 1-D or 2-D samples, got shape {samples.shape}")
    channels_axis = 1 if samples.shape[1] <= samples.shape[0] else 0
    return samples.mean(axis=channels_axis)


def _validate(samples: np.ndarray, sr: int, label: str, max_duration: float | None) -> None:
    duration = len(samples) / sr
    if len(samples) == 0:
        raise AudioError(f"{label}: contains no audio samples")
    if not np.all(np.isfinite(samples)):
        raise AudioError(f"{label}: contains NaN or infinite samples")
    if duration < MIN_DURATION_S:
        raise AudioError(f"{label}: too short ({duration:.3f} s; at least {MIN_DURATION_S} s needed)")
    if max_duration is not None and duration > max_duration:
        raise AudioError(f"{label}: too long ({duration:.1f} s; the limit is {max_duration:g} s)")
    if float(np.max(np.abs(samples))) < SILENCE_PEAK:
        warnings.warn(f"{label}: the clip is silent; its explanation will be flat", SilentAudioWarning, stacklevel=3)


def _short(exc: Exception) -> str:
    """The decoder's reason, without the (server-side) path that FFmpeg errors repeat."""
    reason = getattr(exc, "strerror", None) or str(exc)
    text = reason.strip().splitlines()[0] if reason.strip() else type(exc).__name__
    return text[:120]
