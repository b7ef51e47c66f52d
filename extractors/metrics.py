"""Metrics: percentages and counts, Vietnamese number formats, qualifiers.

* ``73,03%``, ``67.28%``, ``92,59 %`` -> percent; ``291.899 hồ sơ`` -> count of "hồ sơ".
* Qualifiers from the words around the number: ``trên`` gt, ``dưới`` lt, ``khoảng``
  approx, ``ít nhất``/``tối thiểu``/``từ``/``trở lên`` ge, ``không quá``/``tối đa``/
  ``trở xuống`` le; ``từ 80% - dưới 90%`` / ``từ 80% đến 90%`` -> one range metric, and so is a
  count range with the same noun after both numbers (``từ 500.000 đồng đến 1.000.000 đồng``).
  Filler words between qualifier and number are skipped (``tối đa bằng 6%``, ``ít nhất
  phải bằng 85%``, ``không được quá 30%``); negations flip (``không ít hơn`` ge,
  ``không được sở hữu vượt quá`` le); a second figure of one list ("tối thiểu là 80% … và 90% …")
  shares the first one's qualifier.
* Not metrics: digits of dates, periods and document numbers, list indices
  (``1.``), numbers after ``Điều``/``khoản``/``năm``/``thứ``..., bare numbers
  followed by no counted noun.
* Fractions ``25/27 nhiệm vụ``, ``25 trên 27 nhiệm vụ``, ``25 nhiệm vụ trong tổng số 27 nhiệm
  vụ``, and a bare ``là 25/27`` after a counted noun ("số nhiệm vụ hoàn thành là 25/27"): one
  count metric with value 25 and the noun as unit; ``text`` keeps the fraction and
  :func:`denominator` returns 27 (the verifier derives a rate from it).
* Table rows (:mod:`extractors.table_cells`): a bare number in a row whose unit is a cell of its own
  ("| % | 10") or ends the label cell ("Tỷ lệ định mức chi phí (%) | 0,96") is a percentage.
* The subject of each metric is found by :mod:`extractors.metric_subjects`.
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
from .date_forms import scan_dates as _scan_dates
from .metric_subjects import COMPARED, clause_start, continues, metric_subject, soft_breaks
from .normalize import fix_chars, fold, fold_chars, parse_vn_number
from .references import scan_references
from .subjects import subject_words
from .table_cells import Rows


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
_FROM = re.compile(r"(?<![a-z])tu\s*$")  # "từ 50%" (checked against the accents: "đầu tư" is no "từ")
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
    (re.compile(r"(?:nhieu hon|cao hon|lon hon|(?<![a-z])vuot(?: qua)?|(?<![a-z])tren|(?<![a-z])hon|>)\s*$"),
     Qualifier.GT),
    (re.compile(r"(?:(?<![a-z])xap xi|khoang|(?<![a-z])gan|(?<![a-z])uoc tinh|(?<![a-z])uoc|(?<![a-z])chung|~)\s*$"), Qualifier.APPROX),
    (_FROM, Qualifier.GE),
]
# words that may stand between a qualifier and its number: "tối đa bằng 6%", "ít nhất phải bằng
# 85%", "tối thiểu là 10%", "không được quá 30%" (stripped before the qualifier rules run)
_QUAL_FILLER = re.compile(r"(?:\s+|(?<![a-z])(?:phai|duoc|la|bang|o muc|muc|chiem)(?![a-z]))+$")
_AFTER_QUAL = re.compile(r"\s*(?:tro len|tro xuong)")  # used with match(text, pos): no "^"
# "25 trên 27 nhiệm vụ", "25 nhiệm vụ trên tổng số 27 nhiệm vụ", "25 trong tổng số 27 hồ sơ"
# "là 25/27", "đạt 25/27" with no counted noun after it (the noun is earlier in the clause)
_INT = r"\d{1,3}(?:\.\d{3})+|\d{1,6}"
_BARE_FRACTION = re.compile(rf"(?<![\w/.,\-:])(?P<a>{_INT})/(?P<b>{_INT})(?![\w/%]|[.,]\d)")
_OUT_OF_FULL = re.compile(
    rf"(?<![\w/.,\-:])(?P<a>{P.NUMBER})(?P<mid>(?:\s+[a-z]+){{0,4}}?)\s+(?:tren|trong)\s+"
    rf"(?:tong\s+so\s+|tong\s+|so\s+)?(?P<b>{P.NUMBER})(?![\w/%]|[.,]\d)"
)
_DENOMINATOR = re.compile(
    rf"\s*[\d.,]+(?:/(?P<slash>\d[\d.]*)|(?:\s+[^\d]+?)?\s+(?:trên|trong)\s+(?:tổng\s+số\s+|tổng\s+|số\s+)?"
    rf"(?P<word>{P.NUMBER}))",
    re.IGNORECASE,
)
_SHARE_OF = re.compile(r"\s+(?:tong so|tong|so)\s+[a-z]")  # "2/3 tổng số thành viên"
# "0, 01%": a zero, a decimal comma and a blank before the digits (no list starts with a bare 0)
_SPLIT_DECIMAL = re.compile(r"(?<![\w.,])0, $")


def denominator(metric: Metric) -> float | None:
    """The ``27`` of a fraction count (``25/27 nhiệm vụ``, ``25 trên 27 nhiệm vụ``, ``25 nhiệm vụ
    trong tổng số 27``); ``None`` for other metrics."""
    if metric.unit == "%":
        return None
    m = _DENOMINATOR.match(metric.text)
    if not m:
        return None
    return parse_vn_number(m.group("slash") or m.group("word"))


def _count_unit(text: str, folded: str, pos: int) -> tuple[str, int] | None:
    """The counted noun starting at ``pos`` and its end, if it is one."""
    m = re.match(r"[A-ZĐ][A-ZĐ0-9]{1,9}(?![\w])", text[pos:pos + 12])
    if m and not m.group(0).isdigit():
        if _capital_line(text, pos):
            return None  # in a heading written in capitals a capital word is a word, not an abbreviation
        return m.group(0), pos + m.end()
    m = _nouns().match(folded, pos)
    if not m:
        return None
    word = " ".join(text[pos:m.end()].split()).lower()
    if " " not in word:  # one syllable folds to many words: "01 phương tiện" is not "01 phường"
        spellings = subject_words()["single_syllable_nouns"].get(folded[pos:m.end()])
        if spellings and word not in spellings and not word.isascii():
            return None
    # list nouns are lower-case words; OCR case errors ("hồ SƠ") must not make a new unit
    return word, m.end()


_COUNT_RANGE = re.compile(rf"[ \t]*(?:-|–|đến|tới)[ \t]+(?P<b>{P.NUMBER})[ \t]+", re.IGNORECASE)


def _count_range_end(text: str, folded: str, noun_end: int, noun: str, low: float) -> tuple[float, int] | None:
    """The upper bound of a count range and where it ends: "… đồng đến 5.000.000 đồng" after "từ
    4.000.000 đồng" (the same noun after both numbers, the second no smaller)."""
    m = _COUNT_RANGE.match(text, noun_end)
    if not m:
        return None
    b = parse_vn_number(m["b"])
    unit = _count_unit(text, folded, m.end())
    if b is None or b < low or unit is None or fold(unit[0]) != fold(noun):
        return None
    return b, unit[1]


