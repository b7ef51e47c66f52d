import hashlib

import pytest

from bench.metrics_gold import TEST, load_items, score
from extractors import find_metrics
from extractors.metrics import denominator
from extractors.subjects import lemmas, subject_matches
from models.pages import Page, PageMethod, Word
from models.provenance import Box
from tests.extractors.helpers import GOLD, ocr_page, text_page


def _ms(text):
    return [(m.value, m.value_max, m.unit, m.qualifier.value) for m in find_metrics(text_page(text))]


@pytest.mark.parametrize("text, expected", [
    ("đạt 73,03%", [(73.03, None, "%", "eq")]),
    ("đạt 67.28%", [(67.28, None, "%", "eq")]),
    ("đạt 92,59 %", [(92.59, None, "%", "eq")]),
    ("đạt 100%", [(100.0, None, "%", "eq")]),
    ("trên 95%", [(95.0, None, "%", "gt")]),
    ("dưới 70%", [(70.0, None, "%", "lt")]),
    ("khoảng 60%", [(60.0, None, "%", "approx")]),
    ("ít nhất 30%", [(30.0, None, "%", "ge")]),
    ("tối thiểu 70%", [(70.0, None, "%", "ge")]),
    ("không quá 10%", [(10.0, None, "%", "le")]),
    ("tối đa 5%", [(5.0, None, "%", "le")]),
    ("từ 50% trở lên", [(50.0, None, "%", "ge")]),
    ("từ 80% - dưới 90%", [(80.0, 90.0, "%", "range")]),
    ("từ 80% đến 90%", [(80.0, 90.0, "%", "range")]),
    ("tiếp nhận 291.899 hồ sơ", [(291899.0, None, "hồ sơ", "eq")]),
    ("công bố 1.816 TTHC", [(1816.0, None, "TTHC", "eq")]),
    ("gồm 12 phân hệ", [(12.0, None, "phân hệ", "eq")]),
    ("lắp 200 camera", [(200.0, None, "camera", "eq")]),
    ("hoàn thành 25/27 nhiệm vụ", [(25.0, None, "nhiệm vụ", "eq")]),
])
def test_metric_forms(text, expected):
    assert _ms(text) == expected


@pytest.mark.parametrize("text", [
    "Điều 5 của Luật này", "khoản 2 Điều 3", "năm 2024", "ngày 24/4/2024", "Quyết định số 1143/QĐ-UBND",
    "1. Tiếp tục tăng cường", "trong thời hạn 05 năm", "xếp thứ 46/132", "6 tháng đầu năm 2024",
    "Điện thoại: (0251).3847292", "kỳ họp thứ 8 thông qua",
])
def test_not_metrics(text):
    assert _ms(text) == []


@pytest.mark.parametrize("text, subject", [
    ("Tỷ lệ hồ sơ TTHC giải quyết đúng hạn đạt 97,35%.", "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn"),
    ("Năm 2024, tỷ lệ hồ sơ cấp kết quả điện tử đạt 83,40%; số hóa đạt 50%.", "tỷ lệ hồ sơ cấp kết quả điện tử"),
    # the clause before and the noun phrase after: both say what the figure is about
    ("kiểm tra tối thiểu 70% các đơn vị, địa phương", "kiểm tra … các đơn vị, địa phương"),
])
def test_subject(text, subject):
    assert find_metrics(text_page(text))[0].subject == subject


def test_fraction_denominator():
    (m,) = find_metrics(text_page("hoàn thành 25/27 nhiệm vụ"))
    assert m.text == "25/27 nhiệm vụ" and denominator(m) == 27


def test_low_confidence_metric():
    (m,) = find_metrics(ocr_page("tỷ lệ đúng hạn đạt 97,35%", low={"97,35%": 0.3}))
    assert m.needs_review and m.confidence == pytest.approx(0.3)


@pytest.mark.parametrize("text, expected", [
    # OCR and wrapping: the counted noun on the next line, split or mis-cased
    ("giải quyết đúng hạn 12.401 hồ\nSƠ.", [(12401, "hồ sơ")]),
    ("7 lớp tập huấn cho 420\nhọc viên.", [(7, "lớp tập huấn"), (420, "học viên")]),
    # a number alone at the start of a line, or a capitalised next line, is not a count
    ("Khoáng sản kim loại khác\n5 - 25\nII\nDầu thô", []),
    ("Luật số: 73/2006/QH 11\nHà Nội, ngày 29 tháng 11 năm 2006", []),
])
def test_counts_across_line_breaks(text, expected):
    assert [(m.value, m.unit) for m in find_metrics(text_page(text)) if m.unit != "%"] == expected


