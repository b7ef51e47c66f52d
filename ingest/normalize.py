"""Text normalisation applied to every word before page text is built.

* Unicode NFC.
* One tone-placement style: the "old" (traditional) style, as in the national motto
  ``CỘNG HÒA`` prescribed by Decree 30/2020 and as produced by
  ``underthesea.text_normalize``: in an *open* syllable whose rhyme is ``oa``, ``oe`` or
  ``uy`` the tone mark sits on the first vowel (``hoà → hòa``, ``khoẻ → khỏe``,
  ``thuỷ → thủy``, ``uỷ → ủy``).  ``qu`` is an onset, so ``quý``/``quỷ`` are untouched, and
  closed syllables (``hoàng``, ``thuyền``, ``khoắt``) keep the mark on the main vowel.
  We do not call underthesea here: its normaliser re-tokenises (``1143/QĐ`` →
  ``1143 / QĐ``), which would break character offsets.
* ``Ð``/``ð`` (U+00D0/U+00F0, Icelandic eth, a common OCR and font-mapping confusion) →
  ``Đ``/``đ`` unless the text looks Icelandic/Faroese (contains þ/Þ).
* Zero-width characters, BOMs and soft hyphens are dropped.

On NFC input of Vietnamese words the tone and Đ mappings preserve length.
"""

from __future__ import annotations

import re
import unicodedata

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_DROP_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_ETH = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})
_LETTERS = re.compile(r"[^\W\d_]+")
_ONSET_CHARS = set("bcdđghklmnprstvx")
_OLD_STYLE_RHYMES = ("oa", "oe", "uy")


def _split_tone(ch: str) -> tuple[str, str]:
    """'ả' -> ('a', '\\u0309'); vowel-quality marks (â ă ơ ư ê ô) stay with the base."""
    d = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in d if c in _TONES)
    base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
    return base, tone


# a, e, y carrying a tone mark (both cases): the only possible last letters of a syllable to move
_TONED_AEY = frozenset(
    unicodedata.normalize("NFC", base + tone)
    for base in "aeyAEY"
    for tone in _TONES
)


def _retone_syllable(word: str) -> str:
    if len(word) < 2 or len(word) > 7 or word[-1] not in _TONED_AEY or word[-2] not in "oOuU":
        return word
    parts = [_split_tone(c) for c in word]
    bases = "".join(b for b, _ in parts).lower()
    if not bases.endswith(_OLD_STYLE_RHYMES):
        return word
    onset = bases[:-2]
    if onset.endswith("q") or any(c not in _ONSET_CHARS for c in onset):
        return word  # "quý": u belongs to the onset; anything else is not a simple open syllable
    tone = parts[-1][1]
    if not tone or parts[-2][1]:
        return word
    first = unicodedata.normalize("NFC", parts[-2][0] + tone)
    last = parts[-1][0]
    return word[:-2] + first + last


# Only a letter run of 2-7 letters ending in o/u + toned a/e/y can change.  Find those
# endings first (one cheap regex scan of ordinary text), then check the whole run.
_TAIL = re.compile(r"[oOuU][" + "".join(sorted(_TONED_AEY)) + r"](?![^\W\d_])")
_LETTER = re.compile(r"[^\W\d_]")


def normalize_tone_style(text: str) -> str:
    """Move tone marks of open ``oa``/``oe``/``uy`` syllables to the old-style position."""
    out: list[str] = []
    last = 0
    for m in _TAIL.finditer(text):
        start, end = m.start(), m.end()
        while start > 0 and end - start < 8 and _LETTER.match(text, start - 1):
            start -= 1
        if start > 0 and _LETTER.match(text, start - 1):
            continue  # longer than 7 letters: not a syllable
        word = text[start:end]
        fixed = _retone_syllable(word)
        if fixed != word:
            out.append(text[last:start])
            out.append(fixed)
            last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def normalize_text(text: str) -> str:
    """NFC, old-style tone placement, Ð→Đ, no zero-width characters."""
    if not text:
        return text
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    if _DROP_RE.search(text):  # (a regex scan is much cheaper than translate() on long text)
        text = text.translate(_DROP)
    if ("\u00d0" in text or "\u00f0" in text) and not ("þ" in text or "Þ" in text):
        text = text.translate(_ETH)
    return normalize_tone_style(text)
