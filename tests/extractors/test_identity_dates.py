"""The header's place-and-date line read with a damaged day or month (issue #11, page-1 scans)."""

from extractors import read_identity
from models.pages import AltSource, Page, WordAlternative
from tests.extractors.helpers import ocr_page

HEADER = ("BỘ TÀI CHÍNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
          "Số: 99/2025/TT-BTC Hà Nội, ngày {d} tháng {m} năm 2025\nTHÔNG TƯ\nHướng dẫn chế độ kế toán\n"
          "Căn cứ Luật Kế toán ngày 20 tháng 11 năm 2015;")


def _page(d: str, m: str, second: dict[str, str] | None = None, source: AltSource = AltSource.SECOND_ENGINE) -> Page:
    """An OCR'd header; ``second`` maps a word as read to what the second engine read there."""
    page = ocr_page(HEADER.format(d=d, m=m), low={d: 0.69, m: 0.69})
    alts = [WordAlternative(word=k, text=second[w.text], source=source, confidence=1.0)
            for k, w in enumerate(page.words) if w.text in (second or {})]
    return page.model_copy(update={"alternatives": alts})


def test_day_read_with_a_stray_digit_takes_the_second_reading_flagged():
    # an italic "27" read "237": the second engine read the word's digits "27"
    ident = read_identity([_page("237", "10", {"237": "27"})])
    assert ident.issued_on == "2025-10-27"
    assert ident.fields["issued_on"].needs_review
    assert any("second reading" in n for n in ident.notes)
    assert ident.number == "99/2025/TT-BTC" and ident.doc_type == "Thông tư"


def test_month_unreadable_as_printed_takes_the_second_reading_flagged():
    ident = read_identity([_page("27", "190", {"190": "10"})])
    assert ident.issued_on == "2025-10-27" and ident.fields["issued_on"].needs_review


def test_unreadable_day_without_a_usable_second_reading_gives_no_date():
    assert read_identity([_page("237", "10")]).issued_on is None  # no second reading
    assert read_identity([_page("237", "10", {"237": "45"})]).issued_on is None  # no such day
    assert read_identity([_page("237", "10", {"237": "2x"})]).issued_on is None  # not digits
    # Tesseract's own re-read is not the independent reading that settles a digit
    assert read_identity([_page("237", "10", {"237": "27"}, AltSource.REREAD)]).issued_on is None


def test_readable_day_is_never_replaced_by_the_second_reading():
    ident = read_identity([_page("26", "10", {"26": "28"})])
    assert ident.issued_on == "2025-10-26"  # the page says 26: the text is what is printed


def test_full_stop_for_the_comma_of_the_place_and_date_line_gives_the_date_flagged():
    ident = read_identity([ocr_page(HEADER.format(d="19", m="11").replace("Hà Nội,", "Hà Nội."))])
    assert ident.issued_on == "2025-11-19" and ident.fields["issued_on"].needs_review
    assert ident.place == "Hà Nội"
    clean = read_identity([ocr_page(HEADER.format(d="19", m="11"))])
    assert clean.issued_on == "2025-11-19" and not clean.fields["issued_on"].needs_review


def test_so_label_read_5o_still_gives_the_number_flagged():
    ident = read_identity([ocr_page(HEADER.format(d="19", m="11").replace("Số:", "5õ:"))])
    assert ident.number == "99/2025/TT-BTC" and ident.fields["number"].needs_review
    # without its colon "5õ" is no label: a digit and a letter
    bare = read_identity([ocr_page(HEADER.format(d="19", m="11").replace("Số:", "5õ"))])
    assert bare.number is None
