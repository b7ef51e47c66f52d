"""Every rule kind and every finding code, table-driven.

Each case is one claim of Sở Tư pháp tỉnh Đồng Nai (2024) against the reference rubric
(plus one ratio criterion), with evidence built from real-shaped page text through the
real extractors (``tests/verifier/docs.py``). ``codes`` is the exact set of findings an
appraiser should see (informational DOCUMENT_MATCHED / MANUAL_CHECK aside).
"""

from __future__ import annotations

import datetime as dt

import pytest

from models.errors import ErrorCode, ErrorInfo
from models.extraction import Extraction
from models.pages import IngestedFile
from models.report import FindingCode as F
from models.report import Severity
from models.report import Verdict as V
from models.rubric import Rubric
from verifier import EvidenceFile, load_rubric, verify

from .docs import claim, doc_pages, evidence, sheet

D = dt.date
INFO = {F.DOCUMENT_MATCHED, F.MANUAL_CHECK}
PROVINCE = dict(issuer="ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", parent=None)


def rubric() -> Rubric:
    data = load_rubric("par-reference").model_dump(mode="json", exclude_none=True)
    data["fields"].append({"code": "9", "title": "Tỷ lệ tính từ báo cáo", "criteria": [{
        "code": "9.1", "title": "Hồ sơ", "items": [{
            "code": "9.1.1", "title": "Tỷ lệ hồ sơ giải quyết đúng hạn (tính)", "max_score": 1,
            "rule": {"kind": "ratio", "source": {"types": ["BC"], "issuer": "unit", "title_year": "Y"},
                     "numerator": {"subjects": ["giải quyết đúng hạn"], "unit": "hồ sơ"},
                     "denominator": {"subjects": ["tiếp nhận"], "unit": "hồ sơ"},
                     "bands": [{"score": 1, "ge": 95}, {"score": 0, "lt": 95}]}}]}]})
    return Rubric.model_validate(data)


RUBRIC = rubric()


# --------------------------------------------------------------------------- evidence


def plan(number="15/KH-STP", issued=dt.date(2024, 1, 20), year=2024, *, name="01-KH.pdf", **kw):
    return lambda: evidence(name, doc_pages(number, issued, "KẾ HOẠCH", f"Cải cách hành chính năm {year} của Sở Tư pháp",
                                            ["Căn cứ Kế hoạch số 144/KH-UBND ngày 28/12/2023 của UBND tỉnh Đồng Nai;",
                                             "I. MỤC ĐÍCH, YÊU CẦU", "Triển khai đồng bộ các nhiệm vụ."]), **kw)


def province_plan():
    return evidence("08-KH-tinh.pdf", doc_pages("144/KH-UBND", D(2023, 12, 28), "KẾ HOẠCH",
                                                 "Cải cách hành chính năm 2024 trên địa bàn tỉnh Đồng Nai",
                                                 ["Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ;"],
                                                 **PROVINCE))


def period_report(number, issued, period, name, **kw):
    return lambda: evidence(name, doc_pages(number, issued, "BÁO CÁO",
                                            f"Kết quả thực hiện công tác cải cách hành chính {period} năm 2024",
                                            ["Thực hiện Kế hoạch số 15/KH-STP, Sở Tư pháp báo cáo như sau:"]), **kw)


Q1 = period_report("38/BC-STP", D(2024, 3, 12), "quý I", "02-BC-q1.pdf")
H1 = period_report("112/BC-STP", D(2024, 6, 10), "6 tháng đầu", "03-BC-h1.pdf")
Q3 = period_report("205/BC-STP", D(2024, 9, 12), "quý III", "04-BC-q3.pdf")

FIG_PLAN = ("Sở đã hoàn thành 25/27 nhiệm vụ đề ra trong Kế hoạch cải cách hành chính năm 2024, "
            "đạt tỷ lệ thực hiện kế hoạch 92,59%.")
FIG_ONTIME = ("Tổng số hồ sơ thủ tục hành chính tiếp nhận là 1.200 hồ sơ; số hồ sơ giải quyết đúng hạn là "
              "1.140 hồ sơ; tỷ lệ hồ sơ giải quyết đúng hạn đạt 95%.")
FIG_INSPECT = "Trong năm, Sở đã kiểm tra 4/10 đơn vị trực thuộc, tỷ lệ đơn vị trực thuộc được kiểm tra đạt 40%."


