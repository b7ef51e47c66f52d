"""References to other documents: find -> canonicalise -> resolve short repeats.

Candidates come from one regex (``patterns.REFERENCE``) over the raw page text;
anything without a letter code after the number (``46/132``, ``24/4/2024``,
``288/4``, ``9001:2015``) never matches.  The document's own number on its
``Số:`` header line is not a reference and is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from models.extraction import Reference
from models.pages import Page

from . import patterns as P
from .confidence import WordIndex
from .dates import date_at
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


def _split_codes(codes: str) -> list[str]:
    codes = re.sub(r"\s+", "", codes)
    return [c for c in codes.split("-") if c]


# OCR damage inside a legislature code: "UBTVQHI11", "QOH12", "QH|14" -> QH + term number
_QH_DAMAGED = re.compile(r"^(UBTV|PL-UBTV)?Q[O0]?H[Il|]?(\d{1,2})$")
_TERM = re.compile(r"^(?:UBTVQH|QH|HĐNN)(\d{1,2})$")


def _repair_code(code: str) -> tuple[str, bool]:
    """Undo OCR damage that leaves a legislature code unambiguous; report whether it did."""
    up = code.upper()
    if P.is_type_code(up) or P.is_issuer_code(up):
        return code, False
    m = _QH_DAMAGED.match(up)
    if m:
        return f"{m.group(1) or ''}QH{m.group(2)}", True
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
            m = _TERM.match(c.upper())
            if m and self.year:
                term = t["legislatures"].get(int(m.group(1)))
                if term and not term[0] <= int(self.year) <= term[1]:
                    return f"{c} does not sit in {self.year}"
        return None

    @property
    def canonical(self) -> str:
        if self.form == "hyphen":
            return f"{self.num}-{self.type_code}/{'-'.join(self.codes)}"
        if self.year:
            return f"{self.num}/{self.year}/{'-'.join(self.codes)}"
        return f"{self.num}/{'-'.join(self.codes)}"


def _parts(m: re.Match) -> _Parts:
    num = m["num"]
    if num[-1].isalpha():
        num = num[:-1] + num[-1].lower()
    if m["pcodes"] is not None:
        ptype = P.standard_case(m["ptype"])
        codes = [P.standard_case(c) for c in _split_codes(m["pcodes"])]
        return _Parts(num, None, "hyphen", ptype, codes, codes)
    year = re.sub(r"\s", "", m["year"]) if m["year"] else None
    raw_codes = m["ncodes"] if m["ncodes"] is not None else m["acodes"]
    segs = _split_codes(raw_codes)
    if segs:
        segs = _fix_lost_hyphen(segs[0]) + segs[1:]
    fixed = [_repair_code(c) for c in segs]
    repaired = any(r for _, r in fixed)
    codes = [P.standard_case(c) for c, _ in fixed]
    type_code = codes[0] if codes and P.is_type_code(codes[0]) and len(codes) > 1 else None
    if type_code is None and len(codes) == 1 and P.is_type_code(codes[0]) and codes[0] in ("NQ", "NĐ", "QĐ", "TT", "CT"):
        type_code = codes[0]
    issuers = codes[1:] if type_code else codes
    return _Parts(num, year, "normative" if year else "admin", type_code, codes, issuers, repaired)


def canonical_number(raw: str) -> str | None:
    """Canonical number and symbol of the first document number in ``raw``, else ``None``.

    ``"số 12/KH-STP"``, ``"12 /KH- STP"`` -> ``"12/KH-STP"``; ``"673/QĐUBND"`` ->
    ``"673/QĐ-UBND"``; ``"82/2005-QĐ-UBND"`` -> ``"82/2005/QĐ-UBND"``.
    """
    text = fix_chars(unicodedata.normalize("NFC", raw)).strip()
    text = P.NUMBER_PREFIX.sub("", text).lstrip("_ ")
    m = P.REFERENCE.search(text)
    if not m:
        return None
    return _parts(m).canonical


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
_DATE_AFTER = re.compile(
    r"\s{0,3}[,(]?\s{0,3}(?:đã\s+)?(?:được\s+)?(?:ban hành\s+|ký\s+|thông qua\s+)?(?:vào\s+)?ngày\s{0,3}",
    re.IGNORECASE,
)
_DATE_BEFORE = re.compile(
    r"[Nn]gày\s{1,3}$"
)
_OWN_NUMBER_LINE = re.compile(r"^\s*(?:(?:bộ\s+)?luật\s+)?(?:số|sô)\s*[:.]\s*_?$", re.IGNORECASE)


# "Số 12/KH-STP" without a colon: capitalised (a body line wrapped before "số 77/2015/QH13"
# is lower-case), near the top of the text, and nothing but the number on the line
_OWN_NUMBER_NO_COLON = re.compile(r"^\s*(?:(?:Bộ\s+[Ll]uật|Luật)\s+số|(?:BỘ\s+LUẬT|LUẬT)\s+SỐ|Số|SỐ)\s*$")


_REST_OF_LINE = re.compile(r"[ \t]*[^\s,;.]")  # more text follows the number on its line


def _is_own_number(text: str, s: int, e: int) -> bool:
    """The document's own number on its header line (``Số: ...``), not a reference."""
    ls = text.rfind("\n", 0, s) + 1
    head = text[ls:s]
    if _OWN_NUMBER_LINE.match(head):
        return True
    if s < 600 and _OWN_NUMBER_NO_COLON.match(head) and (head.isupper() or not _REST_OF_LINE.match(text, e)):
        return True  # an all-caps title line ("LUẬT SỐ 102-SL/L-004 NGÀY ...") may run on
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


