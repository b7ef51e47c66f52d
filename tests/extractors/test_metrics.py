import pytest

from extractors import find_metrics
from extractors.metrics import denominator
from tests.extractors.helpers import ocr_page, text_page


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
    ("kiểm tra tối thiểu 70% các đơn vị, địa phương", "các đơn vị"),
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
