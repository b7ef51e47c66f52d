"""Build the bundled example submission: examples/submission-2024/.

A self-assessment of Sở Tư pháp tỉnh Đồng Nai for the 2024 PAR Index (reference rubric
verifier/rubrics/par-reference.yaml): the sheet 00-bang-tu-danh-gia-2024.xlsx and seven
evidence PDFs, four of them simulated scans.  The files are committed; this script regenerates
them byte for byte (fixed seeds, fixed metadata).  Expected outcomes: examples/README.md.

    .venv/bin/python examples/build_example.py               # regenerate
    .venv/bin/python examples/build_example.py --verify-ocr  # also OCR every scan page (tesseract vie)
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pymupdf  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Border, Font, Side  # noqa: E402

from tests.support.docgen import AdminDocument, rasterize_scan, render_pdf  # noqa: E402

OUT = ROOT / "examples" / "submission-2024"
D = datetime.date

PARENT = "UBND TỈNH ĐỒNG NAI"
ISSUER = "SỞ TƯ PHÁP"
PLACE = "Đồng Nai"
DIRECTOR = "Lê Hoàng Minh"
DEPUTY = "Phạm Thị Thu Hà"

# Scan settings: 200 dpi, mild noise and skew; quality chosen to keep the bundle small while
# Tesseract (vie) still reads every number and figure exactly (see --verify-ocr).
SCAN = dict(dpi=200, noise=4.0, jpeg_quality=45)

# The figures of the annual report 298/BC-STP (file 04), verbatim.
FIG_PLAN = (
    "Sở đã hoàn thành 25/27 nhiệm vụ đề ra trong Kế hoạch cải cách hành chính năm 2024, "
    "đạt tỷ lệ thực hiện kế hoạch 92,59%."
)
FIG_INSPECT = "Trong năm, Sở đã kiểm tra 4/10 đơn vị trực thuộc, tỷ lệ đơn vị trực thuộc được kiểm tra đạt 40%."
FIG_ONTIME = (
    "Tổng số hồ sơ thủ tục hành chính tiếp nhận là 12.486 hồ sơ; "
    "tỷ lệ hồ sơ giải quyết đúng hạn đạt 97,35%."
)
FIG_DIGITISED = "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đạt 85,20%."
FIG_ONLINE = "Tỷ lệ hồ sơ trực tuyến toàn trình đạt 56,10% tổng số hồ sơ tiếp nhận."
FIG_EDOCS = "Tỷ lệ văn bản điện tử gửi, nhận giữa các cơ quan đạt 98,5%."
FIGURES = [FIG_PLAN, FIG_INSPECT, FIG_ONTIME, FIG_DIGITISED, FIG_ONLINE, FIG_EDOCS]


@dataclass
class Evidence:
    filename: str
    doc: AdminDocument
    scan: bool
    seed: int = 0
    skew: float = 0.6
    red_seal: bool = False


def stp(number, issued_on, type_line, title, body, **kw) -> AdminDocument:
    kw.setdefault("signer_name", DIRECTOR)
    return AdminDocument(
        issuer=ISSUER, parent_issuer=PARENT, place=PLACE, number=number, issued_on=issued_on,
        type_line=type_line, title=title, body=body, **kw,
    )


KT_GD = dict(signing_mode="KT.", signer_title="GIÁM ĐỐC", deputy_title="PHÓ GIÁM ĐỐC", signer_name=DEPUTY)

# ----------------------------------------------------------------------------- documents

DOC1 = stp(
    "15/KH-STP", D(2024, 2, 20), "KẾ HOẠCH", "Cải cách hành chính năm 2024 của Sở Tư pháp",
    [
        "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể "
        "cải cách hành chính nhà nước giai đoạn 2021 - 2030;",
        "Căn cứ Kế hoạch số 144/KH-UBND ngày 28/12/2023 của UBND tỉnh Đồng Nai về cải cách hành chính "
        "năm 2024 trên địa bàn tỉnh;",
        "Sở Tư pháp ban hành Kế hoạch cải cách hành chính năm 2024 như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Triển khai đồng bộ, hiệu quả các nhiệm vụ cải cách hành chính của tỉnh tại Sở Tư pháp; gắn "
        "cải cách hành chính với thực hiện nhiệm vụ chuyên môn, nâng cao chất lượng phục vụ người dân, "
        "doanh nghiệp.",
        "2. Xác định cụ thể nhiệm vụ, thời gian hoàn thành và trách nhiệm của từng phòng, đơn vị thuộc "
        "Sở; kết quả thực hiện là căn cứ đánh giá, xếp loại thi đua cuối năm.",
        "II. NHIỆM VỤ TRỌNG TÂM",
        "1. Công tác chỉ đạo, điều hành: ban hành kế hoạch kiểm tra, kế hoạch tuyên truyền cải cách "
        "hành chính; báo cáo định kỳ quý, 6 tháng, năm đúng thời hạn quy định.",
        "2. Cải cách thủ tục hành chính: rà soát, đơn giản hóa thủ tục hành chính lĩnh vực hộ tịch, "
        "chứng thực, lý lịch tư pháp; thực hiện số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.",
        "3. Cải cách chế độ công vụ và xây dựng chính quyền số: sử dụng công chức theo vị trí việc làm; "
        "gửi, nhận văn bản điện tử và cung cấp dịch vụ công trực tuyến toàn trình.",
        "III. TỔ CHỨC THỰC HIỆN",
        "Văn phòng Sở chủ trì theo dõi, đôn đốc các phòng, đơn vị thực hiện Kế hoạch này; tổng hợp "
        "báo cáo Giám đốc Sở và UBND tỉnh theo quy định.",
    ],
    recipients=["Sở Nội vụ (b/c);", "Giám đốc, các PGĐ Sở;", "Các phòng, đơn vị thuộc Sở;", "Lưu: VT, VP."],
)

DOC2 = stp(
    "38/BC-STP", D(2024, 3, 12), "BÁO CÁO",
    "Kết quả thực hiện công tác cải cách hành chính quý I năm 2024",
    [
        "Thực hiện Kế hoạch số 15/KH-STP ngày 20/02/2024 của Sở Tư pháp về cải cách hành chính năm "
        "2024, Sở Tư pháp báo cáo kết quả thực hiện công tác cải cách hành chính quý I năm 2024 như sau:",
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "1. Công tác chỉ đạo, điều hành: Sở đã ban hành Kế hoạch cải cách hành chính năm 2024 và phân "
        "công nhiệm vụ cụ thể cho các phòng, đơn vị; tổ chức quán triệt đến toàn thể công chức, viên chức.",
        "2. Cải cách thủ tục hành chính: tham mưu UBND tỉnh công bố danh mục thủ tục hành chính lĩnh "
        "vực hộ tịch được sửa đổi, bổ sung; niêm yết, công khai đầy đủ thủ tục hành chính tại Trung tâm "
        "Phục vụ hành chính công tỉnh và trên Cổng dịch vụ công.",
        "3. Cải cách chế độ công vụ: tiếp tục rà soát đề án vị trí việc làm; thực hiện nghiêm kỷ luật, "
        "kỷ cương hành chính.",
        "II. NHIỆM VỤ QUÝ II NĂM 2024",
        "Tiếp tục triển khai các nhiệm vụ theo Kế hoạch; đẩy mạnh cung cấp dịch vụ công trực tuyến; "
        "chuẩn bị báo cáo 6 tháng đầu năm 2024 đúng thời hạn.",
    ],
    recipients=["Sở Nội vụ;", "Giám đốc Sở;", "Lưu: VT, VP."],
    **KT_GD,
)

DOC3 = stp(
    "112/BC-STP", D(2024, 6, 10), "BÁO CÁO",
    "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024",
    [
        "Căn cứ Kế hoạch số 144/KH-UBND ngày 28/12/2023 của UBND tỉnh Đồng Nai và Kế hoạch số "
        "15/KH-STP ngày 20/02/2024 của Sở Tư pháp, Sở Tư pháp báo cáo kết quả công tác cải cách hành "
        "chính 6 tháng đầu năm 2024 như sau:",
        "I. KẾT QUẢ THỰC HIỆN",
        "1. Công tác chỉ đạo, điều hành: các nhiệm vụ trong 6 tháng đầu năm được triển khai đúng tiến "
        "độ; Sở đã gửi báo cáo quý I năm 2024 đúng thời hạn.",
        "2. Cải cách thủ tục hành chính: thực hiện Quyết định số 1502/QĐ-UBND ngày 15/5/2024 của UBND "
        "tỉnh, Sở đã cập nhật quy trình nội bộ giải quyết thủ tục hành chính lĩnh vực hộ tịch.",
        "3. Xây dựng chính quyền số: duy trì hệ thống quản lý văn bản và điều hành; tiếp nhận hồ sơ "
        "qua Cổng dịch vụ công của tỉnh.",
        "II. NHIỆM VỤ 6 THÁNG CUỐI NĂM 2024",
        "Tiếp tục thực hiện các nhiệm vụ còn lại của Kế hoạch; tổ chức kiểm tra công tác cải cách "
        "hành chính tại các đơn vị trực thuộc.",
    ],
    recipients=["Sở Nội vụ;", "Giám đốc Sở;", "Lưu: VT, VP."],
    **KT_GD,
)

DOC4 = stp(
    "298/BC-STP", D(2024, 12, 6), "BÁO CÁO",
    "Kết quả thực hiện công tác cải cách hành chính năm 2024",
    [
        "Thực hiện Kế hoạch số 144/KH-UBND ngày 28/12/2023 của UBND tỉnh Đồng Nai về cải cách hành "
        "chính năm 2024 và Quyết định số 1143/QĐ-UBND ngày 24/4/2024 của UBND tỉnh ban hành Bộ tiêu "
        "chí xác định Chỉ số cải cách hành chính, Sở Tư pháp báo cáo kết quả thực hiện như sau:",
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
        "1. Công tác chỉ đạo, điều hành",
        "Sở đã ban hành Kế hoạch số 15/KH-STP ngày 20/02/2024 về cải cách hành chính năm 2024 và "
        "triển khai đến các phòng, đơn vị thuộc Sở. " + FIG_PLAN,
        "2. Cải cách thủ tục hành chính",
        "Sở đã phối hợp tham mưu UBND tỉnh công bố danh mục thủ tục hành chính lĩnh vực hộ tịch tại "
        "Quyết định số 1502/QĐ-UBND ngày 15/5/2024; các thủ tục được niêm yết, công khai đầy đủ. "
        + FIG_ONTIME + " " + FIG_DIGITISED,
        "3. Cải cách tổ chức bộ máy và chế độ công vụ",
        "Sở tiếp tục sắp xếp tổ chức bộ máy các phòng, đơn vị thuộc Sở theo hướng tinh gọn; tuyển "
        "dụng, bố trí công chức theo vị trí việc làm được phê duyệt; thực hiện nghiêm kỷ luật, kỷ "
        "cương hành chính.",
        "4. Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
        "Sở duy trì hệ thống quản lý văn bản và điều hành, chữ ký số chuyên dùng; cung cấp dịch vụ công "
        "trực tuyến trên Cổng dịch vụ công của tỉnh. " + FIG_ONLINE + " " + FIG_EDOCS,
        "5. Công tác kiểm tra cải cách hành chính",
        "Sở đã thực hiện kiểm tra công tác cải cách hành chính, công vụ tại các đơn vị trực thuộc theo "
        "kế hoạch; qua kiểm tra đã chấn chỉnh kịp thời các tồn tại trong tiếp nhận và trả kết quả hồ sơ. "
        + FIG_INSPECT,
        "II. TỒN TẠI, HẠN CHẾ",
        "Một số hồ sơ thủ tục hành chính còn giải quyết quá hạn do phải xác minh; việc số hóa hồ sơ "
        "tại một số đơn vị còn chậm; hạ tầng công nghệ thông tin chưa đồng bộ.",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025",
        "Tiếp tục đẩy mạnh cải cách thủ tục hành chính, chuyển đổi số; nâng cao chất lượng giải quyết "
        "hồ sơ; tăng cường kiểm tra, giám sát việc thực hiện nhiệm vụ cải cách hành chính tại các đơn "
        "vị trực thuộc.",
    ],
    recipients=["UBND tỉnh (b/c);", "Sở Nội vụ;", "Giám đốc, các PGĐ Sở;", "Lưu: VT, VP."],
)

DOC5 = stp(
    "20/KH-STP", D(2023, 2, 15), "KẾ HOẠCH", "Kiểm tra công tác cải cách hành chính năm 2023",
    [
        "Căn cứ Kế hoạch cải cách hành chính năm 2023 của Sở Tư pháp; nhằm đánh giá tình hình thực "
        "hiện nhiệm vụ cải cách hành chính tại các đơn vị trực thuộc, Sở Tư pháp ban hành Kế hoạch "
        "kiểm tra công tác cải cách hành chính năm 2023 như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Kịp thời phát hiện, chấn chỉnh những tồn tại, hạn chế trong thực hiện cải cách hành chính, "
        "kỷ luật, kỷ cương hành chính; việc kiểm tra bảo đảm khách quan, không gây phiền hà cho đơn vị.",
        "II. NỘI DUNG, ĐỐI TƯỢNG, THỜI GIAN KIỂM TRA",
        "1. Nội dung: việc triển khai kế hoạch cải cách hành chính; tiếp nhận, giải quyết hồ sơ thủ "
        "tục hành chính; thực hiện văn hóa công vụ.",
        "2. Đối tượng: Phòng Công chứng số 1, Phòng Công chứng số 2, Trung tâm Dịch vụ đấu giá tài "
        "sản và Trung tâm Trợ giúp pháp lý nhà nước tỉnh.",
        "3. Thời gian: trong quý II và quý III năm 2023.",
        "III. TỔ CHỨC THỰC HIỆN",
        "Văn phòng Sở chủ trì, phối hợp Thanh tra Sở tổ chức kiểm tra và báo cáo kết quả về Giám đốc Sở.",
    ],
    recipients=["Giám đốc, các PGĐ Sở;", "Các đơn vị trực thuộc;", "Lưu: VT, VP."],
    **KT_GD,
)

DOC6 = AdminDocument(
    issuer="ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", parent_issuer=None, place=PLACE,
    number="1502/QĐ-UBND", issued_on=D(2024, 5, 15), type_line="QUYẾT ĐỊNH",
    title="Về việc công bố danh mục thủ tục hành chính được sửa đổi, bổ sung trong lĩnh vực hộ tịch "
    "thuộc phạm vi chức năng quản lý của Sở Tư pháp tỉnh Đồng Nai",
    body=[
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI",
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ về kiểm soát thủ tục hành chính;",
        "Căn cứ Thông tư số 01/2023/TT-VPCP ngày 05/4/2023 của Văn phòng Chính phủ quy định một số nội "
        "dung và biện pháp thi hành trong số hóa hồ sơ, kết quả giải quyết thủ tục hành chính;",
        "Theo đề nghị của Giám đốc Sở Tư pháp tại Tờ trình số 96/TTr-STP ngày 06/5/2024.",
        "QUYẾT ĐỊNH:",
        "Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính được sửa đổi, bổ sung "
        "trong lĩnh vực hộ tịch thuộc phạm vi chức năng quản lý của Sở Tư pháp tỉnh Đồng Nai.",
        "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký. Sở Tư pháp có trách nhiệm cập nhật "
        "thủ tục hành chính vào Cơ sở dữ liệu quốc gia về thủ tục hành chính và niêm yết, công khai "
        "theo quy định.",
        "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Tư pháp, Chủ tịch UBND các huyện, thành phố "
        "và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.",
    ],
    signing_mode="KT.", signer_title="CHỦ TỊCH", deputy_title="PHÓ CHỦ TỊCH", signer_name="Trần Quốc Bảo",
    recipients=["Như Điều 3;", "Cục KSTTHC (VPCP);", "Chủ tịch, các PCT UBND tỉnh;", "Lưu: VT, KSTTHC."],
)

DOC7 = stp(
    "150/BC-STP", D(2024, 7, 20), "BÁO CÁO",
    "Tình hình tuyển dụng, sử dụng công chức theo vị trí việc làm năm 2024",
    [
        "Thực hiện Công văn của Sở Nội vụ về việc báo cáo tình hình tuyển dụng, sử dụng công chức theo "
        "vị trí việc làm, Sở Tư pháp báo cáo như sau:",
        "I. TÌNH HÌNH BIÊN CHẾ VÀ VỊ TRÍ VIỆC LÀM",
        "Năm 2024, Sở Tư pháp được giao 38 biên chế công chức; số công chức có mặt là 36 người, bố trí "
        "vào 24 vị trí việc làm theo Đề án vị trí việc làm đã được UBND tỉnh phê duyệt.",
        "II. CÔNG TÁC TUYỂN DỤNG, SỬ DỤNG CÔNG CHỨC",
        "Trong năm, Sở đã tuyển dụng 02 công chức thông qua thi tuyển, bố trí đúng vị trí việc làm dự "
        "tuyển; không có trường hợp bố trí công chức trái chuyên môn, nghiệp vụ.",
        "III. KIẾN NGHỊ",
        "Đề nghị Sở Nội vụ tham mưu UBND tỉnh bổ sung biên chế cho các vị trí việc làm còn thiếu.",
    ],
    recipients=["Sở Nội vụ;", "Giám đốc Sở;", "Lưu: VT, VP."],
)

EVIDENCE = [
    Evidence("01-KH-CCHC-2024.pdf", DOC1, scan=True, seed=101, skew=0.7),
    Evidence("02-BC-CCHC-quy-I-2024.pdf", DOC2, scan=False),
    Evidence("03-BC-CCHC-6-thang-2024.pdf", DOC3, scan=True, seed=103, skew=0.5),
    Evidence("04-BC-CCHC-nam-2024.pdf", DOC4, scan=True, seed=104, skew=0.6, red_seal=True),
    Evidence("05-KH-kiem-tra-CCHC.pdf", DOC5, scan=False),
    Evidence("06-QD-cong-bo-TTHC.pdf", DOC6, scan=True, seed=106, skew=0.8),
    Evidence("07-BC-vi-tri-viec-lam-2024.pdf", DOC7, scan=False),
]


def _norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).split())


def page_of(pdf: bytes, sentence: str) -> int:
    """1-based page of the born-digital rendering on which ``sentence`` starts and ends."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        for i, page in enumerate(doc):
            if _norm(sentence) in _norm(page.get_text()):
                return i + 1
    raise AssertionError(f"sentence split across pages or missing: {sentence[:50]}")


