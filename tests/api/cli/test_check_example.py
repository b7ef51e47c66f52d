"""End to end: the bundled example submission through ingest (real OCR), extraction,
verification and the three reports — the outcomes documented in examples/README.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import openpyxl
import pytest

from api.jobs.check import run_check
from models.report import FindingCode as F
from models.report import Verdict as V
from tests.conftest import EXAMPLE

EXPECTED = {
    # code: (claimed, supported, verdict, finding codes that must be present)
    "1.1.1": (1, 0.5, V.REFUTED, {F.LATE, F.SCORE_NOT_SUPPORTED}),
    "1.1.2": (2, 2, V.SUPPORTED, set()),
    "1.2.1": (1, 0, V.REFUTED, {F.REPORT_MISSING, F.DOCUMENT_NOT_FOUND}),
    "1.3.1": (1, 0, V.REFUTED, {F.WRONG_PERIOD, F.CITATION_MISMATCH}),
    "1.3.2": (1, 1, V.SUPPORTED, set()),
    "3.1.1": (1, 1, V.MANUAL_REVIEW, {F.MANUAL_CHECK}),
    "3.2.1": (2, 1, V.REFUTED, {F.METRIC_MISMATCH, F.SCORE_NOT_SUPPORTED}),
    "3.2.2": (1, 1, V.SUPPORTED, set()),
    "5.1.1": (1, None, V.MANUAL_REVIEW, {F.MANUAL_CHECK}),
    "7.1.1": (1, 1, V.SUPPORTED, set()),
    "7.1.2": (1, 1, V.SUPPORTED, set()),
}


@pytest.fixture(scope="module")
def example_result(session_settings, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return run_check(EXAMPLE, out_dir=out, settings=session_settings, tool_version="test")


def test_example_verdicts_match_the_readme(example_result):
    report = example_result.report
    assert report.unit == "Sở Tư pháp tỉnh Đồng Nai" and report.year == 2024
    got = {c.code: c for c in report.criteria}
    assert set(got) == set(EXPECTED)
    for code, (claimed, supported, verdict, codes) in EXPECTED.items():
        c = got[code]
        found = {f.code for f in c.findings}
        assert (c.claimed_score, c.supported_score, c.verdict) == (claimed, supported, verdict), (code, c)
        assert codes <= found, (code, found)
        if verdict == V.SUPPORTED:
            assert not any(f.severity.value == "error" for f in c.findings), (code, c.findings)


def test_example_findings_carry_provenance(example_result):
    report = example_result.report
    c = next(c for c in report.criteria if c.code == "3.2.1")
    mismatch = next(f for f in c.findings if f.code == F.METRIC_MISMATCH)
    ev = mismatch.evidence[0]
    assert ev.file == "04-BC-CCHC-nam-2024.pdf" and "97,35%" in ev.text
    assert ev.box is not None and ev.box.x1 > ev.box.x0 and ev.box.y1 > ev.box.y0
    late = next(f for f in report.criteria[0].findings if f.code == F.LATE)
    assert late.evidence and late.evidence[0].file == "01-KH-CCHC-2024.pdf"
    assert "20/02/2024" in late.message
    files = {f.name: f for f in report.files}
    assert files["01-KH-CCHC-2024.pdf"].pages_ocr == [1, 2]  # a scan: read by OCR
    assert files["02-BC-CCHC-quy-I-2024.pdf"].pages_ocr == []  # born-digital: text layer
    assert all(f.status == "ok" for f in report.files)


def test_example_reports_are_written(example_result):
    out = example_result.outputs
    data = json.loads(out["json"].read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.0" and len(data["criteria"]) == 11
    wb = openpyxl.load_workbook(out["xlsx"])
    assert wb.sheetnames[:3] == ["Thẩm định", "Phát hiện", "Tệp minh chứng"]
    codes = [row[1] for row in wb["Thẩm định"].iter_rows(min_row=6, values_only=True)]
    assert "1.1.1" in codes and "7.1.2" in codes
    html = out["html"].read_text(encoding="utf-8")
    assert "Không khớp" in html and "97,35%" in html and "<script" not in html


def test_cli_check_json_and_exit_code(session_settings, tmp_path):
    env = dict(os.environ, KIEMCHUNG_DATA_DIR=str(session_settings.data_dir))
    proc = subprocess.run(
        [sys.executable, "-m", "api", "check", str(EXAMPLE), "--json", "--out", str(tmp_path / "o")],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert proc.returncode == 1, proc.stderr  # 1: the check ran and found unsupported claims
    data = json.loads(proc.stdout)
    assert {c["code"]: c["verdict"] for c in data["criteria"]}["1.1.1"] == "REFUTED"
    assert (tmp_path / "o" / "report.xlsx").is_file()


def test_cli_check_prints_labels_for_people(session_settings, tmp_path):
    """The table people read names verdicts and findings in Vietnamese and the criteria set by its title; the
    codes stay in --json."""
    env = dict(os.environ, KIEMCHUNG_DATA_DIR=str(session_settings.data_dir), COLUMNS="200")
    proc = subprocess.run([sys.executable, "-m", "api", "check", str(EXAMPLE), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 1, proc.stderr
    summary = next(line for line in proc.stdout.splitlines() if line.startswith("Kết luận:"))
    assert "Không khớp 4" in summary and "Khớp minh chứng 5" in summary, summary
    assert not {"REFUTED", "SUPPORTED", "MANUAL_REVIEW", "LATE", "par-reference"} & set(
        proc.stdout.replace("│", " ").replace(",", " ").split()), proc.stdout


def test_cli_missing_sheet_exit_code(tmp_path):
    (tmp_path / "a.pdf").write_bytes((EXAMPLE / "02-BC-CCHC-quy-I-2024.pdf").read_bytes())
    proc = subprocess.run([sys.executable, "-m", "api", "check", str(tmp_path), "-q", "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, KIEMCHUNG_DATA_DIR=str(tmp_path / "d")))
    assert proc.returncode == 3
    assert "NO_SHEET" in proc.stderr