def _context_type(text: str, folded: str, start: int, floor: int) -> str | None:
    lo = max(floor, start - 100)
    window = folded[lo:start]
    cut = max(window.rfind(c) for c in ".;\n(")
    if cut >= 0:
        window, lo = window[cut + 1:], lo + cut + 1
    best = None
    for m in _TYPE_WORD_RE.finditer(window):
        if text[lo + m.start()].isupper():
            best = m
    return _TYPE_WORD_NAMES[best.group(1)] if best else None


def _doc_type(parts: _Parts, ctx: str | None) -> str | None:
    t = P.tables()
    if parts.form == "hyphen":
        return t["hyphen_form_types"].get(parts.type_code) or t["types"].get(parts.type_code) or ctx
    if parts.type_code:
        return t["types"][parts.type_code]
    if ctx:
        return ctx
    base = parts.codes[0].rstrip("0123456789") if parts.codes else ""
    if base in t["default_type_for_issuer"]:
        return t["default_type_for_issuer"][base]
    return t["no_type_part"]


def _stated_date(text: str, start: int, end: int) -> tuple[str | None, int | None]:
    m = _DATE_AFTER.match(text, end)
    if m and m.end() > end:
        got = date_at(text, m.end())
        if got:
            return got[0].isoformat(), got[1]
    # "Ngày 21/6/2024, Bộ Nội vụ ban hành Báo cáo số 3579/BC-BNV"
    lo = max(0, start - 160)
    before = text[lo:start]
    cut = max(before.rfind(c) for c in ".;\n")
    if cut >= 0:
        before, lo = before[cut + 1:], lo + cut + 1
    m2 = re.search(r"[Nn]gày\s{1,3}(?=\d)", before)
    if m2 and re.search(r"\bban hành\b", before[m2.end():], re.IGNORECASE) and not re.search(r"\d", before[m2.end() + 12:]):
        got = date_at(text, lo + m2.end())
        if got and not re.search(r"\d", text[got[2]:start]):
            return got[0].isoformat(), got[1]
    return None, None


def scan_references(text: str) -> list[RawRef]:
    """All references in ``text`` (already passed through ``fix_chars``)."""
    out: list[RawRef] = []
    folded = None
    prev_end = 0
    own = None
    for m in P.REFERENCE.finditer(text):
        s, e = m.start(), m.end()
        if _is_own_number(text, s, e):
            own = number_key(_parts(m).canonical)
            prev_end = e
            continue
        if own and s < 800 and number_key(_parts(m).canonical) == own:
            prev_end = e  # the header's title restating the document's own number
            continue
        parts = _parts(m)
        ctx = None
        if parts.form != "hyphen" and not parts.type_code:
            if folded is None:
                folded = fold_chars(text)
            ctx = _context_type(text, folded, s, prev_end)
        issued, dstart = _stated_date(text, s, e)
        out.append(RawRef(s, e, parts, _doc_type(parts, ctx), issued, dstart))
        prev_end = e
    return out


def _to_reference(page: Page, r: RawRef, idx: WordIndex) -> Reference:
    loc = idx.locate(r.start, r.end)
    year = int(r.parts.year) if r.parts.year else (int(r.issued_on[:4]) if r.issued_on else None)
    # on OCR text a damaged-looking number is never returned as confident
    review = loc.needs_review or (idx.is_ocr and r.parts.suspect() is not None)
    return Reference(
        text=page.text[r.start:r.end], page=page.number, start=r.start, end=r.end, box=loc.box,
        confidence=loc.confidence, needs_review=review,
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
