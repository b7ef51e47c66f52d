import pytest
import yaml

from extractors import canonical_number, doc_type_name, find_references, number_key
from extractors.references import find_document_references, join_page_breaks
from tests.extractors.helpers import GOLD, ocr_page, text_page


@pytest.mark.parametrize("raw, expected", [
    ("1143/QĐ-UBND", "1143/QĐ-UBND"),
    ("số 12/KH-STP", "12/KH-STP"),
    ("12 /KH- STP", "12/KH-STP"),
    ("383/BNV-CCHC", "383/BNV-CCHC"),
    ("2231/SNV-CCHC&PC", "2231/SNV-CCHC&PC"),
    ("115/CV-PA83", "115/CV-PA83"),
    ("137/2024/NĐ-CP", "137/2024/NĐ-CP"),
    ("45/2019/QH14", "45/2019/QH14"),
    ("01/2015/TTLT-BNV-BTC", "01/2015/TTLT-BNV-BTC"),
    ("03/VBHN-VPQH", "03/VBHN-VPQH"),
    ("10-NQ/BCSĐ", "10-NQ/BCSĐ"),
    ("29-NQ/TW", "29-NQ/TW"),
    ("496-TB/TU", "496-TB/TU"),
    ("30c/NQ-CP", "30c/NQ-CP"),
    ("Luật số 92/2015/QH13", "92/2015/QH13"),
    ("Bộ luật số: 45/2019/QH14", "45/2019/QH14"),
    ("107/202 1/NĐ-CP", "107/2021/NĐ-CP"),
    ("45/2020/NĐ- CP", "45/2020/NĐ-CP"),
    ("01/2001/TTLT- TAND- VKS", "01/2001/TTLT-TAND-VKS"),
    ("_12/KH-UBND", "12/KH-UBND"),
    ("673/QĐUBND", "673/QĐ-UBND"),
    ("82/2005-QĐ-UBND", "82/2005/QĐ-UBND"),
    ("12/QĐ-TTG", "12/QĐ-TTg"),
    ("5/QYĐ-UBND", "5/QyĐ-UBND"),
    ("7/CTR-UBND", "7/CTr-UBND"),
    ("9/TTR-SNV", "9/TTr-SNV"),
    ("5/QÐ-UBND", "5/QĐ-UBND"),  # Icelandic eth from OCR
    ("73/2006/QH 11", "73/2006/QH11"),
    ("12/KH-\nUBND", "12/KH-UBND"),
    ("số 107/\n2021/NĐ-CP", "107/2021/NĐ-CP"),
    ("102-SL/L-004", "102-SL/L-004"),
])
def test_canonical_number(raw, expected):
    assert canonical_number(raw) == expected


@pytest.mark.parametrize("raw", [
    "xếp thứ 46/132", "25/27 nhiệm vụ", "24/4/2024", "TCVN ISO 9001:2015", "Số 288/4 đường 30/4",
    "ngày 01-10-1997", "1.000-4.000", "CAS 25333-77-1", "2-Chloroethyl", "1- Công dân có quyền",
    "3 m3/ngày", "19/1 0/2016", "năm 2024",
])
def test_not_a_number(raw):
    assert canonical_number(raw) is None
    assert find_references(text_page(raw)) == []


def test_number_key_is_loose():
    assert number_key("1143/QĐ-UBND") == number_key("1143 / QÐ- UBND") == "1143QDUBND"
    assert number_key("QyĐ") == "QYD"


@pytest.mark.parametrize("code, name", [
    ("KH", "Kế hoạch"), ("QĐ", "Quyết định"), ("qđ", "Quyết định"), ("QyĐ", "Quy định"), ("CTr", "Chương trình"),
    ("TTr", "Tờ trình"), ("NĐ", "Nghị định"), ("TTLT", "Thông tư liên tịch"), ("VBHN", "Văn bản hợp nhất"),
    ("BC", "Báo cáo"), ("XYZ", None),
])
def test_doc_type_name(code, name):
    assert doc_type_name(code) == name


def _one(text):
    refs = find_references(text_page(text))
    assert len(refs) == 1, refs
    return refs[0]


