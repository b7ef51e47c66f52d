"""Every bad input fails alone, with a specific code and a Vietnamese message."""

import io

import pymupdf
import pytest
from PIL import Image

from ingest import Entry, detect_kind, ingest_file, ingest_files
from models.errors import ErrorCode
from models.pages import FileKind, PageMethod
from models.settings import Settings

from .builders import VIET_LINES, huge_png_header, png_bytes, text_pdf, write, zero_page_pdf
from .test_detect import xlsx_bytes

PDF = text_pdf(VIET_LINES)


def assert_error(result, code):
    assert result.status == "error", result
    assert result.error.code == code, result.error
    assert result.error.message and result.error.message_vi


def test_empty_file(tmp_path, settings):
    assert_error(ingest_file(write(tmp_path, "rong.pdf", b""), settings=settings), ErrorCode.EMPTY_FILE)


def test_non_pdf_named_pdf(tmp_path, settings):
    r = ingest_file(write(tmp_path, "bao-cao.pdf", b"<html>Trang web</html>" * 20), settings=settings)
    assert_error(r, ErrorCode.UNSUPPORTED_TYPE)


def test_sheet_is_not_evidence(tmp_path, settings):
    assert_error(ingest_file(write(tmp_path, "s.xlsx", xlsx_bytes()), settings=settings), ErrorCode.UNSUPPORTED_TYPE)


def test_file_too_large(tmp_path):
    s = Settings(data_dir=tmp_path / "d", workers=1, max_file_bytes=1000)
    assert_error(ingest_file(write(tmp_path, "a.pdf", PDF), settings=s), ErrorCode.FILE_TOO_LARGE)


def test_truncated_pdf_is_repaired_with_note(tmp_path, settings):
    cut = PDF[: PDF.rfind(b"endobj") + 6]  # xref and trailer lost
    r = ingest_file(write(tmp_path, "cut.pdf", cut), settings=settings)
    assert r.status == "ok"
    assert any("repaired" in n for n in r.notes)
    assert r.pages[0].method == PageMethod.TEXT_LAYER
    assert "1143/QĐ-UBND" in r.pages[0].text


def test_pdf_beyond_repair(tmp_path, settings):
    assert_error(ingest_file(write(tmp_path, "cut.pdf", PDF[:300]), settings=settings), ErrorCode.CORRUPT_PDF)


def test_encrypted_pdf_with_user_password(tmp_path, settings):
    doc = pymupdf.open(stream=PDF, filetype="pdf")
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")
    assert_error(ingest_file(write(tmp_path, "enc.pdf", data), settings=settings), ErrorCode.ENCRYPTED_PDF)


def test_encrypted_pdf_with_empty_user_password_proceeds(tmp_path, settings):
    doc = pymupdf.open(stream=PDF, filetype="pdf")
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="", owner_pw="y")
    r = ingest_file(write(tmp_path, "enc.pdf", data), settings=settings)
    assert r.status == "ok"
    assert any("encrypted" in n for n in r.notes)
    assert "Quyết định" in r.pages[0].text or "QUYẾT ĐỊNH" in r.pages[0].text


def test_zero_pages(tmp_path, settings):
    assert_error(ingest_file(write(tmp_path, "zero.pdf", zero_page_pdf()), settings=settings), ErrorCode.NO_PAGES)


def test_too_many_pages(tmp_path):
    doc = pymupdf.open()
    for _ in range(3):
        doc.new_page()
    s = Settings(data_dir=tmp_path / "d", workers=1, max_pages=2)
    r = ingest_file(write(tmp_path, "many.pdf", doc.tobytes()), settings=s)
    assert_error(r, ErrorCode.TOO_MANY_PAGES)


def test_pixel_bomb_page(tmp_path, settings):
    """A 14400x14400 pt page carrying an image must be OCR'd, which would need 3.6 Gpx: refused."""
    doc = pymupdf.open()
    page = doc.new_page(width=14400, height=14400)
    page.insert_image(page.rect, stream=png_bytes((50, 50), color=0))
    r = ingest_file(write(tmp_path, "bomb.pdf", doc.tobytes()), settings=settings)
    assert_error(r, ErrorCode.PIXEL_LIMIT)
    assert r.pages[0].method == PageMethod.FAILED


def test_pixel_bomb_image(tmp_path, settings):
    r = ingest_file(write(tmp_path, "bomb.png", huge_png_header()), settings=settings)
    assert_error(r, ErrorCode.PIXEL_LIMIT)


def test_corrupt_images(tmp_path, settings):
    buf = io.BytesIO()
    Image.new("L", (400, 300), 128).save(buf, format="JPEG")
    truncated = buf.getvalue()[: len(buf.getvalue()) // 3]
    assert_error(ingest_file(write(tmp_path, "cut.jpg", truncated), settings=settings), ErrorCode.CORRUPT_IMAGE)
    junk = b"\x89PNG\r\n\x1a\n" + b"\x13" * 200
    assert_error(ingest_file(write(tmp_path, "junk.png", junk), settings=settings), ErrorCode.CORRUPT_IMAGE)


def test_exif_rotation_applied(tmp_path, settings):
    img = Image.new("L", (400, 200), 255)  # blank: no OCR needed, the page comes out EMPTY
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif, dpi=(200, 200))
    r = ingest_file(write(tmp_path, "photo.jpg", buf.getvalue()), settings=settings)
    assert r.status == "ok"
    assert any("EXIF" in n for n in r.notes)
    page = r.pages[0]
    assert page.height > page.width  # upright: 200x400 px
    assert page.width == pytest.approx(200 * 72 / 200)


def test_multipage_tiff(tmp_path, settings):
    frames = [Image.new("L", (300, 400), 255) for _ in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:], dpi=(300, 300))
    r = ingest_file(write(tmp_path, "scan.tiff", buf.getvalue()), settings=settings)
    assert r.status == "ok" and r.kind == FileKind.TIFF
    assert r.page_count == 3 and [p.number for p in r.pages] == [1, 2, 3]
    assert all(p.method == PageMethod.EMPTY for p in r.pages)


def test_one_bad_file_does_not_stop_the_others(tmp_path, settings):
    paths = [write(tmp_path, "ok.pdf", PDF), write(tmp_path, "rong.pdf", b""), tmp_path / "missing.pdf",
             write(tmp_path, "ok2.pdf", text_pdf(VIET_LINES[:4]))]
    entries = [Entry(p.name, p, detect_kind(p) if p.exists() else FileKind.UNKNOWN) for p in paths]
    results = ingest_files(entries, settings=settings)
    assert [r.name for r in results] == ["ok.pdf", "rong.pdf", "missing.pdf", "ok2.pdf"]
    assert [r.status for r in results] == ["ok", "error", "error", "ok"]
    assert results[1].error.code == ErrorCode.EMPTY_FILE
    assert results[2].error.code == ErrorCode.INTERNAL
