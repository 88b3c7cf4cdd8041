"""Word times straight from faster-whisper (cross-attention timing), for any language it knows.

Cheaper than transcribe-then-align but looser: Whisper's word boundaries drift by tens of
milliseconds. A given transcript is not forced; it only checks that something was heard.
``auto`` falls back to it for a language with no forced aligner available offline (Italian
with the multilingual ``base`` model, for instance); the settings say so.
"""

from __future__ import annotations

from ..audio import Audio
from .base import Aligner, Alignment, AlignmentError
from .checks import require_speech
from .whisper import filtered_note, filtered_setting, get_transcriber, segment_words


class WhisperWordsAligner(Aligner):
    name = "whisper"

    def __init__(self, asr_model: str | None = None):
        self.asr_model = asr_model
        self.transcriber = get_transcriber(asr_model)

    def settings(self) -> dict:
        return {"asr_model": self.transcriber.describe(), "word_times": "Whisper (not force-aligned)"}

    def align(self, audio: Audio, transcript: str | None, language: str = "en") -> Alignment:
        require_speech(audio)
        if transcript is not None:
            raise AlignmentError("the 'whisper' aligner only transcribes; to force a transcript use pocketsphinx or ctc")
        heard = self.transcriber.transcription(audio, language, word_timestamps=True)
        words = segment_words(heard.segments, audio.duration)
        if not words:
            raise AlignmentError(f"{audio.name}: no words were heard in the clip" + filtered_note(heard))
        settings = {**self.settings(), "language": language, "transcribed": True, **filtered_setting(heard),
                    "asr_confidence": [w.score for w in words]}
        return Alignment(words, self.name, heard.text, settings, timing_guessed=[w.word for w in words])