def _capital_line(text: str, pos: int) -> bool:
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    line = text[lo:hi if hi >= 0 else len(text)]
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _qualifier(folded: str, start: int, end: int, text: str | None = None,
               noun_end: int | None = None) -> tuple[Qualifier, int]:
    """The qualifier of the number at ``start:end`` and where it begins. ``text`` tells "từ" from
    the "tư" of "đầu tư" (both fold to "tu"); ``noun_end`` (a count) also reads "03 người trở lên"."""
    lo = max(0, start - 48)
    before = folded[lo:start]
    f = _QUAL_FILLER.search(before)
    core = before[: f.start()] if f and f.start() < len(before) else before
    for i, (rx, q) in enumerate(_QUALS):
        m = rx.search(before if i < 2 else core)  # "nhỏ hơn hoặc bằng": "bằng" is no filler there
        if m:
            if rx is _FROM and text is not None and text[lo + m.start():lo + m.start() + 2].lower() != "từ":
                continue  # "đầu tư 2%", "tự 5%": not "từ"
            return q, start - (len(before) - m.start())
    if text is not None:
        compared = COMPARED.match(text, end)
        if compared:  # "70% ≤ TiO2": the quantity is at least 70%
            return _SIGN_AFTER[compared.group("sign")[0]], start
    after = _AFTER_QUAL.match(folded, end) or (_AFTER_QUAL.match(folded, noun_end) if noun_end else None)
    if after:
        return (Qualifier.GE if "len" in after.group(0) else Qualifier.LE), start
    return Qualifier.EQ, start


