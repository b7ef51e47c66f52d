"""References to other documents: find -> canonicalise -> resolve short repeats.

Candidates come from one regex (``patterns.REFERENCE``) over the raw page text;
anything without a letter code after the number (``46/132``, ``24/4/2024``,
``288/4``, ``9001:2015``) never matches.  The document's own number on its
``Số:`` header line is not a reference and is skipped, and so is every later
citation of it (the annex's "ban hành kèm theo Thông tư số …" of the document itself).

Justified text breaks lines inside numbers (``18-⏎NQ/TW``, ``2150/UBND-⏎KGVX``,
``63/⏎2024/NĐ-CP``): the regex joins a piece ending in ``-`` or ``/`` with the next
line's; a number at the start of a line whose previous line ends inside a token
(``C2-⏎05a/NS``) is the tail of that token, not a reference.  A page break does the
same between pages: :func:`join_page_breaks` joins the last line of page N with the
first of page N+1 (after its page number) and keeps the first piece's page and start.
A legislature's term broken off after its hyphen (``54/2014/QH-⏎13``) stays with its code;
a normative number that is cut short (``54/2014/QH`` without its term, ``19/2013/TT`` without
an issuer) is returned with ``needs_review``: it is not a number anybody issued.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise

from models.extraction import Reference
from models.pages import Page, PageMethod

from . import patterns as P
from .confidence import WordIndex
from .date_forms import date_at
from .issuers import named_body_disagrees
from .normalize import fix_chars, fold_chars

# ---------------------------------------------------------------------------------------
# canonical form


def _fix_lost_hyphen(seg: str) -> list[str]:
    """'QĐUBND' -> ['QĐ', 'UBND'] when a known type code is glued to a known issuer."""
    up = seg.upper()
    if P.is_type_code(up) or P.is_issuer_code(up):
        return [seg]
    for tcode in sorted(P.tables()["types_upper"], key=len, reverse=True):
        if len(tcode) >= 2 and up.startswith(tcode) and len(up) > len(tcode):
            rest = up[len(tcode):]
            if P.is_issuer_code(rest):
                return [tcode, rest]
    return [seg]


_LEGISLATURE = re.compile(r"^(?:UBTVQH|QH|HĐNN)$")


def split_codes(codes: str) -> list[str]:
    """The codes of a number's symbol, ``"NĐ- CP"`` -> ``["NĐ", "CP"]`` (also used by identity);
    a legislature's term printed after a hyphen belongs to its code (``"QH-13"`` -> ``["QH13"]``)."""
    codes = re.sub(r"\s+", "", codes)
    out: list[str] = []
    for c in codes.split("-"):
        if not c:
            continue
        if out and c.isdigit() and len(c) <= 2 and _LEGISLATURE.match(out[-1].upper()):
            out[-1] += c
        else:
            out.append(c)
    return out


# OCR damage inside a legislature code: "UBTVQHI11", "QOH12", "QH|14" -> QH + term number
_QH_DAMAGED = re.compile(r"^(UBTV|PL-UBTV)?Q[O0]?H[Il|]?(\d{1,2})$")
_TERM = re.compile(r"^(?:UBTVQH|QH|HĐNN)(\d{1,2})$")


def _undouble_mixed(up: str) -> str | None:
    """'TTTG' -> 'TTg': one doubled letter too many in a mixed-case code (OCR reads the
    small letter as a capital and repeats its neighbour).  Mixed-case codes only: unit
    codes are open-ended (VPP, PCC), and undoubling those would invent numbers."""
    mixed = P.tables()["mixed_upper"]
    for i in range(1, len(up)):
        if up[i] == up[i - 1] and up[:i] + up[i + 1:] in mixed:
            return mixed[up[:i] + up[i + 1:]]
    return None


def _repair_type_slot(code: str) -> tuple[str, bool]:
    """The first of several codes is the type: 'QĐĐ' -> 'QĐ' when undoubling one letter
    gives a type code (OCR repeats a letter); a repair, so the number needs review.  Only
    where the symbol must have a type (it has a year, or an issuer follows)."""
    up = code.upper()
    if P.is_type_code(up) or P.is_issuer_code(up):
        return code, False
    for i in range(1, len(up)):
        if up[i] == up[i - 1] and P.is_type_code(up[:i] + up[i + 1:]):
            return P.standard_case(up[:i] + up[i + 1:]), True
    return code, False


def _repair_code(code: str) -> tuple[str, bool]:
    """Undo OCR damage that leaves a code unambiguous; report whether it did.

    A pure case change (``TTG`` -> ``TTg``, ``CTR`` -> ``CTr``) is not a repair:
    :func:`patterns.standard_case` does it, and the number is still what the page says.
    """
    up = code.upper()
    if P.is_type_code(up) or P.is_issuer_code(up):
        return code, False
    m = _QH_DAMAGED.match(up)
    if m:
        return f"{m.group(1) or ''}QH{m.group(2)}", True
    fixed = _undouble_mixed(up)
    if fixed:
        return fixed, True
    return code, False


