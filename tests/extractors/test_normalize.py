import pytest

from extractors import fold, parse_vn_number
from extractors.normalize import fix_chars, fold_chars, nfc, normalize_tones


@pytest.mark.parametrize("raw, expected", [
    ("73,03", 73.03), ("291.899", 291899), ("67.28", 67.28), ("1.816", 1816), ("31.50", 31.5),
    ("31,50", 31.5), ("100", 100), ("1.234.567", 1234567), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
    ("92,59 %", 92.59), ("0,5", 0.5), ("abc", None), ("", None), ("1..2", None),
])
def test_parse_vn_number(raw, expected):
    assert parse_vn_number(raw) == expected


@pytest.mark.parametrize("a, b", [
    ("Cộng hòa", "CỘNG HOÀ"), ("thủy lợi", "thuỷ lợi"), ("ĐỒNG NAI", "Ðồng  Nai"), ("Sở Nội vụ", "so noi vu"),
])
def test_fold_equal(a, b):
    assert fold(a) == fold(b)


def test_fold_values():
    assert fold("  Quyết   định\nsố ") == "quyet dinh so"
    assert fold("Đ ð Ð") == "d d d"


def test_length_preserving():
    s = "Hoà bình, Ðồng Nai – khoẻ, thuỷ; QĐ\u00a0UBND"
    for f in (fix_chars, fold_chars, normalize_tones):
        assert len(f(s)) == len(s)
    assert normalize_tones("hoà thuỷ khoẻ quý hoàn") == "hòa thủy khỏe quý hoàn"
    assert fix_chars("QÐ–UBND") == "QĐ-UBND"


def test_nfc_combining():
    decomposed = "Quye\u0302\u0301t đi\u0323nh"
    assert nfc(decomposed) == "Quyết định"