def annual(page1=(FIG_PLAN, FIG_ONTIME), page2=(FIG_INSPECT,), *, number="298/BC-STP", issuer=None, **kw):
    head = PROVINCE if issuer == "province" else {}
    return lambda: evidence("05-BC-nam.pdf", doc_pages(
        number, D(2024, 12, 6), "BÁO CÁO", "Kết quả thực hiện công tác cải cách hành chính năm 2024",
        [["Thực hiện Kế hoạch số 144/KH-UBND ngày 28/12/2023 của UBND tỉnh, Sở Tư pháp báo cáo như sau:",
          "1. Công tác chỉ đạo, điều hành", *page1], ["5. Công tác kiểm tra", *page2]], **head), **kw)


def inspect_plan(issued=dt.date(2024, 2, 15), year=2024):
    return lambda: evidence("06-KH-kiem-tra.pdf", doc_pages("20/KH-STP", issued, "KẾ HOẠCH",
                                                            f"Kiểm tra công tác cải cách hành chính năm {year}",
                                                            ["I. MỤC ĐÍCH, YÊU CẦU", "Kịp thời chấn chỉnh tồn tại."]))


def decision(number="1502/QĐ-UBND", issued=dt.date(2024, 5, 15)):
    return lambda: evidence("07-QD.pdf", doc_pages(number, issued, "QUYẾT ĐỊNH",
                                                   "Về việc công bố danh mục thủ tục hành chính lĩnh vực hộ tịch",
                                                   ["CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "QUYẾT ĐỊNH:",
                                                    "Điều 1. Công bố danh mục thủ tục hành chính."], **PROVINCE))


def vtvl():
    return evidence("09-BC-vtvl.pdf", doc_pages("150/BC-STP", D(2024, 7, 20), "BÁO CÁO",
                                                "Tình hình tuyển dụng, sử dụng công chức theo vị trí việc làm năm 2024",
                                                ["Năm 2024, Sở được giao 38 biên chế công chức."]))


def broken(name):
    def make():
        err = ErrorInfo(code=ErrorCode.CORRUPT_PDF, message="PDF is damaged beyond repair",
                        message_vi="Tệp PDF bị hỏng, không khôi phục được trang nào.")
        f = IngestedFile(name=name, sha256="0" * 64, status="error", error=err)
        return EvidenceFile(f, Extraction(file=name, status="error", error=err))
    return make


ALL_REPORTS = "38/BC-STP ngày 12/3/2024; 112/BC-STP ngày 10/6/2024; 205/BC-STP ngày 12/9/2024; 298/BC-STP ngày 06/12/2024"

