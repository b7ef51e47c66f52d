"""Download names (issue #15 item 7): the UTF-8 name in ``filename*``, an ASCII fallback that transliterates
Vietnamese instead of cutting its letters out, and a header that no unit name can break."""

from __future__ import annotations

import unicodedata

import pytest

from api.service.filenames import ascii_filename, content_disposition, report_filename
from tests.api.disposition import parse


@pytest.mark.parametrize(("unit", "utf8", "fallback"), [
    ("Sở Tư pháp tỉnh Đồng Nai", "bao-cao-Sở-Tư-pháp-tỉnh-Đồng-Nai-2024.xlsx", "bao-cao-So-Tu-phap-tinh-Dong-Nai-2024.xlsx"),
    ("UBND huyện Đắk Mil", "bao-cao-UBND-huyện-Đắk-Mil-2024.xlsx", "bao-cao-UBND-huyen-Dak-Mil-2024.xlsx"),
    ("Sở Nội vụ tỉnh Thừa Thiên Huế", "bao-cao-Sở-Nội-vụ-tỉnh-Thừa-Thiên-Huế-2024.xlsx",
     "bao-cao-So-Noi-vu-tinh-Thua-Thien-Hue-2024.xlsx"),
    ("ỦY BAN NHÂN DÂN XÃ ĐỒNG TÂM", "bao-cao-ỦY-BAN-NHÂN-DÂN-XÃ-ĐỒNG-TÂM-2024.xlsx",
     "bao-cao-UY-BAN-NHAN-DAN-XA-DONG-TAM-2024.xlsx"),
    (None, "bao-cao-don-vi-2024.xlsx", "bao-cao-don-vi-2024.xlsx"),
])
def test_a_report_is_named_after_its_unit_with_an_ascii_fallback(unit, utf8, fallback):
    name = report_filename(unit, 2024, "xlsx")
    assert name == utf8
    d = parse(content_disposition(name))
    assert d.kind == "attachment" and d.name == utf8 and d.filename == fallback
    assert d.filename_star == (None if utf8 == fallback else utf8)  # an ASCII name needs no second form


def test_decomposed_input_and_every_vietnamese_letter_transliterate():
    # NFD input (as macOS file names arrive) gives the same fallback as NFC
    assert ascii_filename(unicodedata.normalize("NFD", "Đồng Nai")) == ascii_filename("Đồng Nai") == "Dong-Nai"
    letters = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    assert ascii_filename(letters) == "a" * 17 + "e" * 11 + "i" * 5 + "o" * 17 + "u" * 11 + "y" * 5 + "d"
    assert ascii_filename(letters.upper()) == "A" * 17 + "E" * 11 + "I" * 5 + "O" * 17 + "U" * 11 + "Y" * 5 + "D"


@pytest.mark.parametrize("unit", ['Sở "A"; filename="evil.exe"', "Sở\r\nSet-Cookie: x=1", "Sở/../../etc", "中文 单位"])
def test_no_unit_name_breaks_the_header(unit):
    header = content_disposition(report_filename(unit, 2024, "html"), inline=True)
    assert "\r" not in header and "\n" not in header
    d = parse(header)  # one filename, one filename*, nothing else
    assert d.kind == "inline" and d.name.endswith("-2024.html") and "/" not in d.name and '"' not in d.name
    assert d.filename.isascii() and d.filename.startswith("bao-cao-")