# ----------------------------------------------------------------------------- sheet

FIELDS = [
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", [
        ("1.1", "Kế hoạch cải cách hành chính năm", ["1.1.1", "1.1.2"]),
        ("1.2", "Báo cáo cải cách hành chính", ["1.2.1"]),
        ("1.3", "Kiểm tra cải cách hành chính", ["1.3.1", "1.3.2"]),
    ]),
    ("3", "Cải cách thủ tục hành chính", [
        ("3.1", "Công bố, công khai thủ tục hành chính", ["3.1.1"]),
        ("3.2", "Kết quả giải quyết thủ tục hành chính", ["3.2.1", "3.2.2"]),
    ]),
    ("5", "Cải cách chế độ công vụ", [
        ("5.1", "Vị trí việc làm", ["5.1.1"]),
    ]),
    ("7", "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số", [
        ("7.1", "Cung cấp dịch vụ công trực tuyến và văn bản điện tử", ["7.1.1", "7.1.2"]),
    ]),
]

SUB_TITLES = {
    "1.1.1": "Ban hành kế hoạch CCHC năm",
    "1.1.2": "Mức độ thực hiện kế hoạch CCHC",
    "1.2.1": "Báo cáo CCHC định kỳ đúng hạn",
    "1.3.1": "Ban hành kế hoạch kiểm tra CCHC",
    "1.3.2": "Tỷ lệ đơn vị trực thuộc được kiểm tra",
    "3.1.1": "Công bố, công khai TTHC",
    "3.2.1": "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
    "3.2.2": "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC",
    "5.1.1": "Tuyển dụng, sử dụng công chức đúng vị trí việc làm",
    "7.1.1": "Tỷ lệ hồ sơ TTHC trực tuyến toàn trình",
    "7.1.2": "Tỷ lệ văn bản điện tử gửi, nhận",
}


