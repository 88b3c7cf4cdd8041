"""The checks an explanation can carry, by name (the names are a public contract), and their run.

- ``faithfulness`` (:mod:`.curves`): deletion and insertion curves of every word method and head
  against random orders, comprehensiveness, sufficiency, the minimal kept set;
- ``sanity`` (:mod:`.sanity`): the model-parameter randomisation test of every word method;
- ``stability`` (:mod:`.stability`): agreement over seeds, masks, ensemble members and other models.

Results are stored as plain JSON data in :attr:`Explanation.checks` under the check's name.
"""

from __future__ import annotations

from typing import Callable, Sequence

from ..explain.base import Context
from ..explanation import Explanation
from ..perturb.render import Renderer
from ..perturb.variants import ORIGINAL, Variant
from ..scoring import ScoringEngine
from .curves import Faithfulness, target_probability
from .faithfulness import EvaluationError
from .sanity import Sanity
from .stability import MASKING_METHODS, RUNS, Stability, randomness

CHECKS = ("faithfulness", "sanity", "stability")

#: Scores variants (through the run's engine and cache) and returns every score known so far.
ScoreFunction = Callable[[Sequence[Variant]], dict]


def parse_checks(value: Sequence[str] | str | None) -> tuple[str, ...]:
    """Check names from a list or a comma-separated string (duplicates dropped, order kept)."""
    names = [value] if isinstance(value, str) else list(value or ())
    names = [part.strip() for name in names for part in name.split(",") if part.strip()]
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        raise EvaluationError(f"unknown check(s) {', '.join(unknown)}: choose from {', '.join(CHECKS)}")
    return tuple(dict.fromkeys(names))


def checked_methods(methods: list, explanation: Explanation) -> list:
    """The methods the checks look at: word methods that ran, and ``paraling`` when it ran."""
    return [m for m in methods if (m.word_level and m.name in explanation.word_methods)
            or (m.name == "paraling" and explanation.paralinguistic)]


def check_work(name: str, methods: list, explanation: Explanation, context: Context, renderer: Renderer) -> int:
    """Variants the costly check ``name`` scores, from the methods' planned counts ``m.planned``:

    - ``sanity``: every word method again at each reset step of the model's cascade;
    - ``stability``: each random method with ``RUNS − 1`` more seeds, each masking method with the other
      mask, each word method once through the ensemble's members (together about one ensemble pass).

    ``faithfulness`` is not counted: at most ``2n`` passes per method and head, plus the random band.
    """
    from ..models.randomize import cascade, network_of, not_randomizable

    methods = checked_methods(methods, explanation)
    planned = {m.name: int(m.planned(context)) for m in methods}
    if name == "sanity":
        if not_randomizable(context.classifier):
            return 0
        return len(cascade(network_of(context.classifier))) * sum(planned[m.name] for m in methods if m.word_level)
    if name == "stability":
        members = bool(context.classifier is not None and context.classifier.members())
        total = 0
        for m in methods:
            if randomness(m.name, context, explanation.method_details.get(m.name, {}), renderer.mask) is None:
                total += (RUNS - 1) * planned[m.name]
            if m.word_level:
                total += planned[m.name] * ((m.name in MASKING_METHODS) + members)
        return total
    return 0


def run_faithfulness(explanation: Explanation, targets: dict, score: ScoreFunction,
                     check: Faithfulness | None = None) -> None:
    """Adds ``checks["faithfulness"]`` and ``checks["faithfulness_random"]`` to ``explanation``."""
    check = check or Faithfulness()
    scored = score([ORIGINAL, *check.variants(explanation)])
    curves, bands = check.compute(explanation, target_probability(scored, targets))
    explanation.checks["faithfulness"] = {method: {head: value.to_dict() for head, value in table.items()}
                                          for method, table in curves.items()}
    explanation.checks["faithfulness_random"] = {head: band.to_dict() for head, band in bands.items()}


def run_checks(names: Sequence[str], explanation: Explanation, methods: list, context: Context,
               engine: ScoringEngine, renderer: Renderer, score: ScoreFunction,
               announce: Callable[[str], None] = lambda text: None, agreement_models: Sequence = ()) -> None:
    """Runs the checks ``names`` on a finished explanation of ``methods`` (see each check's module)."""
    methods = checked_methods(methods, explanation)
    if "faithfulness" in names:
        announce("Checking faithfulness: deletion and insertion curves…")
        run_faithfulness(explanation, context.targets, score)
    original = {m.name: _scores(explanation, m, context) for m in methods}
    if "sanity" in names:
        announce("Sanity check: explaining again with the model's weights reset, layer by layer…")
        word = [m for m in methods if m.word_level]
        explanation.checks["sanity"] = Sanity(seed=context.seed).run(word, original, context, renderer,
                                                                     engine.batch_size)
    if "stability" in names:
        announce("Stability: explaining again with other seeds, the other mask, each model…")
        check = Stability(agreement_models=tuple(agreement_models))
        explanation.checks["stability"] = check.run(methods, original, context, renderer, engine,
                                                    explanation.method_details)


def _scores(explanation: Explanation, method, context: Context) -> dict[str, list]:
    """{head: scores} of ``method`` as the checks compare them (properties in ``context`` order)."""
    if method.word_level:
        return explanation.scores_for(method.name)
    return {head: [values[p] for p in context.properties if p in values]
            for head, values in explanation.paralinguistic.items()}


def check_rows(checks: dict) -> list[dict]:
    """``checks`` (as in :attr:`Explanation.checks`) flattened: check, method, head, metric, value.

    Per-method checks give one row per number (curves one per point, ``deletion_curve:3``); lists of
    word indices are joined by spaces; the random band is written as method ``random``.
    """
    rows = []
    for check, table in checks.items():
        per_method = {"random": table} if check == "faithfulness_random" else table
        name = "faithfulness" if check == "faithfulness_random" else check
        for method, heads in per_method.items():
            for head, entry in heads.items():
                for metric, value in entry.items():
                    rows += [{"check": name, "method": method, "head": head, "metric": m, "value": v}
                             for m, v in _flatten(metric, value)]
    return rows


def _flatten(metric: str, value) -> list[tuple[str, object]]:
    if isinstance(value, list) and value and isinstance(value[0], list):
        return [(f"{metric}:{i}:{j}", v) for i, row in enumerate(value) for j, v in enumerate(row)]
    if isinstance(value, list) and metric.endswith("_words"):
        return [(metric, " ".join(str(v) for v in value))]
    if isinstance(value, list):
        return [(f"{metric}:{i}", v) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return [(f"{metric}:{key}", v) for key, v in value.items()]
    return [(metric, value)]