_SIGN_AFTER = {"≤": Qualifier.GE, "<": Qualifier.GT, "≥": Qualifier.LE, ">": Qualifier.LT}


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


_UNIT_CELL = re.compile(r"^\(?%\)?$")
_LABEL_PERCENT = re.compile(r"\(%\)\s*$")
_BARE_NUMBER = re.compile(rf"^(?:{P.NUMBER})$")


def _unit_cell_numbers(text: str, rows: Rows) -> list[tuple[int, int]]:
    """Bare numbers of table rows whose unit is a cell of its own ("| % | 10") or ends the label
    cell ("Tỷ lệ định mức chi phí (%) | 0,96 | 0,645"): percentages without a sign."""
    out: list[tuple[int, int]] = []
    pos = 0
    while True:
        i = text.find("%", pos)
        if i < 0:
            return out
        hi = text.find("\n", i)
        hi = len(text) if hi < 0 else hi
        pos = hi + 1
        cells = rows.cells(i)
        if not cells:
            continue
        unit_at = next((k for k, (a, b) in enumerate(cells)
                        if _UNIT_CELL.match(text[a:b].strip()) or _LABEL_PERCENT.search(text[a:b])), None)
        if unit_at is None:
            continue
        for a, b in cells[unit_at + 1:]:
            cell = text[a:b]
            core = cell.strip()
            if _BARE_NUMBER.match(core) and not (core.isdigit() and len(core) == 4 and 1900 <= int(core) <= 2100):
                start = a + cell.index(core)
                out.append((start, start + len(core)))


