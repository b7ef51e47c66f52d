"""Digital signatures in the verdicts and the reports, end to end: PDFs rendered and signed in test
setup (tests/support/signing.py), read by the real ingest pipeline and extractors, then verified.

- a cited file changed after signing (or whose signature is broken) is SIGNATURE_MODIFIED;
- a signing time bounds an issue date that was not read: the timeliness rules score by it, as
  manual review with an explanation (the certificate's trust is never verified);
- the report's file table shows every signature, "chưa kiểm tra với danh sách tin cậy".
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

import extractors
from ingest import ingest_file
from models.report import FindingCode as F
from models.report import Severity
from models.report import Verdict as V
from models.settings import Settings
from tests.support.signing import ORG, PERSON, append_page, make_keys, sign, text_pdf
from verifier import EvidenceFile, load_rubric, verify, write_html, write_xlsx

from .docs import claim, doc_pages, sheet

D = dt.date
UTC = dt.UTC
TRUST = "chưa kiểm tra với danh sách tin cậy"
RUBRIC = load_rubric("par-reference")


@pytest.fixture(scope="module")
def keys():
    return make_keys()


@pytest.fixture
def read(tmp_path):
    """Bytes of a PDF → EvidenceFile, through ingest and the extractors."""
    settings = Settings(data_dir=tmp_path / "data", workers=1)

    def make(name: str, data: bytes) -> EvidenceFile:
        path = tmp_path / name
        path.write_bytes(data)
        f = ingest_file(path, settings=settings)
        return EvidenceFile(f, extractors.extract(f))
    return make


def plan_pdf(*, day_readable: bool = True) -> bytes:
    [page] = doc_pages("15/KH-STP", D(2024, 1, 20), "KẾ HOẠCH", "Cải cách hành chính năm 2024 của Sở Tư pháp",
                       ["Căn cứ Kế hoạch số 144/KH-UBND ngày 28/12/2023 của UBND tỉnh Đồng Nai;",
                        "I. MỤC ĐÍCH, YÊU CẦU", "Triển khai đồng bộ các nhiệm vụ."])
    if not day_readable:  # the day was handwritten on the printed form: nothing on the text layer
        page = page.replace("ngày 20 tháng 01 năm 2024", "ngày      tháng 01 năm 2024")
    return text_pdf([page])


def result(report, code="1.1.1"):
    return next(c for c in report.criteria if c.code == code)


def codes(c) -> set:
    return {f.code for f in c.findings}


def test_file_modified_after_signing_is_a_finding_for_the_criterion_citing_it(read, keys):
    signed = sign(plan_pdf(), keys)
    clean = verify(sheet(claim("1.1.1", 1, "Kế hoạch số 15/KH-STP")), RUBRIC, [read("01-KH.pdf", signed)])
    assert result(clean).verdict == V.SUPPORTED and F.SIGNATURE_MODIFIED not in codes(result(clean))

    f = read("01-KH.pdf", append_page(signed))
    assert f.extraction.signatures[0].modified_after_signing
    report = verify(sheet(claim("1.1.1", 1, "Kế hoạch số 15/KH-STP"), claim("1.3.1", 0, "")), RUBRIC, [f])
    c = result(report)
    assert c.verdict == V.SUPPORTED and c.supported_score == 1  # a warning, not a verdict of its own
    [finding] = [x for x in c.findings if x.code == F.SIGNATURE_MODIFIED]
    assert finding.severity == Severity.WARNING
    local = dt.datetime.fromisoformat(f.extraction.signatures[0].signing_time).astimezone(
        dt.timezone(dt.timedelta(hours=7)))
    for words in (PERSON, ORG, "01-KH.pdf", "sửa đổi sau khi ký", f"{local:%d/%m/%Y %H:%M}", TRUST):
        assert words in finding.message
    assert F.SIGNATURE_MODIFIED not in codes(result(report, "1.3.1"))  # a criterion that does not use the file


def test_broken_signature_is_a_finding(read, keys):
    tampered = sign(plan_pdf(), keys).replace(b"/Producer(MuPDF", b"/Producer(MuPDG")
    c = result(verify(sheet(claim("1.1.1", 1, "15/KH-STP")), RUBRIC, [read("01-KH.pdf", tampered)]))
    [finding] = [x for x in c.findings if x.code == F.SIGNATURE_MODIFIED]
    assert "không còn nguyên vẹn" in finding.message and PERSON in finding.message


def test_signing_time_bounds_an_issue_date_that_was_not_read(read, keys):
    unsigned = read("01-KH.pdf", plan_pdf(day_readable=False))
    assert unsigned.issued_on is None
    c = result(verify(sheet(claim("1.1.1", 1, "15/KH-STP")), RUBRIC, [unsigned]))
    assert c.verdict == V.MANUAL_REVIEW and c.supported_score is None and F.LOW_CONFIDENCE in codes(c)

    # signed 19/01 18:30 UTC = 20/01 01:30 in Vietnam: issued by 20/01, before the 31/01 deadline
    f = read("01-KH.pdf", sign(plan_pdf(day_readable=False), keys, at=dt.datetime(2024, 1, 19, 18, 30, tzinfo=UTC)))
    c = result(verify(sheet(claim("1.1.1", 1, "15/KH-STP")), RUBRIC, [f]))
    assert c.verdict == V.MANUAL_REVIEW  # the signature's trust is not verified: a person confirms
    assert c.supported_score == 1
    assert F.LOW_CONFIDENCE not in codes(c)
    [note] = [x for x in c.findings if x.code == F.MANUAL_CHECK]
    assert note.severity == Severity.INFO
    for words in ("không đọc được ngày ban hành", "chậm nhất ngày 20/01/2024", "20/01/2024 01:30", "dấu thời gian",
                  PERSON, TRUST, "31/01/2024"):
        assert words in note.message


def test_a_signature_after_the_first_deadline_bounds_the_score_at_the_later_level(read, keys):
    # 31/01 18:30 UTC is 01/02 in Vietnam: after the 31/01 deadline, within the 31/12 one
    f = read("01-KH.pdf", sign(plan_pdf(day_readable=False), keys, at=dt.datetime(2024, 1, 31, 18, 30, tzinfo=UTC)))
    c = result(verify(sheet(claim("1.1.1", 1, "15/KH-STP")), RUBRIC, [f]))
    assert c.verdict == V.MANUAL_REVIEW and c.supported_score == 0.5
    assert any("chậm nhất ngày 01/02/2024" in x.message for x in c.findings if x.code == F.MANUAL_CHECK)


def test_a_signature_after_every_deadline_decides_nothing(read, keys):
    f = read("01-KH.pdf", sign(plan_pdf(day_readable=False), keys, at=dt.datetime(2025, 2, 1, 3, 0, tzinfo=UTC)))
    c = result(verify(sheet(claim("1.1.1", 1, "15/KH-STP")), RUBRIC, [f]))
    assert c.verdict == V.MANUAL_REVIEW and c.supported_score is None and F.LOW_CONFIDENCE in codes(c)


def test_a_confidently_read_issue_date_is_not_replaced_by_the_signing_time(read, keys):
    f = read("01-KH.pdf", sign(plan_pdf(), keys, at=dt.datetime(2024, 3, 1, 3, 0, tzinfo=UTC)))
    assert f.issued_on == D(2024, 1, 20)
    c = result(verify(sheet(claim("1.1.1", 1, "15/KH-STP")), RUBRIC, [f]))
    assert c.verdict == V.SUPPORTED and c.supported_score == 1
    assert not any("chữ ký số" in x.message for x in c.findings)


def test_document_set_item_signed_before_its_deadline_is_explained_not_flagged(read, keys):
    [page] = doc_pages("38/BC-STP", D(2024, 3, 12), "BÁO CÁO", "Kết quả thực hiện công tác cải cách hành chính quý I "
                       "năm 2024", ["Thực hiện Kế hoạch số 15/KH-STP, Sở Tư pháp báo cáo như sau:"])
    page = page.replace("ngày 12 tháng 3 năm 2024", "ngày      tháng 3 năm 2024")
    f = read("02-BC-q1.pdf", sign(text_pdf([page]), keys, at=dt.datetime(2024, 3, 10, 2, 0, tzinfo=UTC)))
    assert f.issued_on is None
    c = result(verify(sheet(claim("1.2.1", 1, "38/BC-STP")), RUBRIC, [f]), "1.2.1")
    assert c.verdict == V.MANUAL_REVIEW
    [note] = [x for x in c.findings if x.code == F.MANUAL_CHECK and "Báo cáo quý I" in x.message]
    assert "chậm nhất ngày 10/03/2024" in note.message and "trước hạn 15/03/2024" in note.message
    assert not any(x.code == F.LOW_CONFIDENCE and "quý I" in x.message for x in c.findings)


def test_reports_show_every_signature_and_never_call_it_valid(read, keys, tmp_path):
    signed = read("01-KH.pdf", sign(plan_pdf(), keys, at=dt.datetime(2024, 1, 19, 18, 30, tzinfo=UTC)))
    modified = read("02-KH-sua.pdf", append_page(sign(plan_pdf(), keys)))
    plain = read("03-KH.pdf", plan_pdf())
    report = verify(sheet(claim("1.1.1", 1, "15/KH-STP")), RUBRIC, [signed, modified, plain])
    by_name = {fs.name: fs for fs in report.files}
    [sig] = by_name["01-KH.pdf"].signatures
    assert sig.signer_name == PERSON and sig.intact and sig.trust == "not_verified"
    assert by_name["02-KH-sua.pdf"].signatures[0].modified_after_signing and by_name["03-KH.pdf"].signatures == []

    html = write_html(report, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<th>Chữ ký số</th>" in html
    assert f"Chữ ký số của {PERSON} ({ORG}), ký lúc 20/01/2024 01:30" in html
    assert "tệp bị sửa đổi sau khi ký" in html and html.count(TRUST) >= 2

    ws = openpyxl.load_workbook(write_xlsx(report, tmp_path / "report.xlsx"))["Tệp minh chứng"]
    header = [c.value for c in ws[1]]
    col = header.index("Chữ ký số") + 1
    cells = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)}
    assert cells["01-KH.pdf"].data_type == "s"
    assert PERSON in cells["01-KH.pdf"].value and TRUST in cells["01-KH.pdf"].value
    assert "nguyên vẹn, tệp không thay đổi sau khi ký" in cells["01-KH.pdf"].value
    assert "sửa đổi sau khi ký" in cells["02-KH-sua.pdf"].value
    assert cells["03-KH.pdf"].value in (None, "")
    for text in (html, *(str(c.value or "") for c in cells.values())):
        assert "hợp lệ" not in text  # "valid" is never said of a signature
