"""Real Tesseract on rasterised Vietnamese pages (a few pages only: ~2 s each)."""

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from ingest import ingest_file
from ingest.preprocess import estimate_skew, rotate_small
from models.pages import PageMethod

from .builders import VIET_LINES, raster_pdf, text_pdf, write

TRUTH = "\n".join(VIET_LINES)


def cer(got: str, truth: str) -> float:
    a, b = " ".join(got.split()), " ".join(truth.split())
    return Levenshtein.distance(a, b) / len(b)


def assert_words_consistent(page):
    for w in page.words:
        assert page.text[w.start:w.end] == w.text
        assert 0 <= w.box.x0 <= w.box.x1 <= page.width and 0 <= w.box.y0 <= w.box.y1 <= page.height
        assert 0.0 <= w.confidence <= 1.0
    lines = [w.line for w in page.words]
    assert lines == sorted(lines)


def test_ocr_of_rasterised_vietnamese_page(tmp_path, settings):
    born = text_pdf(VIET_LINES)
    r = ingest_file(write(tmp_path, "scan.pdf", raster_pdf(born, dpi=250)), settings=settings)
    assert r.status == "ok" and r.pages_ocr == [1]
    page = r.pages[0]
    assert page.method == PageMethod.OCR and "no text layer" in page.decision
    assert cer(page.text, TRUTH) < 0.03, page.text
    assert page.ocr_confidence > 0.8
    assert_words_consistent(page)
    # boxes land where the words are on the page: compare with the born-digital text layer
    digital = ingest_file(write(tmp_path, "born.pdf", born), settings=settings).pages[0]
    want = next(w.box for w in digital.words if w.text == "1143/QĐ-UBND")
    got = next(w.box for w in page.words if "1143" in w.text)
    assert abs(got.x0 - want.x0) < 4 and abs(got.y0 - want.y0) < 6 and abs(got.x1 - want.x1) < 6


def test_garbage_layer_scan_is_ocrd(tmp_path, settings):
    junk = "CONG Hcok xA HQI CHiJ NGHiA VIVT NAM\nDoc lap - Tu do - Hanh phuc\nS6: 1143/QD-UBND"
    r = ingest_file(write(tmp_path, "junk.pdf", raster_pdf(text_pdf(VIET_LINES), dpi=250, layer=junk)),
                    settings=settings)
    page = r.pages[0]
    assert page.method == PageMethod.OCR
    assert page.layer_score < 0.5 and "text layer scores" in page.decision
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page.text
    assert cer(page.text, TRUTH) < 0.05


def test_upside_down_scan_is_turned_upright(tmp_path, settings):
    """Unreadable as is (low confidence) → OSD says 180° → re-OCR; boxes map back onto the page."""
    r = ingest_file(write(tmp_path, "flip.pdf", raster_pdf(text_pdf(VIET_LINES), dpi=200, rotate=180)),
                    settings=settings)
    page = r.pages[0]
    assert page.method == PageMethod.OCR
    assert page.rotation == 180 and "rotated 180°" in page.decision
    assert "1143/QĐ-UBND" in page.text and cer(page.text, TRUTH) < 0.05
    assert_words_consistent(page)
    box = next(w for w in page.words if w.text == "CỘNG").box  # upright at x≈72, y≈80: now bottom right
    assert abs(box.x1 - (page.width - 72)) < 6 and box.y0 > page.height - 110


def test_sideways_scan_reads_and_maps_boxes(tmp_path, settings):
    r = ingest_file(write(tmp_path, "side.pdf", raster_pdf(text_pdf(VIET_LINES), dpi=200, rotate=90)),
                    settings=settings)
    page = r.pages[0]
    assert page.width > page.height  # the page itself is landscape
    assert "1143/QĐ-UBND" in page.text and cer(page.text, TRUTH) < 0.05
    assert_words_consistent(page)
    box = next(w for w in page.words if w.text == "CỘNG").box  # turned clockwise: top-left → top-right
    assert box.x0 > page.width - 110 and abs(box.y0 - 72) < 6 and (box.y1 - box.y0) > (box.x1 - box.x0)


def test_skewed_scan_is_deskewed(tmp_path, settings):
    docgen = pytest.importorskip("tests.support.docgen")
    scan = docgen.rasterize_scan(text_pdf(VIET_LINES), dpi=200, skew_deg=2.0, noise=4.0, seed=5)
    r = ingest_file(write(tmp_path, "skew.pdf", scan), settings=settings)
    page = r.pages[0]
    assert "deskewed" in page.decision
    assert cer(page.text, TRUTH) < 0.05
    assert_words_consistent(page)


@pytest.mark.parametrize("deg", [-3.0, -1.2, 1.5, 4.0])
def test_estimate_skew_recovers_angle(deg):
    img = np.full((1200, 1000), 255, np.uint8)
    for y in range(100, 1100, 40):  # text-like rows of dashes
        for x in range(100, 900, 30):
            img[y:y + 8, x:x + 20] = 0
    rotated, _ = rotate_small(img, deg)
    assert estimate_skew(rotated) == pytest.approx(-deg, abs=0.3)