@dataclass
class _Parts:
    num: str
    year: str | None
    form: str  # "normative" | "admin" | "hyphen"
    type_code: str | None
    codes: list[str]  # all codes after the slash, standard case
    issuers: list[str] = field(default_factory=list)
    repaired: bool = False  # an OCR-damaged code was rewritten (the value needs review)
    spaced: bool = False  # party form with a spaced hyphen ("367 - QĐ/TW")
    term_note: str | None = None  # a legislature's term restored from the year ("QH5" -> "QH15")
    named_body: str | None = None  # the issuer codes disagree with the body the citation names

    def plausible(self) -> bool:
        """A spaced party hyphen makes a number only when its codes are in the tables."""
        if not self.spaced:
            return True
        t = P.tables()
        known_type = self.type_code in t["types"] or self.type_code in t["hyphen_form_types"]
        return known_type and bool(self.codes) and P.is_issuer_code(self.codes[0])

    def suspect(self) -> str | None:
        """Why this number looks damaged (for OCR pages), else ``None``."""
        if self.repaired:
            return "repaired code"
        t = P.tables()
        for c in self.codes:
            if not (P.is_type_code(c) or P.is_issuer_code(c) or c.rstrip("0123456789").upper() in t["types_upper"]):
                return f"unknown code {c}"
            if c.upper() in ("HĐNN", "UBTVQH"):  # these always carry a term number ("HĐNN7")
                return f"{c} without its term number"
        return self.term_outside_year()

    def term_outside_year(self) -> str | None:
        """A legislature's term (``QH14``, ``UBTVQH15``) that does not sit in the number's year
        (``45/2019/QH15``): a misprint or a misreading, whatever the page's method."""
        if self.term_note:
            return self.term_note
        if not self.year:
            return None
        for c in self.codes:
            m = _TERM.match(c.upper())
            if m:
                term = P.tables()["legislatures"].get(int(m.group(1)))
                if term is None:  # "85/2025/QH5" for QH15: a digit lost, no such term
                    return f"{c}: no legislature has term {int(m.group(1))}"
                if not term[0] <= int(self.year) <= term[1]:
                    return f"{c} does not sit in {self.year}"
        return None

    @property
    def canonical(self) -> str:
        if self.form == "hyphen":
            return f"{self.num}-{self.type_code}/{'-'.join(self.codes)}"
        if self.year:
            return f"{self.num}/{self.year}/{'-'.join(self.codes)}"
        return f"{self.num}/{'-'.join(self.codes)}"


def parts_of(m: re.Match) -> _Parts:
    """The parts of a number matched by ``patterns.REFERENCE`` (or identity's own-number pattern)."""
    num = m["num"]
    if num[-1].isalpha():
        num = num[:-1] + num[-1].lower()
    if m["pcodes"] is not None:
        fixed = [_repair_code(c) for c in [m["ptype"], *split_codes(m["pcodes"])]]
        ptype, *codes = [P.standard_case(c) for c, _ in fixed]
        repaired = any(r for _, r in fixed)
        return _Parts(num, None, "hyphen", ptype, codes, codes, repaired, " " in m["phyphen"])
    year = re.sub(r"\s", "", m["year"]) if m["year"] else None
    raw_codes = m["ncodes"] if m["ncodes"] is not None else m["acodes"]
    segs = split_codes(raw_codes)
    if segs:
        segs = _fix_lost_hyphen(segs[0]) + segs[1:]
    fixed = [_repair_code(c) for c in segs]
    if len(segs) > 1 and not fixed[0][1] and (year or P.is_issuer_code(segs[1])):
        fixed[0] = _repair_type_slot(segs[0])  # a công văn's first code is its issuer ("CTT-TTHT")
    repaired = any(r for _, r in fixed)
    codes = [P.standard_case(c) for c, _ in fixed]
    type_code = codes[0] if codes and P.is_type_code(codes[0]) and len(codes) > 1 else None
    if type_code is None and len(codes) == 1 and P.is_type_code(codes[0]) and codes[0] in ("NQ", "NĐ", "QĐ", "TT", "CT"):
        type_code = codes[0]
    note = None
    if year:
        codes, note = _restore_terms(codes, int(year))
        repaired = repaired or note is not None
    issuers = codes[1:] if type_code else codes
    return _Parts(num, year, "normative" if year else "admin", type_code, codes, issuers, repaired, term_note=note)


def _restore_terms(codes: list[str], year: int) -> tuple[list[str], str | None]:
    """A legislature's term that lost its leading digit ("85/2025/QH5", "6/2013/UBTVQH3": the 1 of
    QH15, UBTVQH13 dropped by OCR) is restored when exactly one term of that ending sits in the
    number's year; the value is then a repair, for review."""
    terms = P.tables()["legislatures"]
    out, notes = [], []
    for c in codes:
        m = _TERM.match(c.upper())
        t = int(m.group(1)) if m else None
        span = terms.get(t) if t is not None else None
        if m is None or (span and span[0] <= year <= span[1]):
            out.append(c)
            continue
        fits = [k for k, (a, b) in terms.items() if a <= year <= b and str(k).endswith(m.group(1))
                and len(str(k)) == len(m.group(1)) + 1]
        if len(fits) != 1:
            out.append(c)
            continue
        fixed = c[:m.start(1)] + str(fits[0])
        notes.append(f"{c} restored as {fixed}: no term {t} sat in {year}")
        out.append(fixed)
    return out, "; ".join(notes) or None


