"""How Vietnamese is a text layer?  A compact syllable validator and a layer score.

A Vietnamese syllable is ``onset? rhyme`` plus at most one tone mark.  We strip the tone,
split the base letters into a known onset and a known rhyme, and check the spelling rules
that junk breaks: ``k/gh/ngh`` only before ``i e ê y``, ``c/ng`` never before them, ``q``
only as ``qu``, ``yê`` rhymes only without onset (``yêu``) or after ``qu``, and a syllable
closed by ``p t c ch`` carries sắc or nặng.  Mixed case inside a word (``CHiJ``, ``xA``) is
junk.  Legacy TCVN3/VNI byte soup fails because its letters (``µ``, ``Ü``, ``ä``, ``ø``) are
not Vietnamese letters or land in impossible rhymes (``Céng``: ``c`` before ``e``).

Tokens with digits (``1143/QĐ-UBND``, ``24/4/2024``, ``73,03%``), single letters, Roman
numerals and upper-case abbreviations (``UBND``, the ``QĐ`` of a compound) are neutral:
they count neither for nor against.  Tokens with U+FFFD, private-use or control characters
(unmapped glyphs) count against.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TONE_MARKS = {"\u0300": "huyen", "\u0301": "sac", "\u0303": "nga", "\u0309": "hoi", "\u0323": "nang"}

_ONSETS = sorted(
    "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split(), key=len, reverse=True
)
_RHYMES = frozenset(
    """
    a ac ach ai am an ang anh ao ap at au ay
    ă ăc ăm ăn ăng ăp ăt
    â âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et
    ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    yêm yên yêng yêt yêu
    o oc oi om on ong op ot ooc oong
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u uc ui um un ung up ut ua uôc uôi uôm uôn uông uôt
    ư ưc ưi ưm ưn ưng ưt ưu ưa ươc ươi ươm ươn ương ươp ươt ươu
    y ynh
    oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
    oe oem oen oeo oet
    uân uâng uât uây uê uêch uênh uơ
    uy uych uyn uynh uyp uyt uya uyu uyên uyêt
    """.split()
)
_FRONT = ("i", "e", "ê", "y")
_STOPS = ("p", "t", "c", "ch")

# Upper-case abbreviations common in administrative text (Decree 30, Appendix III, issuers).
ABBREVIATIONS = frozenset(
    """
    UBND HĐND CCHC TTHC BNV SNV CP QH TW TU VP BC KH QĐ NQ CT QC TB HD CTR PA ĐA DA BB TTR
    HĐ CĐ GM TTG VT TM KT TL TUQ PCT MTTQ CNTT CBCC CBCCVC VPCP BCĐ TCVN ISO BHXH BHYT THPT
    THCS GDĐT LĐTBXH TNMT KHĐT TTLT VBHN NĐ TT SY TRS SL BCH BTV ĐU HU TƯ MTTQVN CCVC ĐVHC
    """.split()
)

_ROMAN = re.compile(r"^[IVXLC]+$")
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")
_INNER_SPLIT = re.compile(r"[-/.–_]+")


def _strip_tone(token: str) -> tuple[str, list[str]] | None:
    """Lower-case base letters and the tones found; None if a character is not a Vietnamese letter."""
    base_chars: list[str] = []
    tones: list[str] = []
    for ch in token.lower().replace("ð", "đ"):
        d = unicodedata.normalize("NFD", ch)
        base = d[0]
        rest = d[1:]
        for mark in rest:
            if mark in _TONE_MARKS:
                tones.append(_TONE_MARKS[mark])
            elif mark in "\u0302\u0306\u031b":  # circumflex, breve, horn
                base += mark
            else:
                return None
        base = unicodedata.normalize("NFC", base)
        if base not in _ALPHABET:
            return None
        base_chars.append(base)
    return "".join(base_chars), tones


_ALPHABET = frozenset("abcdđeghiklmnopqrstuvxyăâêôơư")


def _case_ok(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    if not letters:
        return True
    if all(c.islower() for c in letters) or all(c.isupper() for c in letters):
        return True
    return letters[0].isupper() and all(c.islower() for c in letters[1:])


def is_vietnamese_syllable(token: str) -> bool:
    """True if ``token`` (letters only) spells a possible Vietnamese syllable."""
    if not token or not _case_ok(token):
        return False
    stripped = _strip_tone(token)
    if stripped is None:
        return False
    base, tones = stripped
    if len(tones) > 1 or len(base) > 7:
        return False
    for onset in [*(o for o in _ONSETS if base.startswith(o)), ""]:
        rhyme = base[len(onset):]
        if rhyme not in _RHYMES and not (onset == "gi" and ("i" + rhyme) in _RHYMES):
            # "gi" also swallows the i of iê/i rhymes: giêng, gìn (g + in handled below)
            continue
        if onset in ("k", "gh", "ngh") and not rhyme.startswith(_FRONT):
            continue
        if onset in ("c", "ng") and rhyme.startswith(_FRONT):
            continue
        if onset == "g" and rhyme.startswith(("e", "ê")):
            continue
        if rhyme.startswith("y") and len(rhyme) > 1 and onset not in ("", "qu"):
            continue
        if onset == "qu" and rhyme.startswith(("u", "o")):
            continue
        if rhyme.endswith(_STOPS) and (not tones or tones[0] not in ("sac", "nang")):
            continue
        return True
    return False


def _is_unmapped(ch: str) -> bool:
    cp = ord(ch)
    return ch == "\ufffd" or 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000 or (cp < 32 and ch not in "\t\n\r")


@dataclass(frozen=True)
class LayerScore:
    score: float  # share of valid syllables among counted tokens, [0, 1]
    valid: int
    invalid: int
    neutral: int
    unmapped: int  # tokens holding U+FFFD / private-use / control characters

    @property
    def counted(self) -> int:
        return self.valid + self.invalid


def classify_token(raw: str) -> str:
    """'valid' | 'invalid' | 'neutral' | 'unmapped' | 'skip' for one whitespace-separated token."""
    raw = unicodedata.normalize("NFC", raw)
    if any(_is_unmapped(c) for c in raw):
        return "unmapped"
    token = _EDGE_PUNCT.sub("", raw)
    if not token:
        return "skip"
    if any(c.isdigit() for c in token):
        return "neutral"
    parts = [p for p in _INNER_SPLIT.split(token) if p]
    compound = len(parts) > 1
    verdicts = []
    for part in parts:
        if len(part) == 1 or _ROMAN.match(part):
            verdicts.append("neutral")
        elif part.isupper() and (compound or part in ABBREVIATIONS):
            verdicts.append("neutral" if (compound and len(part) <= 8) or part in ABBREVIATIONS else "invalid")
        else:
            verdicts.append("valid" if is_vietnamese_syllable(part) else "invalid")
    if "invalid" in verdicts:
        return "invalid"
    return "valid" if "valid" in verdicts else "neutral"


def score_text(text: str, *, min_diacritic_share: float = 0.2) -> LayerScore:
    """Score a text layer: share of valid Vietnamese syllables (neutral tokens ignored).

    Real Vietnamese carries tone or vowel marks on most syllables; a long layer whose valid
    syllables are nearly all bare ASCII (``CONG HOA XA HOI``) is accent-stripped junk, so its
    score is scaled down by ``diacritic share / min_diacritic_share``.
    Empty or all-neutral text scores 1.0 with ``counted == 0``; callers decide what that means.
    """
    return score_tokens(unicodedata.normalize("NFC", text).split(), min_diacritic_share=min_diacritic_share)


# token -> index into the tally of score_tokens: valid bare ASCII, valid with marks, invalid,
# unmapped, neutral, skip
_KIND_INDEX = {"valid": 0, "invalid": 2, "unmapped": 3, "neutral": 4, "skip": 5}
_TOKEN_KINDS: dict[str, int] = {}
_TOKEN_KINDS_MAX = 65_536


def score_tokens(tokens: Iterable[str], *, min_diacritic_share: float = 0.2) -> LayerScore:
    """:func:`score_text` over tokens that are already NFC and free of whitespace."""
    tokens = tokens if isinstance(tokens, list) else list(tokens)
    known = _TOKEN_KINDS  # syllables repeat a lot: classify each distinct token once
    kinds = list(map(known.get, tokens))
    if None in kinds:
        if len(known) >= _TOKEN_KINDS_MAX:
            known.clear()
        for i, k in enumerate(kinds):
            if k is None:
                raw = tokens[i]
                k = known.get(raw)
                if k is None:
                    verdict = classify_token(raw)
                    k = known[raw] = _KIND_INDEX[verdict] + (verdict == "valid" and not raw.isascii())
                kinds[i] = k
    tally = Counter(kinds)
    bare, marked, invalid, unmapped, neutral = (tally[k] for k in range(5))
    valid = bare + marked
    invalid += unmapped
    counted = valid + invalid
    if counted == 0:
        return LayerScore(1.0, 0, 0, neutral, 0)
    score = valid / counted
    if valid >= 20:
        share = marked / valid
        if share < min_diacritic_share:
            score *= share / min_diacritic_share
    return LayerScore(round(score, 4), valid, invalid, neutral, unmapped)
