"""Cheap image steps before OCR: blank check, deskew, quarter-turn rotation.

Every step that moves pixels returns a ``PointMap`` taking a point of its output back to its
input, so OCR boxes land on the original page.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PIL import Image

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