@pytest.mark.parametrize("text, qualifier", [
    ("tối đa bằng 6% mức lương hưu", "le"),
    ("ít nhất phải bằng 85% mức lương", "ge"),
    ("không được quá 30% tiền lương", "le"),
    ("không được sở hữu vượt quá 5% vốn điều lệ", "le"),
    ("không ít hơn 05 thành viên", "ge"),
    ("quy mô nhỏ hơn 130% so với gói thầu", "lt"),
    ("thị phần ít hơn 10% trên thị trường", "lt"),
    ("có tối thiểu là 10% số cổ phiếu", "ge"),
])
def test_qualifier_fillers_and_negation(text, qualifier):
    assert find_metrics(text_page(text))[0].qualifier.value == qualifier


# --------------------------------------------------------------------------- phrased another way


@pytest.mark.parametrize("text, value, den, unit", [
    ("hoàn thành 27/30 nhiệm vụ", 27, 30, "nhiệm vụ"),
    ("hoàn thành 27 trên 30 nhiệm vụ", 27, 30, "nhiệm vụ"),
    ("hoàn thành 27 nhiệm vụ trong tổng số 30 nhiệm vụ", 27, 30, "nhiệm vụ"),
    ("giải quyết 1.140 trên tổng số 1.200 hồ sơ", 1140, 1200, "hồ sơ"),
    ("số nhiệm vụ hoàn thành là 27/30.", 27, 30, "nhiệm vụ"),  # the noun before a bare fraction
    ("Về hồ sơ giải quyết đúng hạn: 1.140/1.200", 1140, 1200, "hồ sơ"),
])
def test_fractions(text, value, den, unit):
    (m,) = find_metrics(text_page(text))
    assert (m.value, denominator(m), m.unit) == (value, den, unit)


@pytest.mark.parametrize("text", [
    "10 điểm cầu trên 63 tỉnh",  # two things counted: no fraction
    "xếp thứ 46/132",
    "Trang 1/5",
])
def test_not_fractions(text):
    assert all(denominator(m) is None for m in find_metrics(text_page(text)))


@pytest.mark.parametrize("text, subject", [
    ("Sở đã hoàn thành 27/30 nhiệm vụ (đạt 90%).", "Sở đã hoàn thành 27/30 nhiệm vụ"),
    ("Công tác số hóa hồ sơ được đẩy mạnh. Kết quả đạt 85%.", "Công tác số hóa hồ sơ được đẩy mạnh"),
    ("e) Lãi tiền vay: 5%;", "Lãi tiền vay"),
    ("6.1. Tỷ lệ nghèo đa chiều | ≤2% | ≤5%", "Tỷ lệ nghèo đa chiều"),
    ("Sở đạt tỷ lệ thực hiện\nkế hoạch 94,09%.", "tỷ lệ thực hiện kế hoạch"),  # a wrapped line
    ("Trong năm, Sở đã kiểm tra 4/10 đơn vị trực thuộc, đạt 40%.",
     "Trong năm, Sở đã kiểm tra 4/10 đơn vị trực thuộc, đạt"),
    ("tỷ lệ lấy mẫu lõi khoan phải đạt tối thiểu là 80% đối với đất đá và 90% đối với quặng.",
     "tỷ lệ lấy mẫu lõi khoan phải"),  # the second figure of one list shares the subject (and "tối thiểu")
])
def test_subject_found_elsewhere(text, subject):
    assert find_metrics(text_page(text))[-1].subject == subject


def test_unit_in_its_own_cell():
    ms = find_metrics(text_page("2.1 | Tỷ lệ nợ xấu | % | 1,50 | 1,55 | 2024"))
    assert [(m.value, m.unit, m.subject) for m in ms] == [(1.5, "%", "Tỷ lệ nợ xấu"), (1.55, "%", "Tỷ lệ nợ xấu")]


