"""Attribution methods on the scoring engine: word leave-one-out and paralinguistic."""

from .methods import METHODS, get_methods
from .runner import explain, iter_explain
from .targets import parse_target_spec, resolve_targets

__all__ = ["METHODS", "explain", "get_methods", "iter_explain", "parse_target_spec", "resolve_targets"]
