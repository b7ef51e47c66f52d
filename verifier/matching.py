"""Find the documents a claim relies on: by cited number (OCR-tolerant), by file name,
and by searching all evidence for a document that fits a rule's description."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from extractors import fold, number_key
from models.claims import Citation
from models.rubric import DocumentSpec

from .evidence import EvidenceFile
from .relative_dates import resolve

FUZZY_NUMBER_MIN = 88.0  # rapidfuzz ratio on number keys for an OCR-tolerant match
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "tp": "thanh pho",
    "tp.": "thanh pho",
}


@dataclass
class Match:
    file: EvidenceFile
    how: str  # "number" | "number_fuzzy" | "file_name" | "search"
    score: float
    citation: Citation | None = None


@dataclass
class SpecCheck:
    """How one document measures up against a DocumentSpec. ``None`` means unknown."""

    file: EvidenceFile
    type_ok: bool | None = None
    issuer_ok: bool | None = None
    title_ok: bool | None = None
    period_ok: bool | None = None
    title_year: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(v is not False for v in (self.type_ok, self.issuer_ok, self.title_ok, self.period_ok))


@lru_cache(maxsize=16384)
def _fold(text: str) -> str:
    return fold(text)


@lru_cache(maxsize=4096)
def _phrase_re(phrase: str) -> re.Pattern | None:
    p = _fold(phrase)
    return re.compile(r"(?<!\w)" + re.escape(p) + r"(?!\w)") if p else None


def clear_caches() -> None:
    """Forget memoised folds and patterns (benchmarks time a cold verify with this)."""
    for f in (_fold, _phrase_re, expand_abbreviations, issuing_body, body_matches):
        f.cache_clear()


def phrase_in(phrase: str, text: str) -> bool:
    """Accent-insensitive whole-word phrase search ("quý I" is not in "quý III")."""
    pattern = _phrase_re(phrase)
    return pattern is not None and pattern.search(_fold(text)) is not None


def match_citation(citation: Citation, files: list[EvidenceFile]) -> Match | None:
    if citation.number:
        key = number_key(citation.number)
        for f in files:
            if f.number_key and f.number_key == key:
                return Match(f, "number", 1.0, citation)
        best: tuple[float, EvidenceFile] | None = None
        for f in files:
            if not f.number_key:
                continue
            score = fuzz.ratio(key, f.number_key)
            if score >= FUZZY_NUMBER_MIN and _same_symbol(citation.number, f.number) and (best is None or score > best[0]):
                best = (score, f)
        if best:
            return Match(best[1], "number_fuzzy", best[0] / 100.0, citation)
    if citation.file_name:
        wanted = fold(citation.file_name.rsplit("/", 1)[-1])
        for f in files:
            if f.folded_name == wanted:
                return Match(f, "file_name", 1.0, citation)
        for f in files:
            if fuzz.ratio(f.folded_name, wanted) >= 92:
                return Match(f, "file_name", 0.9, citation)
    return None


def _same_symbol(a: str | None, b: str | None) -> bool:
    """Fuzzy number matches must agree on the symbol (the part after the first slash)."""
    if not a or not b or "/" not in a or "/" not in b:
        return False
    return number_key(a.split("/", 1)[1]) == number_key(b.split("/", 1)[1])


@lru_cache(maxsize=4096)
def expand_abbreviations(text: str) -> str:
    words = fold(text).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


_ORG_PREFIXES = ("uy ban nhan dan", "hoi dong nhan dan")
_LEVELS = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "xa", "phuong", "thi tran")


def _starts_with_level(name: str) -> bool:
    return any(name == lv or name.startswith(lv + " ") for lv in _LEVELS)


def _ends_with(name: str, words: tuple[str, ...]) -> bool:
    return any(name == w or name.endswith(" " + w) for w in words)


@lru_cache(maxsize=4096)
def issuing_body(issuer: str | None, parent: str | None) -> str | None:
    """The issuing body's full name, folded, abbreviations expanded.

    A header written over two lines ("ỦY BAN NHÂN DÂN" / "HUYỆN XUÂN LỘC", or
    "ỦY BAN NHÂN DÂN TỈNH" / "ĐỒNG NAI") is read as parent + issuer: the issuer alone is only
    a place, so the two are joined. A body under a parent ("UBND TỈNH ĐỒNG NAI" / "SỞ NỘI VỤ")
    is the issuer alone.
    """
    if not issuer:
        return None
    i = expand_abbreviations(issuer)
    p = expand_abbreviations(parent) if parent else ""
    if p and (_starts_with_level(i) or _ends_with(p, _LEVELS) or _ends_with(p, _ORG_PREFIXES)):
        return f"{p} {i}"
    return i


@lru_cache(maxsize=4096)
def body_matches(body: str, unit: str) -> bool:
    """Is the folded issuing body ``body`` the unit named ``unit``?"""
    u = expand_abbreviations(unit)
    if body == u:
        return True
    if body in _ORG_PREFIXES or u in _ORG_PREFIXES:
        return False  # "ỦY BAN NHÂN DÂN" alone names no particular body
    if _starts_with_level(body):
        # a bare place ("tinh dong nai", "huyen xuan loc") is its People's Committee at most
        return any(u == f"{org} {body}" for org in _ORG_PREFIXES)
    if body in u or u in body:
        return True
    return fuzz.token_set_ratio(body, u) >= 92 and len(body.split()) >= 2 and fuzz.partial_ratio(body, u) >= 90


def issuer_matches(f: EvidenceFile, unit: str | None) -> bool | None:
    """Was the document issued by the assessed unit? None when we cannot tell."""
    doc = f.extraction.document
    body = issuing_body(doc.issuer, doc.parent_issuer)
    if not unit or not body:
        return None
    return body_matches(body, unit)


def check_spec(f: EvidenceFile, spec: DocumentSpec, unit: str | None, year: int) -> SpecCheck:
    c = SpecCheck(file=f)
    code = f.doc_type_code
    if spec.types:
        if code:
            c.type_ok = fold(code) in {fold(t) for t in spec.types}
        elif f.extraction.document.doc_type:
            c.type_ok = None
    if spec.issuer == "unit":
        c.issuer_ok = issuer_matches(f, unit)
    elif spec.issuer != "any":
        c.issuer_ok = issuer_matches(f, spec.issuer)
    title = f.title
    if title:
        ok = True
        if spec.title_any and not any(phrase_in(p, title) for p in spec.title_any):
            ok = False
        if spec.title_all and not all(phrase_in(p, title) for p in spec.title_all):
            ok = False
        if spec.title_none and any(phrase_in(p, title) for p in spec.title_none):
            ok = False
        c.title_ok = ok
        years = [int(y) for y in _YEAR.findall(title)]
        c.title_year = years[-1] if years else None
    if spec.title_year:
        target = year
        if c.title_year is not None:
            c.period_ok = c.title_year == target
        elif f.issued_on is not None:
            c.period_ok = f.issued_on.year in (target - 1, target)
    if f.issued_on is not None:
        if spec.issued_from and f.issued_on < resolve(spec.issued_from, year):
            c.period_ok = False
        if spec.issued_to and f.issued_on > resolve(spec.issued_to, year):
            c.period_ok = False
    return c


def search(files: list[EvidenceFile], spec: DocumentSpec, unit: str | None, year: int) -> list[SpecCheck]:
    """Every readable document that fully fits the spec, best first (cited order kept)."""
    return [c for c in (check_spec(f, spec, unit, year) for f in files if f.ok) if c.ok and c.title_ok]
