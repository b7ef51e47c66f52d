"""Cell writes for the workbooks the project makes: text from a submission never becomes a formula.

Criterion titles come from the unit's own sheet, file names from its ZIP, quotes from its PDFs,
comments from appraisers. A spreadsheet runs a cell that starts with ``=`` as a formula
(``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``), and ``+ - @``, tab and CR start one when the value is
typed, pasted or round-tripped through CSV. Following OWASP's "CSV injection" guidance, ``literal``
puts a single quote before a string that starts with one of those (also after leading whitespace,
and their full-width forms ＝ ＋ － ＠), and ``put``/``write_row`` store every string as a plain
string (data type ``s``), so no value passed through them is ever a formula. Numbers, dates and
None pass unchanged.

The project writes no formulas of its own: its totals are computed in Python. One that is ever
needed is written by project code on purpose (``cell.value = "=SUM(…)"``), never through these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING, Cell
from openpyxl.worksheet.worksheet import Worksheet

# leading whitespace or invisible format characters (BOM, zero-width), then a formula trigger
_FORMULA_START = re.compile(r"[\s\ufeff\u200b-\u200d\u2060]*[=+\-@\t\r＝＋－＠]")


def literal(value):
    """``value`` as it is written: a string a spreadsheet could read as a formula gets a leading ``'``;
    control characters XML cannot hold (a NUL in a file name, a form feed in a quote) become U+FFFD,
    so one odd string never aborts the whole export."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        if _FORMULA_START.match(value):
            return "'" + value
    return value


def put(ws: Worksheet, row: int, column: int, value) -> Cell:
    """Write one cell; a string is stored as a plain string, whatever it starts with."""
    cell = ws.cell(row=row, column=column)
    value = literal(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = TYPE_STRING  # openpyxl would also make "#N/A"-like strings error cells
    return cell


def write_row(ws: Worksheet, row: int, values: Iterable) -> list[Cell]:
    """Write ``values`` into ``row`` from column A on; returns the cells, for styling."""
    return [put(ws, row, col, v) for col, v in enumerate(values, start=1)]
