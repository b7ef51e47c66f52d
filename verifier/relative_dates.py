"""Dates relative to the assessment year: ``"31/01/Y"``, ``"31/12/Y-1"``, ``"15/03/Y+1"``."""

from __future__ import annotations

import datetime as dt
import re

_REL = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/Y\s*(?:([+-])\s*(\d+))?\s*$")


class RelativeDateError(ValueError):
    pass


def resolve(expr: str, year: int) -> dt.date:
    m = _REL.match(str(expr))
    if not m:
        raise RelativeDateError(f"{expr!r} is not a relative date like '31/01/Y' or '31/12/Y-1'")
    day, month = int(m.group(1)), int(m.group(2))
    offset = int(m.group(4) or 0) * (-1 if m.group(3) == "-" else 1)
    try:
        return dt.date(year + offset, month, day)
    except ValueError as exc:
        raise RelativeDateError(f"{expr!r}: {exc}") from exc


def vn_date(d: dt.date | str | None) -> str:
    """Format a date the Vietnamese way for messages: 20/02/2024."""
    if d is None:
        return "?"
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    return f"{d.day:02d}/{d.month:02d}/{d.year}"
