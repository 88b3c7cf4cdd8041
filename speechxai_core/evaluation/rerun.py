"""One attribution method run again under changed conditions (another model, seed or mask).

The checks compare a method's scores with the scores it gives when one thing changes; every rerun
goes through the same :class:`~speechxai_core.scoring.ScoringEngine` path as the explanation.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..explain.base import Context
from ..explanation import Explanation
from ..perturb.render import Renderer
from ..scoring import ScoringEngine


def rerun(method, context: Context, engine: ScoringEngine, renderer: Renderer, **changes) -> dict[str, list]:
    """{head: scores} of ``method`` with ``changes`` to the context (``classifier``, ``seed``, …).

    A changed classifier gets its own original scores; the target of each head stays the one explained.
    Word methods give one score per word (None for words the model does not hear); ``paraling`` one
    per property, in the order of ``context.properties``.
    """
    if "classifier" in changes:
        changes["original"] = engine.score_original(renderer)
    context = dataclasses.replace(context, **changes)
    explanation = Explanation(audio={}, model={}, words=list(context.words), heads=[])
    scores = {"original": context.original}
    queue = method.stages(context)
    while queue:
        wanted = [v for stage in queue for v in stage.variants if v.id not in scores]
        if wanted:
            scores.update(engine.score(renderer, wanted))
        queue = [follow for stage in queue for follow in method.apply(context, stage, scores, explanation)]
    if not method.word_level:
        return {head: [values[p] for p in context.properties if p in values]
                for head, values in explanation.paralinguistic.items()}
    heard = set(context.scored_words)
    return {head: [v if i in heard else None for i, v in enumerate(values)]
            for head, values in explanation.scores_for(method.name).items()}


def spearman(a, b) -> float | None:
    """Rank correlation of two score lists over the entries both have; None when undefined
    (fewer than two entries, or one list constant)."""
    from scipy.stats import spearmanr

    pairs = [(x, y) for x, y in zip(a, b) if x is not None and y is not None and np.isfinite(x) and np.isfinite(y)]
    if len(pairs) < 2:
        return None
    x, y = np.array(pairs, dtype=float).T
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return round(float(spearmanr(x, y).statistic), 6)


def top(scores) -> int | None:
    """Index of the highest score (None when nothing was scored)."""
    values = [(-v, i) for i, v in enumerate(scores) if v is not None and np.isfinite(v)]
    return min(values)[1] if values else None


def agreement(runs: list[list]) -> dict:
    """Mean pairwise Spearman and the fraction of pairs with the same top entry, over ``runs``."""
    pairs = [(a, b) for i, a in enumerate(runs) for b in runs[i + 1:]]
    rhos = [r for r in (spearman(a, b) for a, b in pairs) if r is not None]
    same = [top(a) == top(b) for a, b in pairs]
    return {"spearman": round(float(np.mean(rhos)), 6) if rhos else None,
            "top1": float(np.mean(same)) if same else None, "runs": len(runs)}
