"""Faithfulness of one clip's word ranking: deletion and insertion curves against random orders.

For a word method and a head with explained class ``k`` (with a contrast class ``B``, read
``p(k | ·) − p(B | ·)`` wherever ``p(k | ·)`` is written: :mod:`speechxai_core.explain.targets`), the scored words (those the model
hears) are ranked by decreasing score (ties in word order): ``w_(1) … w_(n)``. Words that were
not scored are never masked.

- deletion curve ``D(i) = p(k | x with w_(1)…w_(i) masked)``, ``i = 0 … n`` (``D(0) = p(k | x)``);
- insertion curve ``I(i) = p(k | x with every scored word but w_(1)…w_(i) masked)``, ``i = 0 … n``
  (``I(n) = p(k | x)``);
- their areas over the fraction of words ``i / n`` by the trapezoid rule, ``deletion_auc`` (low =
  the top words are needed) and ``insertion_auc`` (high = the top words suffice);
- ``comprehensiveness`` and ``sufficiency``: ERASER's means over the decile selections of the
  positively scored words (see :mod:`.faithfulness`); each selection is a prefix of the ranking,
  so they are read off the curves: ``mean_j [p(k | x) − D(|S_j|)]`` and ``mean_j [p(k | x) − I(|S_j|)]``
  (NaN without a positive score);
- ``random_deletion_auc`` / ``random_insertion_auc``: the same areas for random orders of the
  scored words, the mean over ``seeds`` (at least 5) orders drawn by
  ``numpy.random.default_rng([seed, crc32(clip name)])`` (shared by every method and head);
- the **minimal kept set** ``minimal_words``: the shortest prefix ``w_(1)…w_(m)`` whose insertion
  point keeps ``I(m) ≥ keep · p(k | x)`` (``keep`` = 0.9), and ``minimal_variant``, the id of that
  clip (every other scored word masked): "what the model needed".

Every point is a word-set variant (``words:0+2``, or ``original``) scored by the one batched
:class:`~speechxai_core.scoring.ScoringEngine`, masked exactly as in the explanation. Cost per
method and head: at most ``2n − 1`` new variants; the random orders add ``2n − 1`` per seed, shared.

References: Petsiuk, Das & Saenko, "RISE: Randomized Input Sampling for Explanation of Black-box
Models", BMVC 2018 (deletion and insertion curves); DeYoung et al., "ERASER: A Benchmark to
Evaluate Rationalized NLP Models", ACL 2020 (comprehensiveness, sufficiency); Samek et al.,
"Evaluating the visualization of what a deep neural network has learned", IEEE TNNLS 2017
(perturbation curves against random orders).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import asdict, dataclass
from typing import Callable, Sequence

import numpy as np

from ..audio import AudioSource, load_audio
from ..explanation import Explanation
from ..explain.replay import renderer_for
from ..explain.targets import Target, targets_of
from ..models import Classifier
from ..perturb.variants import ORIGINAL, Variant, word_set_variant
from ..scoring import ScoringEngine
from .faithfulness import DECILES, RANDOM_SEEDS, EvaluationError, _from_json, _to_json, selections

KEEP = 0.9  # the minimal kept set keeps at least this fraction of p(k | x)
MIN_SEEDS = 5

#: p(k) of a variant id and head, read from scored variants.
Probability = Callable[[str, str], float]


@dataclass(frozen=True)
class HeadCurves:
    """The faithfulness of one method's ranking for one head (see the module doc).

    ``minimal_words``: word indices in ranking order; ``minimal_variant``: the id of that clip.
    """

    deletion_curve: tuple[float, ...]
    insertion_curve: tuple[float, ...]
    deletion_auc: float
    insertion_auc: float
    comprehensiveness: float
    sufficiency: float
    random_deletion_auc: float
    random_insertion_auc: float
    minimal_words: tuple[int, ...]
    minimal_variant: str

    def to_dict(self) -> dict:
        return {key: _to_json(value) for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> "HeadCurves":
        return cls(**{key: _from_json(data[key]) for key in cls.__dataclass_fields__})


@dataclass(frozen=True)
class RandomBand:
    """One head's curves for the random orders (one row per seed), the band the curves are read against."""

    seeds: tuple[int, ...]
    deletion_curves: tuple[tuple[float, ...], ...]
    insertion_curves: tuple[tuple[float, ...], ...]

    @property
    def deletion_auc(self) -> float:
        return float(np.mean([auc(c) for c in self.deletion_curves]))

    @property
    def insertion_auc(self) -> float:
        return float(np.mean([auc(c) for c in self.insertion_curves]))

    def to_dict(self) -> dict:
        return {key: _to_json(value) for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> "RandomBand":
        return cls(**{key: _from_json(data[key]) for key in cls.__dataclass_fields__})


def auc(curve: Sequence[float]) -> float:
    """Trapezoid area of ``curve`` over ``i / n``, ``i = 0 … n``."""
    values = np.asarray(curve, dtype=float)
    if len(values) < 2:
        return math.nan
    return float(np.sum((values[1:] + values[:-1]) / 2) / (len(values) - 1))


def ranking(scores: Sequence[float | None]) -> list[int]:
    """Indices of the scored words by decreasing score, ties in word order."""
    values = np.asarray([np.nan if v is None else v for v in scores], dtype=float)
    order = np.argsort(-np.nan_to_num(values, nan=-np.inf), kind="stable")
    return [int(i) for i in order if not np.isnan(values[i])]


def random_orders(scored: Sequence[int], seeds: Sequence[int], clip: str = "") -> list[list[int]]:
    """One random order of the ``scored`` word indices per seed (see the module doc)."""
    return [[int(i) for i in np.random.default_rng([seed, zlib.crc32(clip.encode())]).permutation(list(scored))]
            for seed in seeds]


def deletion_variants(order: Sequence[int]) -> list[Variant]:
    """``n + 1`` variants: the first ``i`` words of ``order`` masked, ``i = 0 … n``."""
    return [word_set_variant(order[:i]) for i in range(len(order) + 1)]


def insertion_variants(order: Sequence[int]) -> list[Variant]:
    """``n + 1`` variants: only the first ``i`` words of ``order`` kept (the rest masked), ``i = 0 … n``."""
    return [word_set_variant(order[i:]) for i in range(len(order) + 1)]


def planned_variants(rankings: Sequence[Sequence[int]], orders: Sequence[Sequence[int]]) -> list[Variant]:
    """Every distinct variant the curves of ``rankings`` and of the random ``orders`` need."""
    wanted = {}
    for order in [*rankings, *orders]:
        for variant in (*deletion_variants(order), *insertion_variants(order)):
            wanted.setdefault(variant.id, variant)
    return list(wanted.values())


def head_curves(scores: Sequence[float | None], head: str, probability: Probability, band: RandomBand,
                keep: float = KEEP) -> HeadCurves:
    """The curves of one head's ``scores`` from scored variants (see the module doc)."""
    order = ranking(scores)
    deletion = tuple(probability(v.id, head) for v in deletion_variants(order))
    insertion = tuple(probability(v.id, head) for v in insertion_variants(order))
    base = probability(ORIGINAL.id, head)
    chosen = selections(scores, DECILES)
    comprehensiveness = float(np.mean([base - deletion[len(s)] for s in chosen])) if chosen else math.nan
    sufficiency = float(np.mean([base - insertion[len(s)] for s in chosen])) if chosen else math.nan
    needed = next(i for i, value in enumerate(insertion) if value >= keep * base - 1e-12)
    return HeadCurves(deletion, insertion, auc(deletion), auc(insertion), comprehensiveness, sufficiency,
                      band.deletion_auc, band.insertion_auc, tuple(order[:needed]),
                      insertion_variants(order)[needed].id)


def random_band(orders: Sequence[Sequence[int]], seeds: Sequence[int], head: str, probability: Probability) -> RandomBand:
    """The random orders' curves for ``head``."""
    return RandomBand(tuple(int(s) for s in seeds),
                      tuple(tuple(probability(v.id, head) for v in deletion_variants(o)) for o in orders),
                      tuple(tuple(probability(v.id, head) for v in insertion_variants(o)) for o in orders))


class Faithfulness:
    """The ``faithfulness`` check: curves of every word method and head, and the random band.

    Settings in the constructor (``seeds`` of the random orders, ``keep`` of the minimal set); the
    data in :meth:`variants` (what to score) and :meth:`compute` (the scored variants). Direction:
    lower ``deletion_auc`` and higher ``insertion_auc`` than the random orders = more faithful.
    """

    name = "faithfulness"

    def __init__(self, seeds: Sequence[int] = RANDOM_SEEDS, keep: float = KEEP) -> None:
        if len(set(seeds)) < MIN_SEEDS:
            raise EvaluationError(f"faithfulness needs at least {MIN_SEEDS} distinct random seeds")
        if not 0 < keep <= 1:
            raise EvaluationError("keep must be a fraction in (0, 1]")
        self.seeds, self.keep = tuple(int(s) for s in seeds), float(keep)

    def _tables(self, explanation: Explanation, methods: Sequence[str] | None) -> dict[str, dict]:
        names = explanation.word_methods if methods is None else [m for m in methods if m in explanation.word_methods]
        return {name: explanation.scores_for(name) for name in names if explanation.scores_for(name)}

    def _orders(self, explanation: Explanation, tables: dict) -> list[list[int]]:
        first = next(iter(next(iter(tables.values())).values())) if tables else []
        scored = [i for i, value in enumerate(first) if value is not None]
        return random_orders(scored, self.seeds, str(explanation.audio.get("name", "")))

    def variants(self, explanation: Explanation, methods: Sequence[str] | None = None) -> list[Variant]:
        """The variants the check needs (``original`` included)."""
        tables = self._tables(explanation, methods)
        rankings = [ranking(values) for table in tables.values() for values in table.values()]
        return planned_variants(rankings, self._orders(explanation, tables)) if tables else []

    def compute(self, explanation: Explanation, probability: Probability,
                methods: Sequence[str] | None = None) -> tuple[dict[str, dict[str, HeadCurves]], dict[str, RandomBand]]:
        """({method: {head: curves}}, {head: random band}) from ``probability(variant id, head)``."""
        tables = self._tables(explanation, methods)
        if not tables:
            return {}, {}
        orders = self._orders(explanation, tables)
        bands = {head.name: random_band(orders, self.seeds, head.name, probability) for head in explanation.heads}
        curves = {method: {head: head_curves(values, head, probability, bands[head], self.keep)
                           for head, values in table.items()}
                  for method, table in tables.items()}
        return curves, bands


def target_probability(scored: dict, targets: dict[str, Target]) -> Probability:
    """``probability(variant id, head)``: the head's explained quantity (p(k), or p(A) − p(B)) in ``scored``."""
    return lambda variant_id, head: targets[head].value(scored[variant_id][head])


def check_faithfulness(
    explanation: Explanation,
    audio: AudioSource,
    model: Classifier,
    *,
    engine: ScoringEngine | None = None,
    methods: Sequence[str] | None = None,
    seeds: Sequence[int] = RANDOM_SEEDS,
    keep: float = KEEP,
) -> tuple[dict[str, dict[str, HeadCurves]], dict[str, RandomBand]]:
    """Curves of ``explanation``'s word ``methods`` (default: all) on the clip it explains.

    ``audio`` is the recording that was explained; every variant is scored in one batched call.
    Returns ({method: {head: :class:`HeadCurves`}}, {head: :class:`RandomBand`}).
    """
    if not explanation.words or not explanation.word_methods:
        raise EvaluationError("faithfulness needs word scores: explain with a word method and words")
    engine = engine or ScoringEngine(model)
    if engine.classifier is not model:
        raise EvaluationError("the scoring engine belongs to another model")
    recording = load_audio(audio, explanation.audio["sampling_rate"], max_duration=None)
    renderer = renderer_for(explanation, recording)
    if explanation.audio.get("segment") is None and len(recording.samples) != explanation.audio["samples"]:
        raise EvaluationError(f"{recording.name}: {len(recording.samples)} samples, but the explanation was made "
                              f"on {explanation.audio['samples']}")
    check = Faithfulness(seeds, keep)
    scored = engine.score(renderer, [ORIGINAL, *check.variants(explanation, methods)])
    return check.compute(explanation, target_probability(scored, targets_of(explanation)), methods)
