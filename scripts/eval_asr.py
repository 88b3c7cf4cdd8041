"""Word error rate of the offline Whisper transcribers on the English human recordings of the
shared speech folder, and what they make of non-speech (tones, noise).

Usage: python scripts/eval_asr.py [--data ../shared/data/speech] [--asr-model tiny.en base]

Clips: the sets ``commands_en`` (those with a transcript), ``slu`` and ``librivox``: 37 clips of
people speaking. Text is normalised before scoring: lower case, no punctuation, numbers spelt
out ("5" -> "five", "50%" -> "fifty percent"). WER = (substitutions + deletions + insertions)
summed over clips / reference words. Non-speech: 2 s of a 440 Hz tone, a 1 kHz beep train,
white noise at -30 dBFS; a transcriber should hear nothing there (made-up segments filtered).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from speechxai_core.align.whisper import WhisperTranscriber
from speechxai_core.audio import Audio, load_audio
from speechxai_core.evaluation.wer import errors, normalise

SETS = ("commands_en", "slu", "librivox")


def non_speech() -> dict[str, Audio]:
    sr, rng = 16000, np.random.default_rng(0)
    t = np.arange(2 * sr) / sr
    beeps = np.sin(2 * np.pi * 1000 * t) * ((t % 0.5) < 0.2)
    clips = {"tone 440 Hz": 0.3 * np.sin(2 * np.pi * 440 * t), "beeps 1 kHz": 0.3 * beeps,
             "white noise": 0.03 * rng.standard_normal(len(t))}
    return {name: Audio(samples.astype(np.float32), sr, name) for name, samples in clips.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/speech"))
    parser.add_argument("--asr-model", nargs="+", default=["tiny.en", "base"])
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    records = [json.loads(line) for line in open(args.data / "manifest.jsonl")]
    clips = [r for r in records if r["set"] in SETS and r.get("transcript") and r["language"] == "en"]
    results = {}
    for model in args.asr_model:
        started = time.perf_counter()
        transcriber = WhisperTranscriber(model)
        loaded = time.perf_counter() - started
        wrong = words = 0
        filtered, rows = [], []
        for record in clips:
            heard = transcriber.transcription(load_audio(str(args.data / record["path"]), 16000), "en")
            reference, hypothesis = normalise(record["transcript"]), normalise(heard.text)
            wrong += errors(reference, hypothesis)
            words += len(reference)
            filtered += [{**segment, "clip": record["path"]} for segment in heard.filtered]
            rows.append({"clip": record["path"], "reference": record["transcript"], "heard": heard.text})
        seconds = time.perf_counter() - started - loaded
        made_up = {name: {"kept": (heard := transcriber.transcription(audio, "en")).text, "filtered": heard.filtered}
                   for name, audio in non_speech().items()}
        results[model] = {"clips": len(clips), "reference_words": words, "wer": wrong / words,
                          "load_s": loaded, "transcribe_s": seconds, "filtered_on_speech": filtered,
                          "non_speech": made_up, "rows": rows}
        print(f"{model} ({transcriber.describe()}): WER {wrong / words:.1%} ({wrong}/{words} words, {len(clips)} clips), "
              f"load {loaded:.1f} s, {seconds:.1f} s for all clips; speech segments filtered: {len(filtered)}")
        for name, outcome in made_up.items():
            print(f"  {name}: kept '{outcome['kept']}', filtered {[s['text'] for s in outcome['filtered']]}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
