"""Benchmark of word methods on a folder of clips whose carrying words are known.

Manifest: JSON lines, one clip each: ``path`` (audio, relative to the manifest), ``words``
(``[{word, start, end}]``) and ``carriers`` (``{head: index of the word that carries the head's
class, or null}``); other keys are ignored (``assets/demo-eval/manifest.jsonl`` is one).

Per clip, every method explains the predicted class of every head from the manifest's word timings
(seed 0), timed alone; then every method's ranking is evaluated by the deletion and insertion
curves of :mod:`.curves` (all methods, heads and random orders of a clip scored in one batched
call). Per head and method, means over clips (a clip whose value is undefined, e.g. no positively
scored word for comprehensiveness, is left out of that mean):

- ``comprehensiveness`` ↑ and ``sufficiency`` ↓: ERASER's, over the decile selections of the
  positively scored words (probability drops);
- ``deletion_auc`` ↓ and ``insertion_auc`` ↑: areas under the curves over the fraction of words
  (probabilities);
- ``plausibility`` ↑: the share of clips whose carrying word is ranked first (clips without a
  carrier for the head do not count);
- ``seconds_per_clip``: the explanation alone, on this machine.

With ``checks`` (``stability``, ``sanity``: :mod:`.stability`, :mod:`.sanity`), every method is
explained once more with those checks, and their means over clips are added:
``stability_spearman`` and ``stability_top1`` (agreement across seeds; blank for deterministic
methods), ``mask_spearman`` (zero mask against noise mask), ``members_spearman`` (the members of an
ensemble explained one by one), ``sanity_spearman`` (Spearman ρ after every weight is reset: near 0
is good) and ``sanity_passed`` (the share of clips that passed).

The ``random`` row scores every word uniformly in [−1, 1] (:func:`.faithfulness.random_scores`,
seeds 0–4, per clip) and evaluates those scores like a method's, averaged over the seeds; it has no
time. ``agreement`` is the Spearman rank correlation of two methods' word scores, the mean over
clips and heads (left out where a method gives every word the same score or a clip has < 3 words).

References: DeYoung et al., "ERASER: A Benchmark to Evaluate Rationalized NLP Models", ACL 2020;
Petsiuk, Das & Saenko, "RISE", BMVC 2018 (deletion and insertion).
"""

from __future__ import annotations

import itertools
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ..audio import load_audio
from ..explain import explain
from ..explain.methods import WORD_METHODS, get_methods
from ..explain.replay import renderer_for
from ..explain.targets import targets_of
from ..models import Classifier
from ..perturb.variants import ORIGINAL
from ..scoring import ScoringEngine
from .curves import head_curves, planned_variants, random_band, random_orders, ranking, target_probability
from .faithfulness import RANDOM_SEEDS, EvaluationError, random_scores

METRICS = ("comprehensiveness", "sufficiency", "deletion_auc", "insertion_auc", "plausibility", "seconds_per_clip")
COLUMNS = ("head", "method", *METRICS)
#: Higher is better (True), lower is better (False).
DIRECTION = {"comprehensiveness": True, "sufficiency": False, "deletion_auc": False, "insertion_auc": True,
             "plausibility": True, "seconds_per_clip": False, "stability_spearman": True, "stability_top1": True,
             "mask_spearman": True, "members_spearman": True, "sanity_spearman": False, "sanity_passed": True}
RANDOM = "random"
CHECK_COLUMNS = {"stability": ("stability_spearman", "stability_top1", "mask_spearman", "members_spearman"),
                 "sanity": ("sanity_spearman", "sanity_passed")}


@dataclass
class ClipBenchmark:
    """One clip: ``values[method][head][metric]`` (``random`` included), ``scores[method][head]``."""

    clip: str
    values: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)


def read_manifest(path: str | Path) -> list[dict]:
    """The manifest's rows; a row without ``path`` or ``words`` is an error naming its line."""
    path = Path(path)
    if not path.is_file():
        raise EvaluationError(f"{path}: no such manifest")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict) or "path" not in row or not row.get("words"):
            raise EvaluationError(f"{path}:{number}: a row needs 'path' and 'words'")
        rows.append(row)
    if not rows:
        raise EvaluationError(f"{path}: no clips")
    return rows


def word_methods(names: Sequence[str] | str) -> list[str]:
    """Method names (checked against the registry); only word methods can be benchmarked."""
    methods = [m.name for m in get_methods(names)]
    other = [m for m in methods if m not in WORD_METHODS]
    if other:
        raise EvaluationError(f"not a word method: {', '.join(other)} (choose from {', '.join(WORD_METHODS)})")
    return methods


