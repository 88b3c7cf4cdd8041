"""TorchClassifier, cascading weight randomisation and the sanity check."""

import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from speechxai_core import CallableClassifier, TorchClassifier, explain, load_model
from speechxai_core.models.randomize import cascade, randomized

from .conftest import SR
from .test_evaluate import WORDS, _clip, _energies

FIXED = torch.tensor([[3.0, 0.0, 8.0, 1.0, 5.0], [0.0, 6.0, 1.0, 0.0, 2.0]])


class WeightBlind(torch.nn.Module):
    """Logits = word-window energies through fixed weights, times a positive gain of learnable weights:
    resetting the weights rescales the logits; each word's effect keeps its rank (but where p saturates)."""

    def __init__(self) -> None:
        super().__init__()
        self.gain = torch.nn.Parameter(torch.linspace(0.5, 1.5, 16))
        self.spare = torch.nn.Linear(8, 8)

    def forward(self, waveforms):
        energies = torch.as_tensor(_energies(waveforms.detach().cpu().numpy()), dtype=torch.float32)
        scale = torch.nn.functional.softplus(self.gain).mean() + 0 * self.spare.weight.sum()
        return scale * energies @ FIXED.T


class Linear(torch.nn.Module):
    """Logits = W · waveform: the gradient of logit k is the row W[k]."""

    def __init__(self, samples: int) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(samples, 2, bias=False)

    def forward(self, waveforms):
        return self.layer(waveforms)


def test_torch_classifier_predicts_and_gives_exact_gradients():
    torch.manual_seed(0)
    clip = _clip()
    module = Linear(len(clip))
    model = TorchClassifier(module, ["yes", "no"])
    probs = model.predict(clip[None], np.array([len(clip)]))["class"][0]
    logits = module(torch.as_tensor(clip[None])).detach().numpy()[0]
    assert probs == pytest.approx(np.exp(logits) / np.exp(logits).sum(), abs=1e-6)
    result = explain((clip, SR), model, words=WORDS, methods="gradient,gradient_x_input", targets="yes")
    row = module.layer.weight.detach().numpy()[0]
    spans = [(int(np.floor(w["start"] * SR + 1e-9)), int(np.ceil(w["end"] * SR - 1e-9))) for w in WORDS]
    gradient = [np.abs(row[lo:hi]).mean() for lo, hi in spans]
    times_input = [(row[lo:hi] * clip[lo:hi]).mean() for lo, hi in spans]
    assert result.scores_for("gradient")["class"] == pytest.approx(gradient, rel=1e-4)
    assert result.scores_for("gradient_x_input")["class"] == pytest.approx(times_input, rel=1e-3, abs=1e-9)


def test_a_weight_blind_model_fails_the_sanity_check():
    clip = _clip()
    model = TorchClassifier(WeightBlind(), {"a": ["yes", "no"]}, name="weight-blind")
    result = explain((clip, SR), model, words=WORDS, methods="loo,shapley", checks="sanity")
    for method in ("loo", "shapley"):
        entry = result.checks["sanity"][method]["a"]
        assert entry["layers"] == ["spare (Linear)", "gain"]
        assert min(entry["spearman"]) >= 0.9 and entry["passed"] is False  # ranks survive (up to saturation)


TEN_WORDS = [{"word": f"w{i}", "start": 0.04 + 0.19 * i, "end": 0.2 + 0.19 * i} for i in range(10)]


class FrameReadout(torch.nn.Module):
    """A model whose weights carry its decision: log energy of 20 ms frames, a learned per-frame
    projection, and a readout that weighs the frames of word i by i-th value of ``WORD_WEIGHTS``."""

    WORD_WEIGHTS = [2.0, 0.5, 12.0, 1.0, 6.0, 1.5, 9.0, 0.0, 3.0, 2.5]

    def __init__(self, frames: int = 100) -> None:
        super().__init__()
        self.frame = torch.nn.Linear(1, 1)
        self.readout = torch.nn.Linear(frames, 2)
        with torch.no_grad():
            self.frame.weight.fill_(1.0), self.frame.bias.fill_(8.0)
            self.readout.weight.zero_(), self.readout.bias.zero_()
            for weight, word in zip(self.WORD_WEIGHTS, TEN_WORDS):
                self.readout.weight[0, int(word["start"] / 0.02):int(word["end"] / 0.02)] = weight / 40

    def forward(self, waveforms):
        frames = waveforms.reshape(len(waveforms), -1, 320)
        energy = torch.log((frames ** 2).mean(-1, keepdim=True) + 1e-4)
        return self.readout(torch.relu(self.frame(energy)).squeeze(-1))


def test_a_model_whose_weights_decide_passes_and_reports_its_cascade():
    clip = _clip()
    model = TorchClassifier(FrameReadout(), ["yes", "no"], name="frame-readout")
    result = explain((clip, SR), model, words=TEN_WORDS, methods="loo,gradient", targets="yes", checks="sanity")
    order = np.argsort(-np.array(result.word_scores["class"]))
    assert list(order[:3]) == [2, 6, 4]  # the weights' truth
    for method in ("loo", "gradient"):
        entry = result.checks["sanity"][method]["class"]
        assert entry["layers"] == ["readout (Linear)", "frame (Linear)"]
        assert entry["passed"] is True and abs(entry["spearman"][0]) < 0.5, entry


