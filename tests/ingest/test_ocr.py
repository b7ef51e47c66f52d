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


# ----------------------------------------------------------------- numbers read again

# The end of an annual report, scanned like the verify benchmark's scans.  "50%." wraps onto a
# line of its own; with only digits on it, Tesseract's first read of that line is unsure of the
# "5" (56% word confidence on Tesseract 5.3 for these clean pixels; 96% with other text above).
REPORT_TAIL = [
    "4. Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
    ("Hoạt động phổ biến các quy định mới được chú trọng, nhất là trên môi trường số. Tỷ lệ hồ sơ trực tuyến "
     "toàn trình đạt 63,74% tổng số hồ sơ tiếp nhận. Tỷ lệ văn bản điện tử gửi, nhận giữa các cơ quan đạt 92,5%."),
    "5. Công tác kiểm tra cải cách hành chính",
    ("Sở Tư pháp đã thực hiện kiểm tra công tác cải cách hành chính, công vụ tại các đơn vị trực thuộc theo kế "
     "hoạch; qua kiểm tra đã chấn chỉnh kịp thời các tồn tại. Trong năm, Sở Tư pháp đã kiểm tra 5/10 đơn vị trực "
     "thuộc, tỷ lệ đơn vị trực thuộc được kiểm tra đạt 50%."),
    "II. TỒN TẠI, HẠN CHẾ",
    "Số lượng hồ sơ nộp qua mạng ở một số thủ tục còn thấp do hạ tầng mạng ở cơ sở còn hạn chế.",
    "Kỹ năng số của một số công chức tại Bộ phận Một cửa chưa đáp ứng yêu cầu.",
    "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025",
    "Tiếp tục đẩy mạnh cải cách thủ tục hành chính, chuyển đổi số; nâng cao chất lượng giải quyết hồ sơ.",
]


@pytest.fixture(scope="module")
def report_scan() -> bytes:
    import datetime as dt

    docgen = pytest.importorskip("tests.support.docgen")
    doc = docgen.AdminDocument(
        issuer="SỞ TƯ PHÁP", parent_issuer="UBND TỈNH ĐỒNG NAI", place="Đồng Nai", number="294/BC-STP",
        issued_on=dt.date(2024, 12, 3), type_line="BÁO CÁO",
        title="Kết quả thực hiện công tác cải cách hành chính năm 2024", body=REPORT_TAIL,
        signer_title="GIÁM ĐỐC", signer_name="Lê Hoàng Minh",
        recipients=["UBND tỉnh (b/c);", "Sở Nội vụ;", "Lưu: VT, VP."])
    return docgen.rasterize_scan(docgen.render_pdf(doc), dpi=200, skew_deg=0.5, noise=4.0, jpeg_quality=45, seed=7)


@pytest.fixture(scope="module")
def report_image(report_scan):
    """(the deskewed page image Tesseract reads, the first read's "50%." word)."""
    import pymupdf

    from ingest._exec import tesseract
    from ingest.ocr import render_pdf_gray
    from ingest.preprocess import deskew

    doc = pymupdf.open(stream=report_scan, filetype="pdf")
    gray, *_ = render_pdf_gray(doc, 0, 300, 10**9, drop_red=True)
    doc.close()
    straight, _, _ = deskew(gray)
    words = tesseract.image_to_words(straight, lang="vie", dpi=300, timeout=120)
    return straight, next(w for w in words if w.text == "50%.")


def _job():
    from ingest.ocr import PageJob

    return PageJob(path="test.pdf", kind="pdf", index=0, lang="vie", dpi=300, timeout=120,
                   max_page_pixels=10**9, max_image_pixels=10**9)


def test_clean_number_read_unsure_is_confirmed_by_a_second_read(tmp_path, settings, report_scan):
    from extractors import extract
    from extractors.confidence import DIGIT_THRESHOLD

    r = ingest_file(write(tmp_path, "bc.pdf", report_scan), settings=settings)
    page = r.pages[0]
    assert page.method == PageMethod.OCR
    assert "checked by a second reading" in page.decision and "confirmed" in page.decision, page.decision
    assert_words_consistent(page)
    word = next(w for w in page.words if w.text == "50%.")
    assert word.confidence >= DIGIT_THRESHOLD
    fifty = [m for m in extract(r).metrics if m.value == 50 and m.unit == "%"]
    assert fifty and not fifty[0].needs_review and fifty[0].confidence >= DIGIT_THRESHOLD


def test_second_read_confirms_the_clean_number(report_image):
    from ingest.numbers import confirm_numbers

    image, word = report_image
    assert word.conf < 80  # the first read's doubt this is about
    words, report = confirm_numbers(image, [word], lang=_job().lang, dpi=300, timeout=_job().timeout)
    assert (report.checked, report.confirmed) == (1, 1)
    assert report.checks[0].signals.second == "agree" and report.checks[0].second_text == "50%."
    assert words[0].text == "50%." and words[0].conf >= 90  # the second engine's certainty

    words, report = confirm_numbers(image, [word], lang=_job().lang, dpi=300, timeout=_job().timeout, reread_all=True)  # Tesseract's own re-read too
    assert report.reread == 1 and report.checks[0].signals.reread == "agree"


def test_second_read_never_replaces_a_misread_or_confirms_a_damaged_digit(report_image):
    import dataclasses

    from ingest.digits import policy
    from ingest.numbers import confirm_numbers

    image, word = report_image
    cap = policy().unconfirmed_conf * 100
    misread = dataclasses.replace(word, text="90%.", conf=40.0)  # both readings say "50%.": no confirmation
    words, report = confirm_numbers(image, [misread], lang=_job().lang, dpi=300, timeout=_job().timeout)
    assert (report.checked, report.confirmed) == (1, 0)
    assert words[0].text == "90%." and words[0].conf == 40.0
    assert report.checks[0].signals.second == "differ" and report.checks[0].second_text.startswith("50%")

    damaged = image.copy()  # the top half of the "5" faded away: the readings do not agree
    damaged[word.top: word.top + word.height // 2, word.left: word.left + word.width // 5] = 235
    words, report = confirm_numbers(damaged, [word], lang=_job().lang, dpi=300, timeout=_job().timeout)
    assert (report.checked, report.confirmed) == (1, 0)
    assert words[0].text == word.text and words[0].conf == min(word.conf, cap)


def test_lines_to_words_keeps_one_answer_per_image(report_image):
    from ingest._exec import tesseract

    image, w = report_image
    crop = np.full((w.height + 30, w.width + 30), 235, np.uint8)
    crop[15:15 + w.height, 15:15 + w.width] = image[w.top: w.top + w.height, w.left: w.left + w.width]
    blank = np.full((40, 80), 235, np.uint8)
    reads = tesseract.lines_to_words([crop, blank, crop], lang="vie", dpi=300, timeout=60)
    assert len(reads) == 3
    assert [x.text for x in reads[0]] == ["50%."] and [x.text for x in reads[2]] == ["50%."]
    assert tesseract.lines_to_words([], lang="vie", dpi=300, timeout=60) == []
