import unicodedata

import pytest

from ingest.normalize import normalize_text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("hoà bình", "hòa bình"),
        ("CỘNG HOÀ", "CỘNG HÒA"),
        ("Hoá đơn", "Hóa đơn"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("xoã", "xõa"),
        ("thuỷ lợi", "thủy lợi"),
        ("tuỳ", "tùy"),
        ("Uỷ ban, UỶ BAN", "Ủy ban, ỦY BAN"),
        ("luỹ kế", "lũy kế"),
        # qu is an onset; closed syllables keep the mark on the main vowel
        ("quý, quỷ, quỹ", "quý, quỷ, quỹ"),
        ("hoàng thuyền khoắt", "hoàng thuyền khoắt"),
        # already the chosen style
        ("hòa thủy", "hòa thủy"),
        # eth confused for Đ
        ("ÐỒNG NAI ðồng", "ĐỒNG NAI đồng"),
        # numbers and references untouched
        ("1143/QĐ-UBND ngày 24/4/2024 đạt 73,03%", "1143/QĐ-UBND ngày 24/4/2024 đạt 73,03%"),
        ("", ""),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_nfd_input_becomes_nfc():
    nfd = unicodedata.normalize("NFD", "Cộng hoà xã hội")
    out = normalize_text(nfd)
    assert out == "Cộng hòa xã hội"
    assert unicodedata.is_normalized("NFC", out)


def test_length_preserved_on_nfc_vietnamese():
    text = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM, thuỷ lợi, Ðồng Nai, khoẻ"
    assert len(normalize_text(text)) == len(text)


def test_zero_width_and_soft_hyphen_dropped():
    assert normalize_text("đư\u00adợc\u200b") == "được"


def test_both_tone_styles_compare_equal():
    assert normalize_text("Cộng hoà, thuỷ") == normalize_text("Cộng hòa, thủy")
