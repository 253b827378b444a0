"""Vietnamese alphabetical order, as official lists sort people: by the given name (the last word), then the whole
name; letters in the Vietnamese alphabet's order (a ă â b c d đ e ê … o ô ơ … u ư …), tone marks only breaking ties
(none, grave, hook, tilde, acute, dot below). Python's and the databases' default orders put "Đ" after "Y"."""

from __future__ import annotations

import unicodedata

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# Combining marks that make a letter of its own (breve, circumflex, horn) and the five tones, in dictionary order.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letters(text: str) -> tuple[list[str], list[int]]:
    """Each letter with its letter-making marks, and the tone of each letter (0 for none)."""
    letters: list[str] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if char in _TONES and letters:
            tones[-1] = _TONES[char]
        elif char in _LETTER_MARKS and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        else:
            letters.append(char)
            tones.append(0)
    return letters, tones


def alphabet_key(text: str) -> tuple:
    letters, tones = _letters(text)
    return tuple(_RANK.get(c, len(_ALPHABET) + ord(c)) for c in letters), tuple(tones)


def person_order(full_name: str) -> tuple:
    """Sort key of a person's name: given name first (Nguyễn Văn An before Trần Văn Bình), then the whole name."""
    words = full_name.split()
    return alphabet_key(words[-1] if words else ""), alphabet_key(full_name)
