"""The batch summary workbook prints like the report (issue #15 item 7): A4 landscape, one page wide, the header
row repeated on every printed page and frozen on screen, scores and counts real numbers in Vietnamese formats.
Rows from real verifications (``tests/verifier/report_example``); LibreOffice prints it (``soffice``, as the
report's print test; its absence is a failure)."""

from __future__ import annotations

import openpyxl

from api.service.batches import SUMMARY_HEADER, summary_row, write_summary
from tests.verifier.report_example import example_report
from tests.verifier.test_report_print import to_pdf
from verifier.reports.xlsx_report import SCORE_FORMAT


def test_the_batch_summary_prints_on_a4_landscape_with_its_header_on_every_page(tmp_path):
    report = example_report(tmp_path)
    units = [summary_row(f"don-vi-{i:03d}", report.model_copy(update={"unit": f"UBND xã Đồng Tâm số {i}"}))
             for i in range(1, 121)]  # a province's communes: several printed pages
    units.append(summary_row("hong.zip", None, "Tệp nén bị hỏng"))
    paths = write_summary({"units": units}, tmp_path / "out")

    ws = openpyxl.load_workbook(paths["xlsx"])["Tổng hợp"]
    setup = ws.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == SUMMARY_HEADER and all(c.alignment.wrap_text for c in ws[1])
    first = ws[2]
    for i in (2, 3, 4):  # claimed, supported, maximum
        assert first[i].data_type == "n" and first[i].number_format == SCORE_FORMAT, (i, first[i].number_format)
    assert [first[i].value for i in (2, 3, 4)] == [report.totals.claimed_score, report.totals.supported_score,
                                                    report.totals.max_score]
    for i in (5, 6, 7, 8, 10):  # counts per verdict, duplicates
        assert first[i].data_type == "n" and first[i].number_format == "0", (i, first[i].number_format)

    pdf = to_pdf(paths["xlsx"], tmp_path)
    assert len(pdf) >= 2, len(pdf)
    for page in pdf:
        assert (round(page.rect.width), round(page.rect.height)) == (842, 595)  # A4 landscape, in points
        text = " ".join(page.get_text().split())  # wrapped header cells print on several lines
        assert "Điểm theo minh chứng" in text and "Minh chứng trùng lặp" in text  # header repeated, all columns
        assert "Tổng hợp kết quả kiểm tra tài liệu kiểm chứng" in text and "(UTC+07:00)" in text  # page header
    printed = " ".join(" ".join(page.get_text().split()) for page in pdf)
    assert "UBND xã Đồng Tâm số 120" in printed and "Tệp nén bị hỏng" in printed
    assert f"{report.totals.supported_score:g}".replace(".", ",") in printed  # decimal comma as printed
