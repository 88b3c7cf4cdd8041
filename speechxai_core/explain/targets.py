"""Which class each head explains: the predicted one unless the user names another."""

from __future__ import annotations

from typing import Mapping

import numpy as np

from ..models.heads import Head, HeadSpecError

TargetSpec = str | Mapping[str, str] | None


def parse_target_spec(spec: TargetSpec, heads: list[Head]) -> dict[str, str]:
    """``"lights"``, ``"object=lights,location=kitchen"`` or a mapping -> {head: class name}.

    A bare class name is matched against every head and must belong to exactly one.
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
                    raise HeadSpecError(f"target class '{head_name}' matches {where}; write head=class")
                pairs[owners[0]] = head_name
    names = {head.name for head in heads}
    for head_name in pairs:
        if head_name not in names:
            raise HeadSpecError(f"target names head '{head_name}', but the model's heads are {', '.join(sorted(names))}")
    return pairs


def resolve_targets(heads: list[Head], original: dict[str, np.ndarray], requested: dict[str, str]) -> dict[str, int]:
    """{head: class index}: ``requested`` classes, else the argmax of the original probabilities."""
    return {
        head.name: head.index_of(requested[head.name]) if head.name in requested else int(np.argmax(original[head.name]))
        for head in heads
    }
