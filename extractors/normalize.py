"""Text normalisation for matching: NFC, Đ variants, tone placement, accent folding, numbers.

Two kinds of functions live here:

* length-preserving ones (``fix_chars``, ``fold_chars``, ``normalize_tones``) that
  can be applied to ``Page.text`` while keeping every character offset valid, so
  a match on the normalised copy is a span on the page;
* lossy ones (``fold``, ``nfc``) for comparing phrases.

NFC, zero-width removal, Ð→Đ and tone placement are ingest's job
(``ingest.normalize``: every page text is built through it); ``nfc`` and
``normalize_tones`` delegate there so the two packages cannot drift apart.  ``ingest``
is imported on first use only (it pulls in PyMuPDF and the OCR pipeline).
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
    """``ingest.normalize_text`` (NFC, Ð→Đ, one tone style, no zero-width characters)
    plus the one-for-one fixes of :func:`fix_chars`: what a page's text looks like."""
    from ingest.normalize import normalize_text

    return fix_chars(normalize_text(text))


# --- tone placement -----------------------------------------------------------------


def normalize_tones(text: str) -> str:
    """One tone-placement style (``hoà``→``hòa``, ``thuỷ``→``thủy``; ``quý`` kept), length-preserving.

    Delegates to ``ingest.normalize.normalize_tone_style``.
    """
    from ingest.normalize import normalize_tone_style

    return normalize_tone_style(text)


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
