"""Text layer vs OCR, decided per page and recorded (no OCR runs here)."""

import pymupdf

from ingest import ingest_file
from ingest.pdf import triage_page
from models.pages import PageMethod

from .builders import FONT, VIET_LINES, png_bytes, raster_pdf, text_pdf, write

GARBAGE = "CONG Hcok xA HQI CHiJ NGHiA VIVT NAM\nDoc lap - Tu do - Hanh phuc\nS6: 1143/QD-UBND"


def first_page(data: bytes) -> pymupdf.Page:
    return pymupdf.open(stream=data, filetype="pdf")[0]


def test_born_digital_uses_text_layer_with_boxes(tmp_path, settings):
    r = ingest_file(write(tmp_path, "kh.pdf", text_pdf(VIET_LINES)), settings=settings)
    assert r.status == "ok" and r.page_count == 1 and r.pages_ocr == []
    page = r.pages[0]
    assert page.method == PageMethod.TEXT_LAYER
    assert page.layer_score >= 0.95 and "text layer scores" in page.decision
    assert page.text.split("\n") == VIET_LINES
    for w in page.words:
        assert page.text[w.start:w.end] == w.text
        assert 0 <= w.box.x0 < w.box.x1 <= page.width and 0 <= w.box.y0 < w.box.y1 <= page.height
        assert w.confidence == 1.0
    first = page.words[0]
    assert first.text == "CỘNG" and first.line == 0 and abs(first.box.x0 - 72) < 1
    assert page.words[-1].line == len(VIET_LINES) - 1


def test_text_layer_is_normalised(tmp_path, settings):
    r = ingest_file(write(tmp_path, "a.pdf", text_pdf(["CỘNG HOÀ xã hội, thuỷ lợi, ÐỒNG NAI"])), settings=settings)
    page = r.pages[0]
    assert page.text == "CỘNG HÒA xã hội, thủy lợi, ĐỒNG NAI"
    assert all(page.text[w.start:w.end] == w.text for w in page.words)


def test_rotated_page_boxes_in_display_space(tmp_path, settings):
    doc = pymupdf.open(stream=text_pdf(VIET_LINES), filetype="pdf")
    doc[0].set_rotation(90)
    r = ingest_file(write(tmp_path, "rot.pdf", doc.tobytes()), settings=settings)
    page = r.pages[0]
    assert (page.width, page.height) == (842, 595)
    for w in page.words:
        assert 0 <= w.box.x0 < w.box.x1 <= page.width and 0 <= w.box.y0 < w.box.y1 <= page.height


def test_garbage_layer_scan_goes_to_ocr():
    t = triage_page(first_page(raster_pdf(text_pdf(VIET_LINES), dpi=100, layer=GARBAGE)), 0.75)
    assert t.method == PageMethod.OCR
    assert t.layer_score < 0.5 and "text layer scores" in t.decision


def test_legacy_font_junk_goes_to_ocr():
    junk = "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\nQuyÕt ®Þnh vÒ viÖc ban hµnh"
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_font(fontname="dv", fontfile=FONT)
    page.insert_text((72, 90), junk, fontname="dv", fontsize=12)
    t = triage_page(page, 0.75)
    assert t.method == PageMethod.OCR and t.layer_score < 0.5


def test_unmapped_glyphs_go_to_ocr():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_font(fontname="dv", fontfile=FONT)
    # private-use code points: what a font without a ToUnicode map leaves in the text layer
    page.insert_text((72, 90), "C\ue001ng h\ue002a x\ue003 h\ue004i ch\ue005 ngh\ue006a Vi\ue007t Nam",
                     fontname="dv", fontsize=12)
    t = triage_page(page, 0.75)
    assert t.method == PageMethod.OCR and "unmapped" in t.decision


def test_image_only_page_goes_to_ocr():
    t = triage_page(first_page(raster_pdf(text_pdf(VIET_LINES), dpi=100)), 0.75)
    assert t.method == PageMethod.OCR and t.layer_score is None and "no text layer" in t.decision


def test_empty_page():
    doc = pymupdf.open()
    t = triage_page(doc.new_page(), 0.75)
    assert t.method == PageMethod.EMPTY


def test_mixed_page_with_large_untexted_image_goes_to_ocr():
    doc = pymupdf.open(stream=text_pdf(VIET_LINES[:4]), filetype="pdf")
    page = doc[0]
    page.insert_image(pymupdf.Rect(72, 400, 520, 780), stream=png_bytes((300, 250), color=90))
    t = triage_page(page, 0.75)
    assert t.method == PageMethod.OCR and "mixed page" in t.decision and t.layer_score >= 0.95


def test_small_logo_keeps_text_layer():
    doc = pymupdf.open(stream=text_pdf(VIET_LINES), filetype="pdf")
    page = doc[0]
    page.insert_image(pymupdf.Rect(480, 20, 540, 80), stream=png_bytes((60, 60), color=90))
    assert triage_page(page, 0.75).method == PageMethod.TEXT_LAYER


def test_searchable_scan_with_good_layer_keeps_text_layer():
    """A scan with a Vietnamese text layer over the image (e.g. from a Vietnamese OCR) is used as is."""
    good = "\n".join(VIET_LINES)
    t = triage_page(first_page(raster_pdf(text_pdf(VIET_LINES), dpi=100, layer=good)), 0.75)
    assert t.method == PageMethod.TEXT_LAYER and t.layer_score >= 0.95


def _admin_document():
    import datetime

    docgen = __import__("pytest").importorskip("tests.support.docgen")
    doc = docgen.AdminDocument(
        issuer="SỞ NỘI VỤ", parent_issuer="UBND TỈNH ĐỒNG NAI", number="15/KH-SNV", place="Đồng Nai",
        issued_on=datetime.date(2024, 1, 15), type_line="KẾ HOẠCH", title="Cải cách hành chính năm 2024",
        body=["Căn cứ Quyết định số 1143/QĐ-UBND ngày 24/4/2024 của UBND tỉnh Đồng Nai;",
              "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 73,03%."],
    )
    return docgen, docgen.render_pdf(doc)


def test_docgen_admin_document_uses_text_layer(tmp_path, settings):
    _, pdf = _admin_document()
    r = ingest_file(write(tmp_path, "kh.pdf", pdf), settings=settings)
    page = r.pages[0]
    assert page.method == PageMethod.TEXT_LAYER
    assert "Số: 15/KH-SNV" in page.text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page.text
    assert "73,03%" in page.text


def test_docgen_garbage_layer_scan_triaged_to_ocr():
    docgen, pdf = _admin_document()
    t = triage_page(first_page(docgen.garbage_layer_scan(pdf, dpi=100, seed=2)), 0.75)
    assert t.method == PageMethod.OCR and t.layer_score < 0.6
