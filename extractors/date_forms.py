"""The written forms of a date, without roles: a full date starting at a position
(``date_at``, used by references for "số X ngày <date>") and every date or period form in a
text (``scan_dates``).  Both ``dates`` (roles) and ``references`` (dates of cited documents)
build on this module; it imports neither.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re

from . import patterns as P

MIN_YEAR, MAX_YEAR = 1800, 2100
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def make_date(y: int, m: int, d: int) -> _dt.date | None:
    """The date, or ``None`` when it is impossible (31/02) or its year out of range."""
    if not (MIN_YEAR <= y <= MAX_YEAR):
        return None
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


# A date starting exactly at a position: used by references for "số X ngày <date>".
_AT_NUMERIC = re.compile(r"(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/])")
_AT_WORDS = re.compile(
    r"(?P<d>\d{1,2})\s{0,3}tháng\s{0,3}(?P<m>\d{1,2})\s{0,3}(?:năm|,)\s{0,3}(?P<y>\d{4})(?!\d)",
    re.IGNORECASE,
)


def date_at(text: str, pos: int) -> tuple[_dt.date, int, int] | None:
    """Parse a full date (``24/4/2024`` or ``24 tháng 4 năm 2024``) starting at ``pos``."""
    for rx in (_AT_NUMERIC, _AT_WORDS):
        m = rx.match(text, pos)
        if m:
            d = make_date(int(m["y"]), int(m["m"]), int(m["d"]))
            if d:
                return d, m.start(), m.end()
    return None


def _period_months(n: int, part: str, y: int) -> tuple[_dt.date, _dt.date] | None:
    if not 1 <= n <= 12:
        return None
    if part.lower() == "đầu":
        start, last_month = _dt.date(y, 1, 1), n
    else:
        start, last_month = _dt.date(y, 13 - n, 1), 12
    end = _dt.date(y, last_month, calendar.monthrange(y, last_month)[1])
    return start, end


def _quarter(q: int, y: int) -> tuple[_dt.date, _dt.date]:
    m0 = 3 * (q - 1) + 1
    return _dt.date(y, m0, 1), _dt.date(y, m0 + 2, calendar.monthrange(y, m0 + 2)[1])


def scan_dates(text: str, year_hint: int | None):
    """Yield (start, end, value, end_value, kind) for every date form in ``text``.

    ``kind`` is "date" or "period".  Spans never overlap (earlier forms win).
    """
    taken: list[tuple[int, int]] = []
    out = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(s, e, v, ev, kind):
        if v is not None and free(s, e):
            taken.append((s, e))
            out.append((s, e, v, ev, kind))

    for m in P.DATE_WORDS.finditer(text):
        y = int(m["y"]) if m["y"] else year_hint
        if y is None:
            continue
        add(m.start(), m.end(), make_date(y, int(m["m"]), int(m["d"])), None, "date")
    for m in P.DATE_NUMERIC.finditer(text):
        add(m.start(), m.end(), make_date(int(m["y"]), int(m["m"]), int(m["d"])), None, "date")
    if year_hint:
        for m in P.DATE_DAY_MONTH.finditer(text):
            add(m.start(), m.end(), make_date(year_hint, int(m["m"]), int(m["d"])), None, "date")
    for m in P.PERIOD_MONTHS.finditer(text):
        y = int(m["y"]) if m["y"] else year_hint
        if y is None or not (MIN_YEAR <= y <= MAX_YEAR):
            continue
        r = _period_months(int(m["n"]), m["part"], y)
        if r:
            add(m.start(), m.end(), r[0], r[1], "period")
    for m in P.PERIOD_QUARTER.finditer(text):
        y = int(m["y"]) if m["y"] else year_hint
        if y is None or not (MIN_YEAR <= y <= MAX_YEAR):
            continue
        q = _ROMAN[m["q"].upper()]
        r = _quarter(q, y)
        add(m.start(), m.end(), r[0], r[1], "period")
    for m in P.PERIOD_MONTH.finditer(text):
        y, mo = int(m["y"]), int(m["m"])
        if 1 <= mo <= 12 and MIN_YEAR <= y <= MAX_YEAR:
            add(m.start(), m.end(), _dt.date(y, mo, 1), _dt.date(y, mo, calendar.monthrange(y, mo)[1]), "period")
    out.sort(key=lambda t: t[0])
    return out
