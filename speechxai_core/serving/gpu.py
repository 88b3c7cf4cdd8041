"""ZeroGPU support: ``spaces.GPU`` around GPU work on Hugging Face Spaces, a no-op elsewhere."""

from __future__ import annotations

from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)


def gpu_task(fn: F) -> F:
    try:
        import spaces
    except ImportError:
        return fn
    return spaces.GPU(fn)
