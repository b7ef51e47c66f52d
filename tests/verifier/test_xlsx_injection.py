"""Text from a submission never becomes a formula in report.xlsx (issue #12): criterion titles from
the unit's sheet, file names from its ZIP, quoted PDF text, finding messages and appraisers' comments
that start with = + - @, tab or CR (also after spaces, and full-width) are written as literal strings
with a leading quote. Checked three ways: the workbook's XML (no ``<f>`` element: the project writes
no formulas of its own, its totals are numbers), openpyxl reading it back, and LibreOffice (headless)
converting it, which shows the text instead of a formula's result.

Needs ``libreoffice-calc-nogui`` (``soffice``), like test_reports; its absence is a failure.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.xml import LXML as OPENPYXL_LXML

from models.claims import SheetIssue
from models.errors import ErrorCode, ErrorInfo
from models.provenance import Evidence
from models.report import (
    CriterionResult,
    FieldTotal,
    FileSummary,
    Finding,
    FindingCode,
    Report,
    Severity,
    Totals,
    Verdict,
)
from verifier import write_xlsx
from verifier.reports import literal

HYPERLINK = '=HYPERLINK("http://example.invalid","Bấm vào đây")'
PAYLOADS = [HYPERLINK, "=cmd|' /C calc'!A0.pdf", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1+2", "＝1+1",
            "＠SUM(A1)"]
TRIGGERS = set("=+-@\t\r＝＋－＠")
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def shown(value: str) -> str:
    """How a written payload reads back: quoted; a CR stays a CR when openpyxl writes through lxml
    (as ``&#13;``; pyHanko depends on lxml), and becomes XML's LF with the standard library's writer."""
    quoted = "'" + value
    return quoted if OPENPYXL_LXML else quoted.replace("\r", "\n")


def starts_formula(text: str) -> bool:
    return text[:1] in TRIGGERS or text.lstrip()[:1] in TRIGGERS


def sheet_xml(data: bytes) -> dict[str, tuple[list[str], list[str]]]:
    """Each worksheet part of an XLSX: (the text of its ``<f>`` elements, the text of its string cells)."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{_NS}t")) for si in root.iter(f"{_NS}si")]
        for name in sorted(n for n in names if n.startswith("xl/worksheets/sheet") and n.endswith(".xml")):
            root = ElementTree.fromstring(z.read(name))
            formulas = [f.text or "" for f in root.iter(f"{_NS}f")]
            texts = []
            for c in root.iter(f"{_NS}c"):
                t = c.get("t")
                if t == "inlineStr":
                    texts.append("".join(x.text or "" for x in c.iter(f"{_NS}t")))
                elif t == "s":
                    texts.append(shared[int(c.find(f"{_NS}v").text)])
                elif t == "str":
                    texts.append(c.find(f"{_NS}v").text or "")
            out[name] = (formulas, texts)
    assert out, names
    return out


def assert_no_formulas(data: bytes, payloads: list[str]) -> list[str]:
    """No ``<f>`` anywhere, no string cell that reads as a formula, every payload's text kept; returns the texts."""
    all_texts = []
    for name, (formulas, texts) in sheet_xml(data).items():
        assert formulas == [], (name, formulas)  # the project writes no formulas of its own
        bad = [t for t in texts if starts_formula(t)]
        assert bad == [], (name, bad)
        all_texts += texts
    for p in payloads:
        assert shown(p) in all_texts, p
    return all_texts


def cells_holding(wb, text: str) -> set[tuple[str, str]]:
    """(sheet, column) of every cell whose value is ``text``; no such cell may be a formula."""
    found = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == text:
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.data_type)
                    found.add((ws.title, cell.column_letter))
    return found


def assert_no_formula_cells(wb) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not starts_formula(cell.value), (ws.title, cell.coordinate, cell.value)


def hostile_report() -> Report:
    """A report every untrusted text of which is a payload: one criterion per payload, plus one outside any field."""
    criteria, files = [], []
    for i, p in enumerate(PAYLOADS, start=1):
        ev = Evidence(file=p, page=1, start=0, end=len(p), text=p, confidence=0.9)
        criteria.append(CriterionResult(
            code=f"1.{i}.1", title=p, field_code="1", field_title=p, max_score=1, claimed_score=1, supported_score=0.5,
            verdict=Verdict.MANUAL_REVIEW, documents=[p],
            findings=[Finding(code=FindingCode.MANUAL_CHECK, severity=Severity.INFO, message=p, evidence=[ev])]))
        files.append(FileSummary(name=p, status="error" if i % 2 else "ok", pages=1, number=p, doc_type=p,
                                 issued_on=p, notes=[p],
                                 error=ErrorInfo(code=ErrorCode.CORRUPT_PDF, message=p, message_vi=p) if i % 2 else None))
    criteria.append(CriterionResult(code="9.9.9", title=HYPERLINK, verdict=Verdict.NOT_ENOUGH_EVIDENCE, findings=[
        Finding(code=FindingCode.UNKNOWN_CRITERION, severity=Severity.WARNING, message=HYPERLINK)]))
    n = len(PAYLOADS)
    return Report(
        generated_at="2025-01-01T00:00:00+07:00", unit=HYPERLINK, year=2024, rubric_id="par-reference",
        rubric_title=HYPERLINK, files=files, criteria=criteria,
        sheet_issues=[SheetIssue(row=i, column=p, message=p, message_vi=p) for i, p in enumerate(PAYLOADS, start=7)],
        totals=Totals(max_score=n, claimed_score=n, supported_score=n / 2, by_verdict={"MANUAL_REVIEW": n},
                      by_field=[FieldTotal(code="1", title=HYPERLINK, max_score=n, claimed_score=n,
                                           supported_score=n / 2)]))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    report = hostile_report()
    decisions = {c.code: {"score": 0.25, "comment": c.title} for c in report.criteria if c.field_code}
    path = write_xlsx(report, tmp_path_factory.mktemp("xlsx") / "report.xlsx", decisions=decisions)
    return path


