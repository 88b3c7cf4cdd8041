"""Attribution methods on the scoring engine: word methods (LOO, LIME, Shapley, gradients) and paralinguistic."""

from .base import MethodError, MethodOptions
from .methods import METHODS, WORD_METHODS, get_methods
from .runner import explain, iter_explain
from .targets import parse_target_spec, resolve_targets

__all__ = ["METHODS", "WORD_METHODS", "MethodError", "MethodOptions", "explain", "get_methods", "iter_explain", "parse_target_spec", "resolve_targets"]