@pytest.mark.parametrize("text, number, doc_type, code, issuers, year, issued_on", [
    ("ban hành kèm theo Quyết định số 20/QĐ-BNV ngày 12/01/2024 của Bộ trưởng", "20/QĐ-BNV", "Quyết định", "QĐ", ["BNV"], 2024, "2024-01-12"),
    ("theo Công văn số 383/BNV-CCHC ngày 05 tháng 02 năm 2024", "383/BNV-CCHC", "Công văn", None, ["BNV", "CCHC"], 2024, "2024-02-05"),
    ("quy định tại Nghị định 45/2020/NĐ-CP;", "45/2020/NĐ-CP", "Nghị định", "NĐ", ["CP"], 2020, None),
    ("theo Nghị quyết số 51/2001/QH10 ngày 25 tháng 12 năm 2001", "51/2001/QH10", "Nghị quyết", None, ["QH10"], 2001, "2001-12-25"),
    ("Luật Tổ chức chính quyền địa phương số 77/2015/QH13 như sau", "77/2015/QH13", "Luật", None, ["QH13"], 2015, None),
    ("Thông tư liên tịch số 01/2015/TTLT-BNV-BTC", "01/2015/TTLT-BNV-BTC", "Thông tư liên tịch", "TTLT", ["BNV", "BTC"], 2015, None),
    ("Nghị quyết số 29-NQ/TW ngày 01-10-1997", "29-NQ/TW", "Nghị quyết", "NQ", ["TW"], 1997, "1997-10-01"),
    ("Pháp lệnh số 10-LCT/HĐNN7 sửa đổi", "10-LCT/HĐNN7", "Lệnh", "LCT", ["HĐNN7"], None, None),
    ("Pháp lệnh Dân số số 06/2003/PL-UBTVQH11", "06/2003/PL-UBTVQH11", "Pháp lệnh", "PL", ["UBTVQH11"], 2003, None),
    ("Ngày 21/6/2024, Bộ Nội vụ ban hành Báo cáo số 3579/BC-BNV về kết quả", "3579/BC-BNV", "Báo cáo", "BC", ["BNV"], 2024, "2024-06-21"),
    ("Văn bản hợp nhất 03/VBHN-VPQH", "03/VBHN-VPQH", "Văn bản hợp nhất", "VBHN", ["VPQH"], None, None),
])
def test_reference_fields(text, number, doc_type, code, issuers, year, issued_on):
    r = _one(text)
    assert (r.number, r.doc_type, r.doc_type_code, r.issuers, r.year, r.issued_on) == (
        number, doc_type, code, issuers, year, issued_on)
    assert r.confidence == 1.0 and not r.needs_review
    assert text[r.start:r.end] == r.text


def test_span_excludes_stray_underscore_and_keeps_raw():
    r = _one("căn cứ Kế hoạch _12/KH-UBND của UBND tỉnh")
    assert r.text == "12/KH-UBND"


def test_short_repeats_resolve_and_inherit_date():
    text = ("Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ... các nhiệm vụ giao tại "
            "Nghị quyết số 76/NQ-CP; Chỉ thị số 23/CT-TTg. Nghị quyết 76/NQ-CP.")
    refs = find_references(text_page(text))
    assert [r.number for r in refs] == ["76/NQ-CP", "76/NQ-CP", "23/CT-TTg", "76/NQ-CP"]
    assert refs[0].resolved_to is None and refs[0].issued_on == "2021-07-15"
    assert refs[1].resolved_to == 0 and refs[1].issued_on == "2021-07-15" and refs[1].year == 2021
    assert refs[2].resolved_to is None
    assert refs[3].resolved_to == 0


def test_own_header_number_is_not_a_reference():
    text = "QUỐC HỘI\nSố: 47/2014/QH13\nHà Nội, ngày 16 tháng 06 năm 2014\nLUẬT\nCăn cứ Nghị quyết số 51/2001/QH10;"
    assert [r.number for r in find_references(text_page(text))] == ["51/2001/QH10"]


def test_low_confidence_digits_need_review():
    text = "theo Quyết định số 1143/QĐ-UBND ngày 24/4/2024"
    page = ocr_page(text, low={"1143/QĐ-UBND": 0.3})
    r = find_references(page)[0]
    assert r.confidence == pytest.approx(0.3)
    assert r.needs_review is True
    assert r.box is not None
    ok = find_references(ocr_page(text))[0]
    assert ok.confidence == pytest.approx(0.96) and not ok.needs_review