def test_ocr_row_cells_from_word_gaps():
    """On an OCR page a table row is one line whose cells stand a column apart."""
    text = "Tỷ lệ hồ sơ đúng hạn 98,6% Đạt"
    x = {"Tỷ": 10, "lệ": 30, "hồ": 50, "sơ": 70, "đúng": 90, "hạn": 120, "98,6%": 400, "Đạt": 520}
    words, pos = [], 0
    for tok in text.split(" "):
        words.append(Word(text=tok, start=pos, end=pos + len(tok), confidence=0.96, line=0,
                          box=Box(x0=x[tok], y0=100, x1=x[tok] + 6 * len(tok), y1=112)))
        pos += len(tok) + 1
    page = Page(number=1, width=595, height=842, method=PageMethod.OCR, text=text, words=words, ocr_confidence=0.9)
    (m,) = find_metrics(page)
    assert (m.value, m.subject) == (98.6, "Tỷ lệ hồ sơ đúng hạn")


@pytest.mark.parametrize("text, expected", [
    ("công bố trên ít nhất 01 phương tiện truyền thông", []),  # "phương" of "phương tiện" is no "phường"
    ("trong 03 số liên tiếp", []),  # "số" (issues) is no "sở"
    ("có 05 phường và 03 xã", [(5, "phường"), (3, "xã")]),
    ("TỈNH HOÀN THÀNH NHIỆM VỤ GIAI ĐOẠN 2026 - 2030 KHI ĐÁP ỨNG", []),  # capitals of a heading
    ("công bố 1.816 TTHC", [(1816, "TTHC")]),
])
def test_counted_nouns(text, expected):
    assert [(m.value, m.unit) for m in find_metrics(text_page(text))] == expected


@pytest.mark.parametrize("text, qualifier", [
    ("vượt quá 4% doanh thu", "gt"),
    ("do Nhà nước đầu tư là 2% trên doanh thu", "eq"),  # the "tư" of "đầu tư" is no "từ"
    ("độ làm giàu nhỏ hơn hoặc bằng 0,5%", "le"),
    ("dư nợ tối thiểu chiếm 65% tổng dư nợ", "ge"),
    ("của 03 người trở lên", "ge"),
    ("lãi suất được tính bằng 130% lãi suất khi cho vay", "eq"),
])
def test_more_qualifiers(text, qualifier):
    assert find_metrics(text_page(text))[0].qualifier.value == qualifier


# --------------------------------------------------------------------------- gold sets


def _gold(name):
    return load_items(GOLD / name)


# (set, least metrics, value floor, subject floor). DEV3 (a fresh draw of the DEVELOPMENT part, first scored at
# subject P/R 0.8397 before any change for it) and DEV4 (a second one, seed 31, first scored at value P/R
# 0.9841/1.0, subject P/R 0.8696): no lower than the figures reached (DEV3 0.8702 when it was wired in, 0.9008
# after the DEV4 round; DEV4 when it was wired in)
GOLD_FLOORS = [("metrics_real.yaml", 150, 0.95, 0.95), ("metrics_paraphrase.yaml", 40, 0.95, 0.95),
               ("metrics_rows.yaml", 60, 0.95, 0.95), ("metrics_dev3.yaml", 120, 0.99, 0.90),
               ("metrics_dev4.yaml", 120, 1.0, 0.92)]


@pytest.mark.parametrize("name, n_min, value_floor, subject_floor", GOLD_FLOORS)
def test_metric_gold_sets(name, n_min, value_floor, subject_floor):
    items = _gold(name)
    s = score(items)
    print(f"\n{name}: {s.n_metrics} metrics, value+unit P={s.value_precision:.3f} R={s.value_recall:.3f}; "
          f"{s.n_subjects} subjects P={s.subject_precision:.3f} R={s.subject_recall:.3f}")
    assert (len(items) if name == "metrics_paraphrase.yaml" else s.n_metrics) >= n_min
    assert s.value_precision >= value_floor and s.value_recall >= value_floor, s.value_misses
    assert s.subject_precision >= subject_floor and s.subject_recall >= subject_floor, s.subject_misses


@pytest.mark.parametrize("name", ["metrics_real.yaml", "metrics_rows.yaml", "metrics_dev3.yaml", "metrics_dev4.yaml"])
def test_real_gold_is_development_part_only(name):
    """The real sets hold vbpl DEVELOPMENT documents only (the split rule of issue #11)."""
    for it in _gold(name):
        src = it["source"]
        if src.startswith("vbpl/"):
            doc = src.split("/", 1)[1].split(":", 1)[0]
            assert int(hashlib.sha256(doc.encode()).hexdigest(), 16) % 4 != 0, src