def _last_noun(text: str, folded: str, lo: int, hi: int) -> str | None:
    """The last counted noun in ``text[lo:hi]`` ("số nhiệm vụ hoàn thành là" -> "nhiệm vụ")."""
    last, taken = None, lo
    for m in re.finditer(r"(?<![^\W_])[^\W\d_]", folded[lo:hi]):
        if lo + m.start() < taken:
            continue  # inside the noun just found ("vụ" of "nhiệm vụ")
        u = _count_unit(text, folded, lo + m.start())
        if u is not None and u[1] <= hi:
            last, taken = u[0], u[1]
    return last


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
        split = _SPLIT_DECIMAL.search(text, max(0, s - 4), s)
        if split and m["n"].isdigit():  # "MKN ≤ 0, 01%": a stray blank after the decimal comma
            s, v = split.start(), parse_vn_number(f"0,{m['n']}")
        if v is None:
            continue
        q, qs = _qualifier(folded, s, e, text)
        found.append((qs, e, dict(value=v, unit="%", qualifier=q, _vstart=s)))
        spans.add(s, e)

    for m in _OUT_OF_FULL.finditer(folded):  # "25 trên 27 nhiệm vụ", "25 nhiệm vụ trong tổng số 27"
        s, e = m.start(), m.end()
        if overlaps(s, e) or _BLOCK_BEFORE.search(folded, max(0, s - 16), s):
            continue
        a, b = parse_vn_number(text[m.start("a"):m.end("a")]), parse_vn_number(text[m.start("b"):m.end("b")])
        if a is None or b is None or b <= 0 or a > b:
            continue
        mid = None
        if m.group("mid"):
            at = m.start("mid") + len(m.group("mid")) - len(m.group("mid").lstrip())
            mid = _count_unit(text, folded, at)
            if mid is None or mid[1] != m.end("mid"):
                continue  # the words between the numbers must be exactly the counted noun
        post = _count_unit(text, folded, e + 1) if text[e:e + 1] == " " else None
        if mid and post and fold(mid[0]) != fold(post[0]):
            continue  # "10 điểm cầu trên 63 tỉnh": two things counted, not a fraction
        unit = mid or post
        if unit is None:
            continue
        end = post[1] if post else e
        q, qs = _qualifier(folded, s, m.end("a"), text, end)
        found.append((qs, end, dict(value=a, unit=unit[0], qualifier=q, _vstart=s, _vend=m.end("a"))))
        spans.add(s, end)

    rows = Rows(text, page)
    for s, e in _unit_cell_numbers(text, rows):  # "Tỷ lệ nợ xấu | % | 1,50 | 1,55"
        if overlaps(s, e):
            continue
        v = parse_vn_number(text[s:e])
        if v is not None:
            found.append((s, e, dict(value=v, unit="%", qualifier=Qualifier.EQ)))
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
        q, qs = _qualifier(folded, s, ve, text, e)
        upper = _count_range_end(text, folded, e, noun, v)
        if upper is not None:  # "từ 4.000.000 đồng đến 5.000.000 đồng": one range, as "từ 15% đến 20%"
            b, e = upper
            found.append((qs, e, dict(value=v, value_max=b, unit=noun, qualifier=Qualifier.RANGE, _vstart=s, _vend=ve)))
            spans.add(s, e)
            continue
        found.append((qs, e, dict(value=v, unit=noun, qualifier=q, _vstart=s, _vend=ve)))
        spans.add(s, e)

    for m in _BARE_FRACTION.finditer(text):  # "số nhiệm vụ hoàn thành là 27/30"
        s, e = m.start(), m.end()
        if overlaps(s, e) or _BLOCK_BEFORE.search(folded, max(0, s - 16), s):
            continue
        a, b = parse_vn_number(m["a"]), parse_vn_number(m["b"])
        if a is None or b is None or b <= 0 or a > b:
            continue
        if _SHARE_OF.match(folded, e):
            continue  # "ít nhất 2/3 tổng số thành viên": a share of a total, not a count of the noun before
        cs = clause_start(folded, s, 0)
        if not text[cs:s].strip() and cs > 0 and text[cs - 1] == ":":  # "Số hồ sơ đúng hạn: 1.140/1.200"
            cs = clause_start(folded, cs - 1, 0)
        counted = _last_noun(text, folded, cs, s)
        if counted is None:
            continue
        q, qs = _qualifier(folded, s, e, text)
        found.append((qs, e, dict(value=a, unit=counted, qualifier=q, _vstart=s, _vend=e)))
        spans.add(s, e)

    prev: tuple | None = None
    stext = soft_breaks(text)  # subjects read across the line wraps of a paragraph
    sfolded = fold_chars(stext) if stext is not text else folded
    found.sort(key=lambda t: t[0])
    out: list[Metric] = []
    prev_end = 0
    for s, e, d in found:
        vstart = d.pop("_vstart", s)
        vend = d.pop("_vend", e)
        subject = metric_subject(stext, sfolded, s, vend, e, d["unit"] == "%", prev_end, rows, prev, out)
        if (prev is not None and d["qualifier"] == Qualifier.EQ and prev[3] not in (Qualifier.EQ, Qualifier.RANGE)
                and prev[2] == (d["unit"] == "%") and continues(sfolded, prev[1], s)):
            d["qualifier"] = prev[3]  # "tối thiểu là 80% đối với đất đá và 90% đối với quặng": both at least
        prev = (subject, e, d["unit"] == "%", d["qualifier"], vstart, d["unit"] != "%" and "/" in page.text[vstart:e]
                or bool(_OUT_OF_FULL.match(folded, vstart)))
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