def benchmark_clip(row: dict, folder: Path, model: Classifier, engine: ScoringEngine, methods: Sequence[str],
                   seeds: Sequence[int] = RANDOM_SEEDS, checks: Sequence[str] = ()) -> ClipBenchmark:
    """Explain one manifest row with every method and evaluate every ranking (see the module doc)."""
    clip = load_audio(str(folder / row["path"]), model.sampling_rate, name=row["path"])
    result = ClipBenchmark(row["path"])
    explanations, seconds = {}, {}
    for method in methods:
        started = time.perf_counter()
        explanations[method] = explain(clip, model, words=row["words"], methods=method, engine=engine)
        seconds[method] = time.perf_counter() - started
        result.scores[method] = explanations[method].scores_for(method)
    checked = {method: explain(clip, model, words=row["words"], methods=method, engine=engine, checks=checks).checks
               for method in methods} if checks else {}
    first = explanations[methods[0]]
    heads = first.head_names
    scored = [v is not None for v in next(iter(result.scores[methods[0]].values()))]
    n = len(scored)
    randoms = [random_scores(n, seed, clip.name, scored).tolist() for seed in seeds]
    randoms = [[None if math.isnan(v) else v for v in values] for values in randoms]
    rankings = [ranking(result.scores[m][h]) for m in methods for h in heads] + [ranking(r) for r in randoms]
    orders = random_orders([i for i, s in enumerate(scored) if s], seeds, clip.name)
    probabilities = engine.score(renderer_for(first, clip), [ORIGINAL, *planned_variants(rankings, orders)])
    probability = target_probability(probabilities, targets_of(first))
    carriers = row.get("carriers") or {}
    for head in heads:
        band = random_band(orders, seeds, head, probability)
        for method in [*methods, RANDOM]:
            tables = [result.scores[method][head]] if method != RANDOM else randoms
            values = [_metrics(head_curves(s, head, probability, band), s, carriers.get(head)) for s in tables]
            mean = {key: _nanmean([v[key] for v in values]) for key in values[0]}
            mean["seconds_per_clip"] = seconds.get(method, math.nan)
            mean |= check_values(checked.get(method, {}), method, head, checks)
            result.values.setdefault(method, {})[head] = mean
    return result


def check_values(checks: dict, method: str, head: str, names: Sequence[str]) -> dict:
    """The check columns of one method and head from :attr:`Explanation.checks` (NaN where not applicable)."""
    values = {}
    if "stability" in names:
        entry = checks.get("stability", {}).get(method, {}).get(head, {})
        values |= {"stability_spearman": entry.get("spearman"), "stability_top1": entry.get("top1"),
                   "mask_spearman": entry.get("mask_spearman"),
                   "members_spearman": (entry.get("members") or {}).get("spearman")}
    if "sanity" in names:
        entry = checks.get("sanity", {}).get(method, {}).get(head, {})
        last = (entry.get("spearman") or [None])[-1]
        values |= {"sanity_spearman": last, "sanity_passed": None if "passed" not in entry else float(entry["passed"])}
    return {key: math.nan if value is None else float(value) for key, value in values.items()}


def _metrics(curves, scores, carrier: int | None) -> dict:
    order = ranking(scores)
    plausible = math.nan if carrier is None or not order else float(order[0] == carrier)
    return {"comprehensiveness": curves.comprehensiveness, "sufficiency": curves.sufficiency,
            "deletion_auc": curves.deletion_auc, "insertion_auc": curves.insertion_auc, "plausibility": plausible}


def _nanmean(values) -> float:
    values = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    return float(np.mean(values)) if values else math.nan


def benchmark_table(results: Sequence[ClipBenchmark], methods: Sequence[str], checks: Sequence[str] = ()) -> pd.DataFrame:
    """Per head and method (then ``random``), the mean of each metric (and check column) over clips."""
    heads = list(results[0].values[methods[0]]) if results else []
    columns = [*METRICS, *(c for name in checks for c in CHECK_COLUMNS[name])]
    rows = []
    for head, method in itertools.product(heads, [*methods, RANDOM]):
        per_clip = [r.values[method][head] for r in results]
        row = {"head": head, "method": method} | {m: _nanmean([c.get(m) for c in per_clip]) for m in columns}
        rows.append(row)
    return pd.DataFrame(rows, columns=["head", "method", *columns]).sort_values("head", key=lambda s: s.map(heads.index),
                                                                 kind="stable", ignore_index=True)


def agreement_table(results: Sequence[ClipBenchmark], methods: Sequence[str]) -> pd.DataFrame:
    """Methods × methods: mean Spearman ρ of word scores over clips and heads (see the module doc)."""
    matrix = pd.DataFrame(index=list(methods), columns=list(methods), dtype=float)
    for a, b in itertools.product(methods, methods):
        rhos = []
        for result in results:
            for head, x in result.scores[a].items():
                pairs = [(u, v) for u, v in zip(x, result.scores[b][head]) if u is not None and v is not None]
                if len(pairs) > 2 and np.ptp([p[0] for p in pairs]) > 0 and np.ptp([p[1] for p in pairs]) > 0:
                    rhos.append(spearmanr(*zip(*pairs)).statistic)
        matrix.loc[a, b] = _nanmean(rhos)
    return matrix


def run_benchmark(manifest: str | Path, model: Classifier, methods: Sequence[str] | str = WORD_METHODS, *,
                  limit: int | None = None, engine: ScoringEngine | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  checks: Sequence[str] | str = ()) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    """(benchmark table, agreement matrix, per-clip results) of ``methods`` on ``manifest``'s clips."""
    names = word_methods(methods)
    checks = benchmark_checks(checks)
    rows = read_manifest(manifest)[:limit]
    engine = engine or ScoringEngine(model)
    folder = Path(manifest).parent
    results = []
    for done, row in enumerate(rows, 1):
        results.append(benchmark_clip(row, folder, model, engine, names, checks=checks))
        if progress:
            progress(done, len(rows))
    return benchmark_table(results, names, checks), agreement_table(results, names), results


def benchmark_checks(names: Sequence[str] | str) -> tuple[str, ...]:
    """The checks a benchmark can add (``stability``, ``sanity``; faithfulness is always measured)."""
    from .checks import parse_checks

    return tuple(n for n in parse_checks(names) if n != "faithfulness")
