"""Gradient attributions of the target's logit, pooled over each word's span.

For head ``h`` with target class ``k``, ``z_k`` is the model's logit of that class (with a contrast
class ``B``, ``z_k`` stands for the logit margin ``z_k − z_B``: the target's weights applied to the
head's logits, see :mod:`.targets`) and ``x`` its
input: the waveform after the feature extractor's normalisation (``input_values``) when the
extractor works on samples, as the reference implementation does. A word's samples ``T_w``:

- ``gradient`` (saliency): ``mean_{t∈T_w} |∂z_k/∂x_t|``;
- ``gradient_x_input``: ``mean_{t∈T_w} x_t · ∂z_k/∂x_t``;
- ``integrated_gradients``: ``Σ_{t∈T_w} (x_t − x'_t) ∫_0^1 ∂z_k/∂x_t(x' + α(x − x')) dα`` with the
  zero baseline ``x' = 0`` (captum's implementation, Gauss–Legendre with ``ig_steps`` points);
  over all inputs it sums to ``z_k(x) − z_k(0)`` (completeness; the gap is recorded).

Front ends that compute spectrogram features outside the network (Whisper, AST: not
differentiable) are attributed on the model's input features instead: a word's span is the
feature frames whose time falls inside it, and means/sums run over those frames and every
feature bin. ``method_details[name]["input"]`` says which was done (``waveform`` or
``input_features``); words after the end of a fixed input window are not scored (None, as for
every method: see :mod:`.segment`). Models that are not PyTorch networks raise :class:`MethodError`.
"""

from __future__ import annotations

import math

import numpy as np

from ..explanation import Explanation
from .base import Context, MethodError, Scores, Stage, finite

GRADIENT_METHODS = ("gradient", "gradient_x_input", "integrated_gradients")


class GradientMethod:
    """One of :data:`GRADIENT_METHODS`; needs no scored variants, only the network."""

    word_level = True

    def __init__(self, name: str):
        self.name = name

    def stages(self, context: Context) -> list[Stage]:
        return [Stage(self.name, [])] if context.n_words else []

    def planned(self, context: Context) -> int:
        steps = context.options.ig_steps if self.name == "integrated_gradients" else 1
        return 3 * steps * len(context.targets) if context.n_words else 0

    def apply(self, context: Context, stage: Stage, scores: Scores, explanation: Explanation) -> list[Stage]:
        table, details = word_gradients(context, self.name)
        explanation.method_scores[self.name] = table
        explanation.method_details[self.name] = details
        return []


def torch_parts(classifier, method: str):
    """(feature extractor, torch module) of ``classifier``, or a clear error."""
    import torch

    model, extractor = getattr(classifier, "model", None), getattr(classifier, "extractor", None)
    if not isinstance(model, torch.nn.Module) or extractor is None:
        raise MethodError(f"'{method}' needs a PyTorch model (a transformers audio classifier); "
                          f"'{classifier.name}' is a {type(classifier).__name__} without gradients")
    return extractor, model


def model_input(classifier, samples: np.ndarray, method: str) -> dict:
    """The network's input for ``samples``: tensor, its key, what it is, and a frame→time map."""
    extractor, model = torch_parts(classifier, method)
    encoded = extractor([samples], sampling_rate=classifier.sampling_rate, return_tensors="pt")
    key = "input_values" if "input_values" in encoded else "input_features"
    x = encoded[key].to(classifier.device, dtype=classifier.dtype)
    rest = {k: v.to(classifier.device) for k, v in encoded.items() if k != key}
    if key == "input_values" and x.shape[-1] == len(samples):
        return {"key": key, "x": x, "rest": rest, "input": "waveform", "time_axis": x.ndim - 1,
                "frame_seconds": 1.0 / classifier.sampling_rate}
    feature_size = getattr(extractor, "feature_size", None)
    time_axis = 2 if x.ndim == 3 and x.shape[1] == feature_size else 1  # (B, bins, T) as Whisper, else (B, T, bins)
    hop = getattr(extractor, "hop_length", None)
    frame_seconds = hop / classifier.sampling_rate if hop else 0.01
    return {"key": key, "x": x, "rest": rest, "input": "input_features", "time_axis": time_axis,
            "frame_seconds": frame_seconds}


def word_frames(context: Context, frame_seconds: float, frames: int) -> list[tuple[int, int]]:
    """[lo, hi) input positions of each word (samples or feature frames), at least one each;
    (0, 0) for a word that starts after the model's input ends (a fixed-window front end)."""
    spans = []
    for word in context.words:
        lo = int(math.floor(word.start / frame_seconds + 1e-9))
        if lo >= frames:
            spans.append((0, 0))
            continue
        spans.append((lo, min(frames, max(lo + 1, int(math.ceil(word.end / frame_seconds - 1e-9))))))
    return spans


def word_gradients(context: Context, method: str) -> tuple[dict[str, list[float]], dict]:
    """{head: score per word} and the method's details for ``method`` (see module doc)."""
    import torch

    classifier = context.classifier
    prepared = model_input(classifier, context.clip.samples, method)
    _, model = torch_parts(classifier, method)
    x, key, rest = prepared["x"], prepared["key"], prepared["rest"]
    heads = {head.name: head for head in classifier.heads}

    def logit(inputs, head, weights):
        return model(**{key: inputs}, **rest).logits[:, head.start:head.start + head.size].float() @ weights

    table, deltas = {}, {}
    for name, target in context.targets.items():
        head, weights = heads[name], torch.tensor(target.weights, dtype=torch.float32, device=x.device)
        if method == "integrated_gradients":
            from captum.attr import IntegratedGradients

            attribution, delta = IntegratedGradients(lambda inputs: logit(inputs, head, weights)).attribute(
                x, baselines=torch.zeros_like(x), n_steps=context.options.ig_steps, internal_batch_size=8,
                return_convergence_delta=True)
            per_input, pool = attribution.detach(), "sum"
            deltas[name] = finite(delta.abs().max().item())
        else:
            with torch.enable_grad():
                inputs = x.detach().clone().requires_grad_(True)
                (grad,) = torch.autograd.grad(logit(inputs, head, weights).sum(), inputs)
            per_input = grad.abs() if method == "gradient" else grad * x
            pool = "mean"
        table[name] = _pool(per_input.float().cpu().numpy()[0], prepared, context, pool)
    contrast = any(target.contrast is not None for target in context.targets.values())
    details = {"input": prepared["input"], "input_key": key, "target": "logit margin" if contrast else "logit",
               "pooling": "sum" if method == "integrated_gradients" else "mean"}
    if prepared["input"] == "input_features":
        details["frame_seconds"] = prepared["frame_seconds"]
    if method == "integrated_gradients":
        details |= {"steps": context.options.ig_steps, "baseline": "zeros", "convergence_delta": deltas}
    return table, details


def _pool(values: np.ndarray, prepared: dict, context: Context, pool: str) -> list[float | None]:
    """Mean or sum of ``values`` (the input without its batch axis) over each word's positions."""
    time_axis = prepared["time_axis"] - 1
    values = np.moveaxis(values, time_axis, 0).reshape(values.shape[time_axis], -1)
    spans = word_frames(context, prepared["frame_seconds"], values.shape[0])
    reduce = np.mean if pool == "mean" else np.sum
    return [float(reduce(values[lo:hi])) if hi > lo else None for lo, hi in spans]
