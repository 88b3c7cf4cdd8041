"""Caches the frozen encoder's pooled hidden states of every corpus clip, so that training the
heads never runs the encoder.

Usage: python recipes/demo_model/encoder_features.py [--corpus .cache/demo-corpus]
       [--out .cache/encoder-features] [--splits train test ...] [--limit 5000 600 ...]

Training clips are played faster or slower (a share ``--speed-share`` of them, by a factor in
``SPEEDS``: pitch, formants and tempo move together, a cheap new voice), go through a random
channel (``demo_channel``) and then, as word LOO does it,
get words zeroed: in 25 % one word carrying a slot (those slots' targets become "unknown",
i.e. uniform), in 25 % each word that carries nothing w.p. ½. Held-out clips are left as they
are. Per split: ``{split}.npy`` (frames, layers, width) float16 — the frames the model's mask
keeps (the clip + its tail) — and ``{split}.json``, per clip its first frame, frame count,
labels and unknown slots. The same seed gives the same cache.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr
import torch

from demo_channel import Channel
from demo_commands import SLOTS
from speechxai_core.models.encoder_slots import FRAME_SECONDS, pooled_states, window_frames
from speechxai_core.models.whisper_encoder import load_encoder
from speechxai_core.models.whisper_features import WhisperLogMel

ENCODER = "whisper-tiny.en"
WINDOW = 8.0  # seconds: the declared input window
TAIL = 0.5  # seconds of frames after the clip's end that the heads still see
SAMPLE_RATE = 16000
CHUNK = 32
SPEEDS = (0.88, 1.12)


def kept_frames(length: int) -> int:
    """Head frames (40 ms) that start before the clip's end + ``TAIL``."""
    return int(np.ceil((min(length, WINDOW * SAMPLE_RATE) / SAMPLE_RATE + TAIL) / FRAME_SECONDS - 1e-9))


def change_speed(audio: np.ndarray, record: dict, rng: random.Random) -> tuple[np.ndarray, dict]:
    """``audio`` played ``s`` times as fast, s uniform in ``SPEEDS``, and the record with its word times / s."""
    speed = rng.uniform(*SPEEDS)
    faster = soxr.resample(audio, SAMPLE_RATE * speed, SAMPLE_RATE).astype(np.float32)
    words = [{**word, "start": word["start"] / speed, "end": word["end"] / speed} for word in record["words"]]
    return faster, {**record, "words": words}


def silence_words(audio: np.ndarray, record: dict, rng: random.Random) -> tuple[np.ndarray, list[str]]:
    """``audio`` with words zeroed (see the module doc) and the slots made unknown."""
    carriers = {slot: index for slot, index in record["carriers"].items() if index is not None}
    draw, silenced, unknown = rng.random(), set(), []
    if draw < 0.25 and carriers:
        word = rng.choice(sorted(set(carriers.values())))
        silenced, unknown = {word}, sorted(slot for slot, index in carriers.items() if index == word)
    elif draw < 0.5:
        silenced = {i for i in range(len(record["words"])) if i not in carriers.values() and rng.random() < 0.5}
    audio = audio.copy()
    for index in silenced:
        word = record["words"][index]
        audio[int(round(word["start"] * SAMPLE_RATE)): int(round(word["end"] * SAMPLE_RATE))] = 0.0
    return audio, unknown


def encode(encoder, extractor, clips: list[np.ndarray]) -> list[np.ndarray]:
    """Kept pooled hidden states (frames, layers, width) of each clip, as the model computes them."""
    windows = [window_frames(len(c), SAMPLE_RATE, TAIL, WINDOW) for c in clips]
    out: list[np.ndarray | None] = [None] * len(clips)
    for frames in sorted(set(windows)):
        rows = [i for i, w in enumerate(windows) if w == frames]
        features = extractor.features([clips[i] for i in rows], frames)
        with torch.inference_mode():
            states = pooled_states(encoder, features).permute(0, 2, 1, 3).numpy()
        for row, state in zip(rows, states):
            out[row] = state[: kept_frames(len(clips[row]))].astype(np.float16)
    return out


def cache_split(corpus: Path, out: Path, split: str, records: list[dict], encoder, extractor, seed: int,
                speed_share: float) -> None:
    rng, channel_rng = random.Random(seed), np.random.default_rng(seed)
    channel = Channel(seed=seed) if split.startswith("train") else None
    index, chunks, offset, started = [], [], 0, time.time()
    for start in range(0, len(records), CHUNK):
        batch = records[start: start + CHUNK]
        clips, unknowns = [], []
        for record in batch:
            audio = sf.read(corpus / record["path"], dtype="float32")[0]
            unknown: list[str] = []
            if channel is not None:
                if speed_share and rng.random() < speed_share:
                    audio, record = change_speed(audio, record, rng)
                audio, _ = channel(audio, channel_rng)
                audio, unknown = silence_words(audio, record, rng)
            clips.append(audio[: int(WINDOW * SAMPLE_RATE)])
            unknowns.append(unknown)
        for record, unknown, states in zip(batch, unknowns, encode(encoder, extractor, clips)):
            labels = {slot: SLOTS[slot].index(record["labels"][slot]) for slot in SLOTS}
            index.append({"path": record["path"], "offset": offset, "frames": len(states), "labels": labels,
                          "unknown": unknown, "frame_seconds": FRAME_SECONDS})
            chunks.append(states)
            offset += len(states)
        if start // CHUNK % 20 == 0:
            print(f"{split}: {start + len(batch)}/{len(records)} clips, {time.time() - started:.0f} s", flush=True)
    np.save(out / f"{split}.npy", np.concatenate(chunks))
    (out / f"{split}.json").write_text(json.dumps(index))
    print(f"{split}: {len(records)} clips, {offset} frames, {time.time() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(".cache/demo-corpus"))
    parser.add_argument("--out", type=Path, default=Path(".cache/encoder-features"))
    parser.add_argument("--splits", nargs="+", default=["test", "test_fresh", "test_voices", "test_phrasings",
                                                         "test_final", "test_late", "train"])
    parser.add_argument("--limit", type=int, nargs="+", default=[],
                        help="at most this many clips (the first ones) of each split, in the order of --splits")
    parser.add_argument("--skip", type=int, default=0,
                        help="leave out this many first clips of each split (to cache a further slice in parallel)")
    parser.add_argument("--suffix", default="", help="appended to the cache files' names (e.g. train-2)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--speed-share", type=float, default=0.5, help="share of training clips played faster or slower")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    args.out.mkdir(parents=True, exist_ok=True)
    encoder = load_encoder(ENCODER, int(WINDOW / 0.02))
    extractor = WhisperLogMel(encoder.config.num_mel_bins, SAMPLE_RATE)
    records = [json.loads(line) for line in open(args.corpus / "manifest.jsonl")]
    for number, split in enumerate(args.splits):
        chosen = [r for r in records if r["split"] == split][args.skip:]
        if number < len(args.limit):
            chosen = chosen[: args.limit[number]]
        if not chosen:
            sys.exit(f"no clips of split '{split}' in {args.corpus}")
        cache_split(args.corpus, args.out, split + args.suffix, chosen, encoder, extractor, args.seed + args.skip,
                    args.speed_share)


if __name__ == "__main__":
    main()
