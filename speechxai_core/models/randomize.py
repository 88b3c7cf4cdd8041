"""Copies of a classifier with its weights re-initialised in cascade, from the output layer down.

The cascade of a network's parameters (in the order the network registers them):

1. ``head``: every parameter after the last block of its encoder (the largest ``ModuleList``:
   transformer or convolution blocks) — the classifier head and what sits between it and the blocks;
2. each block, from the last (nearest the output) to the first;
3. ``everything``: the rest (feature encoder, embeddings), so that no weight is left.

A network without such blocks is reset by its top-level parts, from the last registered to the first.
Each step adds to the previous ones (cascading randomisation). A reset parameter is redrawn from a
normal distribution with its own mean and standard deviation (the scale of every layer is kept, what
it learned is gone; a constant tensor, such as a fresh layer norm, stays as it is), seeded by
``(seed, parameter name)``: the same request gives the same copies.

References: Adebayo et al., "Sanity Checks for Saliency Maps", NeurIPS 2018 (cascading model-parameter
randomisation); Hedström et al., "Quantus: An Explainable AI Toolkit", JMLR 2023 (the model wrapper
that yields randomised copies).
"""

from __future__ import annotations

import copy
import zlib
from typing import Iterator

from .base import Classifier


def network_of(classifier: Classifier):
    """The ``torch.nn.Module`` whose weights decide ``classifier``'s output, or None."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return None
    model = getattr(classifier, "model", None)
    return model if isinstance(model, torch.nn.Module) else None


def not_randomizable(classifier: Classifier) -> str | None:
    """Why ``classifier`` has no weights to reset (None when it has)."""
    network = network_of(classifier)
    if network is None:
        return (f"'{classifier.name}' is a {type(classifier).__name__} without PyTorch weights; wrap a "
                "torch.nn.Module with TorchClassifier to check it")
    if not any(True for _ in network.parameters()):
        return f"'{classifier.name}' has no parameters to reset"
    return None


def cascade(network) -> list[tuple[str, list[str]]]:
    """[(step label, parameter names reset at that step)] from the output down (see the module doc).

    Wrappers are looked through: while one child holds every parameter, its children are the parts.
    """
    root, prefix = _inner(network)
    names = [name for name, _ in root.named_parameters()]
    blocks = _blocks(root)
    steps: list[tuple[str, list[str]]] = []
    if blocks:
        path, count = blocks
        members = [[n for n in names if n.startswith(f"{path}.{i}.")] for i in range(count)]
        last = max(names.index(n) for n in members[-1]) if members[-1] else -1
        head = names[last + 1:]
        if head:
            steps.append(("head", head))
        steps += [(f"{path}.{i}", members[i]) for i in reversed(range(count)) if members[i]]
    else:
        children = dict(root.named_children())
        tops = list(dict.fromkeys(name.split(".")[0] for name in names))
        steps += [(f"{top} ({type(children[top]).__name__})" if top in children else top,
                   [n for n in names if n.split(".")[0] == top]) for top in reversed(tops)]
    done = {n for _, group in steps for n in group}
    rest = [n for n in names if n not in done]
    if rest:
        steps.append(("everything", rest))
    return [(label, [prefix + n for n in group]) for label, group in steps]


def _inner(network) -> tuple[object, str]:
    """(the innermost module that holds every parameter through a chain of single children, its prefix)."""
    prefix = ""
    while True:
        direct = list(network.named_parameters(recurse=False))
        holders = [(name, child) for name, child in network.named_children() if any(True for _ in child.parameters())]
        if direct or len(holders) != 1:
            return network, prefix
        name, network = holders[0]
        prefix += name + "."


def _blocks(network) -> tuple[str, int] | None:
    """(name, length) of the ``ModuleList`` holding the most parameters, with two blocks or more."""
    import torch

    best, size = None, 0
    for name, module in network.named_modules():
        if isinstance(module, torch.nn.ModuleList) and len(module) >= 2:
            count = sum(p.numel() for p in module.parameters())
            if count > size:
                best, size = (name, len(module)), count
    return best


def randomized(classifier: Classifier, order: str = "top_down", seed: int = 0) -> Iterator[tuple[str, Classifier]]:
    """Yields ``(step label, copy)`` with one more step of :func:`cascade` reset each time.

    The copies share one network copy (each step changes it further): use a copy before asking for
    the next. ``classifier`` itself is never changed. Raises ValueError when it has no weights.
    """
    import torch

    if order != "top_down":
        raise ValueError("order must be 'top_down' (from the output layer down)")
    reason = not_randomizable(classifier)
    if reason:
        raise ValueError(reason)
    clone = copy.copy(classifier)
    clone.model = copy.deepcopy(network_of(classifier))
    parameters = dict(clone.model.named_parameters())
    for label, group in cascade(clone.model):
        with torch.no_grad():
            for name in group:
                _redraw(parameters[name], seed, name)
        clone.name = f"{classifier.name} (reset to {label})"
        yield label, clone


def _redraw(parameter, seed: int, name: str) -> None:
    """Normal values with the parameter's own mean and standard deviation (see the module doc)."""
    import torch

    values = parameter.detach().float()
    spread = values.std() if values.numel() > 1 else values.abs().reshape(())
    generator = torch.Generator().manual_seed(zlib.crc32(f"{seed}:{name}".encode()))
    noise = torch.randn(values.shape, generator=generator)
    parameter.copy_((values.mean().cpu() + spread.cpu() * noise).to(parameter.device, parameter.dtype))
