import pytest
import yaml

from extractors import extract, extract_text, read_identity
from models.extraction import DocumentKind
from models.pages import IngestedFile, Page, PageMethod, Word
from models.provenance import Box
from tests.extractors.helpers import GOLD, ocr_page, text_page

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


# --- issue #11 class 1: identity only from the header zone and the signature block -----------

HEADER_FIELDS = ("number", "doc_type", "doc_type_code", "issued_on", "issuer", "parent_issuer", "place", "title")


def boxed_page(rows, number=1, method=PageMethod.TEXT_LAYER, top=50.0, low=None):
    """A page from rows of cells ``[(x0, text), ...]`` (one row per line, 18 pt apart), one
    Word per token with its box, the way a two-column table comes out of a PDF or OCR."""
    low = low or {}
    lines, words, pos = [], [], 0
    for li, row in enumerate(rows):
        y = top + 18 * li
        parts = []
        for x, cell in row:
            if parts:
                parts.append(" ")
            for k, tok in enumerate(cell.split(" ")):
                if k:
                    parts.append(" ")
                off = pos + sum(len(p) for p in parts)
                box = Box(x0=x, y0=y, x1=x + 6 * len(tok), y1=y + 12)
                words.append(Word(text=tok, start=off, end=off + len(tok), box=box,
                                  confidence=low.get(tok, 0.96 if method == PageMethod.OCR else 1.0), line=li))
                parts.append(tok)
                x += 6 * len(tok) + 4
        line = "".join(parts)
        lines.append(line)
        pos += len(line) + 1
    return Page(number=number, width=595, height=842, method=method, text="\n".join(lines), words=words,
                ocr_confidence=0.9 if method == PageMethod.OCR else None)


def _no_header_fields(ident):
    assert all(getattr(ident, f) is None for f in HEADER_FIELDS), {f: getattr(ident, f) for f in HEADER_FIELDS}
    assert not set(ident.fields) & set(HEADER_FIELDS)


# A news article as a web page prints (news/moha-6month-tasks-2024.txt of the project's corpus:
# the Ministry of Home Affairs portal), wrapped the way a narrow print-out wraps it, so that lines
# begin with "số 76/NQ-CP" and "số 20/QĐ-BNV"; it ends with its author's byline.
NEWS_P1 = """Thứ 6 - 26/02/2016
Kỷ niệm 79 năm Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam (2/9/1945-2/9/2024)
Các nhiệm vụ trọng tâm trong 6 tháng cuối năm 2024 nhằm cải thiện và nâng cao chỉ số cải cách hành chính
Ngày 21/6/2024, Bộ Nội vụ ban hành Báo cáo số 3579/BC-BNV về kết quả thực hiện cải cách hành chính
6 tháng đầu năm 2024.
Để công tác cải cách hành chính 6 tháng cuối năm đạt được kết quả, Bộ Nội vụ đề ra 8 nhiệm vụ trọng tâm như sau:"""
NEWS_P2 = """2. Tiếp tục tổ chức thực hiện hiệu quả Kế hoạch cải cách năm 2024 của Bộ Nội vụ, các cơ quan, địa
phương trên cơ sở bám sát Kế hoạch cải cách hành chính giai đoạn 2021 – 2025 của Bộ Nội vụ, Nghị quyết
số 76/NQ-CP và Chỉ thị số 23/CT-TTg. Trong đó, tập trung xây dựng, triển khai các đề án, dự án về cải
cách hành chính được giao tại Nghị quyết số 76/NQ-CP;
3. Tiếp tục tổ chức thực hiện Kế hoạch triển khai Đề án năm 2024 ban hành kèm theo Quyết định
số 20/QĐ-BNV ngày 12/01/2024 của Bộ trưởng Bộ Nội vụ;
8. Tổ chức kiểm tra cải cách hành chính tịa các cơ quan, đơn vị, nâng cao kỷ luật, kỳ cường hành chính
trong thực hiện nhiệm vụ cải cách hành chính.
Tạ Minh Quang"""


