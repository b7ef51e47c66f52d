"""An empty self-assessment sheet for a criteria set: the title rows ``read_sheet`` looks for (unit, year),
the header row in the column names of ``verifier/data/sheet_columns.yaml`` (the first name of each column),
and one row per field, criterion and sub-criterion of the rubric with its code, title and maximum, in the
numbering units use (I / 1 / a). Filling in the self-assessed scores and the evidence makes it a sheet
the check reads; the appraisers' column is left out (the unit does not fill it)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from io import BytesIO
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from models.errors import ErrorCode
from models.rubric import Rubric
from verifier import RubricError, bundled_rubrics, load_rubric

from .errors import ServiceError

SKIPPED = ("appraised_score",)  # filled by the appraisers, not in the unit's sheet
WIDTHS = {"stt": 6, "code": 12, "title": 60, "max_score": 12, "self_score": 14, "self_reported": 18,
          "evidence": 50, "explanation": 30, "note": 20}
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")


@lru_cache(maxsize=1)
def template_columns() -> tuple[tuple[str, str], ...]:
    """(column key, header text) of the template, in the order of ``sheet_columns.yaml``."""
    data = yaml.safe_load(resources.files("verifier").joinpath("data/sheet_columns.yaml").read_text("utf-8"))
    return tuple((key, str(names[0])) for key, names in data.items() if key not in SKIPPED)


def template_rubric(rubric: str) -> Rubric:
    """A bundled criteria set by id (never a path: templates are offered to people), or RUBRIC_INVALID."""
    if rubric not in bundled_rubrics():
        raise ServiceError(ErrorCode.RUBRIC_INVALID, f"unknown rubric {rubric!r}",
                           f"Không có bộ tiêu chí “{rubric}”.")
    return load_rubric(rubric)


def load_any_rubric(rubric: str) -> Rubric:
    """A bundled criteria set or a rubric file (the command line may name a file)."""
    try:
        return load_rubric(rubric)
    except RubricError as exc:
        raise ServiceError(ErrorCode.RUBRIC_INVALID, str(exc), exc.message_vi) from exc


def _letter(i: int) -> str:
    return chr(ord("a") + i) if i < 26 else str(i + 1)


ROLE_NOTE = {"bonus": " (điểm thưởng)", "penalty": " (điểm trừ)"}


def template_rows(r: Rubric) -> list[dict[str, object]]:
    """The rubric as the sheet's rows: field (I), criterion (1), sub-criterion (a) with code, title, maximum.
    Survey items (điều tra xã hội học) are never self-scored and have no row; bonus and penalty items say so
    after their title, and the maxima of fields and criteria are those of their ordinary items. The STT is the
    criteria set's own where it states one."""
    rows: list[dict[str, object]] = []
    fields = [f for f in r.fields if any(s.self_scored for c in f.criteria for s in c.items)]
    for fi, f in enumerate(fields):
        rows.append({"stt": f.stt or (_ROMAN[fi] if fi < len(_ROMAN) else str(fi + 1)), "code": f.code,
                     "title": f.title,
                     "max_score": sum(s.max_score for c in f.criteria for s in c.items if s.role == "score"),
                     "level": 0})
        criteria = [c for c in f.criteria if any(s.self_scored for s in c.items)]
        for ci, c in enumerate(criteria):
            rows.append({"stt": c.stt or str(ci + 1), "code": c.code, "title": c.title,
                         "max_score": sum(s.max_score for s in c.items if s.role == "score"), "level": 1})
            for si, s in enumerate(s for s in c.items if s.self_scored):
                rows.append({"stt": s.stt or _letter(si), "code": s.code, "title": s.title + ROLE_NOTE.get(s.role, ""),
                             "max_score": s.max_score, "level": 2})
    return rows


def write_template(r: Rubric, out: Path | BytesIO, *, year: int | None = None, unit: str | None = None) -> None:
    """Write the empty sheet of ``r`` as XLSX to ``out`` (a path or a buffer)."""
    cols = template_columns()
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has its sheet
    ws.title = "TuDanhGia"
    bold = Font(bold=True)
    title = f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year or ''}".rstrip()
    for text in (title, f"Đơn vị: {unit or ''}", f"Năm đánh giá: {year or ''}"):
        ws.append([text])
    ws["A1"].font = bold
    ws.append([])
    ws.append([name for _key, name in cols])
    header = ws.max_row
    for cell in ws[header]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in template_rows(r):
        ws.append([row.get(key) for key, _name in cols])
        if row["level"] != 2:
            for cell in ws[ws.max_row]:
                cell.font = bold
    for i, (key, _name) in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(key, 16)
        for (cell,) in ws.iter_rows(min_row=header + 1, min_col=i, max_col=i):
            cell.number_format = "@" if key in ("stt", "code") else "0.##" if key in ("max_score", "self_score") \
                else "General"
            cell.alignment = Alignment(wrap_text=key in ("title", "evidence", "explanation"), vertical="top")
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    ws.append([])  # the criteria set below the table: above it, a year in its title would read as the sheet's
    ws.append([f"Bộ tiêu chí: {r.title} ({r.id})"])
    wb.properties.title, wb.properties.subject = "Bảng tự đánh giá", f"{r.title} ({r.id})"
    wb.save(out)


def template_bytes(r: Rubric, *, year: int | None = None) -> bytes:
    buf = BytesIO()
    write_template(r, buf, year=year)
    return buf.getvalue()


def template_filename(r: Rubric) -> str:
    return f"mau-bang-tu-danh-gia-{r.id}.xlsx"