def canonical_number(raw: str) -> str | None:
    """Canonical number and symbol of the first document number in ``raw``, else ``None``.

    ``"số 12/KH-STP"``, ``"12 /KH- STP"`` -> ``"12/KH-STP"``; ``"673/QĐUBND"`` ->
    ``"673/QĐ-UBND"``; ``"82/2005-QĐ-UBND"`` -> ``"82/2005/QĐ-UBND"``.
    """
    text = fix_chars(unicodedata.normalize("NFC", raw)).strip()
    text = P.NUMBER_PREFIX.sub("", text).lstrip("_ ")
    for m in P.REFERENCE.finditer(text):
        parts = parts_of(m)
        if parts.plausible():
            return parts.canonical
    return None


def number_key(number: str) -> str:
    """Loose key for OCR-tolerant comparison: uppercase, Đ/Ð -> D, accents and separators gone."""
    t = fold_chars(fix_chars(unicodedata.normalize("NFC", number)))
    return re.sub(r"[^0-9a-z]", "", t).upper()


def doc_type_name(code: str) -> str | None:
    """Full Vietnamese name of a type code: ``"KH"`` -> ``"Kế hoạch"``; ``None`` if unknown."""
    t = P.tables()
    std = t["types_upper"].get(code.strip().upper())
    return t["types"][std] if std else None


# ---------------------------------------------------------------------------------------
# finding

_TYPE_WORDS = sorted(P.tables()["type_words"].items(), key=lambda kv: len(kv[0]), reverse=True)
_TYPE_WORD_RE = re.compile(
    r"(?<![a-z])(" + "|".join(re.escape(fold_chars(k)) for k, _ in _TYPE_WORDS) + r")(?![a-z])"
)
_TYPE_WORD_NAMES = {fold_chars(k): v for k, v in _TYPE_WORDS}
_ANCHOR_WORDS = sorted({fold_chars(w) for w in [*P.tables()["type_words"], *P.tables()["single_code_anchors"]]},
                       key=len, reverse=True)
# "số" as OCR also reads it ("sô", "s6"), or a type word, right before a number (one line wrap allowed)
_SINGLE_ANCHOR = re.compile(r"(?<![a-z])(?:s6|" + "|".join(re.escape(w) for w in _ANCHOR_WORDS) + r")\s*:?\s*$")
_DATE_AFTER = re.compile(
    r"\s{0,3}[,(]?\s{0,3}(?:đã\s+)?(?:được\s+)?(?:ban hành\s+|ký\s+|thông qua\s+)?(?:vào\s+)?ngày\s{0,3}",
    re.IGNORECASE,
)
_DATE_BEFORE = re.compile(
    r"[Nn]gày\s{1,3}$"
)
# "Số:", "Luật số:", "Nghị quyết số:" at the start of a line (a header cell: the colon marks it)
_OWN_NUMBER_LINE = re.compile(
    r"^\s*(?:(?:" + "|".join(re.escape(k) for k, _ in _TYPE_WORDS) + r")\s+)?(?:số|sô)\s*[:.]\s*_?$",
    re.IGNORECASE,
)


# "Số 12/KH-STP" without a colon: capitalised (a body line wrapped before "số 77/2015/QH13"
# is lower-case), near the top of the text, before the body starts ("Căn cứ ..."), under a
# line that does not end mid-sentence (the issuer, "LUẬT", "-----"), and nothing but the
# number on its line: a justified line may start with "Luật số 36/2009/QH12;", a citation
_OWN_NUMBER_NO_COLON = re.compile(r"^\s*(?:(?:Bộ\s+[Ll]uật|Luật)\s+số|(?:BỘ\s+LUẬT|LUẬT)\s+SỐ|Số|SỐ)\s*$")
_BODY_STARTED = re.compile(r"căn cứ|theo đề nghị", re.IGNORECASE)
_PLACE_DATE_AFTER = re.compile(r"[ \t]+[^\n,]{2,40},[ \t]*ngày\b", re.IGNORECASE)  # "Số 12/KH-STP  Hà Nội, ngày"
_MOTTO = re.compile(r"Hạnh\s+phúc\W*$", re.IGNORECASE)  # the header's right column, beside the number

# more text follows the number on its line (a comma or a semicolon counts)
_REST_OF_LINE = re.compile(r"[ \t]*[^\s.]")


def _prev_line(text: str, ls: int) -> str:
    """The line before the one starting at ``ls``, stripped ("" at the top)."""
    if ls <= 0:
        return ""
    return text[text.rfind("\n", 0, ls - 1) + 1:ls - 1].strip()


