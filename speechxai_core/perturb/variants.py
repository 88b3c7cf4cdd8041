"""Variants: named, replayable changes to one clip.

Ids are stable strings: ``original``, ``word:3`` (the 4th word masked),
``pitch:-2.5`` (semitones), ``stretch:0.85`` (duration factor, < 1 = shorter = faster),
``noise:10`` (SNR in dB), ``reverb:5`` (room length in metres),
``words:0+2+5`` (a set of words masked together, indices ascending),
``band:2`` (the 3rd frequency band removed from the whole clip), ``bands:0+3`` (a set of bands),
``word_band:1:2`` (band 2 removed inside word 1 only), ``phone:7`` (the 8th phoneme masked),
``phones:1+4`` (a set of phonemes). Band and phoneme indices are ``unit_index`` / ``unit_indices``.
``flat_pitch:0.5`` / ``flat_loudness:1`` (fraction of flattening), ``formant:0.85`` (envelope ratio).
A random property's independent draw ``d > 0`` is suffixed: ``noise:10@2`` (draw 0 has no suffix).
Word-local variants change one word only: ``word_pitch:3:-3`` (word 3, −3 semitones),
``word_stretch:3:0.8`` (duration factor), ``word_gain:3:6`` (dB), ``word_noise:3:5`` (SNR in dB).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import SpeechXAIError

PARALINGUISTIC_KINDS = ("pitch", "stretch", "noise", "reverb", "flat_pitch", "flat_loudness", "formant")
RANDOM_KINDS = ("noise", "reverb")  # kinds whose rendering draws random numbers (noise, room geometry)
PROPERTIES = ("pitch_down", "pitch_up", "stretch_down", "stretch_up", "noise", "reverb",
              "flat_pitch", "flat_loudness", "formant_down", "formant_up")
PROPERTY_UNITS = {
    "pitch_down": "semitones", "pitch_up": "semitones", "stretch_down": "duration factor",
    "stretch_up": "duration factor", "noise": "SNR (dB)", "reverb": "room length (m)",
    "flat_pitch": "fraction flattened", "flat_loudness": "fraction flattened",
    "formant_down": "envelope ratio", "formant_up": "envelope ratio",
}
#: Word-local kinds (one word changed) and the properties they serve, by the sign of their level.
WORD_LOCAL_KINDS = ("word_pitch", "word_stretch", "word_gain", "word_noise")
WORD_PROPERTIES = ("pitch_down", "pitch_up", "stretch_down", "stretch_up", "gain_down", "gain_up", "noise")
WORD_PROPERTY_UNITS = {
    "pitch_down": "semitones", "pitch_up": "semitones", "stretch_down": "duration factor",
    "stretch_up": "duration factor", "gain_down": "dB", "gain_up": "dB", "noise": "SNR (dB) over the word",
}


class VariantError(SpeechXAIError, ValueError):
    """An unknown or malformed variant id."""


@dataclass(frozen=True)
class Variant:
    kind: str
    level: float | None = None
    word_index: int | None = None
    word_indices: tuple[int, ...] | None = None
    draw: int = 0
    unit_index: int | None = None
    unit_indices: tuple[int, ...] | None = None

    @property
    def id(self) -> str:
        if self.kind == "original":
            return "original"
        if self.kind == "word":
            return f"word:{self.word_index}"
        if self.kind == "words":
            return "words:" + "+".join(str(i) for i in self.word_indices)
        if self.kind in UNIT_KINDS:
            return f"{self.kind}:{self.unit_index}"
        if self.kind in UNIT_SET_KINDS:
            return f"{self.kind}:" + "+".join(str(i) for i in self.unit_indices)
        if self.kind == "word_band":
            return f"word_band:{self.word_index}:{self.unit_index}"
        if self.kind in WORD_LOCAL_KINDS:
            return f"{self.kind}:{self.word_index}:{self.level:g}"
        return f"{self.kind}:{self.level:g}" + (f"@{self.draw}" if self.draw else "")

    @property
    def property(self) -> str | None:
        """The paralinguistic property this variant belongs to, global or (word-local kinds) of its
        word; None for masked words and the original."""
        kind = self.kind.removeprefix("word_") if self.kind in WORD_LOCAL_KINDS else self.kind
        if kind == "pitch":
            return "pitch_down" if self.level < 0 else "pitch_up"
        if kind == "stretch":
            return "stretch_down" if self.level < 1 else "stretch_up"
        if kind == "gain":
            return "gain_down" if self.level < 0 else "gain_up"
        if kind == "formant":
            return "formant_down" if self.level < 1 else "formant_up"
        if kind in ("noise", "reverb", "flat_pitch", "flat_loudness"):
            return kind
        return None


ORIGINAL = Variant("original")
UNIT_KINDS = ("band", "phone")  # one band / phoneme removed: its set kind is the plural
UNIT_SET_KINDS = ("bands", "phones")


def parse_variant_id(variant_id: str) -> Variant:
    """The inverse of :attr:`Variant.id`."""
    if variant_id == "original":
        return ORIGINAL
    kind, sep, value = variant_id.partition(":")
    try:
        if kind == "word" and sep:
            return Variant("word", word_index=int(value))
        if kind == "words" and value:
            return word_set_variant(int(part) for part in value.split("+"))
        if kind in UNIT_KINDS and sep:
            return Variant(kind, unit_index=_index(value))
        if kind in UNIT_SET_KINDS and value:
            return unit_set_variant(kind[:-1], (_index(part) for part in value.split("+")))
        if kind == "word_band" and sep:
            word, _, band = value.partition(":")
            return Variant("word_band", word_index=_index(word), unit_index=_index(band))
        if kind in WORD_LOCAL_KINDS and sep:
            index, colon, level = value.partition(":")
            if colon:
                return Variant(kind, level=float(level), word_index=_index(index))
        if kind in PARALINGUISTIC_KINDS and sep:
            level, at, draw = value.partition("@")
            if at and (kind not in RANDOM_KINDS or int(draw) < 1):
                raise ValueError(draw)
            return Variant(kind, level=float(level), draw=int(draw) if at else 0)
    except ValueError:
        pass
    raise VariantError(f"unknown variant id '{variant_id}'")


def _index(text: str) -> int:
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def unit_set_variant(kind: str, indices) -> Variant:
    """The clip with all of ``indices`` of ``kind`` (``band`` or ``phone``) removed at once; an empty
    set is the original."""
    ordered = tuple(sorted({int(i) for i in indices}))
    return Variant(kind + "s", unit_indices=ordered) if ordered else ORIGINAL


def word_variants(n_words: int) -> list[Variant]:
    return [Variant("word", word_index=i) for i in range(n_words)]


def word_set_variant(indices) -> Variant:
    """The clip with all of ``indices`` masked at once (an empty set is the original)."""
    ordered = tuple(sorted({int(i) for i in indices}))
    return Variant("words", word_indices=ordered) if ordered else ORIGINAL


def property_of(kind: str, level: float) -> str:
    return Variant(kind, level).property
