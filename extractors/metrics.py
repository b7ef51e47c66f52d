"""Metrics: percentages and counts, Vietnamese number formats, qualifiers, subjects.

* ``73,03%``, ``67.28%``, ``92,59 %`` -> percent; ``291.899 hồ sơ`` -> count of "hồ sơ".
* Qualifiers from the words around the number: ``trên`` gt, ``dưới`` lt, ``khoảng``
  approx, ``ít nhất``/``tối thiểu``/``từ``/``trở lên`` ge, ``không quá``/``tối đa``/
  ``trở xuống`` le; ``từ 80% - dưới 90%`` / ``từ 80% đến 90%`` -> one range metric.
  Filler words between qualifier and number are skipped (``tối đa bằng 6%``, ``ít nhất
  phải bằng 85%``, ``không được quá 30%``); negations flip (``không ít hơn`` ge,
  ``không được sở hữu vượt quá`` le).
* Subject: searched back within the clause to the nearest "tỷ lệ"; else, for a
  percentage, the noun phrase after it ("70% các đơn vị"); else the clause tail.
  Both ends are then moved to underthesea word boundaries (:mod:`extractors.subjects`).
* Not metrics: digits of dates, periods and document numbers, list indices
  (``1.``), numbers after ``Điều``/``khoản``/``năm``/``thứ``..., bare numbers
  followed by no counted noun.
* Fractions ``25/27 nhiệm vụ``: one count metric with value 25 and the noun as unit;
  ``text`` keeps ``25/27 nhiệm vụ`` and :func:`denominator` returns 27.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

import yaml

from models.extraction import Metric, Qualifier
from models.pages import Page

from . import patterns as P
from .confidence import WordIndex
from .dates import _scan as _scan_dates
from .normalize import fix_chars, fold_chars, parse_vn_number
from .references import scan_references
from .subjects import snap

SNAP_SUBJECTS = True  # move subject ends to underthesea word boundaries (see extractors.subjects)


@lru_cache(maxsize=1)
def _nouns() -> re.Pattern:
    with open(P.DATA_DIR / "count_nouns.yaml", encoding="utf-8") as fh:
        nouns = yaml.safe_load(fh)["nouns"]
    # any whitespace between the words: OCR and wrapping break "hồ\nsơ" across lines
    alts = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(nouns, key=len, reverse=True))
    return re.compile(rf"(?:{alts})(?![^\W_])")


_BLOCK_BEFORE = re.compile(
    r"(?:^|[^a-z])(?:dieu|khoan|diem|chuong|muc|phan|phu luc|so|thu|lan|khoa|ky hop|ky|nam|thang|ngay|"
    r"quy|gio|tuan|giai doan|mau|trang|lop|tieu chi|tang|nhom|loai|hang|dot|phien|buoc|ban|"
    r"luat|nghi dinh|nghi quyet|thong tu|quyet dinh|so hieu|ma|ma so|dien thoai|fax|tai khoan|"
    r"khu pho|to|ap|thon|duong|quoc lo|tinh lo|phong|tang|nha)\s*[:.]?\s*$"
)
_QUALS = [
    (re.compile(r"(?:bang hoac lon hon|bang hoac cao hon|lon hon hoac bang)\s*$"), Qualifier.GE),
    (re.compile(r"(?:bang hoac nho hon|bang hoac thap hon|nho hon hoac bang)\s*$"), Qualifier.LE),
    # negated bounds: "không ít hơn 05 thành viên" (ge); "không được (sở hữu) vượt quá 5%",
    # "không sở hữu trên 5%" (le)
    (re.compile(r"(?<![a-z])khong\s+(?:duoc\s+)?(?:[a-z]+\s+){0,2}?(?:duoi|it hon|thap hon|nho hon)\s*$"),
     Qualifier.GE),
    (re.compile(r"(?<![a-z])khong\s+(?:duoc\s+)?(?:[a-z]+\s+){0,2}?(?:vuot qua|vuot|qua|tren|hon|lon hon|cao hon)\s*$"),
     Qualifier.LE),
    (re.compile(r"(?:khong vuot qua|toi da|<=|≤)\s*$"), Qualifier.LE),
    (re.compile(r"(?:khong duoi|it nhat|toi thieu|>=|≥)\s*$"), Qualifier.GE),
    (re.compile(r"(?:thap hon|nho hon|it hon|(?<![a-z])duoi|<)\s*$"), Qualifier.LT),
    (re.compile(r"(?:nhieu hon|cao hon|lon hon|(?<![a-z])vuot|(?<![a-z])tren|(?<![a-z])hon|>)\s*$"), Qualifier.GT),
    (re.compile(r"(?:(?<![a-z])xap xi|khoang|(?<![a-z])gan|uoc tinh|(?<![a-z])uoc|chung|~)\s*$"), Qualifier.APPROX),
    (re.compile(r"(?<![a-z])tu\s*$"), Qualifier.GE),
]
# words that may stand between a qualifier and its number: "tối đa bằng 6%", "ít nhất phải bằng
# 85%", "tối thiểu là 10%", "không được quá 30%" (stripped before the qualifier rules run)
_QUAL_FILLER = re.compile(r"(?:\s+|(?<![a-z])(?:phai|duoc|la|bang|o muc|muc)(?![a-z]))+$")
_AFTER_QUAL = re.compile(r"^\s*(?:tro len|tro xuong)")
_TAIL_VERBS = re.compile(
    r"(?:[\s,:]|(?<![^\W\d_])(?:đạt tỷ lệ|đạt tỉ lệ|đạt mức|đạt|là|chiếm|bằng|ở mức|tăng|giảm|còn|chỉ|được|có|"
    r"với|tương ứng|khoảng|trên|dưới|từ|ít nhất|tối thiểu|tối đa|không quá|gần|hơn)(?![^\W\d_]))+$",
    re.IGNORECASE,
)
_CLAUSE_CUT = re.compile(r"[;:\n(]|\.(?!\d)|,(?!\d)\s+(?=(?:va|con|trong do|dong thoi|nhung)\b)")
_TY_LE = re.compile(r"(?<![a-z])(?:ty le|ti le)(?![a-z])")
_AFTER_STOP = re.compile(r"^(?:so voi|,|\.|;|:|\))")
_AFTER_SKIP = re.compile(r"^(?:tro len|tro xuong)(?![a-z])\s*")  # "từ 25% trở lên số lượng lao động ..."
_WORD = re.compile(rf"[{P.VN_LETTER}0-9&]+")


def denominator(metric: Metric) -> float | None:
    """The ``27`` of a fraction count ``25/27 nhiệm vụ``; ``None`` for other metrics."""
    m = re.match(r"\s*[\d.,]+/(\d[\d.]*)", metric.text)
    return parse_vn_number(m.group(1)) if m else None


def _count_unit(text: str, folded: str, pos: int) -> tuple[str, int] | None:
    """The counted noun starting at ``pos`` and its end, if it is one."""
    m = re.match(r"[A-ZĐ][A-ZĐ0-9]{1,9}(?![\w])", text[pos:pos + 12])
    if m and not m.group(0).isdigit():
        return m.group(0), pos + m.end()
    m = _nouns().match(folded, pos)
    # list nouns are lower-case words; OCR case errors ("hồ SƠ") must not make a new unit
    return (" ".join(text[pos:m.end()].split()).lower(), m.end()) if m else None


def _clause_start(folded: str, pos: int, floor: int) -> int:
    lo = max(floor, pos - 220)
    last = lo
    for m in _CLAUSE_CUT.finditer(folded, lo, pos):
        last = m.end()
    return last


def _subject(text: str, folded: str, qstart: int, vend: int, is_pct: bool, floor: int) -> tuple[str, bool]:
    """The subject phrase and whether it was cut at a syllable cap (then it may split a word)."""
    cs = _clause_start(folded, qstart, floor)
    window = folded[cs:qstart]
    tl = None
    for m in _TY_LE.finditer(window):
        tl = m
    if tl is not None:
        s = cs + tl.start()
        tail = _TAIL_VERBS.search(text, s, qstart)
        e = tail.start() if tail else qstart
        if e - s > 6:  # a bare "tỷ lệ" ("... chiếm tỷ lệ từ 25%") says nothing: use what precedes it
            return _clean(text[s:e]), False
        qstart = s
    if is_pct:
        after = folded[vend:vend + 100].lstrip()
        off = vend + (len(folded[vend:vend + 100]) - len(after))
        skip = _AFTER_SKIP.match(after)
        if skip:
            after, off = after[skip.end():], off + skip.end()
        if after and not _AFTER_STOP.match(after) and after[:1].isalpha():
            m = re.match(r"[^,.;:()\n]{1,80}", after)
            if m:
                words = text[off:off + m.end()].split()
                return _clean(" ".join(words[:8])), len(words) > 8
    tail = _TAIL_VERBS.search(text, cs, qstart)
    e = tail.start() if tail else qstart
    words = text[cs:e].split()
    return _clean(" ".join(words[-10:])), len(words) > 10


def _clean(s: str) -> str:
    return s.strip(" ,;:-–\t\n\"'“”")


def _qualifier(folded: str, start: int, end: int) -> tuple[Qualifier, int]:
    before = folded[max(0, start - 48):start]
    f = _QUAL_FILLER.search(before)
    core = before[: f.start()] if f and f.start() < len(before) else before
    for rx, q in _QUALS:
        m = rx.search(core)
        if m:
            return q, start - (len(before) - m.start())
    after = _AFTER_QUAL.match(folded, end)
    if after:
        return (Qualifier.GE if "len" in after.group(0) else Qualifier.LE), start
    return Qualifier.EQ, start


class _Spans:
    """Sorted, growing set of taken spans with a fast overlap test."""

    def __init__(self, spans):
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        self.max_len = max((b - a for a, b in self.spans), default=0)

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.starts, s - self.max_len)
        while i < len(self.spans) and self.spans[i][0] < e:
            a, b = self.spans[i]
            if s < b and e > a:
                return True
            i += 1
        return False

    def add(self, s: int, e: int) -> None:
        i = bisect.bisect_left(self.starts, s)
        self.starts.insert(i, s)
        self.spans.insert(i, (s, e))
        self.max_len = max(self.max_len, e - s)


def find_metrics(page: Page, _refs=None, _dates=None) -> list[Metric]:
    """Percentages and counts on one page, each with qualifier, unit and subject."""
    text = fix_chars(page.text)
    if not text:
        return []
    folded = fold_chars(text)
    refs = scan_references(text) if _refs is None else _refs
    dates = _scan_dates(text, None) if _dates is None else _dates
    spans = _Spans(
        [(r.start, r.end) for r in refs]
        + [(d[0], d[1]) for d in dates]
        + [(m.start(), m.end()) for m in P.LIST_INDEX.finditer(text)]
    )
    overlaps = spans.overlaps

    idx = WordIndex(page)
    found: list[tuple[int, int, dict]] = []

    for m in P.PERCENT_RANGE.finditer(text):
        if overlaps(m.start(), m.end()):
            continue
        a, b = parse_vn_number(m["a"]), parse_vn_number(m["b"])
        if a is None or b is None or a > b:
            continue
        found.append((m.start(), m.end(), dict(value=a, value_max=b, unit="%", qualifier=Qualifier.RANGE)))
        spans.add(m.start(), m.end())

    for m in P.PERCENT.finditer(text):
        s, e = m.start(), m.end()
        if overlaps(s, e):
            continue
        v = parse_vn_number(m["n"])
        if v is None:
            continue
        q, qs = _qualifier(folded, s, e)
        found.append((qs, e, dict(value=v, unit="%", qualifier=q, _vstart=s)))
        spans.add(s, e)

    for m in P.COUNT.finditer(text):
        s = m.start()
        ve = m.end() - 1  # the space (or line break) after the number
        if overlaps(s, ve):
            continue
        if text[ve] == "\n" and (not text[text.rfind("\n", 0, s) + 1:s].strip() or not text[m.end()].islower()):
            continue  # across a line break only a sentence running on ("cho 420\nhọc viên") counts
        if _BLOCK_BEFORE.search(folded, max(0, s - 16), s):
            continue
        unit = _count_unit(text, folded, m.end())
        if unit is None:
            continue
        v = parse_vn_number(m["n"])
        if v is None:
            continue
        noun, e = unit
        q, qs = _qualifier(folded, s, ve)
        found.append((qs, e, dict(value=v, unit=noun, qualifier=q, _vstart=s, _vend=ve)))
        spans.add(s, e)

    found.sort(key=lambda t: t[0])
    out: list[Metric] = []
    prev_end = 0
    for s, e, d in found:
        vstart = d.pop("_vstart", s)
        vend = d.pop("_vend", e)
        subject, cut = _subject(text, folded, s, vend, d["unit"] == "%", prev_end)
        if cut and SNAP_SUBJECTS:
            subject = snap(text, subject, s, e)
        # confidence: the number's own words count, not only the qualifier's
        loc = idx.locate(min(s, vstart), e)
        out.append(
            Metric(
                text=page.text[s:e], page=page.number, start=s, end=e, box=loc.box,
                confidence=loc.confidence, needs_review=loc.needs_review, subject=subject, **d,
            )
        )
        prev_end = e
    return out