def _ends_with_type_word(line: str) -> str | None:
    """'... CỦA NGHỊ ĐỊNH' -> 'whole' if the line is only the type word, 'end' if it ends with one."""
    folded = fold_chars(line)
    for m in _TYPE_WORD_RE.finditer(folded):
        if m.end() == len(folded):
            return "whole" if m.start() == 0 else "end"
    return None


# the header zone of page 1, where the document's own number stands
_HEADER_ZONE = 1500


def _is_own_number(text: str, s: int, e: int) -> bool:
    """The document's own number on its header line (``Số: ...``), not a reference.

    Without the colon (old laws, some headers) the number is its own only near the top,
    before the body ("Căn cứ ..."), and not where justified text wrapped a citation
    ("... của Nghị định⏎số 35/2023/NĐ-CP", "... BỞI NGHỊ ĐỊNH⏎SỐ 35/2023/NĐ-CP NGÀY").
    """
    ls = text.rfind("\n", 0, s) + 1
    head = text[ls:s]
    if _OWN_NUMBER_LINE.match(head):
        return True
    if s < 600 and not _BODY_STARTED.search(text, 0, ls):
        prev = _prev_line(text, ls)
        prev_type = _ends_with_type_word(prev)
        if _OWN_NUMBER_NO_COLON.match(head):
            if prev and (not (prev[-1].isupper() or prev[-1] in "-*_=~" or _MOTTO.search(prev)) or prev_type == "end"):
                return False  # under a body line ("... Điều 78⏎Luật số 54/2014/QH13."), or a
                # wrapped title ("<TYPE>⏎SỐ X"): the header's lines above end in capitals or a rule
            if not _REST_OF_LINE.match(text, e) or _PLACE_DATE_AFTER.match(text, e):
                return True  # nothing but the number on its line (or the header row's date beside it)
            # an all-caps title line may run on: "LUẬT SỐ 102-SL/L-004 NGÀY ...", "LUẬT⏎SỐ 18-L/CTN NGÀY"
            return head.isupper() and (head.strip() not in ("SỐ",) or prev_type == "whole")
    if not head.strip() and ls > 0:  # "Số:" alone on the previous line
        pls = text.rfind("\n", 0, ls - 1) + 1
        return bool(_OWN_NUMBER_LINE.match(text[pls:ls - 1]))
    return False


@dataclass
class RawRef:
    start: int
    end: int
    parts: _Parts
    doc_type: str | None
    issued_on: str | None
    date_start: int | None  # where the stated date's digits start (for date roles)


# A line break ends a paragraph only after closing punctuation or before a list item;
# otherwise it is where justified text wrapped a sentence ("Nghị quyết⏎số 45/2019/QH14").
_LIST_ITEM = re.compile(r"[ \t]*(?:[-+•*]|\d{1,3}[.)]|[a-zđ][.)])[ \t]")
_WRAPPED_NL = re.compile(r"\n")


def _last_cut(window: str, text: str, lo: int, chars: str) -> int:
    """Index in ``window`` (= ``text[lo:...]``) of the last sentence or paragraph boundary, else -1."""
    cut = max(window.rfind(c) for c in chars)
    nl = window.rfind("\n")
    while nl > cut:
        if _LIST_ITEM.match(text, lo + nl + 1):
            return nl
        nl = window.rfind("\n", 0, nl)
    return cut


def _context_type(text: str, folded: str, start: int, floor: int) -> str | None:
    lo = max(floor, start - 100)
    window = folded[lo:start]
    cut = _last_cut(window, text, lo, ".;(")
    if cut >= 0:
        window, lo = window[cut + 1:], lo + cut + 1
    best = None
    # "Nghị⏎quyết" is one type word; "Bộ⏎Luật" (a capital after the break) is two
    window = _WRAPPED_NL.sub(lambda n: " " if text[lo + n.start() + 1:lo + n.start() + 2].islower() else "\n", window)
    for m in _TYPE_WORD_RE.finditer(window):
        if text[lo + m.start()].isupper():
            best = m
    return _TYPE_WORD_NAMES[best.group(1)] if best else None


def _doc_type(parts: _Parts, ctx: str | None) -> str | None:
    t = P.tables()
    if parts.form == "hyphen":
        if parts.codes and parts.codes[0].rstrip("0123456789") in t["party_issuers"]:
            party = t["party_hyphen_types"].get(parts.type_code)
            if party:
                return party
        return t["hyphen_form_types"].get(parts.type_code) or t["types"].get(parts.type_code) or ctx
    if parts.type_code:
        return t["types"][parts.type_code]
    if ctx:
        return ctx
    base = parts.codes[0].rstrip("0123456789") if parts.codes else ""
    if base in t["default_type_for_issuer"]:
        return t["default_type_for_issuer"][base]
    return t["no_type_part"]


