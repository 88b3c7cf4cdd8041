"""Faithfulness of word attributions: comprehensiveness, sufficiency and a random baseline.

For one clip with ``n`` words, word scores ``s`` (one per word) and a target class ``k``
per head (with a contrast class ``B``, read ``p(k | ·) − p(B | ·)`` wherever ``p(k | ·)`` is
written: see :mod:`speechxai_core.explain.targets`), the evaluated selections are built from
thresholds ``t`` (default 0.1, 0.2, …, 1.0):

- ``k_t = int(t × n)``; thresholds with ``k_t = 0`` are skipped;
- ``S_t`` = the ``k_t`` highest-scored words among the *positively* scored ones (all of them
  when fewer than ``k_t`` are positive; ties broken by word order);
- a selection equal to an earlier one (or empty) is skipped, so each distinct set counts once.

Over the remaining selections ``S_1 … S_m``:

- comprehensiveness ``= 1/m Σ_j [ p(k | x) − p(k | x with the words of S_j masked) ]``
  (high = the top words are needed);
- sufficiency ``= 1/m Σ_j [ p(k | x) − p(k | x with every word outside S_j masked) ]``
  (low = the top words alone keep the prediction).

With no positively scored word, both are undefined (NaN). Words that were not scored (None:
beyond the model's input window; NaN likewise) are never selected and do not count in ``n``. Words are masked exactly as
during the explanation (same mask strategy, padding and seed), and every masked clip is
scored through :class:`~speechxai_core.scoring.ScoringEngine` in one batched call.

``thresholds=ERASER_BINS`` (1, 5, 10, 20, 50 %) gives ERASER's fixed bins instead.
``only_positive=False`` ranks all words, negative ones included.

Random baseline: for seeds 0…4, scores drawn uniformly from [−1, 1] per word
(``numpy.random.default_rng([seed, crc32(clip name)])``: clips get independent draws, one
draw per clip and seed shared by all heads) are evaluated the same way; the baseline is the mean and standard deviation over the seeds (a seed that
draws no positive score has no value and is left out).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

from ..audio import AudioSource, load_audio
from ..errors import SpeechXAIError
from ..explanation import Explanation
from ..explain.replay import renderer_for
from ..explain.targets import targets_of
from ..models import Classifier
from ..perturb.variants import ORIGINAL, Variant, word_set_variant
from ..scoring import ScoringEngine

DECILES = tuple(i / 10 for i in range(1, 11))
ERASER_BINS = (0.01, 0.05, 0.10, 0.20, 0.50)
THRESHOLD_SETS = {"deciles": DECILES, "eraser": ERASER_BINS}
RANDOM_SEEDS = (0, 1, 2, 3, 4)


class EvaluationError(SpeechXAIError, ValueError):
    """An explanation that cannot be evaluated (no word scores, mismatched audio, bad options)."""


@dataclass(frozen=True)
class HeadFaithfulness:
    """Faithfulness of one head's word scores, next to the random baseline.

    ``random_*`` are the mean and std over seeds; ``random_*_seeds`` the value of each seed
    (NaN is written as JSON null).
    """

    comprehensiveness: float
    sufficiency: float
    random_comprehensiveness: float
    random_comprehensiveness_std: float
    random_sufficiency: float
    random_sufficiency_std: float
    selections: int
    random_comprehensiveness_seeds: tuple[float, ...] = ()
    random_sufficiency_seeds: tuple[float, ...] = ()

    def to_dict(self) -> dict:
        return {key: _to_json(value) for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> "HeadFaithfulness":
        return cls(**{key: _from_json(data[key]) for key in cls.__dataclass_fields__ if key in data})


def _to_json(value):
    if isinstance(value, (tuple, list)):
        return [_to_json(v) for v in value]
    return None if isinstance(value, float) and math.isnan(value) else value


def _from_json(value):
    if isinstance(value, list):
        return tuple(_from_json(v) for v in value)
    return math.nan if value is None else value


def get_thresholds(thresholds: str | Sequence[float]) -> tuple[float, ...]:
    """A named set (``deciles``, ``eraser``) or explicit fractions in (0, 1]."""
    if isinstance(thresholds, str):
        if thresholds not in THRESHOLD_SETS:
            raise EvaluationError(f"unknown thresholds '{thresholds}' (choose from {', '.join(THRESHOLD_SETS)})")
        return THRESHOLD_SETS[thresholds]
    values = tuple(float(t) for t in thresholds)
    if not values or any(not 0 < t <= 1 for t in values):
        raise EvaluationError("thresholds must be fractions in (0, 1]")
    return values


def selections(scores: Sequence[float | None], thresholds: Sequence[float] = DECILES,
               only_positive: bool = True) -> list[tuple[int, ...]]:
    """The distinct top-k word sets (sorted indices) evaluated for ``scores``; see the module doc."""
    values = np.asarray([np.nan if v is None else v for v in scores], dtype=float)
    n = int(np.sum(~np.isnan(values)))
    ranked = [int(i) for i in np.argsort(-np.nan_to_num(values, nan=-np.inf), kind="stable")
              if not np.isnan(values[i]) and (not only_positive or values[i] > 0)]
    chosen: list[tuple[int, ...]] = []
    for threshold in thresholds:
        k = int(threshold * n + 1e-9)  # guard: 0.7 * 10 must give 7, not 6
        if k == 0:
            continue
        selection = tuple(sorted(ranked[:k]))
        if selection and selection not in chosen:
            chosen.append(selection)
    return chosen


def removal_variants(selection: tuple[int, ...], n_words: int) -> tuple[Variant, Variant]:
    """(the selection masked, every other word masked)."""
    kept = set(selection)
    return word_set_variant(selection), word_set_variant(i for i in range(n_words) if i not in kept)


def random_scores(n_words: int, seed: int, clip: str = "", scored: Sequence[bool] | None = None) -> np.ndarray:
    """Uniform scores in [−1, 1], one per word, drawn from a generator seeded by (seed, clip name);
    NaN where ``scored`` is False (words that were not scored keep out of the baseline too)."""
    values = np.random.default_rng([seed, zlib.crc32(clip.encode())]).uniform(-1.0, 1.0, n_words)
    if scored is not None:
        values[~np.asarray(scored, dtype=bool)] = np.nan
    return values


def evaluate_explanation(
    explanation: Explanation,
    audio: AudioSource,
    model: Classifier,
    *,
    engine: ScoringEngine | None = None,
    thresholds: str | Sequence[float] = DECILES,
    only_positive: bool = True,
    seeds: Sequence[int] = RANDOM_SEEDS,
    method: str = "loo",
) -> dict[str, HeadFaithfulness]:
    """{head: faithfulness} of ``explanation``'s word scores of ``method`` on ``audio`` with ``model``.

    ``audio`` must be the clip that was explained; the masking settings are taken from
    the explanation. All masked clips (every head, every seed) are scored in one batched call.
    """
    word_scores = explanation.scores_for(method) if method in explanation.word_methods else {}
    if not word_scores or not explanation.words:
        raise EvaluationError(f"faithfulness needs word scores: explain with the '{method}' method and words")
    levels = get_thresholds(thresholds)
    engine = engine or ScoringEngine(model)
    if engine.classifier is not model:
        raise EvaluationError("the scoring engine belongs to another model")
    clip = load_audio(audio, explanation.audio["sampling_rate"], max_duration=None)
    if len(clip.samples) != explanation.audio["samples"]:
        raise EvaluationError(
            f"{clip.name}: {len(clip.samples)} samples, but the explanation was made on {explanation.audio['samples']}"
        )
    renderer = renderer_for(explanation, clip)
    n = len(explanation.words)
    plans = {head: selections(scores, levels, only_positive) for head, scores in word_scores.items()}
    clip_name = str(explanation.audio.get("name", ""))
    scored = [v is not None for v in next(iter(word_scores.values()))]
    random_plans = [selections(random_scores(n, seed, clip_name, scored), levels, only_positive) for seed in seeds]
    wanted = [v for plan in [*plans.values(), *random_plans] for sel in plan for v in removal_variants(sel, n)]
    scored = engine.score(renderer, [ORIGINAL, *wanted])
    targets = targets_of(explanation)

    def metrics(plan: list[tuple[int, ...]], head: str) -> tuple[float, float]:
        if not plan:
            return math.nan, math.nan
        value = targets[head].value
        base = value(scored["original"][head])
        drops = [[base - value(scored[v.id][head]) for v in removal_variants(sel, n)] for sel in plan]
        comp, suff = np.mean(drops, axis=0)
        return float(comp), float(suff)

    result = {}
    for head, plan in plans.items():
        comp, suff = metrics(plan, head)
        baseline = np.array([metrics(random_plan, head) for random_plan in random_plans], dtype=float).reshape(-1, 2)
        mean, std = _nan_mean_std(baseline)
        result[head] = HeadFaithfulness(
            comp, suff, float(mean[0]), float(std[0]), float(mean[1]), float(std[1]), len(plan),
            tuple(float(v) for v in baseline[:, 0]), tuple(float(v) for v in baseline[:, 1]),
        )
    return result


def _nan_mean_std(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column mean and population std ignoring NaN (seeds with no positive score); NaN if all are."""
    if values.size == 0 or np.all(np.isnan(values)):
        return np.full(2, math.nan), np.full(2, math.nan)
    return np.nanmean(values, axis=0), np.nanstd(values, axis=0)
