"""Whisper's log-mel input features, computed with PyTorch (no ``transformers`` import).

For a clip zero-padded to the model's window: power spectrum |STFT|² (periodic Hann window of
400 samples, hop 160, centred with reflected ends) → 80 triangular mel bands (Slaney mel scale
and area normalisation) → log10 with floor 1e-10 → floored at (clip maximum − 8) → (x + 4) / 4.
The frame centred on the window's end is dropped. Only the first ``frames`` frames are
computed; the later ones hold the window's zero padding, which never raises the maximum.
"""

from __future__ import annotations

import numpy as np
import torch

N_FFT = 400
HOP = 160


def slaney_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale: linear (3 mel per 200 Hz) below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    log_part = 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(hz >= 1000.0, log_part, 3.0 * hz / 200.0)


def slaney_hz(mel: np.ndarray) -> np.ndarray:
    """Inverse of :func:`slaney_mel`."""
    mel = np.asarray(mel, dtype=np.float64)
    return np.where(mel >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0)), 200.0 * mel / 3.0)


def mel_filters(sampling_rate: int, n_fft: int, mels: int) -> np.ndarray:
    """(mels, n_fft / 2 + 1) triangles between mel-spaced edges from 0 Hz to Nyquist, each
    scaled by 2 / (its width in Hz) so that every band has the same area."""
    bins = np.linspace(0.0, sampling_rate / 2, n_fft // 2 + 1)
    edges = slaney_hz(np.linspace(slaney_mel(0.0), slaney_mel(sampling_rate / 2), mels + 2))
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising, falling = (bins - lower) / (centre - lower), (upper - bins) / (upper - centre)
    return (np.maximum(0.0, np.minimum(rising, falling)) * (2.0 / (upper - lower))).astype(np.float32)


class WhisperLogMel:
    """``features(clips, frames)`` → (batch, mels, frames) float32, each clip on its own."""

    def __init__(self, mels: int = 80, sampling_rate: int = 16000) -> None:
        self.feature_size, self.sampling_rate, self.hop_length = mels, sampling_rate, HOP
        self.filters = torch.from_numpy(mel_filters(sampling_rate, N_FFT, mels))
        self.window = torch.hann_window(N_FFT)

    def features(self, clips: list[np.ndarray], frames: int) -> torch.Tensor:
        rows = []
        for clip in clips:
            clip = np.asarray(clip, dtype=np.float32)[: frames * HOP]
            padded = np.zeros(frames * HOP + N_FFT, dtype=np.float32)
            padded[: len(clip)] = clip
            spectrum = torch.stft(torch.from_numpy(padded), N_FFT, HOP, window=self.window, center=True,
                                  pad_mode="reflect", return_complex=True)[:, :frames]
            log = torch.clamp(self.filters @ spectrum.abs().square(), min=1e-10).log10()
            rows.append((torch.maximum(log, log.max() - 8.0) + 4.0) / 4.0)
        return torch.stack(rows)