def _stated_date(text: str, start: int, end: int) -> tuple[str | None, int | None, int]:
    """The date stated with the citation at ``start:end`` (ISO), where its digits start, and where
    the citation's clause goes on: after a date stated right after it, else at ``end``."""
    m = _DATE_AFTER.match(text, end)
    if m and m.end() > end:
        got = date_at(text, m.end())
        if got:
            return got[0].isoformat(), got[1], got[2]
    # "Ngày 21/6/2024, Bộ Nội vụ ban hành Báo cáo số 3579/BC-BNV"
    lo = max(0, start - 160)
    before = text[lo:start]
    cut = _last_cut(before, text, lo, ".;")
    if cut >= 0:
        before, lo = before[cut + 1:], lo + cut + 1
    m2 = re.search(r"[Nn]gày\s{1,3}(?=\d)", before)
    if m2 and re.search(r"\bban\s+hành\b", before[m2.end():], re.IGNORECASE) and not re.search(r"\d", before[m2.end() + 12:]):
        got = date_at(text, lo + m2.end())
        if got and not re.search(r"\d", text[got[2]:start]):
            return got[0].isoformat(), got[1], end
    return None, None, end


# a line that ends inside a token ("Ký hiệu: C2-", "Mẫu số 02a/", a blank "....../" or
# "số /"): the next line's first characters are that token's tail ("-------" is a rule,
# " - " a dash)
_ENDS_INSIDE_TOKEN = re.compile(r"(?:[^\s\-/][-/]|\s/)[ \t]*$")


def _continues_token(text: str, s: int) -> bool:
    """``s`` starts a line whose previous line ends inside a token (``C2-⏎05a/NS``)."""
    ls = text.rfind("\n", 0, s)
    if ls < 0 or text[ls + 1:s].strip():
        return False
    return bool(_ENDS_INSIDE_TOKEN.search(text, max(0, ls - 40), ls))


# Cyrillic capitals that look like Latin ones, as found inside published numbers
# ("06/2026/TT-BTС"); one for one, so offsets stay valid
_CYRILLIC_LOOKALIKES = str.maketrans("АВСЕНКМОРТХ", "ABCEHKMOPTX")
_CYRILLIC = re.compile("[АВСЕНКМОРТХ]")


_SO_BEFORE = re.compile(r"(?:số|sô)\s*:?\s*$", re.IGNORECASE)


def _break_plausible(m: re.Match) -> bool:
    """A number broken right after its first separator ("11/⏎Di chuyển", "02/⏎UBND" in a
    table's cells, "18-⏎NQ/TW") is taken only when the second piece is a symbol on its own:
    after "/", two codes, the first in capitals or a mixed-case code of the tables (one
    known code right after "số"); after "-", a type code of the tables."""
    if m["acodes"] is not None and "\n" in m.string[m.end("num"):m.start("acodes")]:
        segs = split_codes(m["acodes"])
        if not (segs[0].isupper() or segs[0].upper() in P.tables()["mixed_upper"]):
            return False
        # one code: only after "số", and a known one or a capitals code ("Nghị định số 25/⏎CP",
        # "Thông tư liên bộ số 11/⏎TTLB", "Văn bản số 702/⏎UBQPANĐN15")
        one = P.is_issuer_code(segs[0]) or P.is_type_code(segs[0]) or (
            segs[0].isupper() and len(segs[0].rstrip("0123456789")) >= 2)
        return len(segs) >= 2 or (one and bool(_SO_BEFORE.search(m.string, max(0, m.start() - 8), m.start())))
    if m["ptype"] is not None and "\n" in m["phyphen"]:
        t = P.tables()
        code = P.standard_case(m["ptype"])
        if code in t["types"] or code in t["hyphen_form_types"]:
            return True
        # a code off the tables ("số 27-⏎UBND/TU", "Quy định số 05-⏎BCĐ/TW"): the
        # symbol is whole on the next line (a slash follows the code), in capitals as
        # printed, and "số" or a type word stands before the number
        raw = m["ptype"]
        return raw.isupper() and len(raw.rstrip("0123456789")) >= 2 and _anchored(m.string, m.start())
    return True


# --- the printed token around a match (issue #11: wrong is worse than missing, missing worse than flagged)
_PROSE_CODE_LOWER = 2  # more small letters than this in one code: a word, not a code ("2014 /Pursuant")
_GLUED_TAIL = re.compile(r"[/_][A-Za-zĐđ0-9]")  # the printed token runs on past the match
_TOKEN_REST = re.compile(r"[^\s,;()]*")


def _prose_code(m: re.Match) -> bool:
    """A code of the match is a capitalised word of prose (codes carry at most one small
    letter: ``TTg``, ``CTr``; two are allowed for OCR case damage)."""
    raw = m["ncodes"] if m["ncodes"] is not None else m["acodes"] if m["acodes"] is not None else m["pcodes"]
    segs = split_codes(raw) + ([m["ptype"]] if m["ptype"] else [])
    return any(sum(c.islower() for c in seg) > _PROSE_CODE_LOWER for seg in segs)


