"""council.docx read back with python-docx, and opened by LibreOffice headless: A4 landscape, the ranking
with shared ranks, the charts embedded as PNG, one "BẢNG CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH" table per unit
with every round, numbers with a decimal comma, header rows repeated on each page."""

from __future__ import annotations

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tests.council_example import A, B, C, D
from tests.verifier.test_report_print import to_pdf
from verifier.reports.council_docx import write_council_docx


@pytest.fixture(scope="module")
def docx_path(council_export, tmp_path_factory):
    return write_council_docx(council_export, tmp_path_factory.mktemp("docx") / "hoi-dong.docx")


def _rows(table):
    return [[c.text for c in r.cells] for r in table.rows]


def test_ranking_and_charts(docx_path):
    doc = Document(str(docx_path))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    ranking = _rows(doc.tables[0])
    assert ranking[0][:2] == ["Hạng", "Đơn vị"]
    assert [(r[0], r[1], r[9], r[10]) for r in ranking[1:]] == [("1", A, "80", "B"), ("1", B, "80", "B"),
                                                                 ("3", C, "10", "C")]
    assert ranking[1][3] == "11,5" and ranking[1][6] == "4,5"
    pictures = [s for s in doc.inline_shapes]
    assert len(pictures) == 4  # two charts per group
    images = [p.target_part.blob for p in doc.part.rels.values() if "image" in p.reltype]
    assert images and all(b.startswith(b"\x89PNG") for b in images)
    criteria = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Xếp hạng (chỉ số %)")
    row = next(r for r in _rows(criteria) if r[1] == "1.2")
    assert row[4] == f"1. {B} (100%); 2. {A} (50%); 3. {C} (0%)"


def test_a_score_table_per_unit(docx_path):
    doc = Document(str(docx_path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert text.count("BẢNG CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH") == 4
    tables = [t for t in doc.tables if t.rows[0].cells[0].text == "STT" and len(t.columns) == 13]
    assert len(tables) == 4
    rows = {r[1]: r for r in _rows(tables[0]) if r[1]}
    assert rows["1.1.1"][3:6] == ["4", "4", "3"] and rows["1.1.1"][8] == "3,5" and rows["1.1.1"][12] == "3,5"
    assert "Yêu cầu giải trình" in rows["1.1.1"][6] and rows["1.1.1"][7].startswith("Kế hoạch ban hành")
    assert rows["1.2.2"][11] == "1" and rows["1.2.2"][12] == "-1" and rows["2.1.2"][12] == "4,5"
    totals = {r[2]: r for r in _rows(tables[0]) if not r[1]}
    assert totals["TỔNG ĐIỂM"][12] == "16" and totals["CHỈ SỐ CCHC (%)"][12] == "80"
    header = tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None and header.get(qn("w:val")) == "true"
    assert D in text


def test_libreoffice_opens_it(docx_path, tmp_path):
    pdf = to_pdf(docx_path, tmp_path)
    text = "".join(page.get_text() for page in pdf)
    assert pdf.page_count >= 5 and "BẢNG CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH" in text and "91,67" in text
    assert pdf[0].rect.width > pdf[0].rect.height  # landscape
