"""Dates: every written form, ISO values, and the role each date plays.

Roles: ``issue`` (the header place-and-date line), ``reference`` (the date
stated with a cited document), ``deadline`` (``trước ngày``, ``chậm nhất``,
``hạn``), ``period`` (``6 tháng đầu năm 2024``, ``quý I năm 2024``,
``tháng 6/2024``), ``copy`` (the ``Thời gian ký`` of a SAO Y stamp), ``other``.
A bare ``năm 2024`` is not a date mention.  Impossible dates (31/02) are dropped.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re

from models.extraction import DateMention, DateRole
from models.pages import Page

from . import patterns as P
from .confidence import WordIndex
from .date_forms import make_date, scan_dates
from .normalize import fix_chars
from .references import scan_references


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


def is_place_date(text: str, start: int) -> bool:
    """True when the date at ``start`` is on a header line ``<Place>, ngày ...``."""
    ls, _ = _line_bounds(text, start)
    before = text[ls:start]
    m = re.search(r",\s*$", before)
    if not m:
        return False
    head = before[: m.start()].strip()
    # the place may follow the other header column on the same line ("... 15/KH-STP Đồng Nai")
    head = re.split(r"[:\-–]|\d", head)[-1].strip()
    words = head.split()
    return 1 <= len(words) <= 6 and head[:1].isupper() and not head.lower().startswith(("ngày", "số"))


def copy_stamp_at(text: str, start: int) -> bool:
    """True when the date is a ``Thời gian ký`` under a SAO Y stamp."""
    before = text[max(0, start - 40):start]
    if not P.COPY_CUE.search(before):
        return False
    return bool(P.SAO_Y.search(text, max(0, start - 400), start))


def time_after(text: str, end: int) -> str | None:
    """ISO time suffix ('T10:56:22+07:00') for a date followed by a clock time."""
    m = P.TIME_OF_DAY.match(text, end)
    if not m:
        return None
    h, mi, s = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    tz = m["tz"] or ""
    if tz and ":" not in tz:
        tz = tz[:3] + ":" + tz[3:]
    return f"T{h:02d}:{mi:02d}:{s:02d}{tz}"


def find_dates(page: Page, year_hint: int | None = None, _refs=None, _scanned=None) -> list[DateMention]:
    """All date mentions on one page, with ISO values and roles."""
    text = fix_chars(page.text)
    refs = scan_references(text) if _refs is None else _refs
    _ref_dates = {r.date_start for r in refs if r.date_start is not None}
    ref_starts = [r.start for r in refs]
    idx = WordIndex(page)
    out: list[DateMention] = []
    for s, e, v, ev, kind in (scan_dates(text, year_hint) if _scanned is None else _scanned):
        i = bisect.bisect_right(ref_starts, s) - 1
        if i >= 0 and refs[i].start <= s < refs[i].end:
            continue  # digits inside a document number (e.g. "01/2015/...")
        if kind == "period":
            role = DateRole.PERIOD
        elif s in _ref_dates or _starts_ref_date(text, s, _ref_dates):
            role = DateRole.REFERENCE
        elif copy_stamp_at(text, s):
            role = DateRole.COPY
        elif page.number <= 2 and is_place_date(text, s):
            role = DateRole.ISSUE
        elif _is_deadline(text, s):
            role = DateRole.DEADLINE
        else:
            role = DateRole.OTHER
        loc = idx.locate(s, e)
        out.append(
            DateMention(
                text=page.text[s:e], page=page.number, start=s, end=e, box=loc.box,
                confidence=loc.confidence, needs_review=loc.needs_review,
                value=v.isoformat(), end_value=ev.isoformat() if ev else None, role=role,
            )
        )
    return out


def _starts_ref_date(text: str, s: int, ref_dates: set[int]) -> bool:
    # DATE_WORDS matches from "ngày", references record the digits' position
    m = re.match(r"ngày\s*", text[s:s + 10], re.IGNORECASE)
    return m is not None and (s + m.end()) in ref_dates


def _is_deadline(text: str, s: int) -> bool:
    before = text[max(0, s - 30):s]
    before = re.split(r"[.;\n]", before)[-1]
    return bool(P.DEADLINE_CUE.search(before))


def parse_date(s: str, year_hint: int | None = None) -> _dt.date | None:
    """The first date in ``s``: ``ngày 05 tháng 7 năm 2023``, ``24/4/2024``, ``01-10-1997``,
    ``31/12`` or ``ngày 31/12`` (with ``year_hint``).  ``None`` if none or invalid."""
    text = fix_chars(s)
    for _s, _e, v, _ev, kind in scan_dates(text, year_hint):
        if kind == "date":
            return v
    if year_hint:
        m = re.search(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])", text)
        if m:
            return make_date(year_hint, int(m[2]), int(m[1]))
    return None