def test_test_gold_is_test_part_only():
    """The TEST set (scored by bench/bench_metrics.py, never tuned on) holds vbpl TEST documents only."""
    items = load_items(TEST)
    assert len(items) >= 100
    for it in items:
        doc = it["source"].split("/", 1)[1].split(":", 1)[0]
        assert it["source"].startswith("vbpl/") and int(hashlib.sha256(doc.encode()).hexdigest(), 16) % 4 == 0, doc


def test_subject_match_definition():
    assert lemmas("Tỷ lệ hồ sơ đúng hạn") == ("ty_le", "ho_so", "dung", "han")
    assert subject_matches("hồ sơ giải quyết đúng hạn", "Tỷ lệ hồ sơ TTHC được giải quyết đúng hạn")
    assert subject_matches("nhiệm vụ hoàn thành", "Sở đã hoàn thành", "nhiệm vụ")  # a count's noun counts
    assert not subject_matches("số hóa hồ sơ", "hồ sơ giải quyết đúng hạn")
    assert not subject_matches("số hóa", "các mặt hàng hóa")  # "hóa" of "hàng hóa" is no word of its own


# --------------------------------------------------------------------------- table rows (metrics_rows.yaml)
# One made-up row per failure class of the rows set; a cell is a hard boundary, so no word cap cuts
# a label inside it.


@pytest.mark.parametrize("text, subject", [
    # a long label cell is taken whole, notes in parentheses too
    ("4.2. Tỷ lệ trường học có nhà vệ sinh đạt chuẩn, có nước sạch và được bảo trì, sửa chữa hằng năm "
     "theo kế hoạch của xã | ≥95% | ≥90%",
     "Tỷ lệ trường học có nhà vệ sinh đạt chuẩn, có nước sạch và được bảo trì, sửa chữa hằng năm theo kế hoạch của xã"),
    ("Lãi suất cố định (fixed rate) |  | 35%", "Lãi suất cố định (fixed rate)"),
    # the noun phrase after a percentage runs to the end of its cell
    ("7 | 100% công chức, viên chức được bồi dưỡng kiến thức, kỹ năng về chuyển đổi số theo kế hoạch hằng năm "
     "của cơ quan | Đạt",
     "công chức, viên chức được bồi dưỡng kiến thức, kỹ năng về chuyển đổi số theo kế hoạch hằng năm của cơ quan"),
])
def test_row_label_whole(text, subject):
    assert find_metrics(text_page(text))[0].subject == subject


def test_row_formula():
    """"A | = | B | x 60%": the percentage is a factor of what the row computes, A (of B)."""
    (m,) = find_metrics(text_page("Tiền thưởng cuối năm | = | Tổng tiền lương của năm | x 15%"))
    assert m.subject == "Tiền thưởng cuối năm … Tổng tiền lương của năm"


def test_row_continuation_cell():
    """A cell going on in lower case ("chiếm …") continues the label before it; so does a sub-row."""
    text = ("Dư nợ các khoản cho vay | chiếm từ 0% đến 3% tổng tài sản | 10%\n"
            "chiếm trên 3% tổng tài sản | 40%")
    ms = [(m.value, m.subject) for m in find_metrics(text_page(text))]
    assert ms == [
        (0, "Dư nợ các khoản cho vay … tổng tài sản"),
        (10, "Dư nợ các khoản cho vay chiếm từ 0% đến 3% tổng tài sản"),
        (3, "Dư nợ các khoản cho vay … tổng tài sản"),
        (40, "Dư nợ các khoản cho vay chiếm trên 3% tổng tài sản"),
    ]


def test_sub_rows_under_a_parent_line():
    text = "- Khoản phải thu (chi tiết từng khách hàng):\n+ Chiếm từ 0% đến 1% vốn điều lệ | 5\n+ Chiếm trên 1% vốn điều lệ | 20"
    assert [m.subject for m in find_metrics(text_page(text))] == [
        "Khoản phải thu (chi tiết từng khách hàng) … vốn điều lệ", "Khoản phải thu (chi tiết từng khách hàng) … vốn điều lệ"]


def test_bare_rate_in_a_cell_is_not_a_row_label():
    """"… đạt tỷ lệ ≥80%" in a neighbouring cell names no rate: the value's own clause does."""
    text = ("3.1. Tưới tiêu | Đạt | Diện tích cây trồng được tưới chủ động đạt tỷ lệ ≥85%, có áp dụng tưới tiết kiệm "
            "| Diện tích cây trồng được tưới chủ động đạt tỷ lệ ≥70%")
    assert [m.subject for m in find_metrics(text_page(text))] == ["Diện tích cây trồng được tưới chủ động"] * 2


