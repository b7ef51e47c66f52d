"""Page images for the evidence viewer."""

from __future__ import annotations

import io
import math
from pathlib import Path

from models.pages import FileKind
from models.settings import Settings, get_settings

from .detect import IMAGE_KINDS, detect_kind
from .exceptions import PixelLimit, UnsupportedType
from .images import inspect_image, load_frame
from .pdf import open_pdf


def render_page_png(path: Path, page_number: int, dpi: int = 110, *, settings: Settings | None = None) -> bytes:
    """PNG of 1-based ``page_number`` at ``dpi`` (images: upright, scaled to that dpi).

    Raises the ingest error of the file (e.g. ``EncryptedPdf``, ``PixelLimit``) or
    ``IndexError`` for a page that does not exist.
    """
    s = settings or get_settings()
    path = Path(path)
    kind = detect_kind(path)
    if kind == FileKind.PDF:
        doc, _ = open_pdf(path)
        try:
            if not 1 <= page_number <= doc.page_count:
                raise IndexError(f"page {page_number} not in 1..{doc.page_count}")
            page = doc[page_number - 1]
            area = max(page.rect.width * page.rect.height, 1e-9)
            used = int(min(float(dpi), 72 * math.sqrt(s.max_page_pixels / area)))  # shrink oversized pages
            if used < 10:
                raise PixelLimit(f"page {page_number} is too large to render")
            return page.get_pixmap(dpi=used, alpha=False).tobytes("png")
        finally:
            doc.close()
    if kind in IMAGE_KINDS:
        frames = inspect_image(path, max_pixels=s.max_image_pixels, max_pages=s.max_pages).frames
        if not 1 <= page_number <= frames:
            raise IndexError(f"page {page_number} not in 1..{frames}")
        img, img_dpi = load_frame(path, page_number - 1, s.max_image_pixels)
        scale = dpi / img_dpi
        if abs(scale - 1) > 0.01:
            img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))))
        if img.mode not in ("L", "RGB"):
            img = img.convert("RGB")
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        return buf.getvalue()
    raise UnsupportedType(f"{path.name}: cannot render a {kind.value} file")
