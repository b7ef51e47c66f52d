"""council.xlsx read back with openpyxl, and opened by LibreOffice headless: a ranking sheet per group with
shared ranks, one "BẢNG CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH" sheet per unit with every round, real numbers
shown with a decimal comma, print setup (A4 landscape, one page wide, repeated and frozen header)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.council_example import A, B, C
from tests.verifier.test_report_print import to_pdf
from verifier.reports.council_xlsx import sheet_title, write_council_xlsx
from verifier.reports.xlsx_report import SCORE_FORMAT


@pytest.fixture(scope="module")
def workbook_path(council_export, tmp_path_factory):
    return write_council_xlsx(council_export, tmp_path_factory.mktemp("xlsx") / "hoi-dong.xlsx")


def _find(ws, text):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not in {ws.title}")


def test_ranking_sheet(workbook_path):
    wb = load_workbook(workbook_path)
    assert wb.sheetnames[:4] == ["Tổng hợp", "Xếp hạng so_nganh", "Theo tiêu chí so_nganh", f"01 {A}"[:31]]
    ws = wb["Xếp hạng so_nganh"]
    head = _find(ws, "Hạng")
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=head.row + 1, max_row=head.row + 3)]
    assert [(r[0], r[1], r[9], r[10]) for r in rows] == [(1, A, 80, "B"), (1, B, 80, "B"), (3, C, 10, "C")]
    assert rows[0][11:15] == [75, 2, 85, 1]  # field I's sub-index and rank, field II's
    index_cell = ws.cell(row=head.row + 1, column=10)
    assert isinstance(index_cell.value, (int, float)) and index_cell.number_format == SCORE_FORMAT
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == f"${head.row}:${head.row}" and ws.freeze_panes == f"A{head.row + 1}"


def test_unit_sheet_with_every_round(workbook_path):
    ws = load_workbook(workbook_path)[f"01 {A}"[:31]]
    assert ws["A1"].value == "BẢNG CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"
    head = _find(ws, "STT")
    assert [c.value for c in ws[head.row]] == [
        "STT", "Mã", "Tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Thẩm định lần 1", "Ghi chú lần 1",
        "Giải trình, tài liệu bổ sung", "Thẩm định lần 2", "Ghi chú lần 2", "Điểm thưởng", "Điểm trừ", "Điểm đạt"]
    rows = {r[1]: r for r in ([c.value for c in row] for row in ws.iter_rows(min_row=head.row + 1)) if r[1]}
    assert rows["1.1.1"][:6] == ["a", "1.1.1", "Ban hành kế hoạch", 4, 4, 3]
    assert rows["1.1.1"][8] == 3.5 and rows["1.1.1"][12] == 3.5 and "Yêu cầu giải trình" in rows["1.1.1"][6]
    assert rows["1.1.1"][7].startswith("Kế hoạch ban hành ngày 25/01/2026")
    assert "chưa được thẩm định viên xác nhận" in rows["1.1.2"][6]
    assert rows["1.1.3"][10] == 1 and rows["1.2.2"][11] == 1 and rows["1.2.2"][12] == -1
    assert rows["2.1.2"][4] == "Điều tra XHH" and rows["2.1.2"][12] == 4.5
    assert rows["1"][0] == "I" and rows["1"][3] == 10 and rows["1"][12] == 7.5
    totals = {r[2]: r for r in ([c.value for c in row] for row in ws.iter_rows(min_row=head.row + 1)) if not r[1]}
    assert totals["TỔNG ĐIỂM"][12] == 16 and totals["TỔNG ĐIỂM"][3] == 20 and totals["TỔNG ĐIỂM"][4] == 18
    assert totals["CHỈ SỐ CCHC (%)"][12] == 80 and totals["Xếp hạng trong nhóm"][12] == 1
    assert totals["Xếp loại"][12] == "B — Tốt"
    score = next(c for c in ws[head.row + 3] if c.column == 6)
    assert score.number_format == SCORE_FORMAT
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == f"${head.row}:${head.row}"


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    names = [sheet_title("Sở Tài nguyên và Môi trường tỉnh Đồng Nai: [2026]", taken) for _ in range(3)]
    assert len(set(names)) == 3 and all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_libreoffice_opens_it(workbook_path, tmp_path):
    pdf = to_pdf(workbook_path, tmp_path)
    text = "".join(page.get_text() for page in pdf)
    assert pdf.page_count >= 5
    assert "BẢNG CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH" in text and "3,5" in text and "91,67" in text