def test_literal_quotes_only_what_reads_as_a_formula():
    for p in PAYLOADS + ["\tchữ", "\rchữ", "－5", " \u00a0@x", "\ufeff=1"]:
        assert literal(p) == "'" + p
    for safe in ["Sở Tư pháp", "1143/QĐ-UBND", "'=1", "", "   ", "a=1", "[LATE] Ban hành muộn", "#N/A"]:
        assert literal(safe) == safe
    for value in [None, 0, -2, 1.5, -0.25, True]:
        assert literal(value) is value


def test_no_formula_in_the_report_xml(written):
    assert_no_formulas(written.read_bytes(), PAYLOADS + [p + " tr.1" for p in PAYLOADS])


def test_payloads_read_back_as_quoted_strings_where_they_were_written(written):
    wb = openpyxl.load_workbook(written)
    assert_no_formula_cells(wb)
    for p in PAYLOADS:
        where = cells_holding(wb, shown(p))
        expected = {("Thẩm định", "C"), ("Thẩm định", "H"), ("Thẩm định", "K"),  # title, finding, comment
                    ("Phát hiện", "D"), ("Phát hiện", "E"), ("Phát hiện", "G"),  # message, file, quote
                    ("Tệp minh chứng", "A"), ("Tệp minh chứng", "E"), ("Tệp minh chứng", "F"),
                    ("Tệp minh chứng", "G"), ("Tệp minh chứng", "I"),
                    ("Lỗi bảng tự đánh giá", "B"), ("Lỗi bảng tự đánh giá", "C")}
        assert expected <= where, (p, expected - where)
        assert ("Thẩm định", "I") in cells_holding(wb, shown(p + " tr.1"))  # the evidence cell: file and page
    ws = wb["Thẩm định"]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=6)}
    assert rows["1"][2].value == "Lĩnh vực: " + HYPERLINK  # the field's own row, after its level's name
    assert rows["9.9.9"][2].value == shown(HYPERLINK)  # a criterion outside the rubric
    first = rows["1.1.1"]
    assert [first[i].value for i in (3, 4, 5, 9)] == [1, 1, 0.5, 0.25]  # numbers stay numbers
    assert all(first[i].data_type == "n" for i in (3, 4, 5, 9))
    total = next(r for r in ws.iter_rows(min_row=6) if r[2].value == "TỔNG ĐIỂM")
    assert total[9].value == pytest.approx(0.25 * len(PAYLOADS)) and total[9].data_type == "n"
    assert ws["A2"].value == f"Đơn vị: {HYPERLINK}"


def test_libreoffice_shows_the_text_not_the_formula_result(written, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required: apt-get install libreoffice-calc-nogui"
    out = tmp_path / "lo"
    env = dict(os.environ, HOME=str(tmp_path))
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out), str(written)],
        capture_output=True, text=True, timeout=180, env=env)
    converted = out / "report.csv"
    assert proc.returncode == 0 and converted.is_file(), (proc.stdout, proc.stderr)
    flat = [cell for row in csv.reader(io.StringIO(converted.read_text(encoding="utf-8"), newline="")) for cell in row]
    assert "'" + HYPERLINK in flat and "'+1+1" in flat and "'@SUM(A1)" in flat
    assert "Bấm vào đây" not in flat  # HYPERLINK's label would be the formula's result


def test_control_characters_never_abort_the_export(tmp_path):
    """A NUL or form feed in a unit's file name or a quoted PDF text: the workbook is still written."""
    assert literal("a\x00b\x0cc.pdf") == "a\ufffdb\ufffdc.pdf"
    assert literal("=\x00x") == "'=\ufffdx"
    report = hostile_report()
    report.files[0].name = "bad\x00name\x0c.pdf"
    path = write_xlsx(report, tmp_path / "r.xlsx")
    names = [c.value for ws in openpyxl.load_workbook(path) for row in ws.iter_rows() for c in row]
    assert "bad\ufffdname\ufffd.pdf" in names
