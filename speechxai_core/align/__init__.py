"""Word timestamps: imported files, and aligners that produce them."""

from .proportional import split_transcript
from .words import Word, WordsError, check_words, read_words, words_from_records

__all__ = ["Word", "WordsError", "check_words", "read_words", "split_transcript", "words_from_records"]
