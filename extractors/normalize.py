"""Text normalisation for matching: NFC, Đ variants, tone placement, accent folding, numbers.

Two kinds of functions live here:

* length-preserving ones (``fix_chars``, ``fold_chars``, ``normalize_tones``) that
  can be applied to ``Page.text`` while keeping every character offset valid, so
  a match on the normalised copy is a span on the page;
* lossy ones (``fold``, ``nfc``) for comparing phrases.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "nfc",
    "fix_chars",
    "normalize_tones",
    "fold",
    "fold_chars",
    "parse_vn_number",
]

# Characters OCR and old fonts put in place of Vietnamese letters, mapped 1:1.
_CHAR_FIX = {
    "\u00d0": "Đ",  # Ð (Icelandic eth, capital)
    "\u0189": "Đ",  # Ɖ (African D)
    "\u00f0": "đ",  # ð (Icelandic eth, small)
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2044": "/", "\uff0f": "/",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
}
_FIX_TABLE = str.maketrans(_CHAR_FIX)


_FIX_RE = re.compile("[" + "".join(_CHAR_FIX) + "]")


def fix_chars(text: str) -> str:
    """Replace look-alike characters (Ð/ð, dash variants, NBSP) one for one; offsets are kept."""
    if not _FIX_RE.search(text):
        return text
    return _FIX_RE.sub(lambda m: _CHAR_FIX[m.group(0)], text)


def nfc(text: str) -> str:
    """NFC plus the one-for-one character fixes of :func:`fix_chars`."""
    return fix_chars(unicodedata.normalize("NFC", text))


# --- tone placement -----------------------------------------------------------------
# "hoà"/"hòa", "thuỷ"/"thủy", "khoẻ"/"khỏe": the mark moves between the two vowels of a
# syllable-final oa/oe/uy.  We normalise to the mark on the first vowel ("hòa", "thủy").

_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below


def _split_mark(ch: str) -> tuple[str, str]:
    d = unicodedata.normalize("NFD", ch)
    marks = "".join(c for c in d if c in _MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _MARKS))
    return base, marks


def _build_tone_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for first in "oOuU":
        seconds = "aAeE" if first in "oO" else "yY"
        for second in seconds:
            for mark in _MARKS:
                marked_second = unicodedata.normalize("NFC", second + mark)
                marked_first = unicodedata.normalize("NFC", first + mark)
                table[first + marked_second] = marked_first + second
    return table


_TONE_TABLE = _build_tone_table()
_TONE_RE = re.compile(
    r"(?<![qQ])(" + "|".join(sorted(_TONE_TABLE, key=len, reverse=True)) + r")(?![^\W\d_])"
)


def normalize_tones(text: str) -> str:
    """Move tone marks of syllable-final oa/oe/uy onto the first vowel (length-preserving)."""
    return _TONE_RE.sub(lambda m: _TONE_TABLE[m.group(1)], text)


# --- folding ---------------------------------------------------------------------------


_COMBINING = re.compile("[\u0300-\u036f]")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "đĐðÐƉ":
        return "d"
    low = ch.lower()
    if len(low) != 1:
        low = ch
    d = unicodedata.normalize("NFD", low)
    base = "".join(c for c in d if not unicodedata.combining(c))
    return base if len(base) == 1 else low


def fold_chars(text: str) -> str:
    """Lowercase, strip accents, đ->d, one output character per input character.

    Offsets into the result are offsets into ``text``; use it for keyword regexes.
    """
    if text.isascii():
        return text.lower()
    fast = _COMBINING.sub("", unicodedata.normalize("NFD", text)).lower()
    fast = fast.replace("đ", "d").replace("ð", "d").replace("ɖ", "d")
    if len(fast) == len(text):
        return fast
    return "".join(_fold_char(c) for c in text)


_WS = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lowercase, accents removed, đ->d, whitespace collapsed: for phrase matching."""
    text = unicodedata.normalize("NFC", text)
    return _WS.sub(" ", fold_chars(text)).strip()


# --- numbers ---------------------------------------------------------------------------

_NUM_CLEAN = re.compile(r"[\s\u00a0%]")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_THOUSANDS_DOT_DEC = re.compile(r"^\d{1,3}(?:\.\d{3})+,\d+$")
_THOUSANDS_COMMA_DEC = re.compile(r"^\d{1,3}(?:,\d{3})+\.\d+$")
_PLAIN = re.compile(r"^\d+(?:[.,]\d+)?$")


def parse_vn_number(s: str) -> float | None:
    """Parse a number written the Vietnamese way (also tolerating the English way).

    ``"73,03"`` -> 73.03 (decimal comma); ``"291.899"``/``"1.816"`` -> thousands;
    ``"67.28"``/``"31.50"`` -> decimal dot (not exactly three digits after it);
    ``"1.234,5"`` -> 1234.5; ``"1,234.5"`` -> 1234.5.  ``None`` if not a number.
    """
    if s is None:
        return None
    t = _NUM_CLEAN.sub("", fix_chars(s)).lstrip("+")
    if not t:
        return None
    if _THOUSANDS_DOT.match(t):
        return float(t.replace(".", ""))
    if _THOUSANDS_DOT_DEC.match(t):
        return float(t.replace(".", "").replace(",", "."))
    if _THOUSANDS_COMMA_DEC.match(t):
        return float(t.replace(",", ""))
    if _PLAIN.match(t):
        return float(t.replace(",", "."))
    return None
