from extractors.issuers import initials
from extractors.normalize import fix_chars
from extractors.references import find_references, scan_references
from tests.extractors.helpers import ocr_page


def _disagrees(text: str, number: str, issuers: list[str]) -> str | None:
    """What the reference scan says of ``number``'s issuer codes (it skips the date stated with the
    citation before reading the body named after it)."""
    (raw,) = [r for r in scan_references(fix_chars(text), own="") if r.parts.canonical == number]
    assert raw.parts.issuers == issuers
    return raw.parts.named_body


def test_initials_of_a_body_as_its_symbol_writes_them():
    assert initials("ĐOÀN CHỦ TỊCH ỦY BAN TRUNG ƯƠNG") == "DCTUBTW"
    assert initials("Bộ Nông nghiệp và Môi trường") == "BNNMT"
    assert initials("Bộ Lao động - Thương binh và Xã hội") == "BLDTBXH"


def test_issuer_code_that_is_not_the_body_named_after_the_citation_disagrees():
    text = "Căn cứ Thông tư số 12/2025/TT-BTP ngày 5 tháng 3 năm 2025 của Bộ trưởng Bộ Tài chính quy định"
    assert _disagrees(text, "12/2025/TT-BTP", ["BTP"]) is not None
    text = "theo Thông tư số 01/2020/TT-BCA ngày 05/5/2020 của Thống đốc Ngân hàng Nhà nước Việt Nam"
    assert _disagrees(text, "01/2020/TT-BCA", ["BCA"]) is not None


def test_bodies_that_agree_or_are_unknown_or_absent_say_nothing():
    agree = [
        ("Căn cứ Thông tư số 12/2025/TT-BTC ngày 5 tháng 3 năm 2025 của Bộ trưởng Bộ Tài chính", "12/2025/TT-BTC", ["BTC"]),
        ("Nghị định số 15/2020/NĐ-CP ngày 03/02/2020 của Chính phủ quy định", "15/2020/NĐ-CP", ["CP"]),
        ("Quyết định số 12/2021/QĐ-TTg ngày 5/5/2021 của Thủ tướng Chính phủ về", "12/2021/QĐ-TTg", ["TTg"]),
        ("Thông tư liên tịch số 96/2014/TTLT-BTC-BCA ngày 5 tháng 3 năm 2014 của Bộ trưởng Bộ Tài chính và "
         "Bộ trưởng Bộ Công an", "96/2014/TTLT-BTC-BCA", ["BTC", "BCA"]),
        ("Quyết định số 12/2021/QĐ-UBND ngày 5/5/2021 của Ủy ban nhân dân tỉnh Đồng Nai", "12/2021/QĐ-UBND", ["UBND"]),
        ("Luật số 64/2025/QH15 của Quốc hội", "64/2025/QH15", ["QH15"]),
        # a body the tables do not know, and a clause that names none
        ("Quyết định số 5/2021/QĐ-BTC ngày 5/5/2021 của Hiệp hội ngân hàng", "5/2021/QĐ-BTC", ["BTC"]),
        ("Thông tư số 12/2025/TT-BTP hướng dẫn trách nhiệm của Bộ Tài chính", "12/2025/TT-BTP", ["BTP"]),
    ]
    for text, number, issuers in agree:
        assert _disagrees(text, number, issuers) is None, text


def test_a_reference_whose_issuer_disagrees_with_its_named_body_needs_review_on_any_page():
    text = "Căn cứ Thông tư số 12/2025/TT-BTP ngày 5 tháng 3 năm 2025 của Bộ trưởng Bộ Tài chính;"
    (raw,) = scan_references(fix_chars(text))
    assert raw.parts.canonical == "12/2025/TT-BTP" and raw.parts.named_body
    (ref,) = find_references(ocr_page(text))
    assert ref.number == "12/2025/TT-BTP" and ref.needs_review  # reported as read, flagged
    ok = find_references(ocr_page(text.replace("TT-BTP", "TT-BTC")))
    assert [r.needs_review for r in ok] == [False]
