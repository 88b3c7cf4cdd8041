"""The registry of attribution methods, by name (the names are a public contract).

Each method lives in its own module with its math in the docstring:
``loo`` (:mod:`.loo`), ``lime`` (:mod:`.lime`), ``shapley`` (:mod:`.shapley`),
``gradient``, ``gradient_x_input``, ``integrated_gradients`` (:mod:`.gradients`),
``paraling`` (:mod:`.paralinguistic`); over other players (:mod:`.players`): ``bands`` and
``phonemes`` (leave-one-out, :mod:`.loo`), ``band_shapley`` and ``phoneme_shapley`` (:mod:`.shapley`),
``band_lime`` and ``phoneme_lime`` (:mod:`.lime`),
``word_bands``
(:mod:`.word_bands`); ``word_paraling`` (:mod:`.word_paralinguistic`).
"""

from __future__ import annotations

from .base import Method, MethodError
from .gradients import GRADIENT_METHODS, GradientMethod
from .lime import Lime
from .loo import LeaveOneOut
from .paralinguistic import Paralinguistic
from .shapley import Shapley
from .word_bands import WordBands
from .word_paralinguistic import WordParalinguistic

METHODS: dict[str, Method] = {}


def register(method: Method) -> Method:
    """Add ``method`` under its ``name``; a name can be registered once."""
    if method.name in METHODS:
        raise ValueError(f"method '{method.name}' is already registered")
    METHODS[method.name] = method
    return method


for _method in (LeaveOneOut(), Lime(), Shapley(), *map(GradientMethod, GRADIENT_METHODS), Paralinguistic(),
                LeaveOneOut("bands"), Shapley("bands"), Lime("bands"), WordBands(), LeaveOneOut("phonemes"),
                Shapley("phonemes"), Lime("phonemes"), WordParalinguistic()):
    register(_method)

#: Methods that give one score per word (compared side by side); ``word_paraling`` gives a table per property.
WORD_METHODS = tuple(name for name, method in METHODS.items()
                     if method.word_level and getattr(method, "per_word_score", True))


def get_methods(names) -> list[Method]:
    """Methods by name: a list, or comma-separated names (duplicates dropped, order kept)."""
    names = [names] if isinstance(names, str) else list(names)
    names = [part.strip() for name in names for part in name.split(",") if part.strip()]
    unknown = [name for name in names if name not in METHODS]
    if unknown or not names:
        raise MethodError(f"unknown method(s) {', '.join(unknown) or '(none)'}: choose from {', '.join(METHODS)}")
    return [METHODS[name] for name in dict.fromkeys(names)]
