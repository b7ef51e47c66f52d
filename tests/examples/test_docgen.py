"""Tests of the document generator used by the example and by other tests (tests/support/docgen.py)."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import unicodedata

import pymupdf
import pytest

from tests.support.docgen import (
    AdminDocument,
    date_line,
    garbage_layer_scan,
    garble_text,
    rasterize_scan,
    render_pdf,
    render_text_pdf,
)

BODY = [
    "Căn cứ Kế hoạch số 144/KH-UBND ngày 28/12/2023 của UBND tỉnh Đồng Nai về cải cách hành "
    "chính năm 2024; Sở Tư pháp xây dựng Kế hoạch cải cách hành chính năm 2024 như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Tiếp tục đẩy mạnh cải cách hành chính, nâng cao chất lượng giải quyết thủ tục hành chính, "
    "phấn đấu tỷ lệ hồ sơ giải quyết đúng hạn đạt 100%; thủ tục, hồ sơ được số hóa đầy đủ.",
    "II. NHIỆM VỤ TRỌNG TÂM",
    "Rà soát, đơn giản hóa thủ tục hành chính thuộc lĩnh vực hộ tịch, chứng thực, lý lịch tư pháp.",
]


def make_doc(**kw) -> AdminDocument:
    base = dict(
        issuer="SỞ TƯ PHÁP",
        number="15/KH-STP",
        place="Đồng Nai",
        issued_on=datetime.date(2024, 2, 20),
        type_line="KẾ HOẠCH",
        title="Cải cách hành chính năm 2024 của Sở Tư pháp",
        body=BODY,
        parent_issuer="UBND TỈNH ĐỒNG NAI",
        signing_mode="KT.",
        signer_title="GIÁM ĐỐC",
        deputy_title="PHÓ GIÁM ĐỐC",
        signer_name="Trần Thị Bích Ngọc",
        recipients=["UBND tỉnh (b/c);", "Sở Nội vụ;", "Lưu: VT, VP."],
    )
    base.update(kw)
    return AdminDocument(**base)


@pytest.fixture(scope="module")
def born() -> bytes:
    return render_pdf(make_doc())


def _text(pdf: bytes) -> str:
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return "\n".join(p.get_text() for p in doc)


def _lines(pdf: bytes) -> list[str]:
    return [ln.strip() for ln in _text(pdf).splitlines() if ln.strip()]


# ---------------------------------------------------------------- born-digital


def test_date_line_leading_zeros():
    assert date_line("Đồng Nai", datetime.date(2024, 2, 20)) == "Đồng Nai, ngày 20 tháng 02 năm 2024"
    assert date_line("Đồng Nai", datetime.date(2024, 12, 6)) == "Đồng Nai, ngày 06 tháng 12 năm 2024"
    assert date_line("Đồng Nai", datetime.date(2024, 3, 12)) == "Đồng Nai, ngày 12 tháng 3 năm 2024"
    assert date_line("Hà Nội", datetime.date(2023, 1, 5)) == "Hà Nội, ngày 05 tháng 01 năm 2023"


def test_render_pdf_round_trips_header(born):
    lines = _lines(born)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND TỈNH ĐỒNG NAI",
        "SỞ TƯ PHÁP",
        "Số: 15/KH-STP",
        "Đồng Nai, ngày 20 tháng 02 năm 2024",
        "KẾ HOẠCH",
        "Cải cách hành chính năm 2024 của Sở Tư pháp",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Trần Thị Bích Ngọc",
        "Nơi nhận:",
        "- Lưu: VT, VP.",
    ]:
        assert expected in lines, expected


def test_render_pdf_text_is_nfc_and_body_round_trips(born):
    text = _text(born)
    assert unicodedata.normalize("NFC", text) == text
    flat = " ".join(text.split())
    for par in BODY:
        assert " ".join(par.split()) in flat, par[:40]


def test_render_pdf_layout(born):
    with pymupdf.open(stream=born, filetype="pdf") as doc:
        page = doc[0]
        assert page.rect.width == pytest.approx(595, abs=1) and page.rect.height == pytest.approx(842, abs=1)
        nat = page.search_for("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")[0]
        num = page.search_for("Số: 15/KH-STP")[0]
        issuer = page.search_for("SỞ TƯ PHÁP")[0]
        kh = page.search_for("KẾ HOẠCH")[0]
        assert num.x1 < nat.x0 + 10 and issuer.x1 < nat.x0  # two-column header
        assert kh.y0 > num.y1  # type line below the header
        mid = page.rect.width / 2
        assert abs((kh.x0 + kh.x1) / 2 - (72 * 30 / 25.4 + page.rect.width - 72 * 20 / 25.4) / 2) < 3
        sig = doc[-1].search_for("Trần Thị Bích Ngọc")[0]
        rec = doc[-1].search_for("Nơi nhận:")[0]
        assert sig.x0 > mid and rec.x1 < mid
        fonts = {f[3].split("+")[-1] for f in page.get_fonts()}
        assert any("DejaVu" in f for f in fonts)


def test_render_pdf_is_deterministic():
    assert render_pdf(make_doc()) == render_pdf(make_doc())


def test_render_pdf_wraps_across_pages():
    long_body = BODY + [f"{i}. " + BODY[2] * 3 for i in range(1, 16)]
    pdf = render_pdf(make_doc(body=long_body))
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        assert doc.page_count >= 2
        assert "Trần Thị Bích Ngọc" in doc[-1].get_text()
        assert doc[1].get_text().strip().startswith("2")  # page number from page 2


def test_cong_van_has_vv_under_number():
    pdf = render_pdf(make_doc(number="235/STP-HCTP", type_line=None, title="V/v báo cáo kết quả cải cách hành chính"))
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        page = doc[0]
        num = page.search_for("Số: 235/STP-HCTP")[0]
        vv = page.search_for("V/v báo cáo")[0]
        assert vv.y0 > num.y1 - 2 and vv.x1 < page.rect.width / 2


def test_render_text_pdf_multi_page():
    paras = [f"Điều {i}. Quy định về việc công bố, công khai thủ tục hành chính tại cơ quan, đơn vị." * 4 for i in range(1, 40)]
    pdf = render_text_pdf("\n".join(paras), font_size=12)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        assert doc.page_count >= 2
        text = " ".join("\n".join(p.get_text() for p in doc).split())
    for par in paras:
        assert " ".join(par.split()) in text


RULED = "QUỐC HỘI -------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc ---------------\n________\nLuật số: 68/2020/QH14"


def _horizontal_lines(page: pymupdf.Page) -> list[pymupdf.Rect]:
    return [d["rect"] for d in page.get_drawings() if d["rect"].height < 2 and d["rect"].width > 10]


def test_render_text_pdf_draws_rules():
    with pymupdf.open(stream=render_text_pdf(RULED, rules="drawn"), filetype="pdf") as doc, \
            pymupdf.open(stream=render_text_pdf(RULED), filetype="pdf") as plain:
        page, ppage = doc[0], plain[0]
        text = page.get_text()
        assert not re.search(r"[-_—–]{3,}", text)
        assert "QUỐC HỘI" in text and "Độc lập - Tự do - Hạnh phúc" in text and "68/2020/QH14" in text
        lines = _horizontal_lines(page)
        assert len(lines) == 3
        # each rule is where the dash run was in the text rendering, about as wide
        runs = [w for w in ppage.get_text("words") if re.fullmatch(r"[-_—–]{3,}", w[4])]
        assert len(runs) == 3
        for rule, run in zip(sorted(lines, key=lambda r: r.y0), sorted(runs, key=lambda w: w[1]), strict=True):
            assert rule.x0 == pytest.approx(run[0], abs=1) and rule.x1 == pytest.approx(run[2], abs=1)
            assert run[1] < rule.y0 < run[3]
        # the rest of the layout is unchanged
        words = [w[:5] for w in ppage.get_text("words") if not re.fullmatch(r"[-_—–]{3,}", w[4])]
        assert [w[4] for w in page.get_text("words")] == [w[4] for w in words]
        for a, b in zip(page.get_text("words"), words, strict=True):
            assert a[:4] == pytest.approx(b[:4], abs=0.01)


def test_render_text_pdf_keeps_dashes_by_default():
    with pymupdf.open(stream=render_text_pdf(RULED), filetype="pdf") as doc:
        page = doc[0]
        assert "QUỐC HỘI -------" in page.get_text()
        assert "---------------" in page.get_text() and "________" in page.get_text()
        assert _horizontal_lines(page) == []
    with pytest.raises(ValueError):
        render_text_pdf(RULED, rules="dotted")


# ---------------------------------------------------------------- scans


@pytest.fixture(scope="module")
def scan(born) -> bytes:
    return rasterize_scan(born, dpi=200, seed=1)


def test_rasterize_scan_is_image_only(scan, born):
    with pymupdf.open(stream=scan, filetype="pdf") as doc, pymupdf.open(stream=born, filetype="pdf") as src:
        assert doc.page_count == src.page_count
        for page, spage in zip(doc, src, strict=True):
            assert page.get_text().strip() == ""
            assert len(page.get_images()) == 1
            assert page.rect == spage.rect
            info = page.get_image_info()[0]
            assert info["width"] == pytest.approx(page.rect.width / 72 * 200, abs=2)


def test_rasterize_scan_deterministic_and_small(born, scan):
    assert rasterize_scan(born, dpi=200, seed=1) == scan
    with pymupdf.open(stream=scan, filetype="pdf") as doc:
        assert len(scan) / doc.page_count < 600_000


def test_red_seal_is_red(born):
    pdf = rasterize_scan(born, red_seal=True, seed=2)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        pix = doc[-1].get_pixmap(dpi=50, colorspace=pymupdf.csRGB)
        s = pix.samples
        red = sum(
            1 for i in range(0, len(s), 3) if s[i] > 150 and s[i + 1] < 90 and s[i + 2] < 90
        )
        assert red > 50


def _ocr(page: pymupdf.Page) -> str:
    png = page.get_pixmap(dpi=300, colorspace=pymupdf.csGRAY).tobytes("png")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    res = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "vie"], input=png, capture_output=True, env=env, timeout=120, check=True
    )
    return res.stdout.decode("utf-8")


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_tesseract_reads_number_line_of_scan(scan):
    with pymupdf.open(stream=scan, filetype="pdf") as doc:
        text = unicodedata.normalize("NFC", _ocr(doc[0]))
    assert re.search(r"Số\s*:\s*15\s*/\s*KH\s*-\s*STP", text), text[:500]
    assert re.search(r"ngày\s*20\s*tháng\s*02\s*năm\s*2024", text), text[:500]


# ---------------------------------------------------------------- garbage text layer


def test_garble_text_is_deterministic_junk():
    src = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    junk = garble_text(src, seed=3)
    assert junk == garble_text(src, seed=3)
    assert junk != src
    assert all(ord(c) < 256 for c in junk)  # Latin-1 junk, no Vietnamese letters left
    assert not any(c in "ỘÒÃỦĨỆộòãủĩệ" for c in junk)


def test_garbage_layer_scan_has_junk_text(born):
    pdf = garbage_layer_scan(born, seed=4)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc, pymupdf.open(stream=born, filetype="pdf") as src:
        assert len(doc[0].get_images()) == 1
        text = doc[0].get_text()
        real = src[0].get_text()
    assert len(text.split()) > 50
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text
    assert "Số: 15/KH-STP" not in text
    # hardly any word of the real text survives with its diacritics
    real_words = {w for w in real.split() if not w.isascii()}
    junk_words = set(text.split())
    assert len(real_words & junk_words) <= 0.05 * len(real_words)


def test_garbage_layer_scan_explicit_text(born):
    pdf = garbage_layer_scan(born, garbage="CONG Hcok xA HQI CHiJ NGHiA VIVT NAM")
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        assert "CONG Hcok xA HQI CHiJ NGHiA VIVT NAM" in doc[0].get_text()
        # invisible: the rendered page is the scan, no extra glyphs drawn
        assert doc[0].get_texttrace()[0]["type"] == 3
