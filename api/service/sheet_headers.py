"""What header row a sheet that could not be read has, against the columns a sheet needs — so a unit is
told which headers were found, which were recognised and which are missing, not only that "no header row"
was found. Only the first rows are looked at (where a header row can be, as ``read_sheet`` looks), after
``read_sheet`` has refused the sheet within its caps."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
from pydantic import BaseModel

import ingest
from models.errors import ErrorCode
from models.pages import FileKind
from models.settings import Settings, get_settings
from verifier.sheet import COLUMN_LABELS, column_key

from .errors import ServiceError
from .sheet_template import template_columns

HEADER_ROWS = 40  # where read_sheet looks for the header row
CODE_KEYS = ("code", "stt")  # a criterion code column: its code, or the STT holding the code
MIN_COLUMNS = 3  # a header row maps at least three columns (read_sheet's rule)


class HeaderReport(BaseModel):
    """The row most like a header row of a sheet: its cells, those recognised (column name → header text),
    and the columns it lacks; plus the columns a sheet should have (the template's)."""

    file: str
    row: int | None  # 1-based; None when the sheet has no non-empty row at all
    found: list[str]
    recognised: dict[str, str]
    missing: list[str]
    expected: list[str]

    def message_vi(self) -> str:
        found = ", ".join(f"“{h}”" for h in self.found) or "không có ô nào"
        where = f"dòng {self.row}" if self.row else "bảng"
        known = ", ".join(f"“{h}” ({label})" for label, h in self.recognised.items()) or "không cột nào"
        return (f"Các cột tìm thấy ({where} của {self.file}): {found}; nhận ra được: {known}; còn thiếu: "
                f"{', '.join(self.missing)}. Các cột của mẫu bảng tự đánh giá: {', '.join(self.expected)}.")

    def message(self) -> str:
        return (f"headers found in {self.file} (row {self.row}): {self.found}; recognised: {list(self.recognised)}; "
                f"missing: {self.missing}")


class WrongSheet(ServiceError):
    """SHEET_INVALID because no header row was found: the reason with the headers found against those expected
    (``message_vi``), the reason alone for a screen that shows ``headers`` as a table (``reason_vi``)."""

    def __init__(self, message: str, reason_vi: str, headers: HeaderReport) -> None:
        super().__init__(ErrorCode.SHEET_INVALID, f"{message}; {headers.message()}", f"{reason_vi} {headers.message_vi()}")
        self.reason_vi = reason_vi
        self.headers = headers


def _rows(path: Path, kind: FileKind, s: Settings) -> list[list[str]]:
    if kind == FileKind.XLSX:
        with open(path, "rb") as fh:
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
            try:
                rows: list[list[str]] = []
                for ws in wb.worksheets:
                    for values in ws.iter_rows(values_only=True, max_row=HEADER_ROWS, max_col=s.sheet_max_columns):
                        rows.append(["" if v is None else str(v).strip() for v in values])
                    if rows:
                        return rows
                return rows
            finally:
                wb.close()
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    lines = [ln for ln in text.splitlines()[: HEADER_ROWS * 4] if ln.strip()]
    dialect = ingest.sniff_csv(lines) or csv.excel
    return [[c.strip() for c in row] for row in list(csv.reader(text.splitlines(), dialect))[:HEADER_ROWS]]


def _missing(keys: set[str]) -> list[str]:
    missing = []
    if not keys & set(CODE_KEYS):
        missing.append(f"{COLUMN_LABELS['code']} (hoặc {COLUMN_LABELS['stt']})")
    if "self_score" not in keys:
        missing.append(COLUMN_LABELS["self_score"])
    if not missing and len(keys) < MIN_COLUMNS:
        missing.append(f"ít nhất một cột nữa ({COLUMN_LABELS['title']}, {COLUMN_LABELS['max_score']} hoặc "
                       f"{COLUMN_LABELS['evidence']})")
    return missing


def header_report(path: Path, name: str, settings: Settings | None = None) -> HeaderReport | None:
    """The headers of an XLSX or CSV sheet with no complete header row; None when it has one (the sheet was
    refused for another reason), when it is another format, or when its rows cannot be read."""
    kind = ingest.detect_kind(path)
    if name.lower().endswith(".csv"):
        kind = FileKind.CSV
    if kind not in (FileKind.XLSX, FileKind.CSV):
        return None
    try:
        rows = _rows(path, kind, settings or get_settings())
    except Exception:  # the sheet's own error already says why it cannot be opened
        return None
    best: tuple[int, int, int] | None = None  # (recognised columns, non-empty cells, -row index)
    for i, row in enumerate(rows):
        cells = [c for c in row if c]
        if not cells:
            continue
        score = (len({k for c in cells if (k := column_key(c))}), len(cells), -i)
        best = score if best is None or score > best else best
    expected = [name for _key, name in template_columns()]
    if best is None:
        return HeaderReport(file=name, row=None, found=[], recognised={}, missing=_missing(set()), expected=expected)
    index = -best[2]
    found = [c for c in rows[index] if c]
    recognised: dict[str, str] = {}
    for c in found:
        key = column_key(c)
        if key and COLUMN_LABELS.get(key, key) not in recognised:
            recognised[COLUMN_LABELS.get(key, key)] = c
    keys = {k for c in found if (k := column_key(c))}
    missing = _missing(keys)
    if not missing:
        return None
    return HeaderReport(file=name, row=index + 1, found=found, recognised=recognised, missing=missing,
                        expected=expected)