def test_equivalent_in_parentheses():
    (m,) = find_metrics(text_page(" | Chi phí quản lý chung (tương đương 12%)"))
    assert m.subject == "Chi phí quản lý chung"


def test_split_decimal_comma():
    """"MKN ≤ 0, 01%" (a blank after the decimal comma) is 0,01%, not 1%."""
    assert [(m.value, m.qualifier.value) for m in find_metrics(text_page("(Mn ≤ 0,2%; MKN ≤ 0, 01%; S ≤ 0,01%)"))] == [
        (0.2, "le"), (0.01, "le"), (0.01, "le")]


def test_same_figure_for_the_next_periods():
    """"A năm 2026 đạt 80% …, năm 2027 đạt 85% …": every year's figure is the first one's subject; a
    clause opening its cell is taken whole, and the phrase after a value stops before the next figure."""
    text = ("9 | Mức độ hài lòng của người dân với dịch vụ công trực tuyến của cấp xã năm 2026 đạt 80% số phiếu hài "
            "lòng, năm 2027 đạt 85% số phiếu hài lòng và đến năm 2030 đạt 95% số phiếu hài lòng")
    subject = "Mức độ hài lòng của người dân với dịch vụ công trực tuyến của cấp xã năm 2026 … số phiếu hài lòng"
    assert [(m.value, m.subject) for m in find_metrics(text_page(text))] == [(80, subject), (85, subject), (95, subject)]


@pytest.mark.parametrize("text, expected", [
    # a value bounding the quantity after a sign: the quantity is the subject, the sign its qualifier
    ("- Tinh quặng cromit 40%≤Cr2O3≤ 46%", [(40, "ge", "Tinh quặng cromit … Cr2O3"), (46, "le", "Tinh quặng cromit … Cr2O3")]),
    ("- Xỉ có hàm lượng 60% ≤ Al2O3 < 75%, SiO2 ≤ 8%",
     # "có hàm lượng": a bare quantity head keeps its owner before the marker
     [(60, "ge", "Xỉ có hàm lượng … Al2O3"), (75, "lt", "Xỉ có hàm lượng … Al2O3"), (8, "le", "SiO2")]),
])
def test_value_bounding_the_quantity_after_a_sign(text, expected):
    assert [(m.value, m.qualifier.value, m.subject) for m in find_metrics(text_page(text))] == expected


def test_phrase_after_a_value_stops_before_its_basis():
    """"chứa không quá 70% P2O5 tính theo trọng lượng khô": the figure is of P2O5 (a formula's digits are
    no next figure), reckoned on dry weight."""
    (m,) = find_metrics(text_page("2510.10 | Quặng phosphat tự nhiên chứa không quá 70% P2O5 tính theo trọng lượng khô"))
    assert m.subject == "Quặng phosphat tự nhiên chứa … P2O5"


def test_no_parent_row_from_prose():
    """A row going on in lower case takes no label from a paragraph above the table."""
    text = "Các khoản nợ được phân loại theo quy định của Thông tư này như sau\nchiếm trên 3% tổng tài sản | 40%"
    assert [m.subject for m in find_metrics(text_page(text))] == ["tổng tài sản", "chiếm trên 3% tổng tài sản"]