def _token_tail(text: str, m: re.Match) -> str | None:
    """What a match leaves of its printed token: ``"form"`` for a yearless number whose symbol
    goes on after another slash (``15/BCQT-NVL/GSQL``: a form's code, no document is numbered
    so), ``"cut"`` when the token goes on otherwise (``54/2019/NĐ_CP``: a misprint, the value
    read is not all that is printed), else ``None``."""
    if not _GLUED_TAIL.match(text, m.end()):
        return None
    if text[m.end()] == "/" and m["year"] is None and m["pcodes"] is None:
        return "form"
    return "cut"


def _anchored(text: str, s: int) -> bool:
    """``số`` or a type word just before ``s`` (:data:`_SINGLE_ANCHOR`)."""
    window = fold_chars(text[max(0, s - 40):s]).replace("\n", " ")
    return _SINGLE_ANCHOR.search(window) is not None


def scan_references(text: str, own: str | None = None) -> list[RawRef]:
    """All references in ``text`` (already passed through ``fix_chars``).

    ``own``: the document's own number (:func:`number_key`), when it was read on an
    earlier page; its citations are not references.  ``""``: none is known, and none is
    looked for (a text that is not a page's start).
    """
    out: list[RawRef] = []
    folded = None
    prev_end = 0
    label_end = -1  # end of the last form code skipped (a list of them: "Mẫu số 01/PB, 02/PB")
    printed = text
    if _CYRILLIC.search(text):
        text = text.translate(_CYRILLIC_LOOKALIKES)  # "TT-BTС" (Cyrillic С) is read as TT-BTC
    for m in P.REFERENCE.finditer(text):
        s, e = m.start(), m.end()
        parts = parts_of(m)
        if printed is not text and printed[s:e] != text[s:e]:
            parts.repaired = True  # not what the page says: a person must look
        if not parts.plausible() or not _break_plausible(m) or _prose_code(m):
            continue
        tail = _token_tail(text, m)
        if tail == "form":
            rest = _TOKEN_REST.match(text, e)
            assert rest is not None  # the pattern matches the empty string
            label_end = prev_end = rest.end()  # a list of form codes may follow
            continue
        if tail == "cut" or (parts.num[-1].isalpha() and parts.year is None and parts.type_code is None):
            parts.repaired = True  # a misprint, or a form's code ("06a/NS"; "30c/NQ-CP" is a resolution): a person must look
        if parts.year and parts.codes and (_LEGISLATURE.match(parts.codes[-1].upper()) or (
                len(parts.codes) == 1 and P.is_type_code(parts.codes[0]) and not P.is_issuer_code(parts.codes[0]))):
            parts.repaired = True  # "54/2014/QH" without its term, "19/2013/TT" without its issuer: a symbol
            # cut short (a paragraph break inside it), not what was issued
        if _is_own_number(text, s, e):
            if own is None and s < _HEADER_ZONE:
                own = number_key(parts.canonical)
            prev_end = e
            continue
        if own and number_key(parts.canonical) == own and _self_citation(text, s, e, parts):
            prev_end = e  # the title or an annex restating the document's own number
            continue
        if _continues_token(text, s):
            continue
        if P.FORM_LABEL.search(text, max(0, s - 30), s) or (
                label_end >= 0 and P.FORM_LIST_GAP.fullmatch(text, label_end, s)):
            label_end = prev_end = e  # a form's code, not a document
            continue
        if parts.form == "admin" and len(parts.codes) == 1 and not _anchored(text, s):
            if not (P.is_issuer_code(parts.codes[0]) or P.is_type_code(parts.codes[0])):
                prev_end = e
                continue  # "Tờ khai 01/TNCN": a form's code
            parts.repaired = True  # "quy định tại 12/CP": an old decree, or a table's code; a person must look
        ctx = None
        if parts.form != "hyphen" and not parts.type_code:
            if folded is None:
                folded = fold_chars(text)
            ctx = _context_type(text, folded, s, prev_end)
        issued, dstart, clause = _stated_date(text, s, e)
        if parts.year and parts.issuers:
            parts.named_body = named_body_disagrees(text, clause, parts.issuers)
        out.append(RawRef(s, e, parts, _doc_type(parts, ctx), issued, dstart))
        prev_end = e
    return out


# "(Ban hành) kèm theo Quyết định số": an annex naming the document it belongs to
_ANNEX_OF = re.compile(r"kèm\s+theo\s+(?:\S+\s+){0,6}?(?:số\s*:?\s*)?$", re.IGNORECASE)


def _self_citation(text: str, s: int, e: int, parts: _Parts) -> bool:
    """A citation of the document's own number that is the document itself.

    With a year the number is unique; without one (``12/QĐ-UBND``) numbering restarts
    every year, so a dated citation in the body may be last year's ``12/QĐ-UBND``: only
    the header's title, an undated one or an annex's "kèm theo …" is the document itself.
    """
    if parts.year or not _BODY_STARTED.search(text, 0, s):
        return True  # unique with its year; or the header's title restating it
    return _ANNEX_OF.search(text, max(0, s - 80), s) is not None or _stated_date(text, s, e)[0] is None


_WITH_YEAR = re.compile(r"\d+[a-z]?/\d{4}/")


