"""Read a self-assessment sheet (XLSX, CSV, JSON) into claims.

Real templates put title rows above the header ("BẢNG TỰ ĐÁNH GIÁ …",
"Đơn vị: …", "Năm …"), merge cells, and spell headers with or without
diacritics. We find the header row by matching cells against the column
aliases in ``data/sheet_columns.yaml``, read unit and year from the title
rows, and turn every sub-criterion row into a :class:`Claim`. A malformed
cell becomes a :class:`SheetIssue` naming row and column; the row is kept.
"""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from extractors import fold, parse_date, parse_vn_number
from models.claims import Claim, Sheet, SheetIssue

from .citations import parse_citations

# Vietnamese display names of the canonical columns, for messages.
COLUMN_LABELS = {
    "stt": "STT",
    "code": "Mã tiêu chí",
    "title": "Nội dung",
    "max_score": "Điểm tối đa",
    "self_score": "Điểm tự đánh giá",
    "appraised_score": "Điểm thẩm định",
    "self_reported": "Giá trị tự báo cáo",
    "evidence": "Tài liệu kiểm chứng",
    "explanation": "Giải trình",
    "note": "Ghi chú",
}

_CODE = re.compile(r"^\d+(?:\.\d+)*\.?$")
_YEAR = re.compile(r"\b(20\d\d)\b")
_PERCENT = re.compile(r"([<>≥≤]?\s*\d[\d.,]*)\s*%")


class SheetError(Exception):
    """The file cannot be read as a sheet at all (no header row, unreadable file)."""

    def __init__(self, message: str, message_vi: str):
        super().__init__(message)
        self.message_vi = message_vi


@lru_cache(maxsize=1)
def _aliases() -> list[tuple[str, str]]:
    data = yaml.safe_load(resources.files("verifier").joinpath("data/sheet_columns.yaml").read_text("utf-8"))
    pairs = [(fold(alias), key) for key, aliases in data.items() for alias in aliases]
    return sorted(pairs, key=lambda p: -len(p[0]))


@lru_cache(maxsize=1)
def _title_labels() -> dict[str, list[str]]:
    return yaml.safe_load(resources.files("verifier").joinpath("data/title_rows.yaml").read_text("utf-8"))


def column_key(header: str) -> str | None:
    """Map a header cell to a canonical column key, or None."""
    h = fold(header)
    if not h:
        return None
    for alias, key in _aliases():
        if h == alias:
            return key
    for alias, key in _aliases():
        if len(alias) >= 4 and h.startswith(alias):
            return key
    return None


