"""The caveats of one explanation, from what the run found (see ``explanation.WARNING_CODES``)."""

from __future__ import annotations

import numpy as np

from ..audio import SILENCE_PEAK, Audio
from ..explanation import Explanation


def add_caveats(explanation: Explanation, clip: Audio, aligner: dict) -> None:
    """Silence, and what the aligner could not do (fallback, guessed pronunciations or timings,
    a transcript that does not fit, transcribed words the recogniser was unsure of, transcribed
    text dropped as made up)."""
    if len(clip.samples) and float(np.max(np.abs(clip.samples))) < SILENCE_PEAK:
        explanation.warn("silent_clip", f"{clip.name}: the clip is silent; its explanation will be flat")
    if aligner.get("name") == "windows" and "reason" in aligner:
        explanation.warn("alignment_fallback", f"no words could be aligned ({aligner['reason']}); windows of "
                                               f"{aligner.get('window', 0):g} s stand in for them")
    fit = aligner.get("transcript_fit") or {}
    if fit.get("flagged"):
        explanation.warn("transcript_mismatch", fit.get("message") or "the transcript may not fit the audio")
    if fit.get("skipped"):
        explanation.warn("transcript_unchecked", f"the transcript was not checked against the audio: {fit['skipped']}")
    guessed = aligner.get("pronunciation_guessed") or []
    if guessed:
        explanation.warn("pronunciation_guessed", f"pronunciation guessed (not in the dictionary) for: "
                                                  f"{', '.join(guessed)}; their timing may be less precise")
    timed = aligner.get("timing_guessed") or []
    if timed:
        explanation.warn("timing_guessed", f"word times are estimates, not an alignment, for: {_list(timed)}")
    uncertain = aligner.get("uncertain_words") or []
    if uncertain:
        explanation.warn("transcript_uncertain", f"automatic transcript: the recogniser was unsure of {_list(uncertain)}; "
                                                 "check and correct these words, then Explain again")
    dropped = [segment["text"] for segment in aligner.get("filtered_segments") or []]
    if dropped:
        explanation.warn("transcription_filtered", f"transcribed text dropped as made up on non-speech (not "
                                                   f"explained): {_list(dropped)}; type the transcript if it was said")


def _list(words: list[str], limit: int = 12) -> str:
    shown = ", ".join(words[:limit])
    return shown + (f" and {len(words) - limit} more" if len(words) > limit else "")


def add_scope(explanation: Explanation, scope: dict | None) -> None:
    """Record the model's scope signal (``model["scope"]``) and warn ``out_of_scope`` above its threshold."""
    if scope is None:
        return
    explanation.model["scope"] = scope
    if scope["out_of_scope"]:
        explanation.warn("out_of_scope", f"the clip seems unlike what the model was built for ({scope['signal']}: "
                                         f"{scope['score']:.3g}, above {scope['threshold']:g}); its prediction and "
                                         "this explanation may mean little")
