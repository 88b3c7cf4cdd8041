"""Models named by Python code: ``path/to/file.py:name`` or ``package.module:name``.

``name`` is a :class:`Classifier` or a function (no arguments) that returns one, e.g. a
:class:`CallableClassifier` wrapping an ONNX session, or a
:class:`~.torch_module.TorchClassifier` wrapping a ``torch.nn.Module`` (gradients and the sanity check). Importing the file runs its code: only
name files you trust.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path

from .base import Classifier, ModelLoadError

_SPEC = re.compile(r"^(?P<target>.+\.py|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):(?P<name>[A-Za-z_]\w*)$")


def is_code_spec(model: str | None) -> bool:
    """True for ``file.py:name`` and ``package.module:name`` (hub ids and folders never match)."""
    return bool(model) and _SPEC.match(model) is not None


def load_code_model(spec: str) -> Classifier:
    """Import the file or module of ``spec`` and return its classifier (see the module doc)."""
    match = _SPEC.match(spec)
    if match is None:
        raise ModelLoadError(f"'{spec}' is not file.py:name or package.module:name")
    target, name = match["target"], match["name"]
    module = _import(target, spec)
    if not hasattr(module, name):
        raise ModelLoadError(f"{target} has no '{name}'")
    value = getattr(module, name)
    if any(cls.__module__ == "torch.nn.modules.module" and cls.__name__ == "Module" for cls in type(value).__mro__):
        raise ModelLoadError(f"{spec}: '{name}' is a torch.nn.Module; give its class names: "
                             f"{name} = TorchClassifier(module, labels=[...]) (from speechxai_core)")
    if not isinstance(value, Classifier) and callable(value) and not isinstance(value, type):
        try:
            value = value()
        except Exception as exc:  # noqa: BLE001 - the user's code failed: one line
            raise ModelLoadError(f"{spec}: calling {name}() failed ({type(exc).__name__}: {_first(exc)})") from None
    if not isinstance(value, Classifier):
        raise ModelLoadError(f"{spec}: '{name}' is neither a Classifier nor a function returning one "
                             f"(got {type(value).__name__}); wrap a function with CallableClassifier")
    return value


def _import(target: str, spec: str):
    try:
        if target.endswith(".py"):
            path = Path(target).expanduser()
            if not path.is_file():
                raise ModelLoadError(f"model file '{target}' not found")
            module_name = f"speechxai_user_model_{abs(hash(str(path.resolve())))}"
            loader = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(loader)
            sys.modules[module_name] = module
            loader.loader.exec_module(module)
            return module
        return importlib.import_module(target)
    except ModelLoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - import errors of user code: one line
        raise ModelLoadError(f"{spec}: importing {target} failed ({type(exc).__name__}: {_first(exc)})") from None


def _first(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:160]
