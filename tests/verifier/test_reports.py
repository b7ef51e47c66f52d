"""The three reports on a real verification: JSON against the published schema, XLSX opened by
openpyxl and converted by LibreOffice (headless) to prove it is a valid workbook, HTML offline.

Needs the Debian package ``libreoffice-calc-nogui`` (``soffice``) and the Python package
``jsonschema``; both are in the test requirements, so their absence is a failure, not a skip.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from verifier import write_html, write_json, write_xlsx
from verifier.reports import report_schema
from verifier.reports.json_report import schema_text

from .report_example import example_report

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "docs" / "report.schema.json"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return example_report(tmp_path_factory.mktemp("example"))


def test_published_schema_is_current():
    assert PUBLISHED.is_file(), "run: .venv/bin/python -m verifier.reports.json_report docs/report.schema.json"
    assert PUBLISHED.read_text(encoding="utf-8") == schema_text(), \
        "docs/report.schema.json is stale; regenerate it with python -m verifier.reports.json_report"


def test_report_json_validates_against_the_published_schema(report, tmp_path):
    import jsonschema

    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(write_json(report, tmp_path / "report.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    codes = {f["code"] for c in data["criteria"] for f in c["findings"]}
    assert {"LATE", "METRIC_MISMATCH", "DOCUMENT_NOT_FOUND", "UNKNOWN_CRITERION", "LOW_CONFIDENCE"} <= codes
    broken = json.loads(json.dumps(data))
    broken["criteria"][0]["verdict"] = "PROBABLY"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)
    assert report_schema()["$id"].endswith("report-1.0.json")


def test_xlsx_opens_in_openpyxl_and_libreoffice(report, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required: apt-get install libreoffice-calc-nogui"
    path = write_xlsx(report, tmp_path / "report.xlsx", evidence_root=tmp_path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Thẩm định", "Phát hiện", "Tệp minh chứng", "Lỗi bảng tự đánh giá"] or \
        wb.sheetnames[:3] == ["Thẩm định", "Phát hiện", "Tệp minh chứng"]
    codes = [row[1] for row in wb["Thẩm định"].iter_rows(min_row=6, values_only=True)]
    assert "1.1.1" in codes and "9.9.9" in codes

    out = tmp_path / "lo"
    profile = (tmp_path / "lo-profile").as_uri()
    env = dict(os.environ, HOME=str(tmp_path))
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180, env=env)
    converted = out / "report.csv"
    assert proc.returncode == 0 and converted.is_file(), (proc.stdout, proc.stderr)
    rows = list(csv.reader(converted.read_text(encoding="utf-8").splitlines()))
    flat = [cell for row in rows for cell in row]
    assert "1.1.1" in flat and "TỔNG ĐIỂM" in flat  # LibreOffice read the first sheet, Vietnamese intact
    assert any(cell.startswith("Ban hành muộn: ") for cell in flat)  # the finding's label, not its code
    assert not any("LATE" in cell for cell in flat)


def test_html_is_self_contained(report, tmp_path):
    html = write_html(report, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert "Không khớp" in html and "97,35%" in html


def test_the_reports_say_when_a_file_is_no_administrative_document(tmp_path):
    """A news article attached as evidence: the file table says it has no header (so no number or date),
    in the HTML and the XLSX, rather than showing an empty identity as if it were a document."""
    import datetime as dt

    import openpyxl

    from verifier import load_rubric, verify
    from verifier.reports import render_html, write_xlsx

    from .docs import claim, doc_pages, evidence, sheet

    article = evidence("bai-bao.pdf", ["Tin tức — Cổng thông tin điện tử tỉnh. Ngày 26/02/2024, Sở Nội vụ tổ chức "
                                       "hội nghị triển khai nhiệm vụ cải cách hành chính năm 2024. Tác giả: Minh Anh"])
    plan = evidence("01-KH.pdf", doc_pages("15/KH-STP", dt.date(2024, 1, 10), "KẾ HOẠCH",
                                           "Cải cách hành chính năm 2024", ["Nội dung kế hoạch."]))
    report = verify(sheet(claim("1.1.1", 1, "15/KH-STP")), load_rubric("par-reference"), [article, plan])
    files = {f.name: f for f in report.files}
    assert files["bai-bao.pdf"].kind == "no_header" and files["bai-bao.pdf"].number is None
    assert files["01-KH.pdf"].kind == "nd30"
    assert "Không có phần đầu văn bản" in render_html(report)
    ws = openpyxl.load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))["Tệp minh chứng"]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert any("Không có phần đầu văn bản" in c for c in cells)