def claims(page_plan: int, page_inspect: int) -> dict[str, tuple]:
    """code -> (max, self score, self-reported value, TLKC cell, giải trình)."""
    return {
        "1.1.1": (1, 1, None, "Kế hoạch số 15/KH-STP ngày 20/02/2024", None),
        "1.1.2": (2, 2, "92,59%", f"Báo cáo số 298/BC-STP ngày 06/12/2024 (trang {page_plan}, mục I)", None),
        "1.2.1": (1, 1, None, "38/BC-STP ngày 12/3/2024;\n112/BC-STP ngày 10/6/2024;\n"
                  "205/BC-STP ngày 12/9/2024;\n298/BC-STP ngày 06/12/2024", None),
        "1.3.1": (1, 1, None, "Kế hoạch số 20/KH-STP ngày 15/02/2024", None),
        "1.3.2": (1, 1, "40%", f"298/BC-STP, trang {page_inspect}", None),
        "3.1.1": (1, 1, None, "Quyết định số 1502/QĐ-UBND ngày 15/5/2024 của UBND tỉnh", None),
        "3.2.1": (2, 2, "100%", "298/BC-STP", None),
        "3.2.2": (1, 1, "85,2%", "04-BC-CCHC-nam-2024.pdf", None),
        "5.1.1": (1, 1, None, "07-BC-vi-tri-viec-lam-2024.pdf", None),
        "7.1.1": (1, 1, "56,1%", "298/BC-STP", None),
        "7.1.2": (1, 1, "98,5%", "298/BC-STP", None),
    }