def test_digit_words_have_a_stricter_bar():
    r = find_references(ocr_page("Quyết định số 1143/QĐ-UBND", low={"1143/QĐ-UBND": 0.75}))[0]
    assert r.needs_review is True  # 0.75 is above 0.70 but digits need 0.80


@pytest.mark.parametrize("text, numbers", [
    # a body line wrapped before "số" near the top of a page is a reference, not the own number
    ("Luật Tổ chức chính quyền địa phương\nsố 77/2015/QH13 như sau:", ["77/2015/QH13"]),
    ("theo Luật số 31/2009/QH12 và Luật số\n35/2018/QH14 như sau:", ["31/2009/QH12", "35/2018/QH14"]),
    # header forms of the own number stay excluded
    ("QUỐC HỘI\nSố 45/2019/QH14\nHà Nội, ngày 20 tháng 11 năm 2019", []),
    ("SẮC LỆNH\nLUẬT SỐ 102-SL/L-004 NGÀY 20-5-1957 QUY ĐỊNH QUYỀN LẬP HỘI", []),
])
def test_own_number_only_in_header_forms(text, numbers):
    assert [r.number for r in find_references(text_page(text))] == numbers


@pytest.mark.parametrize("text, number, review, repaired", [
    ("Pháp lệnh số 05/1998/PL-UBTVQHI10 ;", "05/1998/PL-UBTVQH10", True, True),  # repaired, so flagged
    ("theo Luật số 59/2014/QH15 như sau", "59/2014/QH15", True, False),  # QH15 began in 2021: a misread digit
    ("Chỉ thị số 23/CT-TTDG của Thủ tướng", "23/CT-TTDG", True, False),  # unknown code
    ("Lệnh số 10-LCT/HĐNN ngày", "10-LCT/HĐNN", True, False),  # the term digit was lost
    ("theo Luật số 59/2014/QH13 như sau", "59/2014/QH13", False, False),
    ("Công văn số 383/BNV-CCHC ngày", "383/BNV-CCHC", False, False),
])
def test_damaged_numbers_on_ocr_pages_need_review(text, number, review, repaired):
    (r,) = find_references(ocr_page(text))
    assert r.number == number and r.needs_review is review
    # born-digital text is what the document says: flagged only where the number was rewritten
    (b,) = find_references(text_page(text))
    assert b.needs_review is repaired


# --- issue #11: numbers split across lines and pages, party and mixed-case symbols ------

_EXCERPTS = yaml.safe_load((GOLD / "references.yaml").read_text(encoding="utf-8"))["excerpts"]
_FIELDS = ("doc_type", "doc_type_code", "issued_on", "page", "text", "year")


def _pages(ex):
    make = ocr_page if ex.get("ocr") else text_page
    return [make(t, number=i + 1) for i, t in enumerate(ex.get("pages") or [ex["text"]])]


@pytest.mark.parametrize("ex", _EXCERPTS, ids=[f"{i}-{e['source']}" for i, e in enumerate(_EXCERPTS)])
def test_excerpt(ex):
    """Short real text (or a form the issue quotes) -> exactly the references expected."""
    pages = _pages(ex)
    refs = find_document_references(pages)
    assert [r.number for r in refs] == [w["number"] for w in ex["references"]], ex.get("note")
    for r, want in zip(refs, ex["references"], strict=True):
        got = {f: getattr(r, f) for f in _FIELDS if f in want}
        assert got == {f: want[f] for f in _FIELDS if f in want}, (r, ex.get("note"))
        assert r.needs_review is want.get("needs_review", False), r
        page = pages[r.page - 1]
        # the span is the first piece on its page; the text is the whole citation
        assert r.text.startswith(page.text[r.start:r.end])
    alone = [r.number for p in pages for r in find_references(p)]
    if len(pages) == 1:  # one page: the same as find_references
        assert alone == [r.number for r in refs]
    elif "alone" in ex:  # what the pages read one by one, which the join corrects
        assert alone == ex["alone"]


