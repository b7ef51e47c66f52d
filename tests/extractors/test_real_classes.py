"""Failure classes seen on real documents (issue #11), each from a short made-up example."""

from bench.refgold import reference_gold
from extractors import read_identity
from extractors.normalize import fix_chars
from extractors.references import find_references, scan_references
from tests.extractors.helpers import ocr_page, text_page

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
    assert _refs("theo văn bản số 04b/KB ngày 3 tháng 4") == [("04b/KB", True)]
    assert _refs("GIẤY ĐỀ NGHỊ\n04b/KB Số chứng từ") == []  # no "số" or type word before it: a form's code


def test_yearless_one_code_number_is_a_document_only_after_so_or_a_type_word():
    # the form and table codes of annexes ("Tờ khai 01/TNCN") are not documents; an old decree is
    assert _refs("Tờ khai 01/TNCN, tờ khai 02/LPTB nộp cho cơ quan thuế") == []
    assert _refs("Nghị định số 25/\nCP ngày 5 tháng 4 năm 1993") == [("25/CP", False)]
    assert _refs("Quyết định 118/TTg ngày 27 tháng 2") == [("118/TTg", False)]
    assert _refs("Văn bản số 815/UBKTNS15 ngày 01/8/2025") == [("815/UBKTNS15", False)]
    # a known issuer's code with nothing before it may be either: kept, for review
    assert _refs("theo quy định tại 12/CP về chế độ") == [("12/CP", True)]
    assert _refs("Tờ khai 01/LPTB-X") == [("01/LPTB-X", False)]  # two codes: a symbol, as before


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


# --- classes found on the laws development part and by breaking DEV/laws citations at each separator


def test_gold_reads_a_legislature_term_printed_after_a_space():
    # a law's own header "Luật số: 21/2005/QH 11": the gold must not take "21/2005/QH" for a citation
    text = "QUỐC HỘI\nLuật số: 21/2005/QH 11\nCăn cứ Luật số 12/2003/QH 11 và Luật số 40/2004/QH11;"
    assert [g.number for g in reference_gold(text, {"21/2005/QH11"})] == ["12/2003/QH11", "40/2004/QH11"]


def test_legislature_term_broken_at_its_hyphen_stays_with_its_code():
    for text in ("theo Luật Thuế số 31/2012/QH-\n13 ngày 5 tháng 6", "theo Luật Thuế số 31/2012/QH- \n13 ngày",
                 "theo Luật Thuế số 31/2012/QH-13 ngày"):
        assert _refs(text) == [("31/2012/QH13", False)], text


def test_normative_number_cut_before_its_legislature_term_needs_review():
    assert _refs("căn cứ Luật số 31/2012/QH ngày 5 tháng 6") == [("31/2012/QH", True)]


def test_yearless_single_capitals_code_after_so_broken_at_the_slash_is_one_number():
    assert _refs("theo Thông tư liên bộ số 17/\nTTLB ngày 3 tháng 5") == [("17/TTLB", False)]
    assert _refs("Văn bản số 815/\nUBKTNS15 ngày 01/8/2025") == [("815/UBKTNS15", False)]
    assert _refs("Điều 11/\nDi chuyển") == []  # a mixed-case word is not a code
    assert _refs("trong bảng 04/\nUBND ngày") == []  # not after "số": a table's cells


def test_party_style_number_with_a_code_off_the_tables_broken_at_its_hyphen_is_one_number():
    # the code is not a type of the tables, but it is whole on the next line, in capitals,
    # with its slash, and "số" stands before the number: the pieces only make sense together
    assert _refs("Căn cứ Quy định số 27-\nBCĐ/TW ngày 5/5/2021") == [("27-BCĐ/TW", False)]
    assert _refs("Căn cứ Quy định số 27-BCĐ/TW ngày 5/5/2021") == [("27-BCĐ/TW", False)]
    assert _refs("Thực hiện văn bản số 123-\nUBND/VX của Ủy ban") == [("123-UBND/VX", False)]
    # no anchor before the number: a range or a table's cells, not one number
    assert _refs("giai đoạn 2021-\nUBND/VX") == []
    assert _refs("Điều 18-\nDi/chuyển") == []


def test_normative_number_with_a_type_code_and_no_issuer_needs_review():
    # a paragraph break inside the symbol ("…/TT-⏎⏎BTP") leaves "…/TT": not what was issued
    assert _refs("SỬA ĐỔI THÔNG TƯ SỐ 07/2016/TT-\n\nBTP CỦA BỘ TRƯỞNG") == [("07/2016/TT", True)]
    assert _refs("theo Thông tư số 07/2016/TT-BTP ngày 1/6/2016") == [("07/2016/TT-BTP", False)]


def test_header_number_whose_legislature_term_misses_its_year_needs_review():
    # a text layer is trusted for codes, but a term that does not sit in the year is a misprint
    head = "QUỐC HỘI\nLuật số: {n}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n" \
           "Hà Nội, ngày 20 tháng 11 năm 2019\nLUẬT\nTHỬ NGHIỆM\nCăn cứ Hiến pháp;"
    bad = read_identity([text_page(head.format(n="45/2019/QH15"))])
    assert bad.number == "45/2019/QH15" and bad.fields["number"].needs_review
    assert any("QH15 does not sit in 2019" in n for n in bad.notes)
    cut = read_identity([text_page(head.format(n="45/2019/QH4"))])
    assert cut.number == "45/2019/QH14" and cut.fields["number"].needs_review
    assert any("QH4 restored as QH14" in n for n in cut.notes)
    good = read_identity([text_page(head.format(n="45/2019/QH14"))])
    assert good.number == "45/2019/QH14" and not good.fields["number"].needs_review


