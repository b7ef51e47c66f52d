"""Red-channel OCR input: red seal ink fades, black ink stays; gray scans stay on the cheap path."""

import numpy as np
import pymupdf
from PIL import Image

from ingest.images import to_gray
from ingest.ocr import _may_have_colour, render_pdf_gray

from .builders import VIET_LINES, raster_pdf, text_pdf


def red_and_black_page() -> pymupdf.Document:
    doc = pymupdf.open()
    page = doc.new_page(width=200, height=100)
    page.draw_rect(pymupdf.Rect(10, 10, 90, 90), color=None, fill=(0.85, 0.1, 0.12))  # seal red
    page.draw_rect(pymupdf.Rect(110, 10, 190, 90), color=None, fill=(0, 0, 0))
    return doc


def test_drop_red_turns_red_ink_light_and_keeps_black():
    doc = red_and_black_page()
    gray, *_ = render_pdf_gray(doc, 0, 72, 10**8, drop_red=False)
    red, w, h, dpi = render_pdf_gray(doc, 0, 72, 10**8, drop_red=True)
    assert red.shape == gray.shape and red.dtype == np.uint8 and (w, h, dpi) == (200, 100, 72)
    assert gray[50, 50] < 130 and red[50, 50] > 200  # the seal: dark in gray, light in the red channel
    assert gray[50, 150] < 10 and red[50, 150] < 10  # black ink stays black


def test_gray_scans_are_rendered_gray():
    scan = pymupdf.open(stream=raster_pdf(text_pdf(VIET_LINES[:3]), dpi=72), filetype="pdf")
    assert not _may_have_colour(scan[0])
    assert _may_have_colour(red_and_black_page()[0])  # vector content


def test_to_gray_drop_red_on_colour_images():
    img = Image.new("RGB", (4, 1), (217, 25, 31))
    img.putpixel((3, 0), (0, 0, 0))
    assert to_gray(img, drop_red=True).tolist() == [[217, 217, 217, 0]]
    assert to_gray(img)[0, 0] < 100
    g = Image.new("L", (2, 1), 128)
    assert to_gray(g, drop_red=True).tolist() == [[128, 128]]


def test_ocr_letter_confusions_fixed():
    from ingest.ocr import _OCR_CONFUSIONS

    assert "Chương Ï, Mục Ï".translate(_OCR_CONFUSIONS) == "Chương I, Mục I"
    assert "Đồng Nai".translate(_OCR_CONFUSIONS) == "Đồng Nai"
