"""Failure classes seen on real documents (issue #11), each from a short made-up example."""

from extractors import read_identity
from extractors.normalize import fix_chars
from extractors.references import scan_references
from tests.extractors.helpers import text_page
from bench.refgold import reference_gold

HEADER = """{body}
Số: {number}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 12 tháng 3 năm 2025
{kind}
Quy định về việc thử nghiệm
Căn cứ Luật số 10/2024/QH15;
"""


def _refs(text: str) -> list[tuple[str, bool]]:
    return [(r.parts.canonical, r.parts.repaired) for r in scan_references(fix_chars(text))]


def test_space_before_the_hyphen_of_a_symbol_is_one_number():
    assert _refs("thay thế Thông tư số 07/2021/TT -BKH ngày 2/4/2021") == [("07/2021/TT-BKH", False)]


def test_capitalised_word_after_a_year_is_no_code():
    assert _refs("ngày 5 tháng 6 năm 2019 /Pursuant to Article 4 of Law 12/2019/QH14") == [("12/2019/QH14", False)]


def test_number_cut_at_a_glued_underscore_needs_review():
    assert _refs("theo Nghị định số 41/2022/NĐ_CP ngày 3") == [("41/2022/NĐ", True)]


def test_yearless_form_code_with_a_second_slash_and_its_list_are_no_references():
    text = "nộp theo các mẫu số\n21/BC-KHO/TCHQ, 21b/BCSP-TCHQ và 22/ĐM-TCHQ Phụ lục II; Quyết định số 5/QĐ-BTC"
    assert _refs(text) == [("5/QĐ-BTC", False)]
    assert [g.number for g in reference_gold(text, set())] == ["5/QĐBTC"]


def test_letter_suffixed_yearless_number_needs_review():
    assert _refs("GIẤY ĐỀ NGHỊ\n04b/KB Số chứng từ") == [("04b/KB", True)]


def test_gold_reads_a_hyphenated_legislature_term():
    assert [g.number for g in reference_gold("Luật Đất đai số 31/2024/QH-15 ngày", set())] == ["31/2024/QH15"]


def test_issuer_code_that_misses_a_letter_of_the_header_body_needs_review():
    page = text_page(HEADER.format(body="ỦY BAN TRUNG ƯƠNG\nMẶT TRẬN TỔ QUỐC VIỆT NAM",
                                   number="07/2025/NQ-UBTWMTQVN", kind="NGHỊ QUYẾT"))
    ident = read_identity([page])
    assert ident.number == "07/2025/NQ-UBTWMTQVN"
    assert ident.fields["number"].needs_review
    assert any("issuer code" in n for n in ident.notes)


def test_issuer_codes_matching_the_header_stay_confident():
    for body, number, kind in (("BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "08/2025/TT-BNNMT", "THÔNG TƯ"),
                               ("CHÍNH PHỦ", "30/2025/NĐ-CP", "NGHỊ ĐỊNH"),
                               ("THỦ TƯỚNG CHÍNH PHỦ", "12/2025/QĐ-TTg", "QUYẾT ĐỊNH"),
                               ("ỦY BAN NHÂN DÂN\nTỈNH ĐỒNG NAI", "15/2025/QĐ-UBND", "QUYẾT ĐỊNH")):
        ident = read_identity([text_page(HEADER.format(body=body, number=number, kind=kind))])
        assert ident.number == number
        assert not ident.fields["number"].needs_review, (number, ident.notes)


def test_issuer_code_of_another_body_needs_review():
    ident = read_identity([text_page(HEADER.format(body="BỘ TÀI CHÍNH", number="09/2025/TT-BCA", kind="THÔNG TƯ"))])
    assert ident.fields["number"].needs_review
