"""Gradient, Gradient × Input and Integrated Gradients against autograd by hand."""

import numpy as np
import pytest

from speechxai_core import explain, load_model
from speechxai_core.explain import MethodError
from speechxai_core.models import Classifier
from speechxai_core.models.heads import parse_heads, split_probabilities

from .conftest import SR, harmonic_tone
from .test_word_methods import additive_model

GRADIENTS = "gradient,gradient_x_input,integrated_gradients"


def hand_gradients(model, samples, column):
    """(normalised input, ∂z/∂x) by hand: extractor, forward, autograd."""
    import torch

    x = model.extractor([samples], sampling_rate=SR, return_tensors="pt")["input_values"]
    x = x.clone().requires_grad_(True)
    logit = model.model(input_values=x).logits[0, column]
    (grad,) = torch.autograd.grad(logit, x)
    return x.detach().numpy()[0], grad.numpy()[0]


def test_gradients_on_the_waveform_match_autograd_by_hand(tiny_multihead_dir, three_words):
    import torch

    model = load_model(tiny_multihead_dir, heads="a:2,b:3,c:4")
    samples = harmonic_tone(seconds=2.0)
    result = explain((samples, SR), model, words=three_words, methods=GRADIENTS,
                     method_options={"ig_steps": 16})
    for head in result.heads:
        column = model.head(head.name).start + head.target_index
        x, grad = hand_gradients(model, samples, column)
        spans = [(int(np.floor(w["start"] * SR)), int(np.ceil(w["end"] * SR))) for w in three_words]
        saliency = [np.abs(grad[lo:hi]).mean() for lo, hi in spans]
        times_input = [(x[lo:hi] * grad[lo:hi]).mean() for lo, hi in spans]
        assert result.method_scores["gradient"][head.name] == pytest.approx(saliency, rel=1e-4, abs=1e-9)
        assert result.method_scores["gradient_x_input"][head.name] == pytest.approx(times_input, rel=1e-4, abs=1e-9)
        # Integrated Gradients by hand: Gauss–Legendre nodes on [0, 1], gradients at α·x
        nodes, weights = np.polynomial.legendre.leggauss(16)
        alphas, weights = (nodes + 1) / 2, weights / 2
        integral = np.zeros_like(x)
        for alpha, weight in zip(alphas, weights):
            point = torch.tensor(alpha * x[None], dtype=torch.float32, requires_grad=True)
            (g,) = torch.autograd.grad(model.model(input_values=point).logits[0, column], point)
            integral += weight * g.numpy()[0]
        ig = [(x[lo:hi] * integral[lo:hi]).sum() for lo, hi in spans]
        assert result.method_scores["integrated_gradients"][head.name] == pytest.approx(ig, rel=1e-3, abs=1e-6)
    details = result.method_details
    assert details["gradient"]["input"] == "waveform" and details["gradient"]["input_key"] == "input_values"
    assert details["integrated_gradients"]["steps"] == 16 and details["integrated_gradients"]["baseline"] == "zeros"


class SmoothClassifier(Classifier):
    """A torch network without normalisation layers (IG's path from 0 is smooth), HF-shaped."""

    def __init__(self):
        import torch
        from types import SimpleNamespace

        torch.manual_seed(0)
        conv, linear = torch.nn.Conv1d(1, 4, 400, stride=160), torch.nn.Linear(4, 3)
        torch.nn.init.normal_(linear.weight, std=3.0)

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.conv, self.linear = conv, linear

            def forward(self, input_values):
                hidden = torch.tanh(4 * self.conv(input_values[:, None])).pow(2).mean(dim=2)
                return SimpleNamespace(logits=self.linear(hidden))

        self.model = Net().eval()
        self.extractor = lambda items, sampling_rate, return_tensors: {
            "input_values": torch.tensor(np.stack(items), dtype=torch.float32)}
        self.heads, self.sampling_rate, self.name = parse_heads(None, ["a", "b", "c"]), SR, "smooth"
        self.device, self.dtype = "cpu", torch.float32

    def predict(self, waveforms, lengths):
        import torch

        with torch.no_grad():
            logits = self.model(torch.tensor(waveforms)).logits.numpy()
        return split_probabilities(logits, self.heads)


def test_integrated_gradients_are_complete_over_the_whole_clip():
    import torch

    model = SmoothClassifier()
    samples = harmonic_tone(seconds=1.0)
    whole = [{"word": "all", "start": 0.0, "end": 1.0}]
    result = explain((samples, SR), model, words=whole, methods="integrated_gradients,gradient_x_input",
                     method_options={"ig_steps": 64})
    column = result.heads[0].target_index
    with torch.no_grad():
        x = torch.tensor(samples[None])
        gap = (model.model(x).logits[0, column] - model.model(0 * x).logits[0, column]).item()
    assert abs(gap) > 0.05
    assert result.method_scores["integrated_gradients"]["class"][0] == pytest.approx(gap, rel=1e-3)
    assert result.method_details["integrated_gradients"]["convergence_delta"]["class"] < 1e-3 * abs(gap)


def test_spectrogram_front_end_is_attributed_on_its_input_features():
    from speechxai_core.align.words import read_words
    from speechxai_core.serving.examples import EXAMPLES_DIR

    model = load_model("demo")
    wav = EXAMPLES_DIR / "lamp_off_in_the_bedroom.wav"
    words = read_words(EXAMPLES_DIR / "lamp_off_in_the_bedroom.json")
    result = explain(str(wav), model, words=words, methods="gradient,integrated_gradients",
                     method_options={"ig_steps": 8})
    details = result.method_details["gradient"]
    assert details["input"] == "input_features" and details["frame_seconds"] == pytest.approx(0.01)
    for name in ("gradient", "integrated_gradients"):
        for head in result.head_names:
            scores = result.method_scores[name][head]
            assert len(scores) == len(words) and all(np.isfinite(scores))
    assert all(v > 0 for v in result.method_scores["gradient"]["object"])


def test_callables_need_a_pytorch_model(three_words):
    with pytest.raises(MethodError, match="needs a PyTorch model"):
        explain((harmonic_tone(seconds=2.0), SR), additive_model([0.1] * 5), words=three_words, methods="gradient")


def test_words_after_a_fixed_input_window_are_not_scored():
    model = load_model("demo")  # a fixed window: a word after it never reaches the network
    window = model.max_duration
    samples = harmonic_tone(seconds=window + 1.0)
    words = [{"word": "early", "start": 0.5, "end": 1.0}, {"word": "late", "start": window + 0.5, "end": window + 0.9}]
    result = explain((samples, SR), model, words=words, methods="gradient,integrated_gradients",
                     method_options={"ig_steps": 4})
    for method in ("gradient", "integrated_gradients"):
        scores = result.method_scores[method]["object"]
        assert scores[1] is None and scores[0] is not None and np.isfinite(scores[0])
    assert "beyond_model_window" in result.warning_codes()
