"""A photographed sheet is found and warped flat before OCR; scans and rendered pages are left alone."""

import numpy as np
from PIL import Image, ImageDraw

from ingest.preprocess import find_sheet, flatten_sheet

CORNERS = [(150.0, 120.0), (1050.0, 60.0), (1110.0, 1380.0), (90.0, 1330.0)]


def _text_lines(draw: ImageDraw.ImageDraw, x0: int, y0: int, x1: int, y1: int) -> None:
    for y in range(y0, y1, 40):  # dark bars the way lines of text look from afar
        draw.rectangle([x0, y, x1, y + 14], fill=30)


def _photo() -> np.ndarray:
    """A sheet with lines of text on a darker desk, corners where ``CORNERS`` says."""
    img = Image.new("L", (1200, 1500), 110)
    draw = ImageDraw.Draw(img)
    draw.polygon(CORNERS, fill=225)
    _text_lines(draw, 300, 300, 900, 1100)
    return np.asarray(img)


def _scan() -> np.ndarray:
    img = Image.new("L", (1200, 1500), 235)
    _text_lines(ImageDraw.Draw(img), 150, 150, 1050, 1350)
    return np.asarray(img)


def test_photographed_sheet_corners_are_found():
    q = find_sheet(_photo())
    assert q is not None
    for (x, y), (ex, ey) in zip(q, CORNERS, strict=True):
        assert abs(x - ex) < 20 and abs(y - ey) < 20


def test_flattened_sheet_maps_back_onto_the_photo():
    photo = _photo()
    flat, found, back = flatten_sheet(photo)
    assert found and flat.shape[1] == photo.shape[1]
    h, w = flat.shape
    for (x, y), (ex, ey) in zip([(0, 0), (w, 0), (w, h), (0, h)], CORNERS, strict=True):
        bx, by = back(x, y)
        assert abs(bx - ex) < 20 and abs(by - ey) < 20
    assert flat[:5, :5].mean() > 200  # no desk left in the corners


def test_scans_and_blank_pages_are_left_alone():
    for gray in (_scan(), np.full((1500, 1200), 255, dtype=np.uint8), np.full((1500, 1200), 90, dtype=np.uint8)):
        out, found, back = flatten_sheet(gray)
        assert not found and out is gray and back(3.0, 4.0) == (3.0, 4.0)
