"""The demo model's log-mel features, built from stored mel power so that augmenting is cheap.

The Whisper feature extractor turns audio zero-padded to its window into: power STFT (Hann)
→ mel bands → log10 (floor 1e-10) → floor at (max − 8) → (x + 4) / 4. Here the first two
steps run once per training clip and speed (``ClipBank``); a batch is then made in the
mel-power domain (``render``): shift for leading silence, zero frames for silenced words,
a vocal-tract-length warp of the frequency axis, × gain, + σ² × the mel power of unit white
noise, and the last steps as the extractor does them. Noise and speech are summed as powers
(their cross term averages out).
"""

from __future__ import annotations

import librosa
import numpy as np
import soxr
import torch
from transformers import WhisperFeatureExtractor

from demo_augment import SPEEDS, Plan

SAMPLE_RATE = 16000
WARP_KNEE = 0.8  # share of the top frequency up to which a vocal-tract warp is a plain scaling


class MelFeatures:
    """``extractor``'s computation split in two: :meth:`power`, then :meth:`normalise`."""

    def __init__(self, extractor: WhisperFeatureExtractor) -> None:
        self.n_fft, self.hop = extractor.n_fft, extractor.hop_length
        self.frames, self.samples = extractor.nb_max_frames, extractor.n_samples
        self.filters = torch.from_numpy(extractor.mel_filters).float().T.contiguous()
        self.window = torch.hann_window(self.n_fft)
        mels = self.filters.shape[0]
        self.centres = librosa.mel_frequencies(mels + 2, fmin=0.0, fmax=SAMPLE_RATE / 2, htk=False)[1:-1]

    def power(self, audio: np.ndarray) -> torch.Tensor:
        """(mels, n) mel power of ``audio`` in the extractor's window; the frames after ``n``
        see only the window's zero padding (power 0)."""
        audio = np.asarray(audio, np.float32)[: self.samples]
        reach = min(self.frames, (len(audio) + self.n_fft // 2 + self.hop - 1) // self.hop)
        padded = torch.from_numpy(np.concatenate([audio, np.zeros(self.n_fft, np.float32)]))
        stft = torch.stft(padded, self.n_fft, self.hop, window=self.window, return_complex=True)
        return self.filters @ (stft[:, :reach].abs() ** 2)

    def normalise(self, power: torch.Tensor) -> torch.Tensor:
        """(batch, mels, frames) mel power → the extractor's ``input_features``."""
        log = torch.clamp(power, min=1e-10).log10()
        top = log.amax(dim=(1, 2), keepdim=True)
        return (torch.maximum(log, top - 8.0) + 4.0) / 4.0

    def warp(self, alpha: float) -> torch.Tensor:
        """(mels, mels) matrix W: W @ mel power is the power spectrum with its frequency axis
        stretched by ``alpha`` (vocal-tract-length perturbation), S'(f) = S(f⁻¹_α(f)) where
        f_α(f) = α f up to the knee k = WARP_KNEE · f_max · min(α, 1) / α and a straight line
        from there to f_max, so the band edges stay put; bands are read by linear interpolation."""
        top = SAMPLE_RATE / 2
        knee = WARP_KNEE * top * min(alpha, 1.0) / alpha
        grid = np.linspace(0.0, top, 2049)
        warped = np.where(grid <= knee, alpha * grid, alpha * knee + (top - alpha * knee) * (grid - knee) / (top - knee))
        source = np.interp(self.centres, warped, grid)  # the frequency each band's centre comes from
        position = np.interp(source, self.centres, np.arange(len(self.centres)))
        low = np.floor(position).astype(int).clip(0, len(self.centres) - 2)
        fraction = position - low
        matrix = np.zeros((len(self.centres), len(self.centres)), np.float32)
        rows = np.arange(len(self.centres))
        matrix[rows, low] = 1.0 - fraction
        matrix[rows, low + 1] = fraction
        return torch.from_numpy(matrix)

    def white_noise(self, count: int, seed: int = 0) -> torch.Tensor:
        """(count, mels, frames) mel power of unit-variance white noise filling the window."""
        rng = np.random.default_rng(seed)
        return torch.stack([self.power(rng.standard_normal(self.samples).astype(np.float32)) for _ in range(count)])


class ClipBank:
    """For each clip and each of ``SPEEDS``: log10 mel power (float16) and mean audio power."""

    def __init__(self, features: MelFeatures, audios: list[np.ndarray]) -> None:
        self.log_power: list[list[np.ndarray]] = []
        self.mean_power: list[list[float]] = []
        for audio in audios:
            versions = [audio if speed == 1.0 else soxr.resample(audio, SAMPLE_RATE, SAMPLE_RATE / speed)
                        for speed in SPEEDS]
            self.log_power.append([features.power(v).clamp(min=1e-10).log10().half().numpy() for v in versions])
            self.mean_power.append([float(np.mean(np.square(v, dtype=np.float64))) for v in versions])


def render(features: MelFeatures, bank: ClipBank, clips: list[int], plans: list[Plan], words: list[list[dict]],
           noise: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """Features (batch, mels, frames) of ``clips`` (indices into ``bank``) augmented by ``plans``;
    ``words[k]`` are clip k's word times (s), ``noise`` a stack from :meth:`MelFeatures.white_noise`."""
    power = torch.zeros(len(clips), features.filters.shape[0], features.frames)
    to_frames = SAMPLE_RATE / features.hop
    for row, (clip, plan, clip_words) in enumerate(zip(clips, plans, words)):
        speech = torch.pow(10.0, torch.from_numpy(bank.log_power[clip][plan.speed]).float())
        if plan.warp != 1.0:
            speech = features.warp(plan.warp) @ speech
        shift = round(plan.lead * to_frames)
        length = min(speech.shape[1], features.frames - shift)
        power[row, :, shift : shift + length] = speech[:, :length]
        for i in plan.silenced:
            start, end = (round(clip_words[i][key] / SPEEDS[plan.speed] * to_frames) for key in ("start", "end"))
            power[row, :, shift + start : shift + end] = 0.0
        gain = 10 ** (plan.gain_db / 10)
        power[row] *= gain
        if plan.snr_db is not None:
            variance = gain * bank.mean_power[clip][plan.speed] / 10 ** (plan.snr_db / 10)
            power[row, :, : shift + length] += variance * noise[rng.integers(len(noise)), :, : shift + length]
    return features.normalise(power)