def read_sheet(path: Path, *, name: str | None = None) -> Sheet:
    """Read any supported sheet format. Raises SheetError when no table can be found."""
    suffix = path.suffix.lower()
    display = name or path.name
    if suffix not in (".xlsx", ".xlsm", ".csv", ".json"):
        # stored blobs have no suffix: decide by content
        from ingest import detect_kind

        suffix = {"xlsx": ".xlsx", "csv": ".csv", "json": ".json"}.get(detect_kind(path).value, suffix)
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    elif suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix == ".json":
        return _json_sheet(path, display)
    else:
        raise SheetError(f"unsupported sheet format: {path.name}", f"Không đọc được định dạng bảng: {path.name}")
    return sheet_from_rows(rows, display)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(path: Path) -> list[list[str]]:
    import openpyxl

    try:
        with open(path, "rb") as fh:  # a file object: openpyxl refuses names without .xlsx
            wb = openpyxl.load_workbook(fh, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise SheetError(f"cannot open workbook: {exc}", f"Không mở được tệp Excel: {exc}") from exc
    best: list[list[str]] = []
    for ws in wb.worksheets:
        merged_values: dict[tuple[int, int], object] = {}
        for rng in ws.merged_cells.ranges:
            top = ws.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        # title rows merge across columns: keep the text once, in the first cell
                        merged_values[(r, c)] = top if rng.min_row != rng.max_row else None
        rows = []
        for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = []
            for c, v in enumerate(row, start=1):
                if v is None and (r, c) in merged_values:
                    v = merged_values[(r, c)]
                cells.append(_cell_text(v))
            rows.append(cells)
        if _find_header(rows) is not None:
            return rows
        best = best or rows
    return best


def _csv_rows(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[c.strip() for c in row] for row in csv.reader(text.splitlines(), dialect)]


def _json_sheet(path: Path, display: str) -> Sheet:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SheetError(f"invalid JSON: {exc}", f"Tệp JSON không hợp lệ: {exc}") from exc
    meta: dict = {}
    if isinstance(data, dict):
        meta = data
        data = data.get("claims") or data.get("rows") or data.get("criteria") or []
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise SheetError("JSON sheet must be a list of rows or {unit, year, claims: [...]}",
                         "Bảng JSON phải là danh sách các dòng hoặc {unit, year, claims: [...]}")
    headers: list[str] = []
    for row in data:
        for k in row:
            if k not in headers:
                headers.append(k)
    rows = [headers] + [[_cell_text(r.get(h)) for h in headers] for r in data]
    # JSON keys may be canonical names ("code", "claimed_score") or Vietnamese headers
    key_map = {"claimed_score": "self_score", "self_reported_value": "self_reported", "citations": "evidence"}
    mapping = {}
    for i, h in enumerate(headers):
        k = key_map.get(h, h) if (key_map.get(h, h) in COLUMN_LABELS) else column_key(h)
        if k and k not in mapping:
            mapping[k] = i
    sheet = sheet_from_rows(rows, display, header_row=0, mapping=mapping)
    sheet.unit = sheet.unit or meta.get("unit")
    if meta.get("year") is not None:
        try:
            sheet.year = int(meta["year"])
        except (TypeError, ValueError):
            sheet.issues.append(SheetIssue(message=f"invalid year {meta['year']!r}",
                                           message_vi=f"Năm đánh giá không hợp lệ: {meta['year']!r}"))
    return sheet


def _find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(rows[:40]):
        mapping: dict[str, int] = {}
        for j, cell in enumerate(row):
            key = column_key(cell) if cell else None
            if key and key not in mapping:
                mapping[key] = j
        if "self_score" in mapping and ("code" in mapping or "stt" in mapping) and len(mapping) >= 3:
            return i, mapping
    return None


def _title_info(rows: list[list[str]]) -> tuple[str | None, int | None]:
    labels = _title_labels()
    unit = year = None
    for row in rows:
        for cell in row:
            if not cell:
                continue
            f = fold(cell)
            if ":" in cell:
                label, _, value = cell.partition(":")
                flabel = fold(label)
                if unit is None and flabel in labels["unit_labels"] and value.strip():
                    unit = value.strip()
                    continue
                if flabel in labels["year_labels"] and _YEAR.search(value):
                    year = int(_YEAR.search(value).group(1))
                    continue
            if year is None and ("tu danh gia" in f or "chi so" in f or f.startswith("nam ")):
                m = _YEAR.search(cell)
                if m:
                    year = int(m.group(1))
    return unit, year


def _number(text: str) -> float | None:
    t = text.strip().replace(" ", "")
    if not t:
        return None
    if re.fullmatch(r"-?\d+(?:[.,]\d+)?", t):
        return float(t.replace(",", "."))
    return parse_vn_number(t)


def sheet_from_rows(
    rows: list[list[str]], display: str, *, header_row: int | None = None, mapping: dict[str, int] | None = None
) -> Sheet:
    if header_row is None or mapping is None:
        found = _find_header(rows)
        if found is None:
            raise SheetError(
                "no header row with 'Điểm tự đánh giá' and a criterion code column",
                "Không tìm thấy dòng tiêu đề có cột 'Điểm tự đánh giá' và cột mã tiêu chí/STT",
            )
        header_row, mapping = found
    unit, year = _title_info(rows[:header_row])
    sheet = Sheet(
        file=display,
        unit=unit,
        year=year,
        header_row=header_row + 1,
        columns={k: rows[header_row][i] if i < len(rows[header_row]) else k for k, i in mapping.items()},
    )

    def get(row: list[str], key: str) -> str:
        i = mapping.get(key)
        return row[i].strip() if i is not None and i < len(row) and row[i] else ""

    for i in range(header_row + 1, len(rows)):
        row = rows[i]
        rownum = i + 1
        if not any(c.strip() for c in row):
            continue
        code = get(row, "code") or get(row, "stt")
        code = code.rstrip(".")
        if not code or not _CODE.match(code):
            # column-number rows ("(1) (2) (3)"), field rows with roman numerals, notes
            continue
        score_text = get(row, "self_score")
        evidence_text = get(row, "evidence")
        claim = Claim(row=rownum, code=code, title=get(row, "title"))
        if score_text:
            value = _number(score_text)
            if value is None:
                sheet.issues.append(_issue(rownum, "self_score", f"not a number: {score_text!r}",
                                           f"Điểm tự đánh giá không phải là số: “{score_text}”"))
            elif value < 0:
                sheet.issues.append(_issue(rownum, "self_score", f"negative score {value}",
                                           f"Điểm tự đánh giá âm: {score_text}"))
            else:
                claim.claimed_score = value
        max_text = get(row, "max_score")
        if max_text:
            mx = _number(max_text)
            if mx is None:
                sheet.issues.append(_issue(rownum, "max_score", f"not a number: {max_text!r}",
                                           f"Điểm tối đa không phải là số: “{max_text}”"))
            claim.max_score = mx
        claim.citations = parse_citations(evidence_text)
        reported = get(row, "self_reported")
        if reported:
            claim.self_reported = reported
            m = _PERCENT.search(reported)
            d = parse_date(reported) if re.search(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|tháng", reported) else None
            if d:
                claim.self_reported_date = d.isoformat()
            else:
                claim.self_reported_value = _number(m.group(1).lstrip("<>≥≤ ")) if m else _number(reported)
                if claim.self_reported_value is None:
                    sheet.issues.append(_issue(rownum, "self_reported", f"cannot read value {reported!r}",
                                               f"Không đọc được giá trị tự báo cáo: “{reported}”"))
        claim.explanation = get(row, "explanation") or None
        sheet.claims.append(claim)
    if not sheet.claims:
        sheet.issues.append(SheetIssue(message="no criterion rows found under the header",
                                       message_vi="Không có dòng tiêu chí nào dưới dòng tiêu đề"))
    return sheet


def _issue(row: int, key: str, message: str, message_vi: str) -> SheetIssue:
    return SheetIssue(row=row, column=COLUMN_LABELS.get(key, key), message=message, message_vi=message_vi)