def test_news_article_has_no_identity_and_its_author_is_no_signer():
    pages = [text_page(NEWS_P1, 1), text_page(NEWS_P2, 2)]
    ident = read_identity(pages)
    assert ident.kind == DocumentKind.NO_HEADER
    _no_header_fields(ident)
    assert ident.signer is None and ident.signing_mode is None
    ex = extract(IngestedFile(name="tin-bai.pdf", status="ok", page_count=2, pages=pages))
    assert ex.document.kind == DocumentKind.NO_HEADER and ex.document.number is None
    assert {"3579/BC-BNV", "76/NQ-CP", "23/CT-TTg", "20/QĐ-BNV"} <= {r.number for r in ex.references}
    assert ex.model_dump(mode="json")["document"]["kind"] == "no_header"  # what `kiemchung extract --json` prints


def test_byline_is_not_a_signer():
    # the end of news/dongnai-par-index-plan-2024.txt (Đồng Nai portal): the author, then the site footer
    text = ("Đồng thời, việc triển khai bộ chỉ số cũng nhằm làm cơ sở đánh giá mức độ hoàn thành nhiệm vụ và bình "
            "xét thi đua của các đơn vị, địa phương.\nTrang Thư\n\nCác tin khác\n\nAtlas tỉnh Đồng Nai\n")
    ident = read_identity([text_page(text)])
    assert ident.signer is None and ident.kind == DocumentKind.NO_HEADER


# The last page of a decree without its header (scans/nd-last-page-signature.jpg of the project's
# corpus, as labelled there): closing clause, Nơi nhận on the left, the signing block on the right.
SIGNATURE_ROWS = [
    [(56, "2. Bãi bỏ các quy định tại khoản 8 Điều 4, điểm a khoản 4 Điều 14,")],
    [(56, "Điều 23, Điều 28 Nghị định số 151/2013/NĐ-CP ngày 01 tháng 11 năm 2013")],
    [(56, "của Chính phủ./.")],
    [(56, "Nơi nhận:"), (380, "TM. CHÍNH PHỦ")],
    [(56, "- Ban Bí thư Trung ương Đảng;"), (390, "THỦ TƯỚNG")],
    [(56, "- Thủ tướng, các Phó Thủ tướng Chính phủ;")],
    [(56, "- Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ;")],
    [(56, "- Lưu: VT, ĐMDN (2b)."), (370, "Nguyễn Xuân Phúc")],
]


def test_signature_page_without_header_has_a_signer_but_no_identity():
    page = boxed_page(SIGNATURE_ROWS, method=PageMethod.OCR)
    ident = read_identity([page])
    assert ident.kind == DocumentKind.NO_HEADER
    _no_header_fields(ident)  # 151/2013/NĐ-CP is cited, it is not this page's number
    assert (ident.signing_mode, ident.signer) == ("TM.", "Nguyễn Xuân Phúc")
    f = ident.fields["signer"]
    assert page.text[f.start:f.end] == "Nguyễn Xuân Phúc" and f.page == 1 and f.box.x0 >= 370
    assert ident.recipients[0] == "Ban Bí thư Trung ương Đảng"


def test_name_without_signing_title_is_no_signer():
    # as Tesseract reads that scan: the title lines under the seal are lost, the name remains
    text = ("- Lưu: VT, ĐMDN (2b).KN ¿8\nNguyễn Xuân Phúc")
    ident = read_identity([ocr_page("Nơi nhận:\n- Ban Bí thư Trung ương Đảng;\n" + text)])
    assert ident.signer is None and ident.signing_mode is None
    # a signing title in the left column (beside Nơi nhận) is not the signature block either
    rows = [[(56, "BỘ TRƯỞNG")], [(56, "Nguyễn Văn Hùng")]]
    assert read_identity([boxed_page(rows, top=600)]).signer is None


def test_form_template_in_annex_is_not_the_signature():
    # doc_000458 (vbpl): the Thông tư's own block, then an annex form with a sample name
    text = ("Điều 5. Hiệu lực thi hành\nThông tư này có hiệu lực kể từ ngày ký.\nKT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n"
            "Cao Anh Tuấn\nPHỤ LỤC\nMỘT SỐ MẪU BIỂU VỀ THỦ TỤC GIAO NHẬN TÀI SẢN\nNơi nhận:\n- Như trên;\n"
            "- Lưu: VT,... ( bản)\nTHỦ TRƯỞNG ĐƠN VỊ\n(ký tên, đóng dấu)\nNguyễn Văn A\nMẫu số: 03\n")
    ident = read_identity([text_page(text)])
    assert (ident.signing_mode, ident.signer) == ("KT.", "Cao Anh Tuấn")


