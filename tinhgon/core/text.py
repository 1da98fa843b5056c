"""Vietnamese text: diacritic-insensitive folding for search, the alphabet's sort order, and
dates inside sentences.

Python's and SQL's default orderings put "Đ" after "Z" and ignore that "ă", "â" are letters of
their own. `sort_key` encodes a name as digits so that a plain byte comparison, in any database
collation, gives the Vietnamese dictionary order: letters first, tones second.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils import formats

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: 20 + index for index, letter in enumerate(_ALPHABET)}
_DIGIT_RANK = {str(d): 10 + d for d in range(10)}
# Tone order used by Vietnamese dictionaries: level, grave, hook, tilde, acute, dot below.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFC with single spaces: the form in which names are stored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Lower-case ASCII without diacritics: 'Phường Chiềng An' -> 'phuong chieng an'."""
    decomposed = unicodedata.normalize("NFD", normalize(text).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def compact(text: str) -> str:
    """Folded with no spaces or punctuation: the shape of the data packages' name keys."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _split(char: str) -> tuple[str, int]:
    decomposed = unicodedata.normalize("NFD", char)
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONE_RANK:
            tone = _TONE_RANK[part]
        else:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def sort_key(text: str) -> str:
    primary: list[str] = []
    tones: list[str] = []
    for char in normalize(text).lower():
        letter, tone = _split(char)
        if letter in _LETTER_RANK:
            rank = _LETTER_RANK[letter]
        elif letter in _DIGIT_RANK:
            rank = _DIGIT_RANK[letter]
        elif letter == " ":
            rank = 1
        elif letter in "-–,.'()/":
            rank = 2
        else:
            rank = 99
        primary.append(f"{rank:02d}")
        tones.append(str(tone))
    # "00" is below every character rank, so a name sorts before its own extensions.
    return "".join(primary) + "00" + "".join(tones)


def day(value: dt.date | None) -> str:
    """A date inside a sentence, as the active language writes it (01/07/2025 in Vietnamese)."""
    if value is None:
        return ""
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def number(value: int) -> str:
    """A count inside a sentence, as the active language writes it (10.040 in Vietnamese)."""
    return formats.number_format(value, force_grouping=True)
