import random

import pytest

from ingest.syllables import classify_token, is_vietnamese_syllable, score_text

from .builders import CORPUS

GARBAGE = "CONG Hcok xA HQI CHiJ NGHiA VIVT NAM"
TCVN3 = "Céng hoµ x· héi chñ nghÜa ViÖt Nam §éc lËp - Tù do - H¹nh phóc"
VNI = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam Ñoäc laäp - Töï do - Haïnh phuùc"


@pytest.mark.parametrize(
    "word", ["cộng", "hòa", "hoà", "xã", "nghĩa", "Việt", "NAM", "quyết", "giường", "khuya", "yêu",
             "thuở", "ngoặc", "tiếng", "Đồng", "kỳ", "ghi", "nghề", "của", "được", "huỵch", "gì"],
)
def test_valid_syllables(word):
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize(
    "word", ["Hcok", "xA", "HQI", "CHiJ", "NGHiA", "VIVT", "Céng", "hoµ", "ViÖt", "Coäng", "nghóa",
             "cac", "ka", "gha", "ce", "quo", "tyên", "jump", "quick", "brown"],
)
def test_invalid_syllables(word):
    assert not is_vietnamese_syllable(word)


@pytest.mark.parametrize("token", ["1143/QĐ-UBND", "24/4/2024", "73,03%", "291.899", "QĐ-UBND", "UBND", "II", "a)"])
def test_numbers_and_abbreviations_are_neutral(token):
    assert classify_token(token) == "neutral"


def test_unmapped_glyphs_count_against():
    assert classify_token("C\ufffdng") == "unmapped"
    assert classify_token("\ue001\ue002") == "unmapped"
    assert score_text("\ufffd\ufffd \ue000\ue001 h\ufffdi ngh\ufffda Nam").score < 0.5


def test_real_law_text_scores_high():
    files = sorted((CORPUS / "laws").glob("*.txt"))
    assert len(files) > 20
    for path in random.Random(7).sample(files, 12):
        text = path.read_text(encoding="utf-8")[:30000]
        s = score_text(text)
        assert s.score >= 0.9, (path.name, s)
        assert s.counted > 200


def test_admin_text_with_numbers_scores_high():
    text = ("Số: 1143/QĐ-UBND Đồng Nai, ngày 24/4/2024. Tỷ lệ hồ sơ TTHC giải quyết đúng hạn đạt 73,03%; "
            "291.899 hồ sơ; 1.816 TTHC; Điều 1. Ban hành kèm theo Quyết định này.")
    assert score_text(text).score >= 0.95


@pytest.mark.parametrize("junk", [GARBAGE, TCVN3, VNI, "The quick brown fox jumps over the lazy dog"])
def test_junk_scores_low(junk):
    assert score_text(junk).score < 0.5


def test_accent_stripped_text_scores_low():
    text = ("Luat nay quy dinh ve viec thuc hien quyen tu do cu tru cua cong dan Viet Nam tren lanh tho "
            "nuoc Cong hoa xa hoi chu nghia Viet Nam viec dang ky quan ly cu tru quyen nghia vu trach nhiem")
    assert score_text(text).score < 0.5


def test_empty_and_numeric_only_text():
    assert score_text("").counted == 0
    s = score_text("1/2 24/4/2024 73,03%")
    assert s.counted == 0 and s.neutral == 3
