"""Serving limits (file size, clip duration, concurrency), configurable by environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..audio import AudioError
from ..errors import SpeechXAIError, echo

#: Most words a transcript may have per second of the longest clip (fast speech is 4-6 words/s).
MAX_WORDS_PER_S = 10
#: Longest word of a transcript, and longest text typed in a short field (model, heads, class), characters.
MAX_WORD_CHARS = 40
MAX_FIELD_CHARS = 300


class RequestError(SpeechXAIError, ValueError):
    """A request beyond the server's bounds (refused before any work)."""

ENV = {
    "max_file_mb": "SPEECHXAI_MAX_FILE_MB",
    "max_duration_s": "SPEECHXAI_MAX_DURATION_S",
    "concurrency": "SPEECHXAI_CONCURRENCY",
    "queue_size": "SPEECHXAI_QUEUE_SIZE",
    "max_method_s": "SPEECHXAI_MAX_METHOD_S",
    "file_max_age_s": "SPEECHXAI_FILE_MAX_AGE_S",
    "workspace_max_mb": "SPEECHXAI_WORKSPACE_MAX_MB",
}


@dataclass(frozen=True)
class Limits:
    """``max_file_mb`` per upload, ``max_duration_s`` per clip, ``concurrency`` explanations at once,
    ``queue_size`` requests waiting; files the app writes are removed after ``file_max_age_s`` and
    its workspace (downloads, dataset runs) is kept under ``workspace_max_mb``; a method whose work (variants × the
    model's cost per variant, measured once) is over ``max_method_s`` is not run."""

    max_file_mb: float = 20.0
    max_duration_s: float = 60.0
    concurrency: int = 2
    queue_size: int = 32
    max_method_s: float = 120.0
    file_max_age_s: float = 3600.0
    workspace_max_mb: float = 500.0

    @classmethod
    def from_env(cls, environ: dict | None = None) -> "Limits":
        environ = os.environ if environ is None else environ
        values = {}
        for field, variable in ENV.items():
            if environ.get(variable, "").strip():
                kind = int if field in ("concurrency", "queue_size") else float
                try:
                    values[field] = kind(environ[variable])
                except ValueError:
                    raise ValueError(f"{variable} must be a number, got '{environ[variable]}'") from None
                if values[field] <= 0:
                    raise ValueError(f"{variable} must be positive, got '{environ[variable]}'")
        return cls(**values)

    @property
    def max_transcript_words(self) -> int:
        return max(20, int(self.max_duration_s * MAX_WORDS_PER_S))

    def check_transcript(self, transcript: str) -> None:
        """Raise :class:`RequestError` for a transcript longer than any clip of ``max_duration_s`` could say."""
        words = len(transcript.split())
        if words > self.max_transcript_words or len(transcript) > self.max_transcript_words * MAX_WORD_CHARS:
            raise RequestError(f"the transcript has {words:,} words ({len(transcript):,} characters); a clip of up to "
                               f"{self.max_duration_s:g} s takes at most {self.max_transcript_words:,} words here")

    @staticmethod
    def check_field(label: str, text: str) -> None:
        """Raise :class:`RequestError` when a short field (``label``: what it is) is over ``MAX_FIELD_CHARS``."""
        if len(text) > MAX_FIELD_CHARS:
            raise RequestError(f"the {label} is {len(text):,} characters long ('{echo(text, 40)}'); "
                               f"at most {MAX_FIELD_CHARS} are accepted")

    def check_file(self, path: str | os.PathLike) -> None:
        """Raise :class:`AudioError` when the file at ``path`` is larger than ``max_file_mb``."""
        size_mb = Path(path).stat().st_size / 1e6
        if size_mb > self.max_file_mb:
            raise AudioError(
                f"{Path(path).name}: the file is {size_mb:.1f} MB; this server accepts up to "
                f"{self.max_file_mb:g} MB ({ENV['max_file_mb']})"
            )
