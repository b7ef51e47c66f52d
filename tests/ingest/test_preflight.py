"""Preflight (the checks before any job) and damaged PDFs, on real files made here."""

from __future__ import annotations

import io
from pathlib import Path

import pymupdf
import pytest
from PIL import Image

import ingest
from models.errors import ErrorCode
from models.settings import Settings


def _pdf(pages: int, *, blank_last: bool = False, size: tuple[float, float] = (595, 842)) -> bytes:
    doc = pymupdf.open()
    for i in range(pages):
        page = doc.new_page(width=size[0], height=size[1])
        if not (blank_last and i == pages - 1):
            page.insert_text((72, 72), f"Trang {i + 1}: báo cáo cải cách hành chính năm 2024")
    return doc.tobytes(garbage=0, deflate=False)  # uncompressed, page tree first: a cut loses the last pages


@pytest.fixture()
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", max_pages=10)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_whole_pdf_passes_with_its_page_count(tmp_path, settings):
    check = ingest.preflight(_write(tmp_path, "a.pdf", _pdf(3, blank_last=True)), settings)
    assert check.ok and check.page_count == 3


@pytest.mark.parametrize(("name", "data", "code"), [
    ("empty.pdf", b"", ErrorCode.EMPTY_FILE),
    ("x.pdf", b"%PDF-1.7\n1 0 obj\n<<", ErrorCode.CORRUPT_PDF),
    ("long.pdf", _pdf(11), ErrorCode.TOO_MANY_PAGES),
    ("huge.pdf", _pdf(1, size=(14400, 14400)), ErrorCode.PIXEL_LIMIT),  # 200 x 200 inches
    ("page.html", b"<!doctype html><html><body>not a pdf</body></html>", ErrorCode.UNSUPPORTED_TYPE),
])
def test_bad_files_are_refused_before_any_work(tmp_path, settings, name, data, code):
    check = ingest.preflight(_write(tmp_path, name, data), settings)
    assert not check.ok and check.error.code == code and check.error.message_vi


def test_an_image_declaring_too_many_pixels(tmp_path, settings, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)  # ingest.images sets PIL's global
    buf = io.BytesIO()
    Image.new("L", (20, 20), 255).save(buf, "PNG")
    small = Settings(data_dir=settings.data_dir, max_image_pixels=100)
    check = ingest.preflight(_write(tmp_path, "a.png", buf.getvalue()), small)
    assert check.error.code == ErrorCode.PIXEL_LIMIT


def test_one_oversized_page_among_normal_ones_is_left_to_its_page(tmp_path, settings):
    doc = pymupdf.open(stream=_pdf(2))
    doc.new_page(width=14400, height=14400)
    assert ingest.preflight(_write(tmp_path, "mixed.pdf", doc.tobytes()), settings).ok


def test_a_pdf_cut_in_the_middle_is_damaged(tmp_path, settings):
    whole = _pdf(7)
    path = _write(tmp_path, "cut.pdf", whole[: len(whole) // 2])
    check = ingest.preflight(path, settings)
    assert check.error.code == ErrorCode.CORRUPT_PDF and "mất nội dung" in check.error.message_vi
    f = ingest.ingest_file(path, settings=settings)  # the page pipeline says the same, with its notes
    assert f.status == "error" and f.error.code == ErrorCode.CORRUPT_PDF and f.sha256
    assert "PDF was damaged and repaired by MuPDF" in f.notes and any("was lost" in n for n in f.notes)


def test_a_repaired_pdf_with_every_page_intact_is_read_with_a_note(tmp_path, settings):
    """Cut after the last page (only the cross-reference table lost): repaired, nothing missing; a
    genuinely blank page is not taken for a lost one."""
    whole = _pdf(4, blank_last=True)
    path = _write(tmp_path, "tail.pdf", whole[: whole.rindex(b"xref")])
    assert ingest.preflight(path, settings).ok
    f = ingest.ingest_file(path, settings=settings)
    assert f.status == "ok" and f.notes == ["PDF was damaged and repaired by MuPDF"]
    assert [p.method.value for p in f.pages] == ["text_layer"] * 3 + ["empty"]


def test_error_results_keep_the_files_identity(tmp_path, settings):
    path = _write(tmp_path, "x.pdf", b"%PDF-1.7\n1 0 obj\n<<")
    f = ingest.ingest_file(path, settings=settings)
    assert f.status == "error" and f.size == 19 and f.kind.value == "pdf"
    assert f.sha256 == ingest.sha256_file(path)[0]
