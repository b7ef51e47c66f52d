"""Read a self-assessment sheet (XLSX, CSV, JSON) into claims.

Real templates put title rows above the header ("BẢNG TỰ ĐÁNH GIÁ …",
"Đơn vị: …", "Năm …"), merge cells, and spell headers with or without
diacritics. We find the header row by matching cells against the column
aliases in ``data/sheet_columns.yaml``, read unit and year from the title
rows, and turn every sub-criterion row into a :class:`Claim`. A malformed
cell becomes a :class:`SheetIssue` naming row and column; the row is kept.

The sheet is read inside the API request, so reading is bounded before and while
parsing (``KIEMCHUNG_SHEET_MAX_*`` in ``models/settings.py``): the file's bytes; for
XLSX the parts' declared uncompressed sizes and ratios and each worksheet's declared
dimension, then rows read in openpyxl's streaming mode, stopping at the caps; for
CSV rows, columns and field length; for JSON the number of values and the nesting
depth, counted before ``json.loads``. Over a cap → :class:`SheetTooLarge`
(SHEET_TOO_LARGE, naming the limit); a sheet that cannot be read → :class:`SheetError`
(SHEET_INVALID).
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

import openpyxl
import yaml
from openpyxl.utils.cell import range_boundaries
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from extractors import fold, parse_date, parse_vn_number
from ingest import detect_kind, sniff_csv
from ingest.archive import ratio_exceeded
from models.claims import Claim, Sheet, SheetIssue
from models.errors import ErrorCode
from models.settings import Settings, get_settings

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
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"
_MERGE_TAG = f"{{{SHEET_MAIN_NS}}}mergeCell"

MIN_YEAR, MAX_YEAR = 2000, 2100  # an assessment year, wherever it comes from (sheet, --year, REST, web form)
MAX_UNIT_CHARS = 300  # what the database stores as a unit's name


class SheetError(Exception):
    """The file cannot be read as a sheet at all (no header row, unreadable file, invalid unit or year)."""

    code: ErrorCode = ErrorCode.SHEET_INVALID

    def __init__(self, message: str, message_vi: str):
        super().__init__(message)
        self.message = message
        self.message_vi = message_vi


class SheetTooLarge(SheetError):
    """The sheet is over one of the caps (rows, columns, cells, bytes, cell length, JSON depth)."""

    code = ErrorCode.SHEET_TOO_LARGE


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


SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".json")
"""The self-assessment sheet formats ``read_sheet`` reads (the one list: uploads and folders pick sheets by it)."""


def read_sheet(path: Path, *, name: str | None = None, settings: Settings | None = None) -> Sheet:
    """Read any supported sheet format. Raises SheetError when no table can be found or the unit or year
    is invalid, SheetTooLarge when the sheet is over a cap."""
    s = settings or get_settings()
    suffix = path.suffix.lower()
    display = name or path.name
    if suffix not in SHEET_SUFFIXES:
        # stored blobs have no suffix: decide by content
        suffix = {"xlsx": ".xlsx", "csv": ".csv", "json": ".json"}.get(detect_kind(path).value, suffix)
    if suffix not in SHEET_SUFFIXES:
        raise SheetError(f"unsupported sheet format: {path.name}", f"Không đọc được định dạng bảng: {path.name}")
    size = path.stat().st_size
    if size > s.sheet_max_bytes:
        raise SheetTooLarge(f"{display}: {size} bytes; the limit is {s.sheet_max_bytes}",
                            f"Bảng tự đánh giá {display} có dung lượng {_size(size)}, vượt giới hạn "
                            f"{_size(s.sheet_max_bytes)}.")
    if suffix == ".json":
        sheet = _json_sheet(path, display, s)
    else:
        rows = _xlsx_rows(path, display, s) if suffix in (".xlsx", ".xlsm") else _csv_rows(path, display, s)
        sheet = sheet_from_rows(rows, display)
    if sheet.unit is not None and len(sheet.unit) > MAX_UNIT_CHARS:
        raise SheetError(f"{display}: unit name of {len(sheet.unit)} characters; the limit is {MAX_UNIT_CHARS}",
                         f"Tên đơn vị trong bảng {display} dài {len(sheet.unit)} ký tự, vượt giới hạn "
                         f"{MAX_UNIT_CHARS} ký tự.")
    return sheet


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1048576:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"
    return f"{max(n // 1024, 1)} KB"


class _Caps:
    """Counts one worksheet's (or CSV's, or JSON's) rows and cells against the caps, while reading."""

    def __init__(self, display: str, s: Settings):
        self.display, self.s, self.rows, self.cells = display, s, 0, 0

    def too_many_rows(self) -> SheetTooLarge:
        n = self.s.sheet_max_rows
        return SheetTooLarge(f"{self.display}: more than {n} rows", f"Bảng tự đánh giá {self.display} có hơn {n} "
                             f"dòng, vượt giới hạn {n} dòng.")

    def too_many_columns(self, got: int | None = None) -> SheetTooLarge:
        n = self.s.sheet_max_columns
        many = f"{got} cột" if got else f"hơn {n} cột"
        return SheetTooLarge(f"{self.display}: more than {n} columns",
                             f"Bảng tự đánh giá {self.display} có {many}, vượt giới hạn {n} cột.")

    def too_many_cells(self) -> SheetTooLarge:
        n = self.s.sheet_max_cells
        return SheetTooLarge(f"{self.display}: more than {n} cells",
                             f"Bảng tự đánh giá {self.display} có hơn {n} ô, vượt giới hạn {n} ô.")

    def check_dimension(self, rows: int | None, cols: int | None) -> None:
        """The size a worksheet declares, before reading it."""
        if rows and rows > self.s.sheet_max_rows:
            raise self.too_many_rows()
        if cols and cols > self.s.sheet_max_columns:
            raise self.too_many_columns(cols)
        if rows and cols and rows * cols > self.s.sheet_max_cells:
            raise self.too_many_cells()

    def add(self, cells: list[str]) -> list[str]:
        self.rows += 1
        if self.rows > self.s.sheet_max_rows:
            raise self.too_many_rows()
        if len(cells) > self.s.sheet_max_columns:
            raise self.too_many_columns()
        self.cells += len(cells)
        if self.cells > self.s.sheet_max_cells:
            raise self.too_many_cells()
        for cell in cells:
            if len(cell) > self.s.sheet_max_cell_chars:
                raise self.too_long_cell()
        return cells

    def too_long_cell(self, row: int | None = None) -> SheetTooLarge:
        n, row = self.s.sheet_max_cell_chars, row or self.rows
        return SheetTooLarge(f"{self.display}: a cell of row {row} is longer than {n} characters",
                             f"Một ô ở dòng {row} của bảng tự đánh giá {self.display} dài hơn {n} ký tự, "
                             f"vượt giới hạn {n} ký tự.")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_xlsx_parts(path: Path, display: str, s: Settings) -> None:
    """ZIP limits inside the workbook, from its directory alone: part count, declared uncompressed bytes
    (zipfile never yields more than an entry declares), compression ratio of each part."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SheetError(f"cannot open workbook: {exc}", f"Không mở được tệp Excel {display}: tệp bị hỏng.") from exc
    if len(infos) > s.zip_max_entries:
        raise SheetTooLarge(f"{display}: {len(infos)} parts; the limit is {s.zip_max_entries}",
                            f"Tệp Excel {display} gồm {len(infos)} phần, vượt giới hạn {s.zip_max_entries} phần.")
    declared = sum(i.file_size for i in infos)
    if declared > s.sheet_max_bytes:
        raise SheetTooLarge(f"{display}: {declared} bytes uncompressed; the limit is {s.sheet_max_bytes}",
                            f"Tệp Excel {display} giải nén ra {_size(declared)}, vượt giới hạn "
                            f"{_size(s.sheet_max_bytes)}.")
    for info in infos:
        if ratio_exceeded(info, s.zip_max_ratio):
            raise SheetTooLarge(f"{display}: part {info.filename} compressed above {s.zip_max_ratio:.0f}:1",
                                f"Tệp Excel {display} có phần dữ liệu nén với tỷ lệ bất thường (trên "
                                f"{s.zip_max_ratio:.0f} lần), vượt giới hạn cho phép.")


def _xlsx_rows(path: Path, display: str, s: Settings) -> list[list[str]]:
    _check_xlsx_parts(path, display, s)
    with open(path, "rb") as fh:  # a file object: openpyxl refuses names without .xlsx
        try:
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for broken files
            raise SheetError(f"cannot open workbook: {exc}", f"Không mở được tệp Excel: {exc}") from exc
        try:
            best: list[list[str]] = []
            for ws in wb.worksheets:
                rows = _worksheet_rows(ws, display, s)
                if _find_header(rows) is not None:
                    return rows
                best = best or rows
            return best
        except SheetError:
            raise
        except Exception as exc:  # a part that does not parse
            raise SheetError(f"cannot read workbook: {exc}", f"Không đọc được tệp Excel: {exc}") from exc
        finally:
            wb.close()


def _worksheet_rows(ws, display: str, s: Settings) -> list[list[str]]:
    """One worksheet's cell texts, streamed: the declared dimension first, then the caps while reading."""
    caps = _Caps(display if len(ws.parent.worksheets) == 1 else f"{display} (trang “{ws.title}”)", s)
    caps.check_dimension(ws.max_row, ws.max_column)
    ws.reset_dimensions()  # read every cell a writer forgot to declare (some write "A1"), up to the caps
    width = s.sheet_max_columns + 1  # one column past the cap, to see a row that goes over it
    rows: list[list[str]] = []
    for values in ws.iter_rows(values_only=True, max_row=s.sheet_max_rows + 1, max_col=width):
        cells = [_cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        rows.append(caps.add(cells))
    _fill_merged(rows, _merged_ranges(ws, caps), caps)
    return rows


def _merged_ranges(ws, caps: _Caps) -> list[str]:
    """The worksheet's merged ranges (``<mergeCell ref=…>``, after the cells), streamed: openpyxl's
    read-only mode does not read them."""
    refs: list[str] = []
    with ws._get_source() as src:  # the worksheet's XML part inside the open workbook
        for _event, element in iterparse(src):
            if element.tag == _MERGE_TAG:
                refs.append(element.get("ref") or "")
                if len(refs) > caps.s.sheet_max_cells:
                    raise caps.too_many_cells()
            elif element.tag == _ROW_TAG:
                element.clear()
    return refs


def _fill_merged(rows: list[list[str]], refs: list[str], caps: _Caps) -> None:
    """A range merged over several rows gives its text to every row it covers (a criterion's evidence cell
    spanning its sub-criteria); one merged across columns only (a title row) keeps it once, in the first cell."""
    work = 0
    for ref in refs:
        try:
            c0, r0, c1, r1 = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        if None in (c0, r0, c1, r1) or r0 == r1 or r0 > len(rows) or c0 > len(rows[r0 - 1]):
            continue
        top = rows[r0 - 1][c0 - 1]
        if not top:
            continue
        r1, c1 = min(r1, len(rows)), min(c1, caps.s.sheet_max_columns)
        work += (r1 - r0 + 1) * (c1 - c0 + 1)
        if work > caps.s.sheet_max_cells:
            raise caps.too_many_cells()
        for r in range(r0, r1 + 1):
            row = rows[r - 1]
            if len(row) < c1:
                row.extend([""] * (c1 - len(row)))
            for c in range(c0, c1 + 1):
                if not row[c - 1]:
                    row[c - 1] = top


def _csv_rows(path: Path, display: str, s: Settings) -> list[list[str]]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    dialect = sniff_csv([ln for ln in text[:65536].splitlines() if ln.strip()]) or csv.excel
    caps = _Caps(display, s)
    reader = csv.reader(text.splitlines(), dialect)
    try:
        return [caps.add([c.strip() for c in row]) for row in reader]
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # csv's own cap (128 KB), above ours
            raise caps.too_long_cell(reader.line_num) from exc
        raise SheetError(f"invalid CSV at line {reader.line_num}: {exc}",
                         f"Tệp CSV {display} không hợp lệ ở dòng {reader.line_num}: {exc}") from exc


def _check_json_shape(text: str, display: str, s: Settings) -> None:
    """Count values and nesting depth on the text (strings blanked) before json.loads builds anything."""
    skeleton = _JSON_STRING.sub('""', text)
    values = skeleton.count(",") + skeleton.count("[") + skeleton.count("{") + 1
    if values > s.sheet_max_cells:
        n = s.sheet_max_cells
        raise SheetTooLarge(f"{display}: more than {n} JSON values",
                            f"Bảng JSON {display} có hơn {n} giá trị, vượt giới hạn {n} ô.")
    depth = deepest = 0
    for ch in _NOT_BRACKET.sub("", skeleton):
        depth += 1 if ch in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > s.sheet_max_json_depth:
                n = s.sheet_max_json_depth
                raise SheetTooLarge(f"{display}: JSON nested deeper than {n} levels",
                                    f"Bảng JSON {display} lồng nhau quá sâu (hơn {n} cấp), vượt giới hạn {n} cấp.")


_JSON_KIND_VI = {bool: "giá trị đúng/sai", int: "số", float: "số", list: "danh sách", dict: "đối tượng"}


def _json_unit(value, display: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        return value.strip()
    shown = json.dumps(value, ensure_ascii=False)[:80]
    raise SheetError(f"{display}: 'unit' must be text, not {type(value).__name__}: {shown}",
                     f"Trường “unit” (tên đơn vị) của bảng JSON {display} phải là chuỗi chữ, không phải "
                     f"{_JSON_KIND_VI.get(type(value), 'giá trị khác')}: {shown}.")


def _sheet_year(value, display: str) -> int | None:
    """The assessment year a sheet declares: None, or a whole number in MIN_YEAR..MAX_YEAR (SheetError if not)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    year = None
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, float) and value.is_integer():
        year = int(value)
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 6:
        year = int(value.strip())
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        shown = json.dumps(value, ensure_ascii=False)[:40]
        raise SheetError(f"{display}: year {shown} is not in {MIN_YEAR}..{MAX_YEAR}",
                         f"Năm đánh giá trong bảng {display} phải là số từ {MIN_YEAR} đến {MAX_YEAR}, "
                         f"không phải {shown}.")
    return year


def _json_sheet(path: Path, display: str, s: Settings) -> Sheet:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(f"invalid JSON: {exc}", f"Tệp JSON không hợp lệ: {exc}") from exc
    _check_json_shape(text, display, s)
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise SheetError(f"invalid JSON: {exc}", f"Tệp JSON không hợp lệ: {exc}") from exc
    meta: dict = {}
    if isinstance(data, dict):
        meta = data
        data = data.get("claims") or data.get("rows") or data.get("criteria") or []
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise SheetError("JSON sheet must be a list of rows or {unit, year, claims: [...]}",
                         "Bảng JSON phải là danh sách các dòng hoặc {unit, year, claims: [...]}")
    caps = _Caps(display, s)
    headers: dict[str, None] = {}
    for row in data:
        headers.update(dict.fromkeys(row))
        if len(headers) > s.sheet_max_columns:
            raise caps.too_many_columns()
    rows = [caps.add(list(headers))] + [caps.add([_cell_text(r.get(h)) for h in headers]) for r in data]
    # JSON keys may be canonical names ("code", "claimed_score") or Vietnamese headers
    key_map = {"claimed_score": "self_score", "self_reported_value": "self_reported", "citations": "evidence"}
    mapping = {}
    for i, h in enumerate(headers):
        k = key_map.get(h, h) if (key_map.get(h, h) in COLUMN_LABELS) else column_key(h)
        if k and k not in mapping:
            mapping[k] = i
    unit, year = _json_unit(meta.get("unit"), display), _sheet_year(meta.get("year"), display)
    sheet = sheet_from_rows(rows, display, header_row=0, mapping=mapping)
    sheet.unit = sheet.unit or unit
    if year is not None:
        sheet.year = year
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
                if flabel in labels["year_labels"] and (ym := _YEAR.search(value)):
                    year = int(ym.group(1))
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
        stt = get(row, "stt")
        code = (get(row, "code") or stt).rstrip(".")
        if not code or not _CODE.match(code):
            # column-number rows ("(1) (2) (3)"), field rows with roman numerals, notes
            continue
        score_text = get(row, "self_score")
        evidence_text = get(row, "evidence")
        claim = Claim(row=rownum, code=code, title=get(row, "title"), stt=stt)
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
