"""The per-period checklist of a document-set criterion (issue #15 item 6), recorded as data on the criterion.

The reference rubric's 1.2.1 asks for four periodic reports, each with its own deadline. Evidence is built from
real-shaped page text through the real extractors (``docs.py``); the criterion is verified by the real
``verify``. Each ``PeriodCheck`` must say what its finding says, point at the same words on the page, and survive
the round trip through report.json; a report stored before periods existed still loads. The HTML and XLSX
reports show the checklist on one line (``Quý I ✓ · 6 tháng ✗ quá hạn · Quý III ✗ không có · Năm ✓``).
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from models.report import CriterionResult, FindingCode, PeriodState, Report, Verdict
from verifier import load_rubric, verify, write_html, write_json, write_xlsx
from verifier.messages import LABELS
from verifier.rules import short_labels

from .docs import claim, doc_pages, evidence, sheet

D = dt.date
CODE = "1.2.1"


def period_report(number: str, issued: dt.date, period: str, name: str, **kw):
    return evidence(name, doc_pages(number, issued, "BÁO CÁO",
                                    f"Kết quả thực hiện công tác cải cách hành chính {period} năm 2024",
                                    ["Thực hiện Kế hoạch số 15/KH-STP, Sở Tư pháp báo cáo như sau:"]), **kw)


def q1(**kw):
    return period_report("38/BC-STP", D(2024, 3, 12), "quý I", "02-BC-q1.pdf", **kw)


def h1_late():
    return period_report("112/BC-STP", D(2024, 6, 20), "6 tháng đầu", "03-BC-h1.pdf")


def annual():
    return period_report("298/BC-STP", D(2024, 12, 6), "", "05-BC-nam.pdf")


def verified(files, cell="38/BC-STP; 112/BC-STP; 298/BC-STP", claimed=1.0) -> Report:
    return verify(sheet(claim(CODE, claimed, cell)), load_rubric("par-reference"), files)


def criterion(files, **kw) -> CriterionResult:
    return next(c for c in verified(files, **kw).criteria if c.code == CODE)


@pytest.fixture(scope="module")
def mixed_report() -> Report:
    """quý I on time, 6 tháng late (20/06 after 15/06), quý III missing, năm on time."""
    return verified([q1(), h1_late(), annual()])


@pytest.fixture(scope="module")
def mixed(mixed_report) -> CriterionResult:
    return next(c for c in mixed_report.criteria if c.code == CODE)


def test_each_period_has_its_state_deadline_and_document(mixed):
    got = [(p.key, p.label, p.short_label, p.deadline, p.state, p.file, p.number, p.issued_on) for p in mixed.periods]
    assert got == [
        ("q1", "Báo cáo quý I", "Quý I", "2024-03-15", PeriodState.ON_TIME, "02-BC-q1.pdf", "38/BC-STP", "2024-03-12"),
        ("h1", "Báo cáo 6 tháng", "6 tháng", "2024-06-15", PeriodState.LATE, "03-BC-h1.pdf", "112/BC-STP",
         "2024-06-20"),
        ("q3", "Báo cáo quý III", "Quý III", "2024-09-15", PeriodState.MISSING, None, None, None),
        ("year", "Báo cáo năm", "Năm", "2024-12-15", PeriodState.ON_TIME, "05-BC-nam.pdf", "298/BC-STP",
         "2024-12-06"),
    ]
    assert mixed.verdict == Verdict.REFUTED and mixed.supported_score == 0


def test_periods_agree_with_the_findings_and_point_at_the_same_words(mixed):
    by_code: dict[FindingCode, list] = {}
    for f in mixed.findings:
        by_code.setdefault(f.code, []).append(f)
    late, missing, on_time = (
        [p for p in mixed.periods if p.state == s] for s in (PeriodState.LATE, PeriodState.MISSING, PeriodState.ON_TIME))
    assert len(by_code[FindingCode.LATE]) == len(late) == 1
    assert by_code[FindingCode.LATE][0].evidence == late[0].evidence
    ev = late[0].evidence[0]
    assert ev.file == "03-BC-h1.pdf" and ev.page == 1 and "20" in ev.text, ev
    assert len(by_code[FindingCode.REPORT_MISSING]) == len(missing) == 1
    assert "Báo cáo quý III" in by_code[FindingCode.REPORT_MISSING][0].message
    assert missing[0].evidence == []
    matched = by_code[FindingCode.DOCUMENT_MATCHED]
    assert len(matched) == len(on_time) == 2
    assert [m.evidence for m in matched] == [p.evidence for p in on_time]
    assert all(p.evidence and p.evidence[0].file == p.file for p in on_time)


def test_an_uncertain_date_needs_review():
    c = criterion([q1(ocr=True, low={"12": 0.35}), h1_late(), annual()])
    first = c.periods[0]
    assert first.state == PeriodState.NEEDS_REVIEW and first.file == "02-BC-q1.pdf"
    assert first.evidence and first.evidence[0].confidence < 0.5
    assert c.verdict == Verdict.MANUAL_REVIEW
    assert any(f.code == FindingCode.LOW_CONFIDENCE and f.evidence == first.evidence for f in c.findings)


def test_other_rule_kinds_have_no_periods():
    report = verify(sheet(claim("1.1.1", 1, "")), load_rubric("par-reference"), [annual()])
    assert all(c.periods == [] for c in report.criteria)


def test_periods_round_trip_and_old_reports_still_load(mixed, tmp_path):
    report = Report(criteria=[mixed])
    data = json.loads(write_json(report, tmp_path / "report.json").read_text(encoding="utf-8"))
    stored = data["criteria"][0]["periods"]
    assert [p["state"] for p in stored] == ["on_time", "late", "missing", "on_time"]
    assert Report.model_validate(data).criteria[0].periods == mixed.periods
    del data["criteria"][0]["periods"]  # a report stored before periods existed
    assert Report.model_validate(data).criteria[0].periods == []


@pytest.mark.parametrize(("labels", "short"), [
    (["Báo cáo quý I", "Báo cáo 6 tháng", "Báo cáo quý III", "Báo cáo năm"], ["Quý I", "6 tháng", "Quý III", "Năm"]),
    (["Kế hoạch", "Báo cáo"], ["Kế hoạch", "Báo cáo"]),
    (["Báo cáo năm"], ["Báo cáo năm"]),
    (["Báo cáo", "Báo cáo quý I"], ["Báo cáo", "Báo cáo quý I"]),  # nothing would be left of the first
])
def test_short_labels_drop_only_the_shared_words(labels, short):
    assert short_labels(labels) == short


def test_every_state_has_a_label_and_a_mark():
    for s in PeriodState:
        assert LABELS["periods"][s.value] and LABELS["period_marks"][s.value], s


LINE = "Đúng hạn 2/4: Quý I ✓ · 6 tháng ✗ quá hạn · Quý III ✗ không có · Năm ✓"


def test_xlsx_shows_the_checklist_line(mixed_report, tmp_path):
    path = write_xlsx(mixed_report, tmp_path / "report.xlsx")
    ws = openpyxl.load_workbook(path)["Thẩm định"]
    header = [c.value for c in ws[5]]
    col = header.index("Phát hiện") + 1
    row = next(r for r in range(6, ws.max_row + 1) if ws.cell(r, 2).value == CODE)
    assert ws.cell(row, col).value.split("\n")[0] == LINE


def test_html_shows_each_period_with_mark_and_words(mixed_report, tmp_path):
    html = write_html(mixed_report, tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<div class="periods">Đúng hạn 2/4: ' in html
    for state, text in (("on_time", "Quý I ✓"), ("late", "6 tháng ✗ quá hạn"), ("missing", "Quý III ✗ không có"),
                        ("on_time", "Năm ✓")):
        assert f'class="p p-{state}"' in html and f">{text}</span>" in html, text
    assert "Báo cáo quý III, hạn 15/09/2024: Không có [missing]" in html  # the tooltip: label, deadline, code
