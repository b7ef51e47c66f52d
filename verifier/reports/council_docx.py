"""council.docx: what the appraisal council receives, as a Word document (python-docx), A4 landscape.

Per unit group: the ranking (overall with index, band; each field's sub-index and rank), the charts
(``charts``, embedded as PNG), the ranks by criterion, then per unit the table "BẢNG CHẤM ĐIỂM CHỈ SỐ CẢI
CÁCH HÀNH CHÍNH" with every round (the same rows as the workbook, ``council_table``). Numbers are written
with a decimal comma; each table's header row repeats on every page.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

from models.council import CouncilExport, CouncilGroup, UnitScores

from .charts import field_chart, index_chart
from .council_table import (
    RANK_HEADERS,
    TABLE_TITLE,
    UNIT_HEADERS,
    Value,
    field_rank_headers,
    field_rank_rows,
    fmt,
    generated_line,
    rank_rows,
    unit_caption,
    unit_rows,
)
from .xlsx_report import FONT

_SHADE = {"header": "DDE7F0", "field": "E6E6E6", "criterion": "F5F5F5", "total": "FFFFFF"}
_UNIT_WIDTHS_CM = [1.0, 1.3, 6.2, 1.3, 1.3, 1.4, 3.0, 3.4, 1.4, 3.0, 1.3, 1.3, 1.4]


def _shade(cell, colour: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    props.append(shd)


def _repeat_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _table(doc: DocumentObject, header: list[str], rows: list[tuple[str, list[Value]]],
           widths: list[float] | None = None, numeric: set[int] | None = None, size: float = 8) -> Table:
    """A bordered table: a shaded, repeated header row, then ``rows`` as (kind, values)."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    numeric = numeric or set()
    for i, text in enumerate(header):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(size)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _shade(cell, _SHADE["header"])
    _repeat_header(table)
    for kind, values in rows:
        cells = table.add_row().cells
        for i, v in enumerate(values):
            para = cells[i].paragraphs[0]
            run = para.add_run(fmt(v))
            run.font.size = Pt(size)
            run.bold = kind != "item"
            if i in numeric:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if kind in ("field", "criterion"):
                _shade(cells[i], _SHADE[kind])
    if widths:
        table.autofit = False
        for col, w in zip(table.columns, widths, strict=False):
            col.width = Cm(w)
        for row in table.rows:
            for cell, w in zip(row.cells, widths, strict=False):
                cell.width = Cm(w)
    return table


def _heading(doc: DocumentObject, text: str, size: float = 13, centre: bool = True) -> None:
    para = doc.add_paragraph()
    run = para.add_run(text)
    run.bold, run.font.size = True, Pt(size)
    run.font.color.rgb = RGBColor(0, 0, 0)
    if centre:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _line(doc: DocumentObject, text: str, size: float = 10) -> None:
    doc.add_paragraph().add_run(text).font.size = Pt(size)


def _page_break(doc: DocumentObject) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _picture(doc: DocumentObject, png: bytes, width_cm: float = 20) -> None:
    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _group(doc: DocumentObject, export: CouncilExport, group: CouncilGroup) -> None:
    _heading(doc, f"XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {export.year} — {group.title.upper()}")
    _line(doc, f"Bộ tiêu chí: {group.rubric_title}. Điểm tối đa {fmt(group.max_score)}; điểm thưởng tối đa "
               f"{fmt(group.bonus_cap) or 'theo từng nội dung'}, điểm trừ tối đa {fmt(group.penalty_cap) or 'theo từng nội dung'}. "
               "Các đơn vị bằng điểm đồng hạng.")
    _table(doc, RANK_HEADERS, [("item", r) for r in rank_rows(group)],
           widths=[1.2, 6.5, 1.8, 1.8, 1.6, 1.6, 1.8, 1.8, 1.6, 1.8, 1.5], numeric=set(range(11)) - {1, 10}, size=9)
    _line(doc, "")
    _picture(doc, index_chart(group, "png"))
    _picture(doc, field_chart(group, "png"))
    _heading(doc, "Chỉ số thành phần và xếp hạng theo lĩnh vực", size=11, centre=False)
    fields = field_rank_headers(group)
    header = ["Đơn vị"] + [h for f in fields for h in (f"{f} (%)", "Hạng")]
    _table(doc, header, [("item", r) for r in field_rank_rows(group)], numeric=set(range(1, len(header))), size=7)
    _heading(doc, "Xếp hạng theo tiêu chí", size=11, centre=False)
    parts = {u.unit: {c.code: c for f in u.fields for c in f.criteria} for u in group.units}
    rows: list[tuple[str, list[Value]]] = []
    for h in group.criteria:
        ranked = sorted((c.rank if c.rank is not None else 10**9, u.unit, c.index)
                        for u in group.units if (c := parts[u.unit].get(h.code)) is not None)
        text = "; ".join(f"{r if r < 10**9 else '—'}. {name} ({fmt(index)}%)" for r, name, index in ranked)
        rows.append(("item", [h.stt, h.code, h.title, h.max_score, text]))
    _table(doc, ["STT", "Mã", "Tiêu chí", "Điểm tối đa", "Xếp hạng (chỉ số %)"], rows,
           widths=[1.0, 1.4, 8.5, 1.6, 13.0], numeric={3}, size=8)


def _unit(doc: DocumentObject, export: CouncilExport, group: CouncilGroup, unit: UnitScores) -> None:
    _page_break(doc)
    _heading(doc, TABLE_TITLE)
    _heading(doc, f"NĂM {export.year}", size=11)
    _line(doc, unit_caption(unit, group, export.year))
    numeric = {3, 4, 5, 8, 10, 11, 12}
    _table(doc, UNIT_HEADERS, [(r.kind, r.values) for r in unit_rows(unit)], widths=_UNIT_WIDTHS_CM,
           numeric=numeric, size=7.5)


def write_council_docx(export: CouncilExport, path: Path) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    doc.core_properties.title = f"Kết quả thẩm định Chỉ số CCHC năm {export.year} — {export.title}"
    doc.core_properties.author = "kiemchung"
    _heading(doc, f"KẾT QUẢ THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {export.year}", size=14)
    _heading(doc, export.title, size=12)
    _line(doc, generated_line(export.generated_at))
    for i, g in enumerate(export.groups):
        if i:
            _page_break(doc)
        _group(doc, export, g)
        for u in g.units:
            _unit(doc, export, g, u)
    doc.save(str(path))
    return path
