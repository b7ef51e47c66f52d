"""One real verification for the report tests: a plan issued late, an annual report whose figure
differs from the sheet and whose second page was read with low confidence, a cited document that is
missing, a criterion outside the rubric, a plan of inspections for the year before, a news article
with no document header, and a PDF too damaged to read, rejected by the real ingest. Shared by
test_reports and test_report_print."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import extractors
from ingest import ingest_file
from models.report import Report
from models.settings import Settings
from verifier import EvidenceFile, load_rubric, verify

from .docs import claim, doc_pages, evidence, sheet

D = dt.date
BROKEN_PDF = b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\nthis is no PDF body\n"


def example_report(workdir: Path, *, broken: bool = True) -> Report:
    """The report; ``broken`` adds the damaged PDF (read by ``ingest`` with ``workdir`` as its data dir)."""
    plan = evidence("01-KH-CCHC-2024.pdf", doc_pages("15/KH-STP", D(2024, 2, 20), "KẾ HOẠCH",
                                                     "Cải cách hành chính năm 2024 của Sở Tư pháp",
                                                     ["Căn cứ Kế hoạch số 144/KH-UBND ngày 28/12/2023;"]))
    annual = evidence("04-BC-CCHC-nam-2024.pdf", doc_pages(
        "298/BC-STP", D(2024, 12, 6), "BÁO CÁO", "Kết quả thực hiện công tác cải cách hành chính năm 2024",
        [["Tổng số hồ sơ thủ tục hành chính tiếp nhận là 12.486 hồ sơ; tỷ lệ hồ sơ giải quyết đúng hạn đạt 97,35%."],
         ["Tỷ lệ văn bản điện tử gửi, nhận giữa các cơ quan đạt 98,5%."]]), ocr=True, low={"98,5": 0.5})
    old_check = evidence("06-KH-kiem-tra-2023.pdf", doc_pages("9/KH-STP", D(2023, 1, 16), "KẾ HOẠCH",
                                                             "Kiểm tra công tác cải cách hành chính năm 2023",
                                                             ["Kiểm tra 12 phòng, đơn vị trực thuộc."]))
    files = [plan, annual, old_check]
    if broken:
        article = evidence("bai-bao.pdf", ["Tin tức — Cổng thông tin điện tử tỉnh. Ngày 26/02/2024, Sở Nội vụ tổ "
                                           "chức hội nghị triển khai nhiệm vụ cải cách hành chính năm 2024."])
        path = workdir / "05-QD-hong.pdf"
        path.write_bytes(BROKEN_PDF)
        damaged = ingest_file(path, settings=Settings(data_dir=workdir / "data"))
        assert damaged.status == "error", damaged
        files += [article, EvidenceFile(damaged, extractors.extract(damaged))]
    s = sheet(claim("1.1.1", 1, "Kế hoạch số 15/KH-STP ngày 20/02/2024"),
              claim("3.2.1", 2, "298/BC-STP", reported=100.0),
              claim("7.1.2", 1, "298/BC-STP, trang 2", reported=98.5),
              claim("1.2.1", 1, "38/BC-STP; 298/BC-STP"),
              claim("1.3.1", 1, "Kế hoạch 9/KH-STP"),
              claim("9.9.9", 1, ""))
    return verify(s, load_rubric("par-reference"), files, tool_version="test")