# id, item, claimed, cell, self-reported, files, expected codes, verdict, supported
CASES = [
    # ---- document
    ("doc-clean", "1.1.1", 1, "Kế hoạch số 15/KH-STP ngày 20/01/2024", None, [plan()], set(), V.SUPPORTED, 1),
    ("doc-found-by-search", "1.1.1", 1, "", None, [plan()], set(), V.SUPPORTED, 1),
    ("doc-late-full-claim", "1.1.1", 1, "15/KH-STP ngày 20/02/2024", None, [plan(issued=D(2024, 2, 20))],
     {F.LATE, F.SCORE_NOT_SUPPORTED}, V.REFUTED, 0.5),
    ("doc-late-honest", "1.1.1", 0.5, "15/KH-STP", None, [plan(issued=D(2024, 2, 20))], {F.LATE}, V.SUPPORTED, 0.5),
    ("doc-after-last-level", "1.1.1", 1, "15/KH-STP", None, [plan(issued=D(2025, 1, 5))],
     {F.LATE, F.SCORE_NOT_SUPPORTED}, V.REFUTED, 0),
    ("doc-wrong-period", "1.1.1", 1, "12/KH-STP", None, [plan("12/KH-STP", D(2023, 1, 16), 2023)],
     {F.WRONG_PERIOD, F.SCORE_NOT_SUPPORTED}, V.REFUTED, 0),
    ("doc-wrong-issuer", "1.1.1", 1, "Kế hoạch số 144/KH-UBND", None, [province_plan],
     {F.WRONG_ISSUER, F.SCORE_NOT_SUPPORTED}, V.REFUTED, 0),
    ("doc-wrong-type", "1.1.1", 1, "38/BC-STP", None, [Q1], {F.WRONG_DOCUMENT_TYPE, F.SCORE_NOT_SUPPORTED},
     V.REFUTED, 0),
    ("doc-missing", "1.1.1", 1, "", None, [], {F.EVIDENCE_MISSING}, V.NOT_ENOUGH_EVIDENCE, 0),
    ("doc-not-found", "1.1.1", 1, "16/KH-STP ngày 20/01/2024", None, [Q1], {F.DOCUMENT_NOT_FOUND},
     V.NOT_ENOUGH_EVIDENCE, 0),
    ("doc-unreadable", "1.1.1", 1, "01-KH.pdf", None, [broken("01-KH.pdf")], {F.DOCUMENT_UNREADABLE},
     V.NOT_ENOUGH_EVIDENCE, 0),
    ("doc-citation-date", "1.1.1", 1, "15/KH-STP ngày 25/01/2024", None, [plan()], {F.CITATION_MISMATCH},
     V.SUPPORTED, 1),
    ("doc-citation-number-vs-file", "1.1.1", 1, "Kế hoạch số 99/KH-STP, tệp 01-KH.pdf", None, [plan()],
     {F.CITATION_MISMATCH}, V.SUPPORTED, 1),
    ("doc-fuzzy-number", "1.1.1", 1, "151/KH-STP", None, [plan()], {F.LOW_CONFIDENCE}, V.SUPPORTED, 1),
    ("doc-low-confidence-date", "1.1.1", 1, "15/KH-STP ngày 20/01/2024", None,
     [plan(ocr=True, low={"20": 0.41})], {F.LOW_CONFIDENCE}, V.MANUAL_REVIEW, 1),
    ("doc-above-max", "1.1.1", 2, "15/KH-STP", None, [plan()], {F.SCORE_ABOVE_MAX, F.SCORE_NOT_SUPPORTED},
     V.REFUTED, 1),
    # ---- document_set
    ("set-clean", "1.2.1", 1, ALL_REPORTS, None, [Q1, H1, Q3, annual()], set(), V.SUPPORTED, 1),
    ("set-report-missing", "1.2.1", 1, "38/BC-STP; 112/BC-STP; 298/BC-STP", None, [Q1, H1, annual()],
     {F.REPORT_MISSING, F.SCORE_NOT_SUPPORTED}, V.REFUTED, 0),
    ("set-cited-report-absent", "1.2.1", 1, ALL_REPORTS, None, [Q1, H1, annual()],
     {F.DOCUMENT_NOT_FOUND, F.REPORT_MISSING, F.SCORE_NOT_SUPPORTED}, V.REFUTED, 0),
    ("set-late", "1.2.1", 1, ALL_REPORTS.replace("10/6/2024", "20/6/2024"), None,
     [Q1, period_report("112/BC-STP", D(2024, 6, 20), "6 tháng đầu", "03-BC-h1.pdf"), Q3, annual()],
     {F.LATE, F.SCORE_NOT_SUPPORTED}, V.REFUTED, 0),
    ("set-low-confidence", "1.2.1", 1, ALL_REPORTS, None,
     [period_report("38/BC-STP", D(2024, 3, 12), "quý I", "02-BC-q1.pdf", ocr=True, low={"12": 0.35}), H1, Q3,
      annual()], {F.LOW_CONFIDENCE}, V.MANUAL_REVIEW, 1),
    # ---- metric_band
    ("band-clean", "1.1.2", 2, "298/BC-STP (trang 1)", 92.59, [annual()], set(), V.SUPPORTED, 2),
    ("band-found-by-search", "1.1.2", 2, "", 92.59, [annual()], set(), V.SUPPORTED, 2),
    ("band-below", "1.1.2", 2, "298/BC-STP", 85.0, [annual(page1=("Sở đã hoàn thành 23/27 nhiệm vụ đề ra, đạt tỷ "
                                                                 "lệ thực hiện kế hoạch 85%.",))],
     {F.SCORE_NOT_SUPPORTED}, V.REFUTED, 1),
    ("band-mismatch-lifts-band", "3.2.1", 2, "298/BC-STP", 100.0, [annual()],
     {F.METRIC_MISMATCH, F.SCORE_NOT_SUPPORTED}, V.REFUTED, 1),
    ("band-mismatch-same-band", "1.1.2", 2, "298/BC-STP", 95.0, [annual()], {F.METRIC_MISMATCH}, V.SUPPORTED, 2),
    # missing evidence supports 0 points (not "no score"): totals and exports count it as 0
    ("band-metric-not-found", "7.1.2", 1, "298/BC-STP", 98.5, [annual()], {F.METRIC_NOT_FOUND},
     V.NOT_ENOUGH_EVIDENCE, 0),
    ("band-nothing-cited-nothing-found", "7.1.2", 1, "", 98.5, [annual()], {F.EVIDENCE_MISSING},
     V.NOT_ENOUGH_EVIDENCE, 0),
    ("band-no-report", "1.1.2", 2, "", 92.59, [plan()], {F.EVIDENCE_MISSING}, V.NOT_ENOUGH_EVIDENCE, 0),
    ("band-page-pointer", "1.3.2", 1, "298/BC-STP, trang 1", 40.0, [annual()], {F.CITATION_MISMATCH},
     V.SUPPORTED, 1),
    ("band-wrong-issuer", "1.1.2", 2, "298/BC-UBND", 92.59, [annual(number="298/BC-UBND", issuer="province")],
     {F.WRONG_ISSUER, F.SCORE_NOT_SUPPORTED}, V.REFUTED, 0),
    ("band-qualifier-ambiguous", "3.2.1", 1, "298/BC-STP", 96.0,
     [annual(page1=("Tỷ lệ hồ sơ giải quyết đúng hạn đạt trên 95%.",))], {F.LOW_CONFIDENCE}, V.MANUAL_REVIEW, 2),
    ("band-low-confidence-figure", "1.1.2", 2, "298/BC-STP", 92.59, [annual(ocr=True, low={"92,59": 0.38})],
     {F.LOW_CONFIDENCE}, V.MANUAL_REVIEW, 2),
    ("band-above-max", "1.1.2", 2.5, "298/BC-STP", 92.59, [annual()], {F.SCORE_ABOVE_MAX, F.SCORE_NOT_SUPPORTED},
     V.REFUTED, 2),
    # ---- ratio
    ("ratio-clean", "9.1.1", 1, "298/BC-STP", 95.0, [annual()], set(), V.SUPPORTED, 1),
    ("ratio-mismatch", "9.1.1", 1, "298/BC-STP", 99.0, [annual()], {F.METRIC_MISMATCH}, V.SUPPORTED, 1),
    ("ratio-below", "9.1.1", 1, "298/BC-STP", 90.0,
     [annual(page1=("Tổng số hồ sơ tiếp nhận là 1.200 hồ sơ; số hồ sơ giải quyết đúng hạn là 1.080 hồ sơ.",))],
     {F.SCORE_NOT_SUPPORTED}, V.REFUTED, 0),
    ("ratio-not-found", "9.1.1", 1, "298/BC-STP", 95.0, [annual(page1=(FIG_PLAN,))], {F.METRIC_NOT_FOUND},
     V.NOT_ENOUGH_EVIDENCE, 0),
    # ---- existence
    ("exist-clean", "3.1.1", 1, "Quyết định số 1502/QĐ-UBND ngày 15/5/2024 của UBND tỉnh", None, [decision()],
     set(), V.MANUAL_REVIEW, 1),
    ("exist-wrong-period", "3.1.1", 1, "1320/QĐ-UBND", None, [decision("1320/QĐ-UBND", D(2023, 5, 10))],
     {F.WRONG_PERIOD, F.SCORE_NOT_SUPPORTED}, V.REFUTED, 0),
    ("exist-wrong-type", "3.1.1", 1, "15/KH-STP", None, [plan()], {F.WRONG_DOCUMENT_TYPE, F.SCORE_NOT_SUPPORTED},
     V.REFUTED, 0),
    ("exist-missing", "3.1.1", 1, "", None, [plan()], {F.EVIDENCE_MISSING}, V.NOT_ENOUGH_EVIDENCE, 0),
    # ---- manual
    ("manual-clean", "5.1.1", 1, "09-BC-vtvl.pdf", None, [vtvl], set(), V.MANUAL_REVIEW, None),
    ("manual-unreadable", "5.1.1", 1, "09-BC-vtvl.pdf", None, [broken("09-BC-vtvl.pdf")], {F.DOCUMENT_UNREADABLE},
     V.MANUAL_REVIEW, None),
    ("manual-above-max", "5.1.1", 2, "09-BC-vtvl.pdf", None, [vtvl], {F.SCORE_ABOVE_MAX}, V.MANUAL_REVIEW, None),
    # ---- sheet level
    ("unknown-criterion", "2.1.1", 1, "15/KH-STP", None, [plan()], {F.UNKNOWN_CRITERION}, V.MANUAL_REVIEW, None),
    ("inspection-plan-clean", "1.3.1", 1, "20/KH-STP ngày 15/02/2024", None, [inspect_plan()], set(),
     V.SUPPORTED, 1),
    ("inspection-plan-late", "1.3.1", 1, "20/KH-STP", None, [inspect_plan(D(2024, 5, 2))],
     {F.LATE, F.SCORE_NOT_SUPPORTED}, V.REFUTED, 0.5),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rule_case(case):
    _id, item, claimed, cell, reported, makers, codes, verdict, supported = case
    files = [m() for m in makers]
    report = verify(sheet(claim(item, claimed, cell, reported=reported)), RUBRIC, files)
    c = next(c for c in report.criteria if c.code == item)
    got = {f.code for f in c.findings} - INFO
    assert got == codes, [(f.code.value, f.message) for f in c.findings]
    assert c.verdict == verdict, [(f.code.value, f.message) for f in c.findings]
    assert c.supported_score == supported
    for f in c.findings:  # every problem with a document points at a page of it
        if f.code in (F.LATE, F.WRONG_PERIOD, F.WRONG_ISSUER, F.METRIC_MISMATCH, F.CITATION_MISMATCH):
            assert f.evidence and f.evidence[0].page >= 1 and f.evidence[0].file in {x.name for x in files}, f


def test_every_finding_code_has_a_case():
    covered = set().union(*(c[6] for c in CASES)) | {F.DUPLICATE_EVIDENCE}  # duplicates: test_duplicates.py
    covered |= {F.SIGNATURE_MODIFIED}  # signed PDFs: test_signatures.py
    assert covered | INFO == set(F)


def test_every_rule_kind_has_a_case():
    kinds = {RUBRIC.find(c[1]).rule.kind for c in CASES if RUBRIC.find(c[1])}
    assert kinds == {"document", "document_set", "metric_band", "ratio", "existence", "manual"}


def test_criterion_absent_from_sheet_is_a_warning():
    report = verify(sheet(claim("1.1.1", 1, "15/KH-STP")), RUBRIC, [plan()()])
    c = next(c for c in report.criteria if c.code == "1.3.1")
    assert c.verdict == V.NOT_ENOUGH_EVIDENCE
    assert [(f.code, f.severity) for f in c.findings] == [(F.EVIDENCE_MISSING, Severity.WARNING)]


def test_not_found_is_not_also_reported_as_missing():
    """One cause, one finding: a cited document that is absent explains the missing evidence."""
    report = verify(sheet(claim("3.1.1", 1, "1502/QĐ-UBND")), RUBRIC, [])
    c = next(c for c in report.criteria if c.code == "3.1.1")
    assert {f.code for f in c.findings} == {F.DOCUMENT_NOT_FOUND}


def test_mismatch_severity_follows_the_band():
    same = verify(sheet(claim("1.1.2", 2, "298/BC-STP", reported=95.0)), RUBRIC, [annual()()])
    lifts = verify(sheet(claim("3.2.1", 2, "298/BC-STP", reported=100.0)), RUBRIC, [annual()()])
    sev = {r.criteria[0].code if False else c.code: f.severity for r in (same, lifts) for c in r.criteria
           for f in c.findings if f.code == F.METRIC_MISMATCH}
    assert sev == {"1.1.2": Severity.WARNING, "3.2.1": Severity.ERROR}


def test_low_confidence_date_does_not_claim_a_citation_mismatch():
    """An uncertain date is not evidence that the sheet is wrong."""
    f = plan(ocr=True, low={"20": 0.41})()
    report = verify(sheet(claim("1.1.1", 1, "15/KH-STP ngày 25/01/2024")), RUBRIC, [f])
    codes = {x.code for x in report.criteria[0].findings}
    assert F.LOW_CONFIDENCE in codes and F.CITATION_MISMATCH not in codes


def test_district_is_not_the_province():
    """'ỦY BAN NHÂN DÂN TỈNH' / 'ĐỒNG NAI' (a header over two lines) is the province, not a district or a Sở."""
    from verifier.matching import issuer_matches

    prov = evidence("p.pdf", doc_pages("144/KH-UBND", D(2023, 12, 28), "KẾ HOẠCH", "Cải cách hành chính năm 2024",
                                       ["Căn cứ Nghị quyết số 76/NQ-CP;"], issuer="ĐỒNG NAI",
                                       parent="ỦY BAN NHÂN DÂN TỈNH"))
    dist = evidence("d.pdf", doc_pages("10/KH-UBND", D(2024, 1, 10), "KẾ HOẠCH", "Cải cách hành chính năm 2024",
                                       ["Căn cứ Nghị quyết số 76/NQ-CP;"], issuer="HUYỆN XUÂN LỘC",
                                       parent="ỦY BAN NHÂN DÂN"))
    assert issuer_matches(prov, "Sở Nội vụ tỉnh Đồng Nai") is False
    assert issuer_matches(prov, "UBND huyện Xuân Lộc") is False
    assert issuer_matches(prov, "UBND tỉnh Đồng Nai") is True
    assert issuer_matches(dist, "UBND huyện Xuân Lộc") is True
    assert issuer_matches(dist, "UBND huyện Định Quán") is False


# --------------------------------------------------------------------------- figures phrased another way


def _criterion(item, claimed, cell, reported, *files):
    report = verify(sheet(claim(item, claimed, cell, reported=reported)), RUBRIC, [f() for f in files])
    return report, next(c for c in report.criteria if c.code == item)


def test_conflicting_candidates_are_manual_review_quoting_both():
    """A stated rate and the fraction beside it that disagree (27/30 = 90% vs "đạt 95%"): a human decides."""
    _, c = _criterion("1.1.2", 2, "298/BC-STP", 95.0,
                      annual(page1=("Sở đã hoàn thành 27/30 nhiệm vụ đề ra trong Kế hoạch cải cách hành chính "
                                    "năm 2024, đạt tỷ lệ thực hiện kế hoạch 95%.",)))
    assert c.verdict == V.MANUAL_REVIEW
    (f,) = [f for f in c.findings if f.code == F.MANUAL_CHECK]
    assert f.severity == Severity.WARNING and "27/30 nhiệm vụ" in f.message and "95%" in f.message
    assert {(e.file, e.page) for e in f.evidence} == {("05-BC-nam.pdf", 1)} and len(f.evidence) == 2
    assert any("27/30" in e.text for e in f.evidence) and any("95%" in e.text for e in f.evidence)
    assert c.supported_score == 1  # the lower band of the two readings, never a guess at the higher
    assert F.METRIC_MISMATCH not in {x.code for x in c.findings}


def test_two_stated_figures_that_disagree_are_manual_review():
    _, c = _criterion("3.2.1", 2, "298/BC-STP", 100.0,
                      annual(page1=("Tỷ lệ hồ sơ giải quyết đúng hạn đạt 100%.",),
                             page2=("Tỷ lệ hồ sơ giải quyết đúng hạn đạt 96,5%.",)))
    assert c.verdict == V.MANUAL_REVIEW
    (f,) = [f for f in c.findings if f.code == F.MANUAL_CHECK]
    assert sorted(e.page for e in f.evidence) == [1, 2]
    assert "trang 1" in f.message and "trang 2" in f.message
    assert c.supported_score == 1


def test_agreeing_figures_decide_without_a_human():
    """The same figure twice, or a rate and a fraction that round to each other, is no conflict."""
    _, c = _criterion("1.1.2", 2, "298/BC-STP", 92.59,
                      annual(page1=("Sở đã hoàn thành 25/27 nhiệm vụ (đạt 92,59%).",),
                             page2=("Tỷ lệ thực hiện kế hoạch cải cách hành chính năm 2024 đạt 92,59%.",)))
    assert (c.verdict, c.supported_score) == (V.SUPPORTED, 2)


@pytest.mark.parametrize("sentence, claimed, verdict, supported, shown", [
    ("Sở đã hoàn thành 28/30 nhiệm vụ đề ra trong Kế hoạch cải cách hành chính năm 2024.", 2, V.SUPPORTED, 2,
     "28/30 = 93,33%"),
    ("Số nhiệm vụ hoàn thành là 24/30.", 2, V.REFUTED, 1, "24/30 = 80%"),
    ("Đơn vị hoàn thành 20 trên 30 nhiệm vụ của kế hoạch.", 1, V.REFUTED, 0, "20/30 = 66,67%"),
])
def test_fraction_derived_rate_is_banded(sentence, claimed, verdict, supported, shown):
    """A fraction with no percent is read as the rate it gives; the evidence shows both."""
    _, c = _criterion("1.1.2", claimed, "298/BC-STP", None, annual(page1=(sentence,)))
    assert (c.verdict, c.supported_score) == (verdict, supported), [(f.code.value, f.message) for f in c.findings]
    derived = [f for f in c.findings if f.code == F.DOCUMENT_MATCHED and "Tỷ lệ tính từ" in f.message]
    assert derived and shown in derived[0].message and derived[0].evidence[0].page == 1


@pytest.mark.parametrize("sentence, item, claimed, reported", [
    ("90% nhiệm vụ đã hoàn thành đúng tiến độ.", "1.1.2", 1, 90.0),  # percent before its subject
    ("Năm 2024, Sở đạt tỷ lệ 95% kế hoạch đề ra.", "1.1.2", 2, 95.0),  # "% kế hoạch" hint
    ("Kết quả giải quyết thủ tục hành chính | Hồ sơ giải quyết đúng hạn | 98,2% | Đạt", "3.2.1", 1, 98.2),  # table row
    ("Việc giải quyết hồ sơ đúng hạn được duy trì. Kết quả đạt 97%.", "3.2.1", 1, 97.0),  # previous sentence
    ("Hồ sơ giải quyết đúng hạn chiếm 96,4% tổng số hồ sơ tiếp nhận.", "3.2.1", 1, 96.4),
])
def test_paraphrased_figures_are_found(sentence, item, claimed, reported):
    _, c = _criterion(item, claimed, "298/BC-STP", reported, annual(page1=(sentence,), page2=()))
    assert (c.verdict, c.supported_score) == (V.SUPPORTED, claimed), [(f.code.value, f.message) for f in c.findings]


def test_weak_only_candidate_is_manual_review():
    """A figure whose only tie to the criterion is the sentence before it may be another figure."""
    _, c = _criterion("7.1.1", 1, "298/BC-STP", 62.0,
                      annual(page1=("Dịch vụ công trực tuyến toàn trình được triển khai rộng rãi. "
                                    "Người dân hài lòng đạt 62%.",), page2=()))
    assert c.verdict == V.MANUAL_REVIEW
    (f,) = [f for f in c.findings if f.code == F.MANUAL_CHECK]
    assert "62%" in f.message and "độ khớp" in f.message and f.evidence[0].page == 1
    assert F.METRIC_MISMATCH not in {x.code for x in c.findings}


def test_weak_threshold_is_data():
    """The bar under which the only candidate is weak lives in verifier/data/metric_matching.yaml."""
    from verifier.matching import matching_settings

    cfg = matching_settings()
    assert 0 < cfg["candidate_floor"] < cfg["min_score"] <= 1 and 0 < cfg["rival_margin"] < 1


def test_missing_evidence_supports_zero_in_totals():
    """No report, no figure: 0 supported points (counted in the totals), not an unknown score."""
    no_report = verify(sheet(claim("1.1.2", 2, "", reported=92.59)), RUBRIC, [plan()()])
    c = next(c for c in no_report.criteria if c.code == "1.1.2")
    assert (c.supported_score, c.verdict) == (0, V.NOT_ENOUGH_EVIDENCE)
    assert next(c for c in no_report.criteria if c.code == "5.1.1").supported_score is None  # not claimed: not scored
    no_figure = verify(sheet(claim("7.1.2", 1, "298/BC-STP", reported=98.5)), RUBRIC, [annual()()])
    c = next(c for c in no_figure.criteria if c.code == "7.1.2")
    assert (c.supported_score, c.verdict) == (0, V.NOT_ENOUGH_EVIDENCE)
    assert {f.code for f in c.findings} - INFO == {F.METRIC_NOT_FOUND}
    assert next(t for t in no_figure.totals.by_field if t.code == "7").supported_score == 0
