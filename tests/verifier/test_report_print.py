"""The HTML and XLSX reports speak Vietnamese and print (issue #15, items 3 and 7).

On a real verification (``report_example``): no code (verdict, finding, severity, file state, error,
document kind, identity field, rubric id) is visible text in the HTML or in any cell of the XLSX, nor
in the PDF LibreOffice prints from it; each code is still there as a tooltip (``title=``) or a cell
comment, and in report.json. The workbook prints on A4 landscape, one page wide, its header row
repeated on every page (checked in the PDF) and frozen; scores are numbers with a Vietnamese number
format, dates real dates shown dd/mm/yyyy; times are Vietnam's local time with the offset. The HTML
has the appraised-score column, print CSS, and the running version (``models.PIPELINE_VERSION``,
what ``GET /health`` reports).

Needs ``libreoffice-calc-nogui`` (``soffice``), like test_reports; its absence is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pymupdf
import pytest

from models import PIPELINE_VERSION
from models.errors import ErrorCode
from models.extraction import DocumentKind
from models.report import CriterionResult, FieldTotal, Finding, FindingCode, Report, Severity, Totals, Verdict
from verifier.messages import LABELS, VN_TZ, label
from verifier.reports import render_html, write_xlsx
from verifier.reports.xlsx_report import DATE_FORMAT, SCORE_FORMAT

from .report_example import example_report

DECISIONS = {"3.2.1": {"score": 1.5, "comment": "Đã đối chiếu sổ theo dõi hồ sơ"},
             "1.1.1": {"score": 0.5, "comment": ""}}


def codes(report: Report) -> set[str]:
    """Every code an appraiser must not read: the enums', the label file's keys, the rubric id."""
    out = {v.value for enum in (Verdict, FindingCode, ErrorCode, Severity, DocumentKind) for v in enum}
    out |= {key for group in LABELS.values() for key in group}
    return out | {report.rubric_id}


def visible(text: str, report: Report) -> set[str]:
    """The codes that occur as words in ``text``."""
    return {c for c in codes(report) if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)}


class _Text(HTMLParser):
    """The text a browser shows (not tags, attributes, styles) and the ``title=`` tooltips."""

    def __init__(self):
        super().__init__()
        self.text, self.titles, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")
        self.titles += [v for k, v in attrs if k == "title" and v]

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def html_text(html: str) -> tuple[str, str]:
    p = _Text()
    p.feed(html)
    return "".join(p.text), " ".join(p.titles)


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice is required: apt-get install libreoffice-calc-nogui"
    return found


def to_pdf(xlsx: Path, tmp: Path) -> pymupdf.Document:
    out = tmp / "lo"
    proc = subprocess.run([soffice(), f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}", "--headless",
                           "--norestore", "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
                          capture_output=True, text=True, timeout=180, env=dict(os.environ, HOME=str(tmp)))
    pdf = out / (xlsx.stem + ".pdf")
    assert proc.returncode == 0 and pdf.is_file(), (proc.stdout, proc.stderr)
    return pymupdf.open(pdf)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return example_report(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="module")
def workbook(report, tmp_path_factory):
    return write_xlsx(report, tmp_path_factory.mktemp("xlsx") / "report.xlsx", decisions=DECISIONS)


def test_every_code_has_a_vietnamese_label():
    for group, enum in [("verdicts", Verdict), ("severities", Severity), ("findings", FindingCode),
                        ("errors", ErrorCode), ("kinds", DocumentKind)]:
        missing = {v.value for v in enum} - set(LABELS[group])
        assert not missing, (group, missing)
        assert all(LABELS[group][v.value] != v.value for v in enum)
    assert label("findings", FindingCode.METRIC_MISMATCH) == "Số liệu không khớp"
    assert label("findings", "NO_SUCH_CODE") == "NO_SUCH_CODE"  # an unknown code shows rather than vanishes
    assert label("severities", Severity.ERROR) != "Lỗi"  # an evidence problem is no system error


def test_the_html_shows_labels_and_keeps_codes_as_tooltips(report):
    html = render_html(report, DECISIONS)
    text, titles = html_text(html)
    assert visible(text, report) == set(), visible(text, report)
    assert "[LATE]" not in text and "Ban hành muộn" in text and "Số liệu không khớp" in text
    assert "Tệp PDF bị hỏng" in text  # the damaged file's error, as a label
    assert report.rubric_title in text
    used = {f.code.value for c in report.criteria for f in c.findings} | {c.verdict.value for c in report.criteria}
    assert used | {"CORRUPT_PDF", report.rubric_id} <= visible(titles, report)
    assert "Có vấn đề" in titles  # the severity, beside the code


def test_the_xlsx_shows_labels_and_keeps_codes_in_comments(report, workbook, tmp_path):
    wb = openpyxl.load_workbook(workbook)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    shown = "\n".join(str(c.value) for c in cells if c.value is not None) + "\n" + "\n".join(wb.sheetnames)
    assert visible(shown, report) == set(), visible(shown, report)
    notes = "\n".join(c.comment.text for c in cells if c.comment)
    used = {f.code.value for c in report.criteria for f in c.findings if f.severity != Severity.INFO}
    assert used | {"REFUTED", "CORRUPT_PDF", report.rubric_id} <= visible(notes, report)
    assert any(str(c.value).startswith("Ban hành muộn: Văn bản 15/KH-STP") for c in cells)
    printed = "\n".join(page.get_text() for page in to_pdf(workbook, tmp_path))
    assert visible(printed, report) == set(), visible(printed, report)  # comments are not printed
    assert "Số liệu không khớp" in printed


def test_the_xlsx_prints_on_a4_landscape_one_page_wide(workbook, tmp_path):
    wb = openpyxl.load_workbook(workbook)
    header_rows = {"Thẩm định": 5, "Phát hiện": 1, "Tệp minh chứng": 1}
    for name, row in header_rows.items():
        ws = wb[name]
        setup = ws.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize) == int(ws.PAPERSIZE_A4) == 9, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1 and setup.fitToHeight == 0, name
        assert ws.print_title_rows == f"${row}:${row}", (name, ws.print_title_rows)
        assert ws.freeze_panes == f"A{row + 1}", (name, ws.freeze_panes)
        texts = [c for c in ws[row] if isinstance(c.value, str)]
        assert texts and all(c.alignment.wrap_text for c in texts), name
    pdf = to_pdf(workbook, tmp_path)
    assert 3 <= len(pdf) <= 4, len(pdf)  # one page per sheet for this submission, two at most for the table
    for page in pdf:
        assert page.rect.width > page.rect.height  # landscape
        assert (round(page.rect.width), round(page.rect.height)) == (842, 595)  # A4, in points


def test_the_xlsx_holds_real_numbers_dates_and_local_times(report, workbook):
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Thẩm định"]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=6)}
    row = rows["3.2.1"]
    for i in (3, 4, 5, 9):  # maximum, claimed, supported, appraised
        assert row[i].data_type == "n" and row[i].number_format == SCORE_FORMAT, (i, row[i].number_format)
    assert [row[i].value for i in (3, 4, 5, 9)] == [2, 2, 1, 1.5]
    files = {r[0].value: r for r in wb["Tệp minh chứng"].iter_rows(min_row=2)}
    issued = files["04-BC-CCHC-nam-2024.pdf"][6]
    assert issued.is_date and issued.value.date() == dt.date(2024, 12, 6) and issued.number_format == DATE_FORMAT
    conf = next(r[7] for r in wb["Phát hiện"].iter_rows(min_row=2) if r[7].value is not None and r[7].value < 0.7)
    assert conf.data_type == "n" and conf.number_format == "0%"
    local = dt.datetime.fromisoformat(report.generated_at).astimezone(VN_TZ)
    assert f"{local:%d/%m/%Y %H:%M} (UTC+07:00)" in ws["A3"].value
    assert report.generated_at not in ws["A3"].value and f"kiemchung {PIPELINE_VERSION}" in ws["A3"].value


def long_report(n: int = 60) -> Report:
    """A submission of ``n`` criteria with findings long enough to wrap: the table runs over several pages."""
    criteria = []
    for i in range(1, n + 1):
        message = (f"Văn bản {i}/KH-STP ban hành ngày 20/02/2024, sau thời hạn 31/01/2024: chỉ đạt 0,5 điểm; "
                   "đề nghị đơn vị bổ sung văn bản điều chỉnh kế hoạch và báo cáo kết quả thực hiện.")
        criteria.append(CriterionResult(
            code=f"1.{i}.1", title=f"Tiêu chí thành phần số {i} về cải cách thủ tục hành chính", field_code="1",
            max_score=1, claimed_score=1, supported_score=0.5, verdict=Verdict.REFUTED,
            findings=[Finding(code=FindingCode.LATE, severity=Severity.ERROR, message=message)]))
    return Report(generated_at="2026-12-02T03:30:04+00:00", unit="Sở Tư pháp tỉnh Đồng Nai", year=2024,
                  rubric_id="par-reference", rubric_title="Bộ tiêu chí tham chiếu", criteria=criteria,
                  totals=Totals(max_score=n, claimed_score=n, supported_score=n / 2, by_verdict={"REFUTED": n},
                                by_field=[FieldTotal(code="1", title="Công tác chỉ đạo, điều hành", max_score=n,
                                                     claimed_score=n, supported_score=n / 2)]))


def test_the_header_row_repeats_on_every_printed_page(tmp_path):
    report = long_report()
    pdf = to_pdf(write_xlsx(report, tmp_path / "long.xlsx"), tmp_path)
    table = [p for p in pdf if "Thẩm định" in p.get_text()]  # the sheet's name is in the footer
    assert len(table) >= 3, len(table)
    for page in table:
        text = " ".join(page.get_text().split())  # header cells wrap their text
        assert "Điểm theo minh chứng" in text and "Ý kiến thẩm định" in text, text[:200]  # the header, on every page
        assert "02/12/2026 10:30 (UTC+07:00)" in pdf[0].get_text()
    printed = [ln for p in table for ln in p.get_text().splitlines()]
    assert sum(ln.startswith("Ban hành muộn: Văn bản") for ln in printed) == len(report.criteria)  # no row lost


def test_the_html_has_the_appraised_score_print_css_and_the_running_version(report):
    html = render_html(report, DECISIONS)
    text, _ = html_text(html)
    assert "<th>Thẩm định</th>" in html and "Điểm thẩm định" in text
    row = re.search(r'<tr id="tc-3\.2\.1">.*?</tr>', html, re.S).group(0)
    assert '<td class="num appraised">1,5</td>' in row
    assert "2 (đã thẩm định 2/" in text  # the partial total says it is partial
    assert "@media print" in html and "size: A4 landscape" in html and "display: table-header-group" in html
    assert f"kiemchung {PIPELINE_VERSION}" in text and "kiemchung test" not in text
    local = dt.datetime.fromisoformat(report.generated_at).astimezone(VN_TZ)
    assert f"Lập lúc {local:%d/%m/%Y %H:%M} (UTC+07:00)" in text
    blank = render_html(report)  # without decisions (the CLI's report): the column is there, empty
    assert "<th>Thẩm định</th>" in blank and "đã thẩm định" not in html_text(blank)[0]
    assert not re.search(r'<td class="num appraised">[^<]+</td>', blank.split("<tbody>", 1)[1])
