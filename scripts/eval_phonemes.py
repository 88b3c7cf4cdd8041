"""Phoneme boundaries against eSpeak NG's own phoneme events on synthetic speech.

Each sentence is spoken by eSpeak NG (several voices and rates); the exact word spans of the
synthesiser are given as word timings, the phonemes are aligned inside them
(:func:`speechxai_core.align.phones.align_phones`), and every inner boundary (the start of a word's
2nd, 3rd, … phoneme) is compared with the start of the matching eSpeak phoneme event. Words whose
eSpeak phoneme count differs from the dictionary's are left out (the symbols cannot be paired).
Prints the mean and median absolute error (ms) and, as the floor to beat, the same error of an equal
split of each word between its phonemes.

    python scripts/eval_phonemes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import soxr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from speechxai_core.align.espeak import synthesize  # noqa: E402
from speechxai_core.align.phones import align_phones  # noqa: E402
from speechxai_core.align.words import Word  # noqa: E402
from speechxai_core.audio import Audio  # noqa: E402

SR = 16000
LEAD_S = 0.3
SENTENCES = (
    "the cat sees a fish", "turn on the kitchen lights", "switch off the music please",
    "bring me the newspaper from the bedroom", "make it warmer in the washroom",
    "she sells sea shells", "change the language to german", "decrease the heat now",
    "fetch my shoes and socks", "lower the volume a little",
)
VOICES = (("en-us", 175), ("en-gb-x-rp+m7", 160), ("en-us+f4", 190), ("en-gb-scotland+m3", 150))


def boundaries(text: str, voice: str, rate: int) -> tuple[list[float], list[float]]:
    """(errors of the aligned boundaries, errors of an equal split) in seconds, for one synthesis."""
    synthesis = synthesize(text, voice, rate)
    samples = soxr.resample(synthesis.samples, synthesis.sr, SR).astype(np.float32)
    samples = np.concatenate([np.zeros(int(LEAD_S * SR), np.float32), samples])
    words = [Word(w.word, w.start + LEAD_S, w.end + LEAD_S) for w in synthesis.words]
    events = [(name, start + LEAD_S) for name, start in synthesis.phonemes if not name.startswith("_")]
    phones, _ = align_phones(Audio(samples, SR, "spoken.wav"), words)
    aligned, equal = [], []
    for index, word in enumerate(words):
        own = [p for p in phones if p.word_index == index]
        truth = [t for _, t in events if word.start - 1e-6 <= t < word.end - 1e-6]
        if len(own) < 2 or len(truth) != len(own):
            continue
        step = (word.end - word.start) / len(own)
        for j in range(1, len(own)):
            aligned.append(abs(own[j].start - truth[j]))
            equal.append(abs(word.start + j * step - truth[j]))
    return aligned, equal


def main() -> None:
    aligned, equal = [], []
    for voice, rate in VOICES:
        for text in SENTENCES:
            a, e = boundaries(text, voice, rate)
            aligned += a
            equal += e
    aligned, equal = np.array(aligned) * 1000, np.array(equal) * 1000
    print(f"{len(aligned)} inner phoneme boundaries ({len(SENTENCES)} sentences × {len(VOICES)} voices)")
    print(f"aligned (PocketSphinx inside the word): mean {aligned.mean():.1f} ms, median {np.median(aligned):.1f} ms, "
          f"within 20 ms {np.mean(aligned <= 20):.0%}")
    print(f"equal split of the word:               mean {equal.mean():.1f} ms, median {np.median(equal):.1f} ms, "
          f"within 20 ms {np.mean(equal <= 20):.0%}")


if __name__ == "__main__":
    main()