def _is_self(text: str, r: Reference) -> bool:
    """:func:`_self_citation` for a reference already made (a later page's)."""
    return bool(_WITH_YEAR.match(r.number) or r.issued_on is None
                or _ANNEX_OF.search(text, max(0, r.start - 80), r.start))


def own_number_key(text: str) -> str | None:
    """:func:`number_key` of the document's own number on its header line (``Số: …``) in
    the header zone of ``text`` (page 1), else ``None``."""
    text = fix_chars(text[:_HEADER_ZONE + 200])
    if _CYRILLIC.search(text):
        text = text.translate(_CYRILLIC_LOOKALIKES)
    for m in P.REFERENCE.finditer(text):
        if m.start() >= _HEADER_ZONE:
            break
        if _is_own_number(text, m.start(), m.end()):
            return number_key(parts_of(m).canonical)
    return None


def _review(parts: _Parts, needs_review: bool, is_ocr: bool) -> bool:
    # a rewritten code is not what the page says; on OCR text a damaged-looking number is
    # never returned as confident
    # a number whose issuer code is not the body its clause names: one of the two is misprinted
    # or misread (OCR swaps one capital for another: "TT-BTP … của Bộ Tài chính")
    return needs_review or parts.repaired or parts.named_body is not None or (is_ocr and parts.suspect() is not None)


def _to_reference(page: Page, r: RawRef, idx: WordIndex) -> Reference:
    loc = idx.locate(r.start, r.end)
    year = int(r.parts.year) if r.parts.year else (int(r.issued_on[:4]) if r.issued_on else None)
    return Reference(
        text=page.text[r.start:r.end], page=page.number, start=r.start, end=r.end, box=loc.box,
        confidence=loc.confidence, needs_review=_review(r.parts, loc.needs_review, idx.is_ocr),
        number=r.parts.canonical, doc_type=r.doc_type, doc_type_code=r.parts.type_code,
        issuers=list(r.parts.issuers), year=year, issued_on=r.issued_on,
    )


def resolve_references(refs: list[Reference]) -> list[Reference]:
    """Link short repeats to the first full citation of the same number (in place).

    A reference stated without a date gets ``resolved_to`` = index of the first
    earlier citation of the same number that carries a date (else the first
    earlier citation) and inherits its date and year.
    """
    first_any: dict[str, int] = {}
    first_dated: dict[str, int] = {}
    for i, r in enumerate(refs):
        k = number_key(r.number)
        if r.issued_on is None:
            j = first_dated.get(k, first_any.get(k))
            if j is not None:
                r.resolved_to = j
                src = refs[j]
                r.issued_on = src.issued_on
                if r.year is None:
                    r.year = src.year
                if r.doc_type is None:
                    r.doc_type = src.doc_type
        elif k not in first_dated:
            first_dated[k] = i
        first_any.setdefault(k, i)
    return refs


def find_references(page: Page, _raw: list[RawRef] | None = None) -> list[Reference]:
    """References on one page, canonicalised, short repeats resolved within the page."""
    if _raw is None:
        _raw = scan_references(fix_chars(page.text))
    idx = WordIndex(page)
    return resolve_references([_to_reference(page, r, idx) for r in _raw])


# ---------------------------------------------------------------------------------------
# across a page break

# a page number or running footer on its own line ("2", "- 2 -", "Trang 2", "2/5")
_PAGE_NUMBER_LINE = re.compile(r"[ \t]*(?:-[ \t]*\d{1,3}[ \t]*-|(?:[Tt]rang[ \t]+)?\d{1,3}(?:[ \t]*/[ \t]*\d{1,3})?)[ \t]*$")
_TAIL_CHARS = 240  # how much of page N's end and page N+1's start is joined and re-scanned
_TOP_CHARS = 60  # the start of page N+1 whose reading page N's end can change


def _tail(text: str) -> tuple[int, int]:
    """(start, end) of page N's last lines, a trailing page-number line left out."""
    end = len(text.rstrip())
    ls = text.rfind("\n", 0, end) + 1
    if ls > 0 and _PAGE_NUMBER_LINE.fullmatch(text, ls, end):
        end = len(text[:ls].rstrip())
    lo = max(0, end - _TAIL_CHARS)
    if lo > 0:
        lo = text.rfind("\n", 0, lo) + 1
    return lo, end


def _head(text: str) -> tuple[int, int]:
    """(start, end) of page N+1's first lines, after its page number (ND30: top centre)."""
    start = len(text) - len(text.lstrip())
    le = text.find("\n", start)
    if le > 0 and _PAGE_NUMBER_LINE.fullmatch(text, start, le):
        start = le + 1
        start += len(text[start:]) - len(text[start:].lstrip())
    end = text.find("\n", min(len(text), start + _TAIL_CHARS))
    return start, len(text) if end < 0 else end


