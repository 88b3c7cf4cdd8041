"""Word timestamps: aligners (embedded pocketsphinx, CTC, Whisper, WhisperX), files, and fallbacks."""

from .base import Aligner, Alignment, AlignmentError
from .files import write_words
from .proportional import split_transcript
from .registry import ALIGNER_NAMES, align, clear_cache, get_aligner
from .windows import DEFAULT_WINDOW_S, window_words
from .words import Word, WordsError, check_words, read_words, words_from_records

__all__ = [
    "ALIGNER_NAMES",
    "DEFAULT_WINDOW_S",
    "Aligner",
    "Alignment",
    "AlignmentError",
    "Word",
    "WordsError",
    "align",
    "check_words",
    "clear_cache",
    "get_aligner",
    "read_words",
    "split_transcript",
    "window_words",
    "words_from_records",
    "write_words",
]