# Real sentences (vbpl DEV part and laws/) where the subject used to be one or two words or lay partly
# outside the found subject; checked with the gold rule (extractors.subjects.subject_matches).
@pytest.mark.parametrize("text, index, label", [
    # a long clause keeps its head: the last 14 words alone lose "dự toán kinh phí quản lý" (vbpl/doc_000316)
    ("Dự toán kinh phí quản lý chung nhiệm vụ khoa học, công nghệ và đổi mới sáng tạo bằng 5% tổng dự toán "
     "kinh phí thực hiện nhiệm vụ khoa học, công nghệ và đổi mới sáng tạo có sử dụng ngân sách nhà nước nhưng "
     "tối đa không quá 500 triệu đồng/nhiệm vụ.", 0, "dự toán kinh phí quản lý chung"),
    # ... cut at a whole word ("cá nhân", not "cá") (vbpl/doc_000167)
    ("b) Mức phạt tiền áp dụng đối với cá nhân là người làm việc tại tổ chức là quỹ tín dụng nhân dân, tổ chức "
     "tài chính vi mô, đơn vị phụ thuộc của quỹ tín dụng nhân dân, tổ chức tài chính vi mô bằng 10% mức phạt "
     "tiền quy định tại Chương II Nghị định này;", 0, "mức phạt tiền áp dụng đối với cá nhân"),
    # an opening time adverbial set off by a comma is not the head (vbpl/doc_000050)
    ("b) Kể từ ngày 01 tháng 01 năm 2028 trở đi, mức thu phí sử dụng kết cấu hạ tầng đường sắt quốc gia do "
     "Nhà nước đầu tư là 8% trên doanh thu kinh doanh vận tải đường sắt.", 0, "mức thu phí sử dụng kết cấu hạ tầng"),
    # "miễn giảm" is a noun, not the verb "giảm" before a figure (vbpl/doc_000313)
    ("Khối lượng các học phần được miễn giảm không vượt quá 50% tổng khối lượng các học phần trong chương "
     "trình đào tạo hoa tiêu hàng hải;", 0, "khối lượng các học phần được miễn giảm"),
    # "có hàm lượng": the owner of the bare quantity head stays (vbpl/doc_000349)
    ("- Số liệu vàng nguyên liệu (các dòng I.2, II.2, III.2, IV.2, VI.2 và VI.3): được tính từ số liệu các "
     "loại vàng nguyên liệu có hàm lượng từ 99,5% trở lên.", 0, "hàm lượng vàng nguyên liệu"),
    # a bare "mức tối đa" refers back to the figure of its sentence naming a "mức" (laws/ Luật Bảo hiểm xã hội 2014)
    ("1. Từ ngày Luật này có hiệu lực thi hành cho đến trước ngày 01 tháng 01 năm 2018, mức lương hưu hằng "
     "tháng của người lao động đủ điều kiện quy định tại Điều 54 của Luật này được tính bằng 45% mức bình quân "
     "tiền lương tháng đóng bảo hiểm xã hội quy định tại Điều 62 của Luật này tương ứng với 15 năm đóng bảo hiểm "
     "xã hội, sau đó cứ thêm mỗi năm thì tính thêm 2% đối với nam và 3% đối với nữ; mức tối đa bằng 75%.",
     -1, "mức lương hưu hằng tháng"),
    # "từ dưới hoặc bằng 50% lên trên 50%": the figure moved to (laws/ Luật Đầu tư 2020)
    ("tăng tỷ lệ sở hữu vốn điều lệ của nhà đầu tư nước ngoài từ dưới hoặc bằng 50% lên trên 50%;",
     1, "tỷ lệ sở hữu vốn điều lệ của nhà đầu tư nước ngoài"),
])
def test_subject_not_stopped_short(text, index, label):
    m = [x for x in find_metrics(text_page(text)) if x.unit == "%"][index]
    assert subject_matches(label, m.subject, m.unit), m.subject
    assert len(m.subject.split()) > 2


def test_list_mark_is_no_subject():
    """"a) 3% vào quỹ ốm đau và thai sản" (laws/ Luật Bảo hiểm xã hội 2014): the mark "a)" names nothing."""
    (m,) = find_metrics(text_page("a) 3% vào quỹ ốm đau và thai sản;"))
    assert m.subject == "vào quỹ ốm đau và thai sản"


def test_comma_list_of_figures_shares_a_subject():
    """"đạt hoặc vượt mức 35%, 45%, 55%" (laws/ Luật Chứng khoán 2019): a figure of the list that names
    nothing shares the subject before it; the last keeps the phrase after it."""
    text = ("dẫn đến trực tiếp hoặc gián tiếp sở hữu đạt hoặc vượt mức 35%, 45%, 55% số cổ phiếu có quyền biểu "
            "quyết của 01 công ty đại chúng;")
    subjects = [m.subject for m in find_metrics(text_page(text)) if m.unit == "%"]
    assert subjects[0] == subjects[1] and subjects[0]
    assert subject_matches("cổ phiếu có quyền biểu quyết", subjects[2])


@pytest.mark.parametrize("text, label, left_out", [
    # a leading verb before the value: its object is the subject (vbpl/doc_000209, laws/ Luật Giáo dục đại học 2012,
    # laws/ Luật Quản lý thuế 2019)
    ("a) Trích 14% để bổ sung mức ăn cho phạm nhân là người chưa thành niên;", "mức ăn cho phạm nhân", "Trích"),
    ("a) Dành ít nhất 25% để đầu tư phát triển cơ sở giáo dục đại học, cho các hoạt động giáo dục;",
     "đầu tư phát triển cơ sở giáo dục đại học", "Dành"),
    ("b) Phạt 10% tính trên số tiền thuế khai thiếu số tiền thuế phải nộp;", "số tiền thuế khai thiếu", "Phạt"),
])
def test_leading_verb_gives_its_object(text, label, left_out):
    (m,) = [x for x in find_metrics(text_page(text)) if x.unit == "%"]
    assert subject_matches(label, m.subject), m.subject
    assert left_out not in m.subject


