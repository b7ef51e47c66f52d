"""Other readings of a number word are kept with the page (issue #15 item 10): when the second engine reads a
number word's digits otherwise than Tesseract did, the page keeps Tesseract's text and stores the second reading
as the word's alternative, so the viewer can say "Có thể đọc là: …". Real Tesseract and the real second engine
on a generated scan (the report page of test_ocr)."""

from __future__ import annotations

import dataclasses

import pymupdf

from ingest import numbers
from ingest.ocr import PageJob, finish_read, read_image, render_pdf_gray
from models.pages import AltSource, Page, PageMethod

from .test_ocr import report_scan  # noqa: F401 (the module fixture: the generated scan)


def _job() -> PageJob:
    return PageJob(path="bc.pdf", kind="pdf", index=0, lang="vie", dpi=300, timeout=120,
                   max_page_pixels=10**9, max_image_pixels=10**9)


def _read(scan: bytes):
    doc = pymupdf.open(stream=scan, filetype="pdf")
    try:
        gray, w, h, dpi = render_pdf_gray(doc, 0, 300, 10**9, drop_red=True)
    finally:
        doc.close()
    return read_image(gray, w, h, _job(), dpi)


def test_a_number_read_otherwise_by_the_second_engine_keeps_that_reading(report_scan):  # noqa: F811
    read = _read(report_scan)
    found = next(f for f in read.numbers.found if f.text == "50%." and f.checked)
    k, j = read.positions[found.index]
    # Tesseract's usual damage, a digit swapped with high confidence: the page says "90%." where the ink says 50
    _, *box, _ = read.lines[k][j]
    read.lines[k][j] = ("90%.", *box, 0.95)
    read.numbers.found[read.numbers.found.index(found)] = dataclasses.replace(found, text="90%.", conf=95.0)
    page = finish_read(read)
    assert page.method == PageMethod.OCR
    word = next(i for i, w in enumerate(page.words) if w.text == "90%.")
    alts = [a for a in page.alternatives if a.word == word]
    assert len(alts) == 1, page.alternatives
    assert alts[0].source == AltSource.SECOND_ENGINE and alts[0].text.startswith("50%")
    assert alts[0].confidence is not None and 0 < alts[0].confidence <= 1
    assert page.words[word].confidence < 0.9  # not confirmed: below the extractors' review bar
    assert "90%." in page.text  # the text keeps the first reading
    stored = Page.model_validate(page.model_dump(mode="json"))  # as PageRow.data holds it
    assert stored.alternatives == page.alternatives


def test_a_confirmed_number_has_no_other_reading(report_scan):  # noqa: F811
    page = finish_read(_read(report_scan))
    word = next(i for i, w in enumerate(page.words) if w.text == "50%.")
    assert page.words[word].confidence >= 0.9
    assert not [a for a in page.alternatives if a.word == word]
    for a in page.alternatives:  # whatever else was read otherwise is a number word of the page
        assert any(c.isdigit() for c in page.words[a.word].text), a


def test_only_digits_that_differ_make_another_reading():
    same_digits = numbers.NumberCheck(3, "18/2015/NĐ-CP", None, None, False, second_text="18/2015/ND-CP",
                                      second_conf=0.99)
    dropped = numbers.NumberCheck(5, "18/2015/NĐ-CP", None, None, False, second_text="118/2015/ND-CP",
                                  second_conf=0.97, reread_texts=(("118/2015/NĐ-CP", 0.61), ("18/2015/NĐ-CP", 0.9)))
    got = numbers.alternatives(numbers.NumberReport(checks=[same_digits, dropped]))
    assert got == [(5, "118/2015/ND-CP", "second_engine", 0.97), (5, "118/2015/NĐ-CP", "reread", 0.61)]