def test_decoration_read_as_gibberish_after_the_issuing_body_is_dropped():
    # OCR of the "******" rule beside the body's name: lower-case letters glued to digits and symbols
    for body in ("BỘ TƯ PHÁP x3 3⁄c3kk ek€", "BỘ TƯ PHÁP tk 3 3kc3k s‡€", "BỘ TƯ PHÁP 3k c3 sức"):
        ident = read_identity([text_page(HEADER.format(body=body, number="12/2025/TT-BTP", kind="THÔNG TƯ"))])
        assert ident.issuer == "BỘ TƯ PHÁP", body
    assert ident.number == "12/2025/TT-BTP" and not ident.fields["number"].needs_review
    plain = read_identity([text_page(HEADER.format(body="BỘ TƯ PHÁP", number="12/2025/TT-BTP", kind="THÔNG TƯ"))])
    assert plain.issuer == "BỘ TƯ PHÁP"
    unit = read_identity([text_page(HEADER.format(body="CÔNG AN TỈNH BẮC NINH\nPHÒNG PC06", number="15/KH-PC06",
                                                  kind="KẾ HOẠCH"))])
    assert unit.issuer == "PHÒNG PC06"  # a unit code in capitals is part of the name


def test_header_date_digits_split_by_ocr_are_joined_and_flagged():
    # Tesseract splits "11" into "1 1" or reads its second 1 as "!": the date is not lost, but a person looks
    base = "QUỐC HỘI\nLuật số: 45/2019/QH14\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n" \
           "Hà Nội, ngày {d} tháng {m} năm 2019\nLUẬT\nTHỬ NGHIỆM\nCăn cứ Hiến pháp;"
    for d, m in (("20", "1 1"), ("20", "1 !"), ("2 0", "11")):
        ident = read_identity([text_page(base.format(d=d, m=m))])
        assert ident.issued_on == "2019-11-20", (d, m)
        assert ident.fields["issued_on"].needs_review
    clean = read_identity([text_page(base.format(d="20", m="11"))])
    assert clean.issued_on == "2019-11-20" and not clean.fields["issued_on"].needs_review
    assert read_identity([text_page(base.format(d="5", m="3"))]).issued_on == "2019-03-05"


def test_signing_title_damaged_by_a_seal_still_gives_the_signer_flagged():
    # the seal over the title's first letters: "CHỦ TỊCH" read "SHỦ TỊCH", "Ủ TỊCH", "ọc s CNỦ TỊCH"
    head = HEADER.format(body="ỦY BAN NHÂN DÂN\nTỈNH BÌNH PHƯỚC", number="21/2025/QĐ-UBND", kind="QUYẾT ĐỊNH")
    for title in ("SHỦ TỊCH", "Ủ TỊCH UBND TỈNH", "ọc s CNỦ TỊCH"):
        ident = read_identity([text_page(head + f"Điều 1. Thử.\nNơi nhận:\n- Như Điều 3;\n{title}\nTrần Văn Bình\n")])
        assert ident.signer == "Trần Văn Bình", title
        assert ident.fields["signer"].needs_review, title
    clean = read_identity([text_page(head + "Điều 1. Thử.\nNơi nhận:\n- Như Điều 3;\nCHỦ TỊCH\nTrần Văn Bình\n")])
    assert clean.signer == "Trần Văn Bình" and not clean.fields["signer"].needs_review
    # an upper-case line that is not a position is no title: no signer from a byline under it
    other = read_identity([text_page(head + "Điều 1. Thử.\nBAN BIÊN TẬP\nTrần Văn Bình\n")])
    assert other.signer is None


def test_legislature_term_that_lost_its_leading_digit_is_restored_from_the_year_for_review():
    # scans drop the 1 of QH15 ("85/2025/QH5"): the only term ending in 5 that sat in 2025 is the 15th
    lost = find_references(ocr_page("căn cứ Luật số 85/2025/QH5 ngày 25 tháng 6 năm 2025;"))[0]
    assert lost.number == "85/2025/QH15" and lost.needs_review
    for raw, want in (("6/2013/UBTVQH3", "6/2013/UBTVQH13"), ("28/2005/PL-UBTVQH1", "28/2005/PL-UBTVQH11"),
                      ("5/2008/NQ-UBTVQH2", "5/2008/NQ-UBTVQH12")):
        r = find_references(ocr_page(f"theo văn bản số {raw} ngày 3 tháng 4"))[0]
        assert (r.number, r.needs_review) == (want, True), raw
    typo = find_references(text_page("căn cứ Luật số 85/2025/QH5 ngày 25 tháng 6 năm 2025;"))[0]
    assert typo.number == "85/2025/QH15" and typo.needs_review  # printed so: a repair all the same
    never = find_references(ocr_page("căn cứ Luật số 85/2025/QH55 ngày 25 tháng 6;"))[0]
    assert never.number == "85/2025/QH55" and never.needs_review  # no term 55, none to restore
    kept = find_references(ocr_page("căn cứ Luật số 85/2025/QH15 ngày 25 tháng 6 năm 2025;"))[0]
    assert kept.number == "85/2025/QH15" and not kept.needs_review
    old = find_references(ocr_page("Luật số 76/1975/QH5 ngày 3 tháng 6 năm 1975"))[0]
    assert not old.needs_review  # the fifth term sat in 1975
