"""Joins heads trained from different seeds (``train_encoder_heads.py --seed``) into one ensemble.

Usage: python recipes/demo_model/combine_heads.py FOLDER FOLDER ... [--out assets/models/demo-whisper-tiny]

The members must share their configuration; the ensemble's ``config.json`` is theirs with
``members`` set, its ``heads.safetensors`` holds member m's tensors under ``members.m.``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from safetensors.torch import load_file, save_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("members", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=Path("assets/models/demo-whisper-tiny"))
    args = parser.parse_args()
    configs = [json.loads((folder / "config.json").read_text()) for folder in args.members]
    if any(config != configs[0] for config in configs[1:]):
        sys.exit("the members' config.json files differ; train them with the same settings")
    tensors = {f"members.{m}.{name}": value for m, folder in enumerate(args.members)
               for name, value in load_file(str(folder / "heads.safetensors")).items()}
    args.out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(args.out / "heads.safetensors"))
    (args.out / "config.json").write_text(json.dumps({**configs[0], "members": len(args.members)}, indent=2) + "\n")
    print(f"wrote {len(args.members)} members into {args.out}")


if __name__ == "__main__":
    main()
