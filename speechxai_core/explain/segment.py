"""One part of a recording, and the model's input window inside it.

A segment ``[start, end)`` (seconds of the recording) is cut out and scored alone; words keep
the recording's timeline in the explanation and are shifted by ``-start`` for rendering.
Words given for the whole recording keep only those with at least half their span inside the
segment (cut to it). A word is *heard* when at least half of its span lies within the first
``max_duration`` seconds of what is scored (the model's input window).
"""

from __future__ import annotations

from ..audio import Audio, AudioError
from ..align.words import Word
from ..models.presets import display_name

#: Share of a word's span that must lie inside a segment or window for the word to count.
INSIDE_SHARE = 0.5


def cut(recording: Audio, start: float | None, end: float | None) -> tuple[Audio, dict | None]:
    """The part ``[start, end)`` of ``recording`` and its record (None when the whole is meant)."""
    if start is None and end is None:
        return recording, None
    begin = 0.0 if start is None else float(start)
    stop = recording.duration if end is None else float(end)
    if begin < 0 or stop <= begin:
        raise AudioError(f"{recording.name}: the segment {begin:g}-{stop:g} s is empty or reversed")
    if begin >= recording.duration:
        raise AudioError(f"{recording.name}: the segment starts at {begin:g} s, after the end of the "
                         f"recording ({recording.duration:.2f} s)")
    stop = min(stop, recording.duration)
    a, b = round(begin * recording.sr), round(stop * recording.sr)
    part = Audio(recording.samples[a:b], recording.sr, recording.name)
    return part, {"start": a / recording.sr, "end": b / recording.sr}


def offset(segment: dict | None) -> float:
    return segment["start"] if segment else 0.0


def shift(words: list[Word], delta: float) -> list[Word]:
    return [Word(w.word, w.start + delta, w.end + delta, w.score) for w in words]


def inside(words: list[Word], start: float, end: float) -> list[Word]:
    """Words with at least ``INSIDE_SHARE`` of their span in ``[start, end)``, cut to it."""
    kept = []
    for w in words:
        overlap = min(w.end, end) - max(w.start, start)
        if w.end > w.start and overlap >= INSIDE_SHARE * (w.end - w.start):
            kept.append(Word(w.word, max(w.start, start), min(w.end, end), w.score))
    return kept


def heard(words: list[Word], max_duration: float | None) -> list[int]:
    """Indices of the words (clip time) the model hears: at least half inside ``[0, max_duration)``."""
    if max_duration is None:
        return list(range(len(words)))
    return [i for i, w in enumerate(words)
            if w.end <= max_duration or min(w.end, max_duration) - w.start >= INSIDE_SHARE * (w.end - w.start)]


def unheard_message(classifier, words: list[str], segment: dict | None, limit: int = 12) -> str:
    """The ``beyond_model_window`` caveat: which words, and where the model stops listening."""
    listed = ", ".join(words[:limit]) + (f" and {len(words) - limit} more" if len(words) > limit else "")
    stop = offset(segment) + classifier.max_duration
    return (f"the model '{display_name(classifier.name)}' hears only the first {classifier.max_duration:g} s of its "
            f"input (up to {stop:.2f} s of the recording); {len(words)} word(s) after that are not scored: {listed}. "
            "To score them, explain a later part (Explain from / up to in the app, --start / --end on the "
            "command line)")
