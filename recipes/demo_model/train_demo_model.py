"""Trains the bundled demo model: a tiny Whisper-encoder classifier with three heads.

Usage: python recipes/demo_model/train_demo_model.py [--corpus .cache/demo-corpus] [--out assets/models/demo-commands]
       [--minutes 29] [--max-steps 27000]

The 24 logits are one block per slot (action 6, object 14, location 4, like SUPERB's FSC
model); the loss is the sum of the per-slot cross-entropies, against a uniform target for a
slot whose carrying word the augmentation silenced. The learning rate follows a
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
from demo_features import ClipBank, MelFeatures, render
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


def slot_loss(logits: torch.Tensor, y: torch.Tensor, unknown: torch.Tensor) -> torch.Tensor:
    """Sum over slots of the mean cross-entropy of that slot's block of logits: with the true
    class, or with the uniform distribution where ``unknown`` (N, slots) is set."""
    total = 0.0
    for k, (a, b) in enumerate(BLOCKS):
        log_p = torch.log_softmax(logits[:, a:b], dim=1)
        hard = -log_p.gather(1, y[:, k : k + 1]).squeeze(1)
        total = total + torch.where(unknown[:, k], -log_p.mean(1), hard).mean()
    return total


def slot_accuracy(logits: torch.Tensor, y: torch.Tensor) -> list[float]:
    return [float((logits[:, a:b].argmax(1) == y[:, k]).float().mean()) for k, (a, b) in enumerate(BLOCKS)]


def feature_extractor() -> WhisperFeatureExtractor:
    """64 log-mel bins every 30 ms over 5 s."""
    return WhisperFeatureExtractor(feature_size=64, hop_length=480, chunk_length=5, n_fft=512)


def build(args: argparse.Namespace) -> tuple[WhisperFeatureExtractor, WhisperForAudioClassification]:
    """The feature extractor; two conv layers, then a small transformer, mean pooling."""
    extractor = feature_extractor()
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


def evaluate(model, inputs: torch.Tensor, y: torch.Tensor) -> list[float]:
    """Accuracy per slot on precomputed features ``inputs``."""
    model.eval()
    with torch.inference_mode():
        logits = torch.cat([model(inputs[i : i + 128]).logits for i in range(0, len(inputs), 128)])
    model.train()
    return slot_accuracy(logits, y)


def augmented_batches(records: list[dict], extractor: WhisperFeatureExtractor, args: argparse.Namespace):
    """Endless batches (log-mel features, class per slot, slot unknown) of augmented training
    clips, epoch after epoch of a seeded shuffle. Each clip's mel power at every speed is
    computed first; augmenting then works on it (``demo_features``)."""
    rng = np.random.default_rng(args.seed)
    augment = Augmenter(args.seed, args.carrier_rate)
    mel = MelFeatures(extractor)
    bank, noise = ClipBank(mel, [r["audio"] for r in records]), mel.white_noise(16, args.seed)
    y, size = targets(records), args.batch
    while True:
        order = rng.permutation(len(records))
        for start in range(0, len(order) - size + 1, size):
            index = order[start : start + size].tolist()
            plans = [augment(records[j]["words"], records[j]["carriers"]) for j in index]
            unknown = torch.tensor([[slot in plan.unknown for slot in SLOTS] for plan in plans])
            inputs = render(mel, bank, index, plans, [records[j]["words"] for j in index], noise, rng)
            yield inputs, y[index], unknown


def train(args: argparse.Namespace) -> None:
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # tiny values late in training otherwise slow every step by half
    began = time.time()
    records = read_corpus(args.corpus, "train")
    held = len(records) // 20
    train_records, val_records = records[:-held], records[-held:]
    val_y = targets(val_records)
    extractor, model = build(args)
    val_inputs = features(extractor, [r["audio"] for r in val_records])
    print(f"{len(train_records)} training clips; {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M parameters",
          flush=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    batches = augmented_batches(train_records, extractor, args)
    next(batches)
    print(f"clip bank ready after {(time.time() - began) / 60:.1f} min", flush=True)
    budget = args.minutes * 60
    step, seen, total = 0, 0, 0.0
    model.train()
    while True:
        progress = max(step / args.max_steps, (time.time() - began) / budget)
        if progress >= 1.0:
            break
        for group in optimizer.param_groups:
            group["lr"] = args.lr * min(1.0, (step + 1) / args.warmup) * 0.5 * (1 + math.cos(math.pi * progress))
        batch, y, unknown = next(batches)
        loss = slot_loss(model(batch).logits, y, unknown)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step, seen, total = step + 1, seen + len(y), total + loss.item()
        if step % args.log_every == 0:
            accuracy = evaluate(model, val_inputs, val_y)
            print(f"step {step} ({seen / len(train_records):.1f} epochs, {(time.time() - began) / 60:.1f} min): "
                  f"loss {total / args.log_every:.3f}, validation "
                  + ", ".join(f"{slot} {a:.3f}" for slot, a in zip(SLOTS, accuracy)), flush=True)
            total = 0.0
            model.save_pretrained(args.out)
            extractor.save_pretrained(args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    extractor.save_pretrained(args.out)
    accuracy = evaluate(model, val_inputs, val_y)
    print(f"saved to {args.out} after {step} steps ({seen / len(train_records):.1f} epochs) in "
          f"{(time.time() - began) / 60:.1f} min; validation " + ", ".join(f"{s} {a:.3f}" for s, a in zip(SLOTS, accuracy)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(".cache/demo-corpus"))
    parser.add_argument("--out", type=Path, default=Path("assets/models/demo-commands"))
    parser.add_argument("--minutes", type=float, default=29.0, help="wall-clock budget, data loading included")
    parser.add_argument("--max-steps", type=int, default=27000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--carrier-rate", type=float, default=0.35,
                        help="share of clips whose carrying word is silenced and its slot labelled unknown")
    parser.add_argument("--log-every", type=int, default=500,
                        help="steps between validations and checkpoints")
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument("--seed", type=int, default=0)
    train(parser.parse_args())


if __name__ == "__main__":
    main()
