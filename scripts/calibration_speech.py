"""Synthetic speech for choosing the thresholds of the word and scope checks (never the human recordings).

Two kinds of utterance, each spoken by a held-out eSpeak NG voice of the demo recipe (or a Flite
voice) and sent through the recipe's random channel (rooms, noise, band limits, gain):

- ``in_scope``: commands of the demo grammar's held-out phrasings (``recipes/demo_model``);
- ``out_of_scope``: sentences outside that grammar, written for this set (timers, weather, doors,
  shopping, media, questions, small talk).

Each utterance also gets a one-word substitution of its text (``substituted``, the swapped
word in ``swapped``): a content word replaced by another word of the same kind. The same seed
gives the same set; it is written once under ``.cache/calibration`` (wav + ``manifest.jsonl``).

    python scripts/calibration_speech.py [--count 120] [--out .cache/calibration]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "recipes" / "demo_model")]

SAMPLE_RATE = 16000

OUT_OF_GRAMMAR = [
    "set a timer for ten minutes", "how long is left on my timer", "stop the alarm", "wake me up at seven",
    "remind me to call my mother tomorrow", "what is the weather like today", "will it rain this afternoon",
    "how hot will it be on friday", "is the back door locked", "open the garage door", "close the blinds",
    "add milk to my shopping list", "what is on my shopping list", "play some jazz", "skip this song",
    "who sings this song", "what time is it in london", "what day is it today", "tell me a joke",
    "how far is the moon", "call my sister", "read my new messages", "start the vacuum cleaner",
    "lock the car", "how many calories are in an apple", "what is the capital of france",
    "order a pizza for dinner", "set an alarm for six thirty", "pause the movie", "what is the humidity outside",
    "where is my phone", "spell the word necessary", "cancel my meeting at noon", "how old is the earth",
    "the train leaves at nine", "my friend has a red bicycle", "we walked along the river",
    "she bought two tickets for the concert", "the children are playing in the garden",
    "this book was written a long time ago",
]

#: One-word substitutions: a word and words of the same kind that may replace it.
SWAPS = {
    "kitchen": ["bedroom", "washroom", "office"], "bedroom": ["kitchen", "washroom"], "washroom": ["kitchen", "bedroom"],
    "on": ["off"], "off": ["on"], "up": ["down"], "down": ["up"], "lights": ["music", "heat"], "light": ["lamp"],
    "lamp": ["light", "music"], "music": ["lights", "heat"], "heat": ["music", "lights"], "volume": ["heat"],
    "newspaper": ["shoes", "juice"], "juice": ["socks", "shoes"], "socks": ["shoes", "juice"], "shoes": ["socks"],
    "increase": ["decrease"], "decrease": ["increase"], "activate": ["deactivate"], "deactivate": ["activate"],
    "louder": ["quieter"], "quieter": ["louder"], "warmer": ["colder"], "colder": ["warmer"],
    "german": ["korean", "english"], "korean": ["chinese", "german"], "chinese": ["korean"], "english": ["german"],
    "minutes": ["seconds", "hours"], "ten": ["five", "two"], "seven": ["nine", "eleven"], "back": ["front"],
    "open": ["close"], "close": ["open"], "milk": ["bread", "eggs"], "jazz": ["rock"], "song": ["track"],
    "london": ["paris"], "friday": ["monday"], "rain": ["snow"], "sister": ["brother"], "car": ["house"],
    "pizza": ["salad"], "movie": ["music"], "phone": ["keys"], "red": ["blue"], "river": ["road"],
    "garden": ["kitchen"], "book": ["song"], "apple": ["orange"], "france": ["spain"], "moon": ["sun"],
    "tomorrow": ["tonight"], "today": ["tomorrow"], "alarm": ["timer"], "timer": ["alarm"], "blinds": ["windows"],
    "concert": ["movie"], "train": ["bus"], "meeting": ["lunch"], "earth": ["moon"], "messages": ["emails"],
}


def substitution(text: str, rng: random.Random) -> tuple[str, str] | None:
    """``text`` with one word swapped for another of the same kind, and the new word (None: no such word)."""
    tokens = text.split()
    places = [i for i, token in enumerate(tokens) if token in SWAPS]
    if not places:
        return None
    i = rng.choice(places)
    new = rng.choice(SWAPS[tokens[i]])
    return " ".join(tokens[:i] + [new] + tokens[i + 1:]), new


def build(out: Path, count: int, seed: int = 0) -> list[dict]:
    """``count`` utterances of each kind under ``out`` (reused when already there)."""
    manifest = out / "manifest.jsonl"
    if manifest.is_file():
        rows = [json.loads(line) for line in manifest.read_text().splitlines() if line.strip()]
        if len(rows) == 2 * count:
            return rows
    from demo_channel import Channel
    from demo_commands import FLITE_VOICES, pick_voice, sample_command
    from make_demo_corpus import Speakers

    engine, channel = Speakers(), Channel(seed=seed + 7, clean=0.15)
    rng, noise_rng = random.Random(seed), np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for kind in ("in_scope", "out_of_scope"):
        for n in range(count):
            if kind == "in_scope":
                command = sample_command(rng, rng.choice(["test", "fresh", "final", "late", "fifth", "sixth"]))
                text, labels = command.text.lower(), command.labels
            else:
                text, labels = OUT_OF_GRAMMAR[n % len(OUT_OF_GRAMMAR)], None
            voice = rng.choice(FLITE_VOICES) if rng.random() < 0.25 else pick_voice(rng, "test")
            rate, pitch, spread = rng.randint(130, 200), rng.randint(25, 75), rng.randint(20, 80)
            speech = engine.synth(text, voice, rate=rate, pitch=pitch, pitch_range=spread)
            audio = soxr.resample(speech.samples.astype(np.float32) / 32768.0, speech.sample_rate, SAMPLE_RATE)
            lead, tail = rng.uniform(0.1, 0.5), rng.uniform(0.1, 0.4)
            audio = np.concatenate([np.zeros(int(lead * SAMPLE_RATE)), audio, np.zeros(int(tail * SAMPLE_RATE))])
            audio, channel_done = channel(audio, noise_rng)
            path = f"{kind}_{n:03d}.wav"
            sf.write(out / path, audio, SAMPLE_RATE, subtype="PCM_16")
            swapped = substitution(text, rng)
            rows.append({"path": path, "kind": kind, "text": text, "labels": labels, "voice": voice,
                         "channel": channel_done, "substituted": swapped[0] if swapped else None,
                         "swapped": swapped[1] if swapped else None})
    manifest.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=120, help="utterances of each kind")
    parser.add_argument("--out", type=Path, default=ROOT / ".cache" / "calibration")
    args = parser.parse_args()
    rows = build(args.out, args.count)
    print(f"{len(rows)} utterances in {args.out}")


if __name__ == "__main__":
    main()