def test_two_column_header_from_word_boxes():
    # doc_000023 (vbpl) laid out as printed: "Nghị quyết số:" wraps, its number on the next line of
    # the left column with the right column's motto between them in reading order
    rows = [
        [(60, "ỦY BAN THƯỜNG VỤ QUỐC HỘI"), (300, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
        [(80, "Nghị quyết số:"), (320, "Độc lập - Tự do - Hạnh phúc")],
        [(86, "115/2025/UBTVQH15")],
        [(250, "NGHỊ QUYẾT")],
        [(90, "Quy định chi tiết và hướng dẫn thi hành Luật Hoạt động giám sát")],
        [(56, "Căn cứ Luật Tổ chức Quốc hội số 57/2014/QH13;")],
    ]
    page = boxed_page(rows)
    ident = read_identity([page])
    assert ident.kind == DocumentKind.ND30
    assert (ident.number, ident.doc_type) == ("115/2025/UBTVQH15", "Nghị quyết")
    assert ident.issuer == "ỦY BAN THƯỜNG VỤ QUỐC HỘI"
    f = ident.fields["number"]
    assert page.text[f.start:f.end] == "115/2025/UBTVQH15" and f.box.x0 == 86 and f.box.y0 == 50 + 2 * 18
    assert ident.title == "Quy định chi tiết và hướng dẫn thi hành Luật Hoạt động giám sát"
    # the same table below the page's top band is not this document's header (a quoted header in a print-out)
    low = read_identity([boxed_page(rows, top=560)])
    assert low.kind == DocumentKind.NO_HEADER and low.number is None


def test_number_running_on_into_the_next_line():
    # doc_000619 (vbpl): the joint resolution's long symbol wraps in the left column
    rows = [
        [(40, "ỦY BAN THƯỜNG VỤ QUỐC HỘI"), (300, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
        [(40, "Số: 102/2025/NQLT - UBTVQH15"), (320, "Độc lập - Tự do - Hạnh phúc")],
        [(40, "- CP - ĐCTUBTWMTQVN"), (320, "Hà Nội, ngày 26 tháng 9 năm 2025")],
        [(220, "NGHỊ QUYẾT LIÊN TỊCH")],
    ]
    page = boxed_page(rows)
    ident = read_identity([page])
    assert ident.number == "102/2025/NQLT-UBTVQH15-CP-ĐCTUBTWMTQVN"
    f = ident.fields["number"]
    assert page.text[f.start:f.end].startswith("102/2025") and page.text[f.start:f.end].endswith("ĐCTUBTWMTQVN")
    assert ident.issued_on == "2025-09-26"


def test_cyrillic_lookalike_is_reported_as_printed_and_flagged():
    # doc_000009 (vbpl): "TT-BTС" ends in CYRILLIC CAPITAL LETTER ES
    text = ("BỘ TÀI CHÍNH\nSố 06/2026/TT-BT\u0421\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Hà Nội, ngày 26 tháng 01 năm 2026\nTHÔNG TƯ\nSửa đổi, bổ sung một số điều của Thông tư số 13/2015/TT-BTC\n")
    ident = read_identity([text_page(text)])
    assert ident.number == "06/2026/TT-BTC"  # never cut at the look-alike ("06/2026/TT-BT")
    f = ident.fields["number"]
    assert f.text == "06/2026/TT-BT\u0421" and f.needs_review and f.confidence <= 0.5
    assert ident.confidence["number"] == f.confidence
    assert any("look-alike" in n for n in ident.notes)
    assert not ident.fields["issued_on"].needs_review


def test_private_use_character_in_the_number_is_read_and_flagged():
    # doc_000001 (vbpl) as a text layer that wrote the symbol's hyphen with a symbol font (U+F02D)
    text = ("CHÍNH PHỦ\nSố: 249/2025/NĐ\uf02dCP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Hà Nội, ngày 19 tháng 09 năm 2025\nNGHỊ ĐỊNH\n")
    ident = read_identity([text_page(text)])
    assert ident.number == "249/2025/NĐ-CP" and ident.fields["number"].needs_review
    assert any("private-use" in n for n in ident.notes)


def test_blank_number_is_reported_as_printed_and_flagged():
    # doc_000254 (vbpl) with the digits of its number left blank, as some published headers print it
    text = ("BỘ NỘI VỤ\n-------\nSố:    /2026/TT-BNV\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Hà Nội, ngày 09 tháng 01 năm 2026\nTHÔNG TƯ\nHướng dẫn xếp lương đối với người được tuyển dụng vào công chức\n"
            "Căn cứ Nghị định số 25/2025/NĐ-CP ngày 21 tháng 02 năm 2025 của Chính phủ;\n")
    ex = extract_text(text)
    assert ex.document.number == "/2026/TT-BNV" and ex.document.fields["number"].needs_review
    assert ex.document.doc_type == "Thông tư" and ex.document.issued_on == "2026-01-09"
    assert [r.number for r in ex.references] == ["25/2025/NĐ-CP"]


def test_body_citation_never_becomes_the_number():
    # doc_000001 (vbpl) whose "Số:" line could not be read; its body, wrapped, starts lines with citations
    text = ("CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Nội, ngày 19 tháng 09 năm 2025\n"
            "NGHỊ ĐỊNH\nQuy định cơ chế, chính sách thu hút chuyên gia khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số\n"
            "Căn cứ Luật Tổ chức Chính phủ\nsố 63/2025/QH15;\n"
            "2. Nghị định này không áp dụng đối với Tổng công trình sư, Kiến trúc sư trưởng quy định tại Nghị định\n"
            "Số 231/2025/NĐ-CP ngày 26 tháng 8 năm 2025 của Chính phủ\n")
    ident = read_identity([text_page(text)])
    assert ident.kind == DocumentKind.ND30
    assert ident.number is None and "number" not in ident.fields
    assert (ident.doc_type, ident.issued_on, ident.issuer) == ("Nghị định", "2025-09-19", "CHÍNH PHỦ")


def test_own_number_is_not_among_references():
    # doc_000080 (vbpl): page 1 with the header, page 2 the annex "kèm theo Thông tư số 02/2026/TT-BCT"
    p1 = text_page("BỘ CÔNG THƯƠNG\nSố: 02/2026/TT-BCT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                   "Hà Nội, ngày 17 tháng 01 năm 2026\nTHÔNG TƯ\nQuy định một số biện pháp thi hành Luật Hóa chất\n"
                   "Căn cứ Luật Hóa chất số 69/2025/QH15;\n- Lưu: VT, HC.\nKT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n(Đã ký)\n"
                   "Trương Thanh Hoài\n", 1)
    p2 = text_page("Phụ lục I\nCÁC BIỂU MẪU SỬ DỤNG TRONG CẤP, CẤP LẠI CHỨNG CHỈ TƯ VẤN CHUYÊN NGÀNH\n(Kèm theo Thông tư "
                   "số 02/2026/TT-BCT ngày 17 tháng 01 năm 2026 của Bộ trưởng Bộ Công Thương)\n", 2)
    ex = extract(IngestedFile(name="tt.pdf", status="ok", page_count=2, pages=[p1, p2]))
    assert ex.document.number == "02/2026/TT-BCT"
    assert [r.number for r in ex.references] == ["69/2025/QH15"]
    assert any("own number" in n for n in ex.document.notes)
    assert (ex.document.signing_mode, ex.document.signer) == ("KT.", "Trương Thanh Hoài")


def test_low_confidence_words_flag_their_fields():
    rows = [
        [(70, "UBND TỈNH ĐỒNG NAI"), (300, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
        [(90, "SỞ TƯ PHÁP"), (320, "Độc lập - Tự do - Hạnh phúc")],
        [(80, "Số: 15/KH-STP"), (320, "Đồng Nai, ngày 20 tháng 02 năm 2024")],
        [(260, "KẾ HOẠCH")],
        [(150, "Cải cách hành chính năm 2024 của Sở Tư pháp")],
        [(56, "Căn cứ Quyết định số 1143/QĐ-UBND ngày 24/4/2024 của UBND tỉnh;")],
    ] + [[(56, "...")]] * 20 + [
        [(56, "Nơi nhận:"), (380, "KT. GIÁM ĐỐC")],
        [(56, "- UBND tỉnh (b/c);"), (380, "PHÓ GIÁM ĐỐC")],
        [(56, "- Lưu: VT, VP.")],
        [(380, "Nguyễn Văn An")],
    ]
    page = boxed_page(rows, method=PageMethod.OCR, low={"20": 0.5, "An": 0.4})
    ident = read_identity([page])
    assert ident.fields["issued_on"].needs_review and ident.issued_on == "2024-02-20"
    assert ident.fields["signer"].needs_review and ident.signer == "Nguyễn Văn An"
    assert not ident.fields["number"].needs_review and not ident.fields["issuer"].needs_review
    assert (ident.issuer, ident.parent_issuer, ident.signing_mode) == ("SỞ TƯ PHÁP", "UBND TỈNH ĐỒNG NAI", "KT.")
    assert all(f.box is not None and f.page == 1 for f in ident.fields.values())


def test_kinds_of_unread_and_textless_files():
    photo = Page(number=1, width=800, height=600, method=PageMethod.OCR, text="")
    ex = extract(IngestedFile(name="anh.jpg", status="ok", page_count=1, pages=[photo]))
    assert ex.document.kind == DocumentKind.NOT_A_DOCUMENT and ex.document.number is None
    assert read_identity([ocr_page("~ . ,, l")]).kind == DocumentKind.NOT_A_DOCUMENT
    assert extract(IngestedFile(name="hong.pdf", status="error")).document.kind == DocumentKind.UNKNOWN
    assert read_identity([text_page(PLAN)]).kind == DocumentKind.ND30


def _vbpl_records():
    return [r for r in yaml.safe_load((GOLD / "identity.yaml").read_text(encoding="utf-8")) if "vbpl" in r]


@pytest.mark.parametrize("rec", _vbpl_records(), ids=lambda r: r["vbpl"])
def test_vbpl_header_excerpts(rec):
    ident = read_identity([text_page(rec["text"])])
    assert ident.kind.value == rec["kind"]
    for f in ("number", "doc_type", "issued_on", "issuer"):
        if f in rec:
            assert getattr(ident, f) == rec[f], f
    flagged = {k for k, v in ident.fields.items() if v.needs_review and k in ("number", "doc_type", "issued_on")}
    assert flagged == set(rec.get("needs_review", [])), ident.notes


_ANNEXED = """BỘ CÔNG THƯƠNG
Số: 05/2026/TT-BCT
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 30 tháng 01 năm 2026
THÔNG TƯ
Hướng dẫn thực hiện một số nội dung về quản lý
Căn cứ Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15;
Điều 1. Phạm vi điều chỉnh
"""
_ANNEX = "Phụ lục I\n(Ban hành kèm theo Thông tư số {n} ngày {d} của Bộ trưởng Bộ Công Thương)\nNội dung.\n"


def test_annex_heading_citing_the_document_under_another_number_flags_the_header_number():
    pages = [text_page(_ANNEXED), Page(number=2, width=595, height=842, method=PageMethod.TEXT_LAYER,
                                       text=_ANNEX.format(n="05/2025/TT-BCT", d="30 tháng 01 năm 2026"))]
    ident = read_identity(pages)
    assert ident.number == "05/2026/TT-BCT"  # what the header prints
    assert ident.fields["number"].needs_review
    assert "an annex heading on page 2 cites this document as 05/2025/TT-BCT" in ident.notes


def test_annex_heading_that_agrees_or_belongs_to_another_document_flags_nothing():
    for n, d in (("05/2026/TT-BCT", "30 tháng 01 năm 2026"),  # the same number
                 ("05/TT-BCT", "30 tháng 01 năm 2026"),  # its year left out
                 ("193/2025/TT-BCT", "02 tháng 7 năm 2025")):  # another date: another document's annex
        ident = read_identity([text_page(_ANNEXED + _ANNEX.format(n=n, d=d))])
        assert not ident.fields["number"].needs_review, n
        assert not ident.notes, n


_PM_HEAD = """{body}
Số: 30/2025/QĐ-TTg
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 30 tháng 8 năm 2025
QUYẾT ĐỊNH
Ban hành Quy chế phối hợp
Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;
"""


def test_the_head_of_the_printed_body_is_its_issuer_code():
    # a Prime Minister's decision under "CHÍNH PHỦ": TTg is Thủ tướng Chính phủ, the head of that body
    for body in ("CHÍNH PHỦ", "THỦ TƯỚNG CHÍNH PHỦ"):
        ident = read_identity([text_page(_PM_HEAD.format(body=body))])
        assert ident.number == "30/2025/QĐ-TTg" and not ident.fields["number"].needs_review, body
    other = read_identity([text_page(_PM_HEAD.format(body="BỘ TÀI CHÍNH"))])
    assert other.fields["number"].needs_review
    assert any("issuer code TTg" in n for n in other.notes)
