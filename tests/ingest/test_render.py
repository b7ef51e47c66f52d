import io

import pytest
from PIL import Image

from ingest import render_page_png

from .builders import VIET_LINES, png_bytes, text_pdf, write


def test_render_pdf_page(tmp_path):
    png = render_page_png(write(tmp_path, "kh.pdf", text_pdf(VIET_LINES)), 1, dpi=72)
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.size == (595, 842)
    with pytest.raises(IndexError):
        render_page_png(tmp_path / "kh.pdf", 2)


def test_render_image_page(tmp_path):
    png = render_page_png(write(tmp_path, "a.png", png_bytes((600, 300), dpi=(300, 300))), 1, dpi=150)
    assert Image.open(io.BytesIO(png)).size == (300, 150)


def test_render_missing_image_page(tmp_path):
    with pytest.raises(IndexError):
        render_page_png(write(tmp_path, "a.png", png_bytes()), 2)