HEADER = ["STT", "Mã tiêu chí", "Nội dung", "Điểm tối đa", "Điểm tự đánh giá", "Giá trị tự báo cáo",
          "Tài liệu kiểm chứng", "Giải trình"]
WIDTHS = [7, 11, 48, 10, 11, 13, 44, 24]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
FIXED_TS = datetime.datetime(2024, 12, 10, 8, 0, 0)


def build_sheet(rows_claims: dict[str, tuple]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "TuDanhGia"
    bold = Font(name="Times New Roman", bold=True, size=12)
    normal = Font(name="Times New Roman", size=12)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ncol = len(HEADER)

    ws["A1"] = PARENT
    ws["A1"].font = normal
    ws["A2"] = ISSUER
    ws["A2"].font = bold
    ws["A3"] = "BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024"
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=ncol)
    ws["A3"].font = Font(name="Times New Roman", bold=True, size=14)
    ws["A3"].alignment = Alignment(horizontal="center", vertical="center")
    ws["A4"] = "Đơn vị: Sở Tư pháp tỉnh Đồng Nai"
    ws["A5"] = "Năm đánh giá: 2024"
    ws["A4"].font = ws["A5"].font = normal
    for c, h in enumerate(HEADER, start=1):
        cell = ws.cell(row=7, column=c, value=h)
        cell.font = bold
        cell.alignment = center
        cell.border = border
    for c, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(64 + c)].width = w
    ws.row_dimensions[7].height = 32

    r = 8
    for fi, (fcode, ftitle, crits) in enumerate(FIELDS):
        fmax = sum(rows_claims[s][0] for _, _, subs in crits for s in subs)
        _row(ws, r, [ROMAN[fi], fcode, ftitle, fmax, None, None, None, None], bold, border, wrap)
        r += 1
        for ci, (ccode, ctitle, subs) in enumerate(crits, start=1):
            cmax = sum(rows_claims[s][0] for s in subs)
            _row(ws, r, [str(ci), ccode, ctitle, cmax, None, None, None, None], bold, border, wrap)
            r += 1
            for si, scode in enumerate(subs):
                mx, score, value, tlkc, note = rows_claims[scode]
                _row(ws, r, [chr(97 + si), scode, SUB_TITLES[scode], mx, score, value, tlkc, note],
                     normal, border, wrap)
                if tlkc and "\n" in tlkc:
                    ws.row_dimensions[r].height = 16 * (tlkc.count("\n") + 1)
                r += 1
    total = sum(v[0] for v in rows_claims.values())
    total_self = sum(v[1] for v in rows_claims.values())
    _row(ws, r, [None, None, "TỔNG CỘNG", total, total_self, None, None, None], bold, border, wrap)
    ws.freeze_panes = "A8"
    wb.properties.creator = "Sở Tư pháp tỉnh Đồng Nai"
    wb.properties.created = FIXED_TS
    wb.properties.modified = FIXED_TS
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue())


