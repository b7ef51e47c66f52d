"""council.xlsx: what the appraisal council receives, as a workbook ready to print.

Per unit group: a ranking sheet (overall, with each field's sub-index and rank beside it), a sheet of the
ranks by criterion, and one sheet per unit titled "BẢNG CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH" (STT, code,
criterion, maximum, self-score, round 1 score and note, the unit's explanation and files, round 2 score
and note, bonus, penalty, points counted, then the totals, index, band and rank). Scores are numbers shown
with a decimal comma (``SCORE_FORMAT``); text from units and appraisers goes through ``cells`` and is never
a formula; every sheet prints A4 landscape, one page wide, its header row repeated and frozen.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from models.council import CouncilExport, CouncilGroup, UnitScores

from ..messages import local_time
from .cells import put
from .council_table import (
    NUMERIC_UNIT_COLUMNS,
    RANK_HEADERS,
    TABLE_TITLE,
    UNIT_HEADERS,
    criterion_rank_rows,
    field_rank_headers,
    field_rank_rows,
    generated_line,
    rank_rows,
    unit_caption,
    unit_rows,
)
from .xlsx_report import _CRITERION_FILL, _FIELD_FILL, SCORE_FORMAT, _font, _row, _table, print_setup

_UNIT_WIDTHS = [6, 8, 40, 8, 8, 9, 24, 30, 9, 24, 8, 8, 8]
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(text: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of []:*?/\\), unique in the workbook."""
    base = _BAD_TITLE.sub(" ", text).strip().strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.casefold() in taken:
        tail = f" ({n})"
        name, n = base[: 31 - len(tail)] + tail, n + 1
    taken.add(name.casefold())
    return name


def _heading(ws: Worksheet, lines: list[str], ncol: int) -> int:
    """Title lines above a table, the first bold and centred over the table; returns the next free row."""
    for i, text in enumerate(lines, start=1):
        cell = put(ws, i, 1, text)
        cell.font = _font(bold=i == 1, size=13 if i == 1 else 10)
        cell.alignment = Alignment(horizontal="center" if i == 1 else "left", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=ncol)
        ws.row_dimensions[i].height = 22 if i == 1 else 16
    return len(lines) + 2


def _formats(ncol: int, numeric: set[int]) -> dict[int, str]:
    return {c + 1: SCORE_FORMAT for c in range(ncol) if c in numeric}


def _ranking_sheet(wb: Workbook, export: CouncilExport, group: CouncilGroup, taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(f"Xếp hạng {group.code}", taken))
    fields = field_rank_headers(group)
    header = RANK_HEADERS + [h for f in fields for h in (f"{f} (%)", "Hạng")]
    ncol = len(header)
    row = _heading(ws, [f"XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {export.year}", f"{export.title} — {group.title}",
                        f"Bộ tiêu chí: {group.rubric_title} — {generated_line(export.generated_at)}"], ncol)
    _table(ws, header, [6, 30, 9, 9, 8, 8, 9, 9, 8, 9, 8] + [10, 6] * len(fields), row)
    by_unit = {r[0]: r[1:] for r in field_rank_rows(group)}
    numeric = set(range(ncol)) - {1, 10}
    for i, values in enumerate(rank_rows(group), start=row + 1):
        _row(ws, i, values + by_unit.get(str(values[1]), []), formats=_formats(ncol, numeric))
    print_setup(ws, row, ncol)


def _criteria_sheet(wb: Workbook, export: CouncilExport, group: CouncilGroup, taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(f"Theo tiêu chí {group.code}", taken))
    header = ["STT", "Mã", "Tiêu chí", "Điểm tối đa"] + [h for u in group.units for h in (f"{u.unit} (%)", "Hạng")]
    ncol = len(header)
    row = _heading(ws, [f"XẾP HẠNG THEO TIÊU CHÍ NĂM {export.year}", f"{export.title} — {group.title}"], ncol)
    _table(ws, header, [6, 8, 40, 8] + [12, 6] * len(group.units), row)
    numeric = set(range(3, ncol))
    for i, values in enumerate(criterion_rank_rows(group), start=row + 1):
        _row(ws, i, values, formats=_formats(ncol, numeric))
    print_setup(ws, row, ncol)


def _unit_sheet(wb: Workbook, export: CouncilExport, group: CouncilGroup, unit: UnitScores, n: int,
                taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(f"{n:02d} {unit.unit}", taken))
    ncol = len(_UNIT_WIDTHS)
    row = _heading(ws, [TABLE_TITLE, f"NĂM {export.year}", unit_caption(unit, group, export.year)], ncol)
    _table(ws, UNIT_HEADERS, _UNIT_WIDTHS, row)
    formats = _formats(ncol, NUMERIC_UNIT_COLUMNS)
    fills = {"field": _FIELD_FILL, "criterion": _CRITERION_FILL}
    for i, r in enumerate(unit_rows(unit), start=row + 1):
        cells = _row(ws, i, r.values, fill=fills.get(r.kind), bold=r.kind != "item", formats=formats)
        if r.kind == "item":
            cells[2].alignment = Alignment(wrap_text=True, vertical="top", indent=1)
    print_setup(ws, row, ncol)


def write_council_xlsx(export: CouncilExport, path: Path) -> Path:
    """Write the council's workbook: for each group its ranking, its ranks by criterion, one sheet per unit."""
    wb = Workbook()
    cover = wb.active
    taken = {"tổng hợp"}
    cover.title = "Tổng hợp"
    _heading(cover, [f"KẾT QUẢ THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {export.year}", export.title,
                     f"Lập lúc {local_time(export.generated_at)} (giờ Việt Nam) bởi kiemchung."], 6)
    _table(cover, ["Nhóm", "Tên nhóm", "Bộ tiêu chí", "Số đơn vị", "Điểm tối đa", "Có hồ sơ"],
           [12, 40, 40, 9, 9, 9], 5)
    for i, g in enumerate(export.groups, start=6):
        _row(cover, i, [g.code, g.title, g.rubric_title, len(g.units), g.max_score,
                        sum(u.submitted for u in g.units)], formats={4: SCORE_FORMAT, 5: SCORE_FORMAT,
                                                                     6: SCORE_FORMAT})
    print_setup(cover, 5, 6)
    for g in export.groups:
        _ranking_sheet(wb, export, g, taken)
        _criteria_sheet(wb, export, g, taken)
        for n, u in enumerate(g.units, start=1):
            _unit_sheet(wb, export, g, u, n, taken)
    wb.save(path)
    return path
