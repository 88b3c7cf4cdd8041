"""Trains the bundled demo model: a tiny Whisper-encoder classifier with three heads.

Usage: python scripts/train_demo_model.py [--corpus .cache/demo-corpus] [--out assets/models/demo-commands]
       [--minutes 26] [--max-steps 8000]

The 24 logits are one block per slot (action 6, object 14, location 4, like SUPERB's FSC
model); the loss is the sum of the per-slot cross-entropies. The learning rate follows a
cosine over the training, whose length is ``--max-steps`` or ``--minutes`` of wall-clock
time, whichever ends first. Saves the model and its feature extractor with
``save_pretrained``, so ``AutoFeatureExtractor`` and ``AutoModelForAudioClassification``
load it from the folder.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperForAudioClassification

from demo_augment import Augmenter
from demo_commands import SLOTS

LABELS = [label for labels in SLOTS.values() for label in labels]
BLOCKS = [(sum(map(len, list(SLOTS.values())[:k])), sum(map(len, list(SLOTS.values())[: k + 1]))) for k in range(len(SLOTS))]


def read_corpus(corpus: Path, split: str) -> list[dict]:
    """Manifest records of ``split`` with their waveform (float32) under ``audio``."""
    records = [json.loads(line) for line in open(corpus / "manifest.jsonl")]
    records = [r for r in records if r["split"] == split]
    for record in records:
        record["audio"] = sf.read(corpus / record["path"], dtype="float32")[0]
    return records


def targets(records: list[dict]) -> torch.Tensor:
    """(N, slots) class index per slot."""
    return torch.tensor([[labels.index(r["labels"][slot]) for slot, labels in SLOTS.items()] for r in records])


def silence_spans(record: dict) -> list[tuple[float, float]]:
    """Words that carry no slot: the ones training may silence."""
    carriers = {i for i in record["carriers"].values() if i is not None}
    return [(w["start"], w["end"]) for i, w in enumerate(record["words"]) if i not in carriers]


def slot_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Sum over slots of the cross-entropy of that slot's block of logits."""
    return sum(torch.nn.functional.cross_entropy(logits[:, a:b], y[:, k]) for k, (a, b) in enumerate(BLOCKS))


def slot_accuracy(logits: torch.Tensor, y: torch.Tensor) -> list[float]:
    return [float((logits[:, a:b].argmax(1) == y[:, k]).float().mean()) for k, (a, b) in enumerate(BLOCKS)]


def build(args: argparse.Namespace) -> tuple[WhisperFeatureExtractor, WhisperForAudioClassification]:
    """64 log-mel bins every 30 ms over 5 s; two conv layers, then a small transformer, mean pooling."""
    extractor = WhisperFeatureExtractor(feature_size=64, hop_length=480, chunk_length=5, n_fft=512)
    config = WhisperConfig(
        num_mel_bins=64, max_source_positions=extractor.nb_max_frames // 2, d_model=args.hidden,
        encoder_layers=args.layers, encoder_attention_heads=4, encoder_ffn_dim=args.hidden * 2,
        decoder_layers=1, decoder_attention_heads=4, decoder_ffn_dim=args.hidden * 2, vocab_size=4,
        pad_token_id=0, bos_token_id=1, eos_token_id=2, decoder_start_token_id=1,
        classifier_proj_size=args.hidden, dropout=0.0, num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)), label2id={},
    )
    return extractor, WhisperForAudioClassification(config)


def features(extractor: WhisperFeatureExtractor, waveforms: list[np.ndarray]) -> torch.Tensor:
    return extractor(waveforms, sampling_rate=16000, return_tensors="pt").input_features


def evaluate(model, extractor, records: list[dict], y: torch.Tensor) -> list[float]:
    model.eval()
    with torch.inference_mode():
        logits = torch.cat([
            model(features(extractor, [r["audio"] for r in records[i : i + 128]])).logits
            for i in range(0, len(records), 128)
        ])
    model.train()
    return slot_accuracy(logits, y)


def train(args: argparse.Namespace) -> None:
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    began = time.time()
    records = read_corpus(args.corpus, "train")
    held = len(records) // 20
    train_records, val_records = records[:-held], records[-held:]
    y, val_y = targets(train_records), targets(val_records)
    spans = [silence_spans(r) for r in train_records]
    extractor, model = build(args)
    print(f"{len(train_records)} training clips; {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M parameters",
          flush=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    augment = Augmenter(args.seed)
    rng = np.random.default_rng(args.seed)
    budget = args.minutes * 60
    step, order, seen, total = 0, np.array([], int), 0, 0.0
    model.train()
    while True:
        progress = max(step / args.max_steps, (time.time() - began) / budget)
        if progress >= 1.0:
            break
        for group in optimizer.param_groups:
            group["lr"] = args.lr * min(1.0, (step + 1) / args.warmup) * 0.5 * (1 + math.cos(math.pi * progress))
        if len(order) < args.batch:
            order = rng.permutation(len(train_records))
        index, order = order[: args.batch], order[args.batch :]
        batch = features(extractor, [augment(train_records[j]["audio"], spans[j]) for j in index])
        loss = slot_loss(model(batch).logits, y[index])
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step, seen, total = step + 1, seen + len(index), total + loss.item()
        if step % args.log_every == 0:
            accuracy = evaluate(model, extractor, val_records, val_y)
            print(f"step {step} ({seen / len(train_records):.1f} epochs, {(time.time() - began) / 60:.1f} min): "
                  f"loss {total / args.log_every:.3f}, validation "
                  + ", ".join(f"{slot} {a:.3f}" for slot, a in zip(SLOTS, accuracy)), flush=True)
            total = 0.0
            model.save_pretrained(args.out)
            extractor.save_pretrained(args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    extractor.save_pretrained(args.out)
    accuracy = evaluate(model, extractor, val_records, val_y)
    print(f"saved to {args.out} after {step} steps ({seen / len(train_records):.1f} epochs) in "
          f"{(time.time() - began) / 60:.1f} min; validation " + ", ".join(f"{s} {a:.3f}" for s, a in zip(SLOTS, accuracy)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(".cache/demo-corpus"))
    parser.add_argument("--out", type=Path, default=Path("assets/models/demo-commands"))
    parser.add_argument("--minutes", type=float, default=26.0, help="wall-clock budget, data loading included")
    parser.add_argument("--max-steps", type=int, default=8000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--log-every", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1, help="1 is fastest on a busy 2-core machine")
    parser.add_argument("--seed", type=int, default=0)
    train(parser.parse_args())


if __name__ == "__main__":
    main()
