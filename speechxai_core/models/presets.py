"""Named models: the bundled demo model and the reference paper's hub models."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"


@dataclass(frozen=True)
class Preset:
    """A named model: where it lives, how its logits split into heads, its language."""

    name: str
    source: str
    heads: str | None
    language: str
    description: str


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "demo",
            str(ASSETS / "models" / "demo-whisper-tiny"),
            "action:6,object:14,location:4",
            "en",
            "Bundled spoken-command classifier: Whisper tiny.en encoder + heads trained on synthetic speech (offline).",
        ),
        Preset(
            "demo-small",
            str(ASSETS / "models" / "demo-commands"),
            "action:6,object:14,location:4",
            "en",
            "The previous bundled classifier: a tiny model trained from scratch on synthetic speech (offline).",
        ),
        Preset(
            "superb-ic",
            "superb/wav2vec2-base-superb-ic",
            "action:6,object:14,location:4",
            "en",
            "wav2vec2-base fine-tuned on Fluent Speech Commands intents (SUPERB IC).",
        ),
        Preset(
            "superb-er",
            "superb/wav2vec2-base-superb-er",
            None,
            "en",
            "wav2vec2-base fine-tuned on IEMOCAP emotion recognition (SUPERB ER).",
        ),
        Preset(
            "italic-ic",
            "alkiskoudounas/xls-r-128-italic-speaker",
            None,
            "it",
            "XLS-R fine-tuned on ITALIC Italian intents (speaker split).",
        ),
    )
}
HUB_IDS = {preset.source: preset for preset in PRESETS.values()}


def resolve(model: str | None) -> Preset:
    """A preset by name or by its hub id; any other string is a hub id or local folder."""
    key = model or "demo"
    if key in PRESETS:
        return PRESETS[key]
    if key in HUB_IDS:
        return HUB_IDS[key]
    return Preset(key, key, None, "en", "")


def display_name(source: str) -> str:
    """What to call a model on screen: a preset by its name, a folder by its own name (never the
    server path), a hub id as it is."""
    for preset in PRESETS.values():
        if source in (preset.name, preset.source):
            return preset.name
    path = Path(source).expanduser()
    if path.is_absolute() or source.startswith(".") or path.exists():
        return path.resolve().name or source
    return source