def test_excerpts_cover_the_issue_forms():
    """Every form issue #11 names appears in the excerpt table."""
    numbers = {w["number"] for ex in _EXCERPTS for w in ex["references"]}
    texts = "\n".join(t for ex in _EXCERPTS for t in (ex.get("pages") or [ex["text"]]))
    for n in ("14-KL/TW", "08-CTr/TU", "11-CT/TW", "203-TB/TU", "27-NQ/TW", "10-NQ/BCSĐ", "2150/UBND-KGVX",
              "14-KL/TU", "30c/NQ-CP", "01/2001/TTLT-TAND-VKS", "673/QĐ-UBND", "82/2005/QĐ-UBND", "13/QĐ-TTg"):
        assert n in numbers, n
    for t in ("-\nNQ/TW", "UBND-\nKGVX", "-\nKL/TU", "/\n2025/NĐ-CP", "\nsố 197", "CTR", "TTG", "TTTG",
              "xếp thứ 46/132", "24/4/2024", "TCVN ISO 9001:2015", "Số 288/4 đường 30/4"):
        assert t in texts, t
    assert any(len(ex.get("pages") or []) > 1 and ex["references"] for ex in _EXCERPTS)


def test_page_break_join_keeps_both_pieces():
    """Across a page break: page and span of the first piece, the joined text, the worse
    confidence of the two pieces, and no fragment left on either page."""
    a = ocr_page("thực hiện Công văn số 2150/UBND-", number=3)
    b = ocr_page("4\nKGVX ngày 05/6/2024 của UBND tỉnh", low={"KGVX": 0.5}, number=4)
    per_page = find_references(a) + find_references(b)
    assert [r.number for r in per_page] == ["2150/UBND"]  # what a page alone reads: wrong
    (r,) = join_page_breaks([a, b], per_page)
    assert (r.number, r.page, r.text, r.issued_on) == ("2150/UBND-KGVX", 3, "2150/UBND-\nKGVX", "2024-06-05")
    assert a.text[r.start:r.end] == "2150/UBND-"
    assert r.confidence == pytest.approx(0.5) and r.needs_review
    # pages that do not follow each other are not joined
    c = ocr_page("KGVX ngày 05/6/2024", number=6)
    assert [x.number for x in join_page_breaks([a, c], find_references(a) + find_references(c))] == ["2150/UBND"]


def test_own_number_is_dropped_on_every_page():
    pages = [text_page("BỘ CÔNG THƯƠNG\nSố: 63/2025/TT-BCT\nCăn cứ Nghị định số 40/2025/NĐ-CP;", 1),
             text_page("3\n(Ban hành kèm theo Thông tư số 63/2025/TT-BCT ngày 26 tháng 12 năm 2025)", 2)]
    assert [r.number for r in find_document_references(pages)] == ["40/2025/NĐ-CP"]


def test_spaced_party_hyphen_only_with_known_codes():
    assert canonical_number("367 - QĐ/TW") == "367-QĐ/TW"
    assert canonical_number("Điều 5 - QC/XYZ") is None
    assert canonical_number("18-\nNQ/TW") == "18-NQ/TW"



def test_own_number_without_a_year_may_be_last_years():
    """Administrative numbers restart every year: a dated citation of the same number is
    another document; an undated one or an annex's "kèm theo" is the document itself."""
    head = "UBND TỈNH ĐỒNG NAI\nSố: 12/QĐ-UBND\nĐồng Nai, ngày 10 tháng 01 năm 2025\n"
    text = (head + "Căn cứ Quyết định số 12/QĐ-UBND ngày 05/01/2024 của UBND tỉnh;\n"
            "Điều 1. Quyết định số 12/QĐ-UBND có hiệu lực từ ngày ký.\n"
            "(Ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 10/01/2025)")
    refs = find_references(text_page(text))
    assert [(r.number, r.issued_on) for r in refs] == [("12/QĐ-UBND", "2024-01-05")]
    pages = [text_page(head, 1), text_page("2\nCăn cứ Quyết định số 12/QĐ-UBND ngày 05/01/2024;\n"
                                           "(Ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 10/01/2025)", 2)]
    assert [(r.page, r.issued_on) for r in find_document_references(pages)] == [(2, "2024-01-05")]
