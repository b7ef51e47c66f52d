"""Image files (JPEG, PNG, multi-page TIFF): inspect before work, load a frame for OCR."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from .exceptions import CorruptImage, PixelLimit, TooManyPages

_EXIF_ORIENTATION = 0x0112
A4_SHORT_INCHES = 8.27
MAX_POINTS = 1200.0  # pages larger than this (short side, pt) are assumed to be photos of A4


@dataclass(frozen=True)
class ImageInfo:
    frames: int
    notes: list[str]


def _open(path: Path, max_pixels: int) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = max(max_pixels, 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise PixelLimit(f"image exceeds {max_pixels} pixels: {e}") from e
    except Exception as e:
        raise CorruptImage(f"cannot read image: {e}") from e


def _check_pixels(img: Image.Image, max_pixels: int, frame: int) -> None:
    w, h = img.size
    if w * h > max_pixels:
        raise PixelLimit(f"image frame {frame + 1} is {w}x{h} = {w * h} pixels; the limit is {max_pixels}",
                         f"Ảnh có kích thước {w}x{h} điểm ảnh, vượt giới hạn cho phép.")
    if w == 0 or h == 0:
        raise CorruptImage("image has zero width or height")


def inspect_image(path: Path, *, max_pixels: int, max_pages: int) -> ImageInfo:
    """Header checks only (cheap): frame count, pixel limits, EXIF orientation."""
    img = _open(path, max_pixels)
    notes: list[str] = []
    try:
        frames = getattr(img, "n_frames", 1)
        if frames > max_pages:
            raise TooManyPages(f"image has {frames} frames; the limit is {max_pages}",
                               f"Tệp ảnh có {frames} trang, vượt giới hạn {max_pages} trang.")
        for i in range(frames):
            if i:
                img.seek(i)
            _check_pixels(img, max_pixels, i)
        img.seek(0)
        orientation = img.getexif().get(_EXIF_ORIENTATION, 1)
        if orientation not in (1, None):
            notes.append(f"EXIF rotation applied (orientation {orientation})")
    except (PixelLimit, TooManyPages):
        raise
    except Exception as e:
        raise CorruptImage(f"cannot read image: {e}") from e
    finally:
        img.close()
    return ImageInfo(frames=frames, notes=notes)


def image_dpi(img: Image.Image) -> float:
    """Resolution used to turn pixels into points: the file's, unless absent or absurd.

    Without a plausible value (phone photos say 72 dpi for a 4000-px page) the short side is
    assumed to be an A4 width.
    """
    w, h = img.size
    dpi = img.info.get("dpi", (0, 0))
    try:
        d = float(dpi[0] if isinstance(dpi, (tuple, list)) else dpi)
    except (TypeError, ValueError):
        d = 0.0
    if 50 <= d <= 2400 and min(w, h) * 72 / d <= MAX_POINTS:
        return d
    return min(2400.0, max(50.0, min(w, h) / A4_SHORT_INCHES))


def load_frame(path: Path, index: int, max_pixels: int) -> tuple[Image.Image, float]:
    """Frame ``index`` upright (EXIF applied), flattened on white, as (image, dpi)."""
    img = _open(path, max_pixels)
    try:
        if index:
            img.seek(index)
        _check_pixels(img, max_pixels, index)
        dpi = image_dpi(img)
        img.load()
        frame = ImageOps.exif_transpose(img)
        if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
            frame = frame.convert("RGBA")
            bg = Image.new("RGBA", frame.size, (255, 255, 255, 255))
            frame = Image.alpha_composite(bg, frame)
        return frame, dpi
    except (PixelLimit, CorruptImage):
        raise
    except Exception as e:
        raise CorruptImage(f"cannot decode image frame {index + 1}: {e}") from e
    finally:
        img.close()


def to_gray(img: Image.Image, *, drop_red: bool = False) -> np.ndarray:
    """8-bit gray pixels; with ``drop_red`` a colour image gives its red channel (see
    ``ocr.render_pdf_gray``: red seal ink fades, black and blue ink stay dark)."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = arr.max() or 1.0
        return (arr * (255.0 / top)).astype(np.uint8)
    if drop_red and img.mode not in ("1", "L", "LA", "I", "F"):
        rgb = img if img.mode == "RGB" else img.convert("RGB")
        return np.asarray(rgb.getchannel("R"), dtype=np.uint8)
    return np.asarray(img.convert("L"), dtype=np.uint8)
