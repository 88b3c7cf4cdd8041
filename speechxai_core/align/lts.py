"""Letter-to-sound for words missing from the pronouncing dictionary.

eSpeak NG's rules give IPA, which is mapped symbol by symbol onto the CMU (ARPAbet) phone
set that the English acoustic model knows. Without eSpeak NG, each letter becomes its most
common phone: crude, but it keeps the word in the utterance so its neighbours align.
"""

from __future__ import annotations

import unicodedata

from .base import AlignmentError

# Longest symbols first so "aɪ" wins over "a".
_IPA_TO_CMU = {
    "aɪ": "AY", "aʊ": "AW", "eɪ": "EY", "oʊ": "OW", "əʊ": "OW", "ɔɪ": "OY", "tʃ": "CH", "dʒ": "JH",
    "ɪə": "IH R", "eə": "EH R", "ʊə": "UH R", "aɪə": "AY ER",
    "ɚ": "ER", "ɜ": "ER", "i": "IY", "u": "UW", "ɑ": "AA", "ɒ": "AA", "ɔ": "AO", "ɐ": "AH", "ə": "AH",
    "ɪ": "IH", "ᵻ": "IH", "ʊ": "UH", "ʌ": "AH", "æ": "AE", "ɛ": "EH", "e": "EH", "o": "OW", "a": "AA",
    "y": "IY", "ø": "ER", "œ": "ER",
    "ɾ": "D", "ɹ": "R", "r": "R", "ʁ": "R", "l": "L", "ɫ": "L", "ɬ": "L", "ŋ": "NG", "θ": "TH", "ð": "DH",
    "ʃ": "SH", "ʒ": "ZH", "j": "Y", "w": "W", "h": "HH", "x": "HH", "ç": "HH", "p": "P", "b": "B",
    "t": "T", "d": "D", "k": "K", "ɡ": "G", "g": "G", "f": "F", "v": "V", "s": "S", "z": "Z",
    "m": "M", "n": "N", "ɲ": "N Y", "ts": "T S",
}
_SYMBOLS = sorted(_IPA_TO_CMU, key=len, reverse=True)
_IGNORED = set("ˈˌːˑ.ʔ-_ ") | {"\u0329", "\u0303", "\u032f", "\u0361"}

_LETTER_TO_CMU = {
    "a": "AE", "b": "B", "c": "K", "d": "D", "e": "EH", "f": "F", "g": "G", "h": "HH", "i": "IH",
    "j": "JH", "k": "K", "l": "L", "m": "M", "n": "N", "o": "AA", "p": "P", "q": "K", "r": "R",
    "s": "S", "t": "T", "u": "AH", "v": "V", "w": "W", "x": "K S", "y": "Y", "z": "Z",
}


def ipa_to_cmu(ipa: str) -> list[str]:
    """Greedy longest-match of IPA symbols onto CMU phones; unknown symbols are skipped."""
    text = "".join(c for c in unicodedata.normalize("NFD", ipa) if c not in _IGNORED)
    phones: list[str] = []
    i = 0
    while i < len(text):
        symbol = next((s for s in _SYMBOLS if text.startswith(s, i)), None)
        if symbol is None:
            i += 1
            continue
        phones.extend(_IPA_TO_CMU[symbol].split())
        i += len(symbol)
    return phones


def spell_to_cmu(word: str) -> list[str]:
    """One phone per letter (digits and other symbols are dropped)."""
    return [p for c in word.lower() for p in _LETTER_TO_CMU.get(c, "").split()]


def guess_pronunciation(word: str) -> tuple[list[str], str]:
    """CMU phones for ``word`` and the method used ("espeak" or "spelling")."""
    from . import espeak

    try:
        phones = ipa_to_cmu(espeak.ipa(word, "en-us"))
        method = "espeak"
    except AlignmentError:
        phones, method = [], "spelling"
    if not phones:
        phones, method = spell_to_cmu(word), "spelling"
    return phones, method