def _joined_reference(a: Page, b: Page, r: RawRef, joined: str, a_lo: int, a_end: int, b_lo: int) -> Reference:
    """A reference whose first piece ends page ``a`` and second piece starts page ``b``.

    One page and span as the model has: page ``a``, the first piece's start and end
    there; ``text`` is the whole citation as joined (``"2150/UBND-\\nKGVX"``); the
    confidence and review cover both pieces.
    """
    boundary = a_end - a_lo
    s_a = a_lo + r.start
    e_b = b_lo + (r.end - boundary - 1)
    la, lb = WordIndex(a).locate(s_a, a_end), WordIndex(b).locate(b_lo, e_b)
    is_ocr = a.method == PageMethod.OCR or b.method == PageMethod.OCR
    year = int(r.parts.year) if r.parts.year else (int(r.issued_on[:4]) if r.issued_on else None)
    return Reference(
        text=joined[r.start:r.end], page=a.number, start=s_a, end=a_end, box=la.box,
        confidence=min(la.confidence, lb.confidence),
        needs_review=_review(r.parts, la.needs_review or lb.needs_review, is_ocr),
        number=r.parts.canonical, doc_type=r.doc_type, doc_type_code=r.parts.type_code,
        issuers=list(r.parts.issuers), year=year, issued_on=r.issued_on,
    )


def join_page_breaks(pages: list[Page], refs: list[Reference]) -> list[Reference]:
    """A file's references: each page's (``refs``, in page order) with the citations a
    page break cut in two joined, the document's own number dropped, short repeats
    resolved across pages.

    Page N's last lines and page N+1's first lines (its page number skipped) are joined
    with a line break and scanned again.  A citation found across the join replaces the
    pieces the pages gave alone (``2150/UBND`` on N, ``2024/NĐ-CP`` on N+1); at the top
    of N+1 the joined reading wins (a number continuing a token cut at the end of N,
    ``C2-``, or a form code after ``Mẫu`` is dropped); the first citation on N+1 takes its
    type and date from the sentence that began on N.
    """
    by_page: dict[int, list[Reference]] = {}
    for ref in refs:
        by_page.setdefault(ref.page, []).append(ref)
    own = own_number_key(pages[0].text) if pages else None
    for a, b in pairwise(pages):
        if b.number != a.number + 1 or not a.text.strip() or not b.text.strip():
            continue
        ta, tb = fix_chars(a.text), fix_chars(b.text)
        a_lo, a_end = _tail(ta)
        b_lo, b_end = _head(tb)
        joined = ta[a_lo:a_end] + "\n" + tb[b_lo:b_end]
        boundary = a_end - a_lo
        scanned = scan_references(joined, own=own or "")
        refs_a, refs_b = by_page.setdefault(a.number, []), by_page.setdefault(b.number, [])
        # what the top of N+1 holds, read with N's end before it ("Mẫu⏎số 06/TT" split by the
        # break is a form code; "C2-⏎05a/NS" the tail of a token): page N+1 alone is overruled
        seen = {b_lo + (r.start - boundary - 1) for r in scanned if r.start > boundary}
        refs_b[:] = [x for x in refs_b if not (b_lo <= x.start < b_lo + _TOP_CHARS) or x.start in seen]
        for r in scanned:
            if r.start < boundary < r.end:
                e_b = b_lo + (r.end - boundary - 1)
                refs_a[:] = [x for x in refs_a if x.start < a_lo + r.start]
                refs_b[:] = [x for x in refs_b if x.start >= e_b]
                refs_a.append(_joined_reference(a, b, r, joined, a_lo, a_end, b_lo))
            elif r.start > boundary:
                # the first citation on N+1 seen with page N's end before it: the type and date
                # of the sentence that began on N; found only so (page N+1 alone took a wrapped
                # "SỐ 95/2020/TT-BTC NGÀY" at its top for a header), it is added
                pos = b_lo + (r.start - boundary - 1)
                same = [x for x in refs_b if x.start == pos and x.number == r.parts.canonical]
                for x in same:
                    if not x.doc_type_code and x.doc_type != r.doc_type and r.doc_type:
                        x.doc_type = r.doc_type
                    if x.issued_on is None and r.issued_on:
                        x.issued_on = r.issued_on
                        x.year = x.year or int(r.issued_on[:4])
                if not same and not any(x.start <= pos < x.end for x in refs_b):
                    shifted = RawRef(pos, b_lo + (r.end - boundary - 1), r.parts, r.doc_type, r.issued_on, None)
                    refs_b.insert(sum(1 for x in refs_b if x.start < pos), _to_reference(b, shifted, WordIndex(b)))
                break  # only the first citation after the break
    out = [r for p in sorted(by_page) for r in by_page[p]]
    if own:
        text_of = {p.number: fix_chars(p.text) for p in pages}
        out = [r for r in out if r.page == pages[0].number or number_key(r.number) != own
               or not _is_self(text_of[r.page], r)]
    for ref in out:
        ref.resolved_to = None
    return resolve_references(out)


def find_document_references(pages: list[Page]) -> list[Reference]:
    """References of a whole file (its readable pages, in order): :func:`find_references`
    per page, then :func:`join_page_breaks`."""
    return join_page_breaks(pages, [r for p in pages for r in find_references(p)])