def _row(ws, r, values, font, border, align):
    for c, v in enumerate(values, start=1):
        cell = ws.cell(row=r, column=c, value=v)
        cell.font = font
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True) if c in (1, 2, 4, 5, 6) else align


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite an .xlsx with fixed member timestamps and fixed core-property dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                              r"\g<1>2024-12-10T08:00:00Z\g<2>", text)
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 12, 10, 8, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


# ----------------------------------------------------------------------------- OCR check


def expected_ocr(ev: Evidence) -> list[str]:
    d = ev.doc
    from tests.support.docgen import date_line

    exp = [f"Số: {d.number}", date_line(d.place, d.issued_on)]
    if ev.filename.startswith("04-"):
        exp += ["25/27", "92,59%", "4/10", "40%", "12.486", "97,35%", "85,20%", "56,10%", "98,5%"]
    return exp


def ocr_page(page: pymupdf.Page) -> str:
    png = page.get_pixmap(dpi=300, colorspace=pymupdf.csGRAY).tobytes("png")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    res = subprocess.run(["tesseract", "stdin", "stdout", "-l", "vie"], input=png, capture_output=True,
                         env=env, check=True, timeout=300)
    return unicodedata.normalize("NFC", res.stdout.decode("utf-8"))


def verify_ocr(out_dir: Path) -> bool:
    ok_all = True
    for ev in EVIDENCE:
        if not ev.scan:
            continue
        with pymupdf.open(out_dir / ev.filename) as doc:
            texts = [ocr_page(p) for p in doc]
        flat = [_norm(t) for t in texts]
        whole = " ".join(flat)
        for exp in expected_ocr(ev):
            pages = [i + 1 for i, t in enumerate(flat) if _norm(exp) in t]
            ok = bool(pages)
            ok_all &= ok
            print(f"  {ev.filename}: {'OK ' if ok else 'MISS'} {exp!r} page(s) {pages}")
        if ev.filename.startswith("04-"):
            for sentence in FIGURES:
                ok = _norm(sentence) in whole
                print(f"  {ev.filename}: full sentence {'exact' if ok else 'NOT exact'}: {sentence[:60]}...")
    return ok_all