def test_bare_predicate_after_thi_keeps_the_condition():
    """"… sau đó cứ thêm mỗi năm thì tính thêm 2%" (laws/ Luật Bảo hiểm xã hội 2014): "tính thêm" names
    nothing; the condition before "thì" stays in the subject."""
    text = ("Sau đó cứ thêm mỗi năm thì tính thêm 2% đối với nam và 3% đối với nữ.")
    subjects = [m.subject for m in find_metrics(text_page(text)) if m.unit == "%"]
    assert all(subject_matches("thêm mỗi năm", s) for s in subjects), subjects
    (m,) = find_metrics(text_page("2. Người lao động làm việc vào ban đêm thì được trả thêm ít nhất bằng 30% "
                                  "tiền lương thực trả;"))  # laws/ Bộ luật Lao động 2019
    assert subject_matches("người lao động làm việc vào ban đêm", m.subject), m.subject


@pytest.mark.parametrize("text, label", [
    # "…: Tỷ lệ là 100%": the lead-in names nothing, the label before the colon does (vbpl/doc_000519)
    ("a) Đối với vị trí việc làm lãnh đạo, quản lý là người đứng đầu cơ quan chuyên môn thuộc tỉnh: Tỷ lệ là 100%;",
     "vị trí việc làm lãnh đạo, quản lý là người đứng đầu cơ quan chuyên môn thuộc tỉnh"),
    # a bracket closing the label is part of it (vbpl/doc_000251)
    ("b) Cung cấp và phân phối hàng hóa tại Việt Nam theo hình thức xuất khẩu, nhập khẩu tại chỗ hoặc theo các "
     "điều khoản thương mại quốc tế (Incoterms): 1%;", "phân phối hàng hóa … điều khoản thương mại quốc tế Incoterms"),
    ("c) Cho thuê máy bay, trực thăng, tàu lượn (kể cả thuê động cơ, phụ tùng), tàu biển: 2%;",
     "cho thuê máy bay, tàu biển"),
])
def test_whole_label_before_the_colon(text, label):
    (m,) = [x for x in find_metrics(text_page(text)) if x.unit == "%"]
    assert subject_matches(label, m.subject), m.subject


def test_tail_of_a_long_clause_starts_at_a_whole_word():
    """laws/ Luật Nhà ở 2014: the tail after "…" does not open inside "trường hợp"."""
    text = ("bên thuê mua thanh toán trước cho bên cho thuê mua 20% giá trị của nhà ở thuê mua, trừ trường hợp "
            "người thuê mua có điều kiện thanh toán trước thì được thanh toán không quá 50% giá trị nhà ở thuê mua;")
    m = [x for x in find_metrics(text_page(text)) if x.unit == "%"][1]
    assert "… hợp" not in m.subject and subject_matches("giá trị nhà ở thuê mua", m.subject), m.subject


# Failure classes of DEV3 (metrics_dev3.yaml), one made-up sentence each.
def test_figure_for_another_scope_shares_the_subject():
    """"A đạt ít nhất 90%, đối với X đạt ít nhất 85%": the same quantity for another scope."""
    text = "a) Tỷ lệ hộ gia đình dùng nước sạch đạt ít nhất 90%, đối với xã miền núi đạt ít nhất 80%;"
    subjects = [m.subject for m in find_metrics(text_page(text)) if m.unit == "%"]
    assert len(subjects) == 2 and subjects[0] == subjects[1] and subject_matches("tỷ lệ hộ gia đình", subjects[1])


def test_compared_with_when_nothing_before():
    (m,) = find_metrics(text_page("b) Không được vượt quá 5% so với vốn chủ sở hữu của doanh nghiệp."))
    assert subject_matches("vốn chủ sở hữu của doanh nghiệp", m.subject), m.subject


def test_bracket_closed_before_the_value_is_an_aside():
    (m,) = find_metrics(text_page("Xe có mức tiêu thụ điện năng (tính theo kWh) không vượt quá 60% mức chuẩn."))
    assert subject_matches("mức tiêu thụ điện năng", m.subject) and not m.subject.startswith("tính"), m.subject


