"""What every attribution method shares: stages of variants, the context they run in, options.

A method turns a clip into attributions in *stages*: each stage is a set of variants scored
by the one :class:`~speechxai_core.scoring.ScoringEngine`; when all of a stage's variants are
scored, ``apply`` writes results into the :class:`Explanation` and may return follow-up stages
(which depend on those results). A stage without variants (gradient methods) is applied at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Protocol

import numpy as np

from ..align.words import Word
from ..audio import Audio
from ..errors import SpeechXAIError
from ..explanation import Explanation
from ..models import Classifier
from ..align.phones import Phone
from ..perturb.bands import Band
from ..perturb.grids import ParalinguisticGrid
from ..perturb.variants import Variant
from .lime_kernels import KERNELS
from .players import Players
from .targets import Target

Scores = dict[str, dict[str, np.ndarray]]  # variant id -> head -> probabilities
#: ``shapiq`` approximators of the Shapley interaction index the ``shapley`` method can use.
SHAPLEY_APPROXIMATORS = ("KernelSHAPIQ", "InconsistentKernelSHAPIQ", "SVARMIQ", "PermutationSamplingSII", "SHAPIQ")


class MethodError(SpeechXAIError, ValueError):
    """A method that cannot run on this model or input, or bad method options."""


MAX_BANDS = 64


@dataclass(frozen=True)
class MethodOptions:
    """Settings of the methods.

    ``repeats``: independent draws of the random paralinguistic properties (noise, reverb room).
    ``lime_samples``: word subsets sampled; ``lime_kernel``: the proximity kernel, ``cosine``
    (LIME's text kernel, as the reference implementation uses it) or ``fraction`` (on the fraction
    of words removed), see :mod:`~speechxai_core.explain.lime_kernels`; ``lime_kernel_width``: its
    width σ (None: the kernel's own, 25 for ``cosine``, 0.25 for ``fraction``); ``lime_alpha``:
    the ridge penalty per unit of mean kernel weight (see :mod:`~speechxai_core.explain.lime`).
    ``shapley_budget``: coalitions Shapley values and interactions
    may score together (exact over all ``2^n`` when that fits, else estimated by
    ``shapley_approximator``, a ``shapiq`` approximator of the Shapley interaction index);
    ``interaction_top``: words in the pairwise interaction matrix. ``ig_steps``: Integrated
    Gradients steps. ``bands``: mel-spaced frequency bands of the band methods (at most
    ``MAX_BANDS``).
    """

    repeats: int = 1
    lime_samples: int = 1000
    lime_kernel: str = "cosine"
    lime_kernel_width: float | None = None
    lime_alpha: float = 1.0
    shapley_budget: int = 300
    shapley_approximator: str = "KernelSHAPIQ"
    interaction_top: int = 5
    ig_steps: int = 32
    bands: int = 8
    word_pitch_st: float = 3.0
    word_stretch: float = 1.25
    word_gain_db: float = 6.0
    word_noise_snr_db: float = 5.0

    def __post_init__(self) -> None:
        positive = {k: v for k, v in asdict(self).items()
                    if k not in ("lime_alpha", "word_noise_snr_db") and not isinstance(v, str)
                    and not (k == "lime_kernel_width" and v is None)}
        bad = [name for name, value in positive.items() if not value > 0]
        if not 1 < self.word_stretch <= 4:
            raise MethodError(f"word_stretch must be a duration factor in (1, 4], not {self.word_stretch:g}")
        if not -20 <= self.word_noise_snr_db <= 100:
            raise MethodError(f"word_noise_snr_db must lie in -20 … 100 dB, not {self.word_noise_snr_db:g}")
        if bad or self.lime_alpha < 0:
            raise MethodError(f"method options must be positive: {', '.join(bad or ['lime_alpha'])}")
        if self.lime_kernel not in KERNELS:
            raise MethodError(f"unknown lime_kernel '{self.lime_kernel}' (choose from {', '.join(KERNELS)})")
        if self.lime_samples < 2:
            raise MethodError("lime_samples must be at least 2")
        if self.bands > MAX_BANDS:
            raise MethodError(f"bands must be at most {MAX_BANDS}")
        if self.shapley_approximator not in SHAPLEY_APPROXIMATORS:
            raise MethodError(f"unknown shapley_approximator '{self.shapley_approximator}': choose from "
                              f"{', '.join(SHAPLEY_APPROXIMATORS)}")
        if self.interaction_top < 2:
            raise MethodError("interaction_top must be at least 2 (pairs of words)")

    @classmethod
    def from_value(cls, value: "MethodOptions | dict | None", **overrides) -> "MethodOptions":
        names = [f.name for f in fields(cls)]
        unknown = [] if isinstance(value, MethodOptions) else sorted(set(value or {}) - set(names))
        if unknown:
            raise MethodError(f"unknown method option(s) {', '.join(unknown)}: valid are {', '.join(names)}")
        base = value if isinstance(value, MethodOptions) else cls(**(value or {}))
        return cls(**(asdict(base) | {k: v for k, v in overrides.items() if v is not None}))


def finite(value: float) -> float | None:
    """``value`` as a float, None when it is NaN or infinite (JSON has no NaN)."""
    value = float(value)
    return value if np.isfinite(value) else None


@dataclass(frozen=True)
class Stage:
    """A named set of variants whose results are applied together (``data``: the method's own)."""

    name: str
    variants: list[Variant]
    data: dict = field(default_factory=dict, compare=False)


@dataclass
class Context:
    """What a method needs: the clip, its words, each head's :class:`~.targets.Target` (the quantity
    explained), the clip's probabilities, settings, and which words the model hears (``heard``: word
    indices; None = all of them)."""

    n_words: int
    targets: dict[str, Target]
    original: dict[str, np.ndarray]
    grid: ParalinguisticGrid
    properties: tuple[str, ...]
    options: MethodOptions = MethodOptions()
    seed: int = 0
    classifier: Classifier | None = None
    clip: Audio | None = None
    words: list[Word] = field(default_factory=list)
    heard: tuple[int, ...] | None = None
    bands: tuple[Band, ...] = ()
    phonemes: tuple[Phone, ...] = ()

    @property
    def scored_words(self) -> list[int]:
        """Indices of the words to score: those the model hears."""
        return list(range(self.n_words)) if self.heard is None else list(self.heard)

    def players(self, unit: str = "words") -> Players:
        """The ``unit``'s players: the words, the phonemes or the frequency bands of this run."""
        if unit == "words":
            names = tuple(word.word for word in self.words) if self.words else tuple(map(str, range(self.n_words)))
        elif unit == "bands":
            names = tuple(f"{low:g}-{high:g} Hz" for low, high in self.bands)
        else:
            names = tuple(phone.phone for phone in self.phonemes)
        return Players(unit, names)

    def scored(self, unit: str = "words") -> list[int]:
        """Indices of the ``unit``'s players to score: heard words, phonemes of heard words, every band."""
        if unit == "words":
            return self.scored_words
        if unit == "phonemes":
            heard = set(self.scored_words)
            return [i for i, phone in enumerate(self.phonemes) if phone.word_index in heard]
        return list(range(len(self.bands)))

    def drop(self, scores: Scores, variant: Variant, head: str) -> float:
        """How much ``variant`` lowers the head's target value: ``value(x) − value(x~)``."""
        target = self.targets[head]
        return target.value(self.original[head]) - target.value(scores[variant.id][head])

    def probability(self, scores: Scores, variant_id: str, head: str) -> float:
        """The head's target value on a variant: ``p(k)``, or ``p(A) − p(B)`` with a contrast."""
        return self.targets[head].value(scores[variant_id][head])


class Method(Protocol):
    """``name`` is the registry key; ``word_level`` methods give one score per word; methods need word
    timings when they are word-level or set ``needs_words`` (phonemes, word × band)."""

    name: str
    word_level: bool

    def stages(self, context: Context) -> list[Stage]: ...

    def apply(self, context: Context, stage: Stage, scores: Scores, explanation: Explanation) -> list[Stage]: ...

    def planned(self, context: Context) -> int:
        """Forward passes the method needs, in variants (an upper bound)."""
        ...
