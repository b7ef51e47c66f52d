"""What the round-2 re-check tests share: a 2024 campaign whose explanation step is open today, two units'
born-digital submissions (Decree 30 layout, real text layer) built in the test, and the quý III report the first
unit adds for the criterion its submission lacked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from models.campaign import CampaignSpec
from tests.support.docgen import AdminDocument, render_pdf

A, B = "Sở Tư pháp tỉnh Đồng Nai", "Sở Y tế tỉnh Đồng Nai"
CAMPAIGN = "dong-nai-2024"
D = dt.date


def spec(today: dt.date) -> CampaignSpec:
    """A 2024 campaign whose explanation step is open today."""
    d = dt.timedelta
    cal = {"self_assessment": (today - d(30), today - d(10)), "round1": (None, today - d(2)),
           "explanation": (None, today + d(5)), "round2": (None, today + d(20))}
    return CampaignSpec.model_validate({
        "id": CAMPAIGN, "year": 2024, "title": "Đánh giá Chỉ số CCHC năm 2024 (thử)",
        "calendar": {k: {"opens": o.isoformat() if o else None, "closes": c.isoformat()} for k, (o, c) in cal.items()},
        "groups": [{"code": "so_nganh", "title": "Sở, ban, ngành", "rubric": "par-reference", "units": [A, B]}]})


def _stp(number: str, issued_on: dt.date, type_line: str, title: str, body: list[str]) -> bytes:
    return render_pdf(AdminDocument(issuer="SỞ TƯ PHÁP", parent_issuer="UBND TỈNH ĐỒNG NAI", place="Đồng Nai",
                                    number=number, issued_on=issued_on, type_line=type_line, title=title, body=body,
                                    signer_name="Lê Hoàng Minh"))


def _report(number: str, day: dt.date, period: str) -> bytes:
    return _stp(number, day, "BÁO CÁO", f"Kết quả thực hiện công tác cải cách hành chính {period} năm 2024",
                [f"Sở Tư pháp báo cáo kết quả thực hiện công tác cải cách hành chính {period} năm 2024 như sau:",
                 "I. KẾT QUẢ ĐẠT ĐƯỢC",
                 "Các nhiệm vụ cải cách hành chính được triển khai đúng tiến độ theo Kế hoạch của Sở."])


def q3_report() -> bytes:
    """The quý III report (205/BC-STP ngày 12/9/2024, before its 15/9 deadline) the submission lacked."""
    return _report("205/BC-STP", D(2024, 9, 12), "quý III")


SHEET_ROWS = (
    "STT;Mã tiêu chí;Điểm tối đa;Điểm tự đánh giá;Tài liệu kiểm chứng\n"
    "1;1.1.1;1;1;15/KH-STP ngày 20/02/2024\n"
    "2;1.2.1;1;1;38/BC-STP, 112/BC-STP, 205/BC-STP, 298/BC-STP\n"
)


def submission(folder: Path, unit: str) -> Path:
    """A unit's submission: the sheet (1.1.1: a plan issued late; 1.2.1: four reports, the quý III one
    missing) and four born-digital documents."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bang.csv").write_bytes(f"BẢNG TỰ ĐÁNH GIÁ NĂM 2024\nĐơn vị: {unit}\n{SHEET_ROWS}".encode())
    (folder / "01-KH.pdf").write_bytes(_stp(
        "15/KH-STP", D(2024, 2, 20), "KẾ HOẠCH", "Cải cách hành chính năm 2024 của Sở Tư pháp",
        ["Sở Tư pháp ban hành Kế hoạch cải cách hành chính năm 2024 như sau:", "I. MỤC ĐÍCH, YÊU CẦU",
         "Triển khai đồng bộ, hiệu quả các nhiệm vụ cải cách hành chính của tỉnh tại Sở Tư pháp."]))
    (folder / "02-BC-quy-I.pdf").write_bytes(_report("38/BC-STP", D(2024, 3, 12), "quý I"))
    (folder / "03-BC-6-thang.pdf").write_bytes(_report("112/BC-STP", D(2024, 6, 10), "6 tháng đầu"))
    (folder / "04-BC-nam.pdf").write_bytes(_stp(
        "298/BC-STP", D(2024, 12, 6), "BÁO CÁO", "Kết quả thực hiện công tác cải cách hành chính năm 2024",
        ["Sở Tư pháp báo cáo kết quả thực hiện công tác cải cách hành chính năm 2024 như sau:",
         "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
         "Các nhiệm vụ được triển khai đầy đủ theo Kế hoạch của Sở."]))
    return folder
