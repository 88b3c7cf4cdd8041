"""Generates the demo corpus: synthetic spoken commands with exact word times (eSpeak NG, Flite).

Usage: python recipes/demo_model/make_demo_corpus.py [--out .cache/demo-corpus] [--train 24000] [--test 600]

Writes 16 kHz mono 16-bit wavs and one ``manifest.jsonl`` (text, words with times, labels
per slot, index of the word carrying each slot, voice, rate, pitch). Splits:
``train`` (training voices and phrasings), ``test`` (held-out voices AND phrasings),
``test_voices`` (held-out voices, training phrasings), ``test_phrasings`` (the reverse),
``test_fresh`` (held-out voices and a second set of held-out phrasings, "fresh": written
after the others had guided the model's design) and ``test_final`` (held-out voices and a
third set, "final": written before the last training runs and scored once, at the end) and
``test_late`` (a fourth set, "late", written before the first Whisper-encoder heads were trained),
``test_fifth`` (a fifth, written before the second heads were trained) and ``test_sixth`` (a
sixth, written before any result of the ensemble of heads).
The same seed gives the same corpus.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from demo_commands import pick_voice, sample_command
from espeak_tts import ESpeak
from flite_tts import Flite

SAMPLE_RATE = 16000
MAX_SECONDS = 4.5
SPLITS = {"train": ("train", "train"), "test": ("test", "test"),
          "test_voices": ("test", "train"), "test_phrasings": ("train", "test"), "test_fresh": ("test", "fresh"),
          "test_final": ("test", "final"), "test_late": ("test", "late"),
          "test_fifth": ("test", "fifth"), "test_sixth": ("test", "sixth")}


class Speakers:
    """Both engines: ``espeak`` voices are ``language+variant``, ``flite`` ones ``flite:name``."""

    def __init__(self) -> None:
        self.espeak, self.flite = ESpeak(), Flite()

    def synth(self, text: str, voice: str, rate: int, pitch: int, pitch_range: int):
        """eSpeak's words per minute and pitch (0-100, 50 normal); Flite maps them to a duration
        stretch (175 / rate) and an F0 factor (0.8 at pitch 25 to 1.25 at 75)."""
        if voice.startswith("flite:"):
            return self.flite.synth(text, voice.split(":")[1], stretch=175 / rate, pitch=0.8 + 0.45 * (pitch - 25) / 50)
        return self.espeak.synth(text, voice, rate=rate, pitch=pitch, pitch_range=pitch_range)


def synthesize(engine: Speakers, rng: random.Random, voice_split: str, phrasing_split: str) -> tuple[np.ndarray, dict]:
    """One utterance: int16 samples at 16 kHz (with random leading/trailing silence) and its record."""
    command = sample_command(rng, phrasing_split)
    voice = pick_voice(rng, voice_split)
    rate, pitch, pitch_range = rng.randint(130, 210), rng.randint(25, 75), rng.randint(20, 80)
    speech = engine.synth(command.text, voice, rate=rate, pitch=pitch, pitch_range=pitch_range)
    audio = soxr.resample(speech.samples.astype(np.float32) / 32768.0, speech.sample_rate, SAMPLE_RATE)
    lead, tail = rng.uniform(0.05, 0.3), rng.uniform(0.05, 0.2)
    audio = np.concatenate([np.zeros(int(lead * SAMPLE_RATE)), audio, np.zeros(int(tail * SAMPLE_RATE))])
    words = [{**w, "start": round(w["start"] + lead, 3), "end": round(w["end"] + lead, 3)} for w in speech.words]
    token_word = [i for i, w in enumerate(words) for _ in w["word"].split()]
    if len(token_word) != len(command.text.split()):
        raise RuntimeError(f"{voice} returned words {[w['word'] for w in words]} for '{command.text}'")
    record = {
        "text": command.text, "words": words, "labels": command.labels,
        "carriers": {slot: None if index is None else token_word[index] for slot, index in command.carriers.items()},
        "voice": voice, "rate": rate, "pitch": pitch, "range": pitch_range,
        "family": command.family, "template": command.template,
    }
    pcm = np.clip(np.round(audio * 32767), -32768, 32767).astype(np.int16)
    return pcm, record


def generate(out: Path, counts: dict[str, int], seed: int) -> None:
    """Writes ``counts[split]`` utterances per split under ``out`` and the manifest. Each split has
    its own random stream (seeded by its place in ``SPLITS``), so a split comes out the same
    whether or not the others are generated with it."""
    engine = Speakers()
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "manifest.jsonl", "w") as manifest:
        for split, count in counts.items():
            rng = random.Random(seed * 100 + list(SPLITS).index(split))
            (out / split).mkdir(exist_ok=True)
            written = 0
            while written < count:
                pcm, record = synthesize(engine, rng, *SPLITS[split])
                if len(pcm) > MAX_SECONDS * SAMPLE_RATE:
                    continue
                path = f"{split}/{written:05d}.wav"
                sf.write(out / path, pcm, SAMPLE_RATE, subtype="PCM_16")
                manifest.write(json.dumps({"path": path, "split": split, **record}) + "\n")
                written += 1
            print(f"{split}: {count} utterances")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(".cache/demo-corpus"))
    parser.add_argument("--train", type=int, default=24000)
    parser.add_argument("--test", type=int, default=600, help="utterances in each held-out split")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--splits", nargs="+", choices=list(SPLITS), default=list(SPLITS),
                        help="generate only these splits (e.g. in parallel runs into separate folders)")
    args = parser.parse_args()
    counts = {split: args.train if split == "train" else args.test for split in args.splits}
    generate(args.out, counts, args.seed)


if __name__ == "__main__":
    main()
