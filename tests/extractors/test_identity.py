import pytest

from extractors import read_identity
from tests.extractors.helpers import ocr_page, text_page

PLAN = """UBND TỈNH ĐỒNG NAI
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ TƯ PHÁP
Độc lập - Tự do - Hạnh phúc
Số: 15/KH-STP
Đồng Nai, ngày 20 tháng 02 năm 2024
KẾ HOẠCH
Cải cách hành chính năm 2024 của Sở Tư pháp
Căn cứ Quyết định số 1143/QĐ-UBND ngày 24/4/2024 của UBND tỉnh;
"""
SIGN = """Nơi nhận:
KT. GIÁM ĐỐC
- UBND tỉnh (b/c);
PHÓ GIÁM ĐỐC
- Sở Nội vụ;
- Lưu: VT, VP.
Nguyễn Văn An
"""


def test_plan_header_interleaved():
    ident = read_identity([text_page(PLAN + "\n" + SIGN)])
    assert ident.number == "15/KH-STP"
    assert (ident.issuer, ident.parent_issuer) == ("SỞ TƯ PHÁP", "UBND TỈNH ĐỒNG NAI")
    assert (ident.place, ident.issued_on) == ("Đồng Nai", "2024-02-20")
    assert (ident.doc_type, ident.doc_type_code) == ("Kế hoạch", "KH")
    assert ident.title == "Cải cách hành chính năm 2024 của Sở Tư pháp"
    assert (ident.signer, ident.signing_mode) == ("Nguyễn Văn An", "KT.")
    assert ident.recipients == ["UBND tỉnh (b/c)", "Sở Nội vụ", "Lưu: VT, VP"]
    assert ident.copy_signed_at is None
    f = ident.fields["number"]
    assert PLAN[f.start:f.end] == "15/KH-STP" and f.confidence == 1.0
    assert set(ident.confidence) >= {"number", "issuer", "issued_on", "doc_type", "title"}


def test_columns_in_other_order():
    text = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Đồng Nai, ngày 20 tháng 02 năm 2024
UBND TỈNH ĐỒNG NAI
SỞ NỘI VỤ
Số: 144/BC-SNV
BÁO CÁO
Kết quả thực hiện công tác cải cách hành chính năm 2024
I. KẾT QUẢ"""
    ident = read_identity([text_page(text)])
    assert (ident.number, ident.issuer, ident.parent_issuer) == ("144/BC-SNV", "SỞ NỘI VỤ", "UBND TỈNH ĐỒNG NAI")
    assert (ident.doc_type, ident.issued_on) == ("Báo cáo", "2024-02-20")
    assert ident.title == "Kết quả thực hiện công tác cải cách hành chính năm 2024"


def test_cong_van_with_vv():
    text = """UBND TỈNH ĐỒNG NAI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc
Số: 2231/SNV-CCHC&PC Đồng Nai, ngày 05 tháng 7 năm 2023
V/v hướng dẫn tự đánh giá
chỉ số CCHC năm 2023
Kính gửi: Các sở, ban, ngành"""
    ident = read_identity([text_page(text)])
    assert ident.number == "2231/SNV-CCHC&PC"
    assert ident.doc_type == "Công văn"
    assert ident.place == "Đồng Nai" and ident.issued_on == "2023-07-05"
    assert ident.title == "hướng dẫn tự đánh giá chỉ số CCHC năm 2023"
    assert ident.issuer == "SỞ NỘI VỤ"


def test_copy_stamp_is_never_issue_date():
    text = PLAN + SIGN + "SAO Y\nỦy ban nhân dân thành phố Đà Nẵng\nThời gian ký: 19/10/2023 10:56:22 +07:00\n"
    ident = read_identity([text_page(text)])
    assert ident.copy_signed_at == "2023-10-19T10:56:22+07:00"
    assert ident.issued_on == "2024-02-20"


def test_signature_tm_on_last_page():
    p1 = text_page(PLAN, 1)
    p2 = text_page("... nội dung ...\nNơi nhận:\n- Như trên;\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nTrần Văn Bình", 2)
    ident = read_identity([p1, p2])
    assert (ident.signing_mode, ident.signer) == ("TM.", "Trần Văn Bình")
    assert ident.fields["signer"].page == 2


def test_ocr_low_confidence_number_needs_review():
    ident = read_identity([ocr_page(PLAN, low={"15/KH-STP": 0.3})])
    assert ident.number == "15/KH-STP"
    assert ident.fields["number"].needs_review is True
    assert ident.confidence["number"] == pytest.approx(0.3)
    assert ident.fields["issuer"].needs_review is False


def test_no_header_invents_nothing():
    ident = read_identity([text_page("Chương 1\nNHỮNG QUY ĐỊNH CHUNG\nĐiều 1\nLuật này quy định ...")])
    assert ident.number is None and ident.issuer is None and ident.issued_on is None
