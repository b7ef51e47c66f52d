"""Cheap image steps before OCR: blank check, photographed sheet flattened, deskew, quarter-turn rotation.

Every step that moves pixels returns a ``PointMap`` taking a point of its output back to its
input, so OCR boxes land on the original page.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageFilter

PointMap = Callable[[float, float], tuple[float, float]]


def identity(x: float, y: float) -> tuple[float, float]:
    return x, y


def compose(outer: PointMap, inner: PointMap) -> PointMap:
    """``outer`` maps from the latest image to the previous one, ``inner`` from there on."""
    return lambda x, y: inner(*outer(x, y))


def ink_share(gray: np.ndarray) -> float:
    """Share of dark pixels, on a subsample (fast on 300-dpi pages)."""
    step = max(1, min(gray.shape) // 600)
    sample = gray[::step, ::step]
    return float((sample < 128).mean()) if sample.size else 0.0


def is_blank(gray: np.ndarray, threshold: float = 0.0005) -> bool:
    return ink_share(gray) < threshold


def estimate_skew(gray: np.ndarray, max_deg: float = 5.0) -> float:
    """Skew of text lines in degrees by projection profile (positive: lines fall to the right).

    Dark pixels of a ~1000 px-wide subsample are projected onto rows sheared by each
    candidate angle; the angle whose row histogram is sharpest wins (coarse, then fine).
    """
    step = max(1, gray.shape[1] // 1000)
    small = gray[::step, ::step]
    ys, xs = np.nonzero(small < 128)
    if ys.size < 200:
        return 0.0
    if ys.size > 200_000:
        pick = np.random.default_rng(0).choice(ys.size, 200_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64) - small.shape[1] / 2
    nbins = small.shape[0] + 2 * int(small.shape[1] * math.tan(math.radians(max_deg))) + 4

    def sharpness(deg: float) -> float:
        rows = ys - xs * math.tan(math.radians(deg))
        hist = np.bincount((rows - rows.min()).astype(np.int64), minlength=nbins)
        return float(np.square(hist.astype(np.float64)).sum())

    coarse = np.arange(-max_deg, max_deg + 1e-9, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    angle = float(max(fine, key=sharpness))
    if sharpness(angle) < 1.05 * sharpness(0.0):
        return 0.0  # no clear winner (vertical text, pictures): leave the image alone
    return round(angle, 2)


def rotate_small(gray: np.ndarray, deg: float) -> tuple[np.ndarray, PointMap]:
    """Rotate by ``deg`` degrees counter-clockwise about the centre (white fill, same size)."""
    h, w = gray.shape
    out = Image.fromarray(gray).rotate(deg, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
    cx, cy = w / 2, h / 2
    t = math.radians(deg)
    c, s = math.cos(t), math.sin(t)

    def back(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - cx, y - cy
        return cx + dx * c - dy * s, cy + dx * s + dy * c

    return np.asarray(out), back


def deskew(gray: np.ndarray, min_deg: float = 0.3, max_deg: float = 5.0) -> tuple[np.ndarray, float, PointMap]:
    """Straighten small skew; returns (image, degrees corrected, map back)."""
    angle = estimate_skew(gray, max_deg)
    if abs(angle) < min_deg or abs(angle) >= max_deg:
        return gray, 0.0, identity
    out, back = rotate_small(gray, angle)
    return out, angle, back


def rotate_quarter(gray: np.ndarray, clockwise_deg: int) -> tuple[np.ndarray, PointMap]:
    """Rotate by 0/90/180/270 degrees clockwise, exactly."""
    h, w = gray.shape
    k = (clockwise_deg // 90) % 4
    if k == 0:
        return gray, identity
    out = np.ascontiguousarray(np.rot90(gray, -k))
    if k == 1:  # new (x, y) came from old (y, h - x)
        return out, lambda x, y: (y, h - x)
    if k == 2:
        return out, lambda x, y: (w - x, h - y)
    return out, lambda x, y: (w - y, x)  # k == 3


def map_box(back: PointMap, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    pts = [back(x0, y0), back(x1, y0), back(x0, y1), back(x1, y1)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


# A photographed sheet: the sheet is much brighter than what surrounds it (a desk), and the
# OCR of the whole photo loses most of its text (the surround thresholds to black, the lines run
# askew under perspective).  The sheet is found on a small copy and warped flat before OCR.
SHEET_SMALL_WIDTH = 160  # the sheet is looked for on a copy about this many pixels wide
SHEET_MIN_CONTRAST = 50.0  # gray levels between the sheet and its surround
SHEET_BORDER_DARK = 0.6  # at least this share of the image's outer ring is surround, not sheet
SHEET_SHARE = (0.3, 0.97)  # the sheet covers this share of the photo
SHEET_QUAD_FIT = (0.85, 1.15)  # area of the corner quadrilateral over the sheet's pixels: a sheet, not a blob


def _otsu(values: np.ndarray) -> int:
    hist = np.bincount(values.astype(np.uint8).ravel(), minlength=256).astype(np.float64)
    p = hist / max(hist.sum(), 1.0)
    omega, mu = np.cumsum(p), np.cumsum(p * np.arange(256))
    between = (mu[-1] * omega - mu) ** 2 / np.maximum(omega * (1 - omega), 1e-12)
    return int(np.argmax(between))


def _quad_area(q: list[tuple[float, float]]) -> float:
    return 0.5 * abs(sum(q[i][0] * q[i - 3][1] - q[i - 3][0] * q[i][1] for i in range(4)))


def find_sheet(gray: np.ndarray) -> list[tuple[float, float]] | None:
    """Corners (top-left, top-right, bottom-right, bottom-left, in pixels) of a bright sheet
    photographed on a darker surround; ``None`` for anything else (a flatbed scan, a rendered page)."""
    h, w = gray.shape
    f = max(1, w // SHEET_SMALL_WIDTH)
    if w // f < 40 or h // f < 40:
        return None
    small = Image.fromarray(gray).resize((w // f, h // f), Image.Resampling.BOX).filter(ImageFilter.MedianFilter(5))
    s = np.asarray(small).astype(np.float64)
    t = _otsu(s)
    sheet = s > t
    if not sheet.any() or sheet.all() or s[sheet].mean() - s[~sheet].mean() < SHEET_MIN_CONTRAST:
        return None
    share = float(sheet.mean())
    ring = max(1, int(0.03 * min(sheet.shape)))
    border = np.concatenate([sheet[:ring].ravel(), sheet[-ring:].ravel(), sheet[:, :ring].ravel(), sheet[:, -ring:].ravel()])
    if not SHEET_SHARE[0] <= share <= SHEET_SHARE[1] or float((~border).mean()) < SHEET_BORDER_DARK:
        return None
    ys, xs = np.nonzero(sheet)
    quad = [(xs[k], ys[k]) for k in (np.argmin(xs + ys), np.argmax(xs - ys), np.argmax(xs + ys), np.argmin(xs - ys))]
    fit = _quad_area([(float(x), float(y)) for x, y in quad]) / float(sheet.sum())
    if not SHEET_QUAD_FIT[0] <= fit <= SHEET_QUAD_FIT[1]:
        return None
    return [((x + 0.5) * f, (y + 0.5) * f) for x, y in quad]


def perspective_coeffs(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    """The eight coefficients taking each ``dst`` point to its ``src`` point (PIL's PERSPECTIVE)."""
    a, b = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b += [u, v]
    return [float(c) for c in np.linalg.solve(np.array(a, dtype=np.float64), np.array(b, dtype=np.float64))]


def flatten_sheet(gray: np.ndarray) -> tuple[np.ndarray, bool, PointMap]:
    """A photographed sheet warped flat (as wide as the photo, white outside it); returns (image,
    whether it was a photographed sheet, map back).  Anything else comes back unchanged."""
    q = find_sheet(gray)
    if q is None:
        return gray, False, identity
    top, bottom = math.dist(q[0], q[1]), math.dist(q[3], q[2])
    left, right = math.dist(q[0], q[3]), math.dist(q[1], q[2])
    out_w = gray.shape[1]
    out_h = max(1, int(round(out_w * (left + right) / max(top + bottom, 1e-9))))
    c = perspective_coeffs([(0, 0), (out_w, 0), (out_w, out_h), (0, out_h)], q)
    flat = Image.fromarray(gray).transform((out_w, out_h), Image.Transform.PERSPECTIVE, c,
                                           resample=Image.Resampling.BICUBIC, fillcolor=255)

    def back(x: float, y: float) -> tuple[float, float]:
        d = c[6] * x + c[7] * y + 1.0
        return (c[0] * x + c[1] * y + c[2]) / d, (c[3] * x + c[4] * y + c[5]) / d

    return np.asarray(flat), True, back