def test_checks_over_the_time_limit_are_skipped_by_their_work_with_a_warning():
    from speechxai_core.explain.cost import COST_ATTRIBUTE, ModelCost

    clip = _clip()
    model = TorchClassifier(FrameReadout(), ["yes", "no"], name="frame-readout")
    setattr(model, COST_ATTRIBUTE, ModelCost(1.0, 0.0))  # one second per variant, whatever the machine
    said = []
    result = explain((clip, SR), model, words=TEN_WORDS, methods="loo,shapley", targets="yes",
                     checks="faithfulness,sanity,stability", method_time_limit_s=400, notify=said.append)
    assert result.settings["methods"] == ["loo", "shapley"]  # 10 and 300 variants: within 400 s
    skipped = {w.message.split()[0]: w.message for w in result.warnings if w.code == "check_skipped"}
    assert sorted(skipped) == ["sanity", "stability"] and "faithfulness" in result.checks
    assert "sanity" not in result.checks and "stability" not in result.checks
    assert "620 variants" in skipped["sanity"]  # 2 reset steps × (10 + 300) variants
    assert "910 variants" in skipped["stability"]  # 2 more seeds of sampled Shapley + the other mask
    assert any(text.startswith("sanity not run") for text in said)
    generous = explain((clip, SR), model, words=TEN_WORDS, methods="loo", targets="yes", checks="sanity",
                       method_time_limit_s=400)
    assert "check_skipped" not in generous.warning_codes() and generous.checks["sanity"]["loo"]["class"]["passed"]


def test_a_transformer_reports_its_cascade_head_then_each_block(tiny_model_dir):
    model = load_model(tiny_model_dir)
    steps = cascade(model.model)
    labels = [label for label, _ in steps]
    assert labels == ["head", "wav2vec2.encoder.layers.1", "wav2vec2.encoder.layers.0", "everything"]
    assert {n.split(".")[0] for n in steps[0][1]} == {"projector", "classifier"}
    assert sum(len(group) for _, group in steps) == len(list(model.model.parameters()))
    result = explain((_clip(), SR), model, words=TEN_WORDS, methods="loo,gradient", checks="sanity")
    for method in ("loo", "gradient"):
        entry = result.checks["sanity"][method]["class"]
        assert entry["layers"] == labels and len(entry["spearman"]) == 4
        assert all(rho is None or -1 <= rho <= 1 for rho in entry["spearman"])
        assert entry["passed"] == (entry["spearman"][-1] is None or abs(entry["spearman"][-1]) < 0.5)


def test_randomised_copies_leave_the_model_alone_and_repeat(tiny_model_dir):
    model = load_model(tiny_model_dir)
    before = {n: p.detach().clone() for n, p in model.model.named_parameters()}
    first = [(label, {n: p.detach().clone() for n, p in copy.model.named_parameters()})
             for label, copy in randomized(model, seed=3)]
    again = [{n: p.detach().clone() for n, p in copy.model.named_parameters()} for _, copy in randomized(model, seed=3)]
    assert all(torch.equal(p, before[n]) for n, p in model.model.named_parameters())
    head = dict(cascade(model.model))["head"]
    changed = [n for n, p in first[0][1].items() if not torch.equal(p, before[n])]
    assert set(changed) <= set(head) and "classifier.weight" in changed
    assert all(torch.equal(first[-1][1][n], again[-1][n]) for n in before)
    assert not torch.equal(first[-1][1]["wav2vec2.encoder.layers.0.attention.k_proj.weight"],
                           before["wav2vec2.encoder.layers.0.attention.k_proj.weight"])


def test_a_function_model_is_not_applicable():
    clip = _clip()
    model = CallableClassifier(lambda w, sr: np.stack([_energies(w)[:, 2], _energies(w)[:, 0]], 1), ["x", "y"],
                               outputs="logits")
    result = explain((clip, SR), model, words=WORDS, methods="loo", checks="sanity")
    assert "PyTorch" in result.checks["sanity"]["loo"]["class"]["not_applicable"]


def test_cli_sanity_on_a_torch_model_named_by_file(tmp_path):
    import soundfile as sf

    audio, words, code = tmp_path / "clip.wav", tmp_path / "words.json", tmp_path / "net.py"
    sf.write(audio, _clip(), SR)
    words.write_text(json.dumps(WORDS))
    code.write_text(
        "import torch\nfrom speechxai_core import TorchClassifier\n"
        "torch.manual_seed(0)\n"
        "net = torch.nn.Sequential(torch.nn.Unflatten(1, (1, -1)), torch.nn.Conv1d(1, 4, 400, stride=160),\n"
        "                          torch.nn.Tanh(), torch.nn.Flatten(), torch.nn.LazyLinear(3))\n"
        "net(torch.zeros(1, 32000))\n"
        "model = TorchClassifier(net, ['a', 'b', 'c'])\n"
        "bare = net\n")
    run = subprocess.run([sys.executable, "-m", "speechxai_core.cli", "explain", str(audio), "--model", f"{code}:model",
                          "--words", str(words), "--methods", "loo,gradient", "--checks", "sanity", "--quiet",
                          "--json", str(tmp_path / "out.json")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Sanity check" in run.stdout
    sanity = json.loads((tmp_path / "out.json").read_text())["checks"]["sanity"]
    assert sanity["gradient"]["class"]["layers"] == ["4 (Linear)", "1 (Conv1d)"]
    bare = subprocess.run([sys.executable, "-m", "speechxai_core.cli", "explain", str(audio), "--model", f"{code}:bare",
                           "--words", str(words), "--methods", "loo"], capture_output=True, text=True, timeout=300)
    assert bare.returncode == 2 and "TorchClassifier(module" in bare.stderr
