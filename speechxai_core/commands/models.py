"""``speechxai models``: list the presets."""

from __future__ import annotations


def register(commands) -> None:
    commands.add_parser("models", help="list the model presets").set_defaults(run=run)


def run(args) -> int:
    from ..models import PRESETS

    for preset in PRESETS.values():
        print(f"{preset.name:<10} {preset.source}  heads={preset.heads or 'single'}  [{preset.language}]  {preset.description}")
    return 0