def test_fixed_phrase_with_co_is_no_subject_marker():
    """"trò chơi điện tử có thưởng": "có" opens a modifier, not the measured quantity."""
    (m,) = find_metrics(text_page("Chi phí quảng cáo của hoạt động trò chơi điện tử có thưởng vượt quá 3% doanh thu;"))
    assert subject_matches("chi phí quảng cáo", m.subject), m.subject


# Failure classes of DEV4 (metrics_dev4.yaml) and the rest of DEV3, one made-up sentence each.
def test_money_range_is_one_count():
    text = "a) Phạt tiền từ 2.000.000 đồng đến 4.000.000 đồng đối với hành vi không báo cáo đúng hạn;"
    assert _ms(text) == [(2000000, 4000000, "đồng", "range")]


def test_fraction_of_a_total_is_no_count():
    """"2/3 tổng số thành viên" is a share of the total, not a count of the noun before it."""
    assert _ms("Ban kiểm tra của tổ chức họp khi có ít nhất 3/4 tổng số thành viên dự họp.") == []


def test_value_between_two_nouns_is_no_figure_of_the_rate_before():
    """"tỷ lệ góp vốn … trong công ty 100% vốn nước ngoài": the value belongs to the noun, not to the rate."""
    (m,) = find_metrics(text_page("Thành viên có tỷ lệ góp vốn lớn nhất trong công ty chứng khoán 100% vốn nước ngoài."))
    assert subject_matches("vốn nước ngoài", m.subject) and "tỷ lệ" not in m.subject.lower(), m.subject


def test_negated_predicate_after_thi_names_nothing():
    (m,) = find_metrics(text_page("Việc trích lập quỹ dự phòng rủi ro phải bảo đảm công ty không bị lỗ, nếu công ty "
                                  "bị lỗ thì không được trích đủ 10%."))
    assert subject_matches("quỹ dự phòng rủi ro", m.subject), m.subject


def test_bracket_inside_the_clause_before_the_value_is_left_out():
    text = ("Số lượng trạm y tế tại vùng sâu (không bao gồm trạm lưu động) của các huyện miền núi, hải đảo "
            "chiếm tối thiểu 40% tổng số trạm y tế của tỉnh.")
    (m,) = find_metrics(text_page(text))
    assert subject_matches("số lượng trạm y tế tại vùng sâu của các huyện miền núi", m.subject), m.subject
    assert "lưu động" not in m.subject, m.subject


def test_phrase_after_the_value_goes_on_past_a_scope_bracket():
    text = ("Có 90% tổng số giáo viên (đối với trường công lập) hoặc nhân viên (đối với trường tư thục) "
            "đạt chuẩn nghề nghiệp.")
    (m,) = find_metrics(text_page(text))
    assert subject_matches("giáo viên hoặc nhân viên đạt chuẩn nghề nghiệp", m.subject), m.subject
    assert "công lập" not in m.subject, m.subject


def test_percentage_spelled_out_before_its_figure():
    (m,) = find_metrics(text_page("b) Độ ẩm của mẫu sau khi sấy khô ở nhiệt độ phòng tối đa là năm phần trăm (5%)."))
    assert subject_matches("độ ẩm của mẫu", m.subject) and "phần trăm" not in m.subject, m.subject


def test_leading_verb_in_mid_clause_hands_over_its_object():
    text = "Ủy ban nhân dân tỉnh hướng tới mục tiêu bố trí tối thiểu 30% trong tổng số vốn đầu tư công cho giáo dục."
    (m,) = find_metrics(text_page(text))
    assert subject_matches("vốn đầu tư công cho giáo dục", m.subject) and "Ủy ban" not in m.subject, m.subject
    (m,) = find_metrics(text_page("Ngân sách bảo đảm nhưng mức hỗ trợ tối đa bằng 2% quỹ tiền lương tháng."))
    assert subject_matches("mức hỗ trợ", m.subject), m.subject  # "hỗ trợ" after "mức" is no verb


def test_excess_named_before_the_value_starts_the_subject():
    text = ("c) Phạt tiền đối với hành vi chở hành khách trên mỗi phương tiện thủy nội địa vượt quá số người cho "
            "phép được ghi trong giấy chứng nhận đăng ký của phương tiện trên 50%;")
    m = [x for x in find_metrics(text_page(text)) if x.unit == "%"][0]
    assert subject_matches("vượt quá số người cho phép", m.subject) and not m.subject.startswith("đối với"), m.subject