# ----------------------------------------------------------------------------- main


def build(out_dir: Path = OUT) -> dict[str, int]:
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, int] = {}
    born4 = render_pdf(DOC4)
    page_plan, page_inspect = page_of(born4, FIG_PLAN), page_of(born4, FIG_INSPECT)
    with pymupdf.open(stream=born4, filetype="pdf") as d4:
        assert d4.page_count == 2, f"file 04 must have 2 pages, has {d4.page_count}"
    assert page_plan == 1 and page_inspect == 2, (page_plan, page_inspect)
    for ev in EVIDENCE:
        pdf = render_pdf(ev.doc)
        if ev.scan:
            pdf = rasterize_scan(pdf, skew_deg=ev.skew, seed=ev.seed, red_seal=ev.red_seal, **SCAN)
        (out_dir / ev.filename).write_bytes(pdf)
        sizes[ev.filename] = len(pdf)
    sheet = build_sheet(claims(page_plan, page_inspect))
    (out_dir / "00-bang-tu-danh-gia-2024.xlsx").write_bytes(sheet)
    sizes["00-bang-tu-danh-gia-2024.xlsx"] = len(sheet)
    return dict(sorted(sizes.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--verify-ocr", action="store_true", help="OCR every scan page and check numbers/figures")
    args = ap.parse_args(argv)
    sizes = build(args.out)
    for name, n in sizes.items():
        print(f"{n / 1024:8.1f} KB  {name}")
    print(f"{sum(sizes.values()) / 1024:8.1f} KB  total")
    if args.verify_ocr:
        return 0 if verify_ocr(args.out) else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
