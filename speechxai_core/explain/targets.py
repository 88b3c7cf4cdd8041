"""What each head explains: a :class:`Target`, the quantity every score is a change of.

``Target(head, weights)`` attributes ``value(p) = weights · p`` of the head's probabilities ``p``:
``e_k`` explains ``p(k | x)``; ``e_A − e_B`` explains the margin ``p(A | x) − p(B | x)``, "why A
rather than B". Every method reads the target, never a class index, so a contrast changes the
target and not the method: leave-one-out of a contrast is exactly ``LOO(A) − LOO(B)``, and gradient
methods apply the same weights to the logits (``z_A − z_B``).

The explained class is the predicted one unless the user names another; the contrast class is
named by the user (``--contrast head=CLASS``) and must differ from the explained class.

References: contrastive attribution as in inseq's ``contrast_prob_diff`` step function
(Sarti et al., 2023, "Inseq: An Interpretability Toolkit for Sequence Generation Models", ACL demo);
Yin & Neubig (2022), "Interpreting Language Models with Contrastive Explanations", EMNLP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from ..errors import echo
from ..models.heads import Head, HeadSpecError

TargetSpec = str | Mapping[str, str] | None


@dataclass(frozen=True)
class Target:
    """The explained quantity of one head: ``weights · probabilities`` (one weight per class)."""

    head: str
    weights: tuple[float, ...]

    @classmethod
    def of(cls, head: str, n_classes: int, index: int, contrast: int | None = None) -> "Target":
        """``p(index)``, or ``p(index) − p(contrast)`` when a contrast class is given."""
        weights = [0.0] * n_classes
        weights[index] = 1.0
        if contrast is not None:
            if contrast == index:
                raise HeadSpecError(f"head '{head}': the contrast class must differ from the explained class")
            weights[contrast] = -1.0
        return cls(head, tuple(weights))

    @property
    def index(self) -> int:
        """The explained class."""
        return int(np.argmax(self.weights))

    @property
    def contrast(self) -> int | None:
        """The class explained against, None without a contrast."""
        negative = [i for i, w in enumerate(self.weights) if w < 0]
        return negative[0] if negative else None

    def value(self, probabilities) -> float:
        """``weights · probabilities`` of one output of the head."""
        return float(np.dot(self.weights, np.asarray(probabilities, dtype=np.float64)))


def parse_target_spec(spec: TargetSpec, heads: list[Head]) -> dict[str, str]:
    """``"lights"``, ``"object=lights,location=kitchen"`` or a mapping -> {head: class name}.

    A bare class name is matched against every head and must belong to exactly one.
    The same grammar names contrast classes.
    """
    if not spec:
        return {}
    if isinstance(spec, Mapping):
        pairs = dict(spec)
    else:
        pairs = {}
        for part in str(spec).split(","):
            head_name, sep, label = part.strip().partition("=")
            if sep:
                pairs[head_name.strip()] = label.strip()
            else:
                owners = [head.name for head in heads if head_name.lower() in (l.lower() for l in head.labels)]
                if len(owners) != 1:
                    where = "no head" if not owners else f"several heads ({', '.join(owners)})"
                    raise HeadSpecError(f"class '{echo(head_name)}' matches {where}; write head=class")
                pairs[owners[0]] = head_name
    names = {head.name for head in heads}
    for head_name in pairs:
        if head_name not in names:
            raise HeadSpecError(f"'{echo(head_name)}' is not a head of the model; "
                                f"its heads are {', '.join(sorted(names))}")
    return pairs


def resolve_targets(heads: list[Head], original: dict[str, np.ndarray], requested: dict[str, str]) -> dict[str, int]:
    """{head: class index}: ``requested`` classes, else the argmax of the original probabilities."""
    return {
        head.name: head.index_of(requested[head.name]) if head.name in requested else int(np.argmax(original[head.name]))
        for head in heads
    }


def build_targets(heads: list[Head], original: dict[str, np.ndarray], requested: dict[str, str],
                  contrasts: dict[str, str] | None = None) -> dict[str, Target]:
    """{head: Target}: the requested (else predicted) class, minus the contrast class when one is named."""
    indices = resolve_targets(heads, original, requested)
    contrasts = contrasts or {}
    targets = {}
    for head in heads:
        contrast = head.index_of(contrasts[head.name]) if head.name in contrasts else None
        if contrast == indices[head.name]:
            raise HeadSpecError(f"head '{head.name}': the contrast '{head.labels[contrast]}' is the explained class "
                                f"itself; name another class (or a --target)")
        targets[head.name] = Target.of(head.name, len(head.labels), indices[head.name], contrast)
    return targets


def targets_of(explanation) -> dict[str, Target]:
    """{head: Target} an :class:`~speechxai_core.explanation.Explanation` was made for."""
    return {head.name: Target.of(head.name, len(head.labels), head.target_index, head.contrast_index)
            for head in explanation.heads}
