"""Preflight: the cheap checks of one evidence file, before any work is scheduled for it.

Size, kind by content, and what the file's own structure says without reading a page: a PDF that
does not open, needs a password, has no pages or too many, or whose every page is too large to
render; an image whose header declares too many pixels or frames.  The service runs this at
intake, so a 4,100-page PDF is rejected before a single page-range job exists (the page
pipeline repeats the same checks for files that reach it another way).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.errors import ErrorInfo
from models.pages import FileKind
from models.settings import Settings

from .detect import EVIDENCE_KINDS, detect_kind
from .exceptions import EmptyFile, FileTooLarge, IngestError, PixelLimit, UnsupportedType
from .images import inspect_image
from .ocr import fit_dpi
from .pdf import damaged, lost_pages, open_pdf


@dataclass(frozen=True)
class Preflight:
    kind: FileKind
    page_count: int | None  # None when the file could not be opened
    error: ErrorInfo | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def preflight(path: Path, s: Settings, kind: FileKind | None = None) -> Preflight:
    """Check one evidence file; never raises for a bad file (the error is in the result)."""
    kind = kind or detect_kind(path)
    try:
        return Preflight(kind=kind, page_count=_check(path, kind, s))
    except IngestError as e:
        return Preflight(kind=kind, page_count=None, error=e.info())


def check_size_and_kind(name: str, path: Path, s: Settings, kind: FileKind | None = None) -> FileKind:
    """EMPTY_FILE, FILE_TOO_LARGE or UNSUPPORTED_TYPE (by content, whatever the name says); the kind."""
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile("file is empty")
    if size > s.max_file_bytes:
        raise FileTooLarge(f"file is {size} bytes; the limit is {s.max_file_bytes}",
                           f"Tệp dung lượng {size / 1048576:.1f} MB, vượt giới hạn "
                           f"{s.max_file_bytes / 1048576:.0f} MB.")
    kind = kind or detect_kind(path)
    if kind not in EVIDENCE_KINDS:
        what = {FileKind.XLSX: "an XLSX sheet", FileKind.CSV: "a CSV sheet", FileKind.JSON: "a JSON file",
                FileKind.ZIP: "a ZIP archive"}.get(kind, "not a PDF or image by its content")
        raise UnsupportedType(f"{name}: {what}; evidence must be PDF, JPEG, PNG or TIFF")
    return kind


def _check(path: Path, kind: FileKind, s: Settings) -> int:
    check_size_and_kind(path.name, path, s, kind)
    if kind != FileKind.PDF:
        return inspect_image(path, max_pixels=s.max_image_pixels, max_pages=s.max_pages).frames
    doc, _notes = open_pdf(path, max_pages=s.max_pages)
    try:
        count = doc.page_count
        lost = lost_pages(doc, range(count))
        if lost:
            raise damaged(lost, count)
        _check_page_sizes(doc, s)
    finally:
        doc.close()
    return count


def _check_page_sizes(doc, s: Settings) -> None:
    """PIXEL_LIMIT when no page can be rendered within the pixel limit (one oversized page among
    normal ones fails alone, later, as that page's error)."""
    last: PixelLimit | None = None
    for i in range(doc.page_count):
        rect = doc.page_cropbox(i)
        try:
            fit_dpi(rect.width, rect.height, s.ocr_dpi, s.max_page_pixels)
            return
        except PixelLimit as e:
            last = e
    if last is not None:
        raise PixelLimit(f"every page is too large to render: {last.message}",
                         "Mọi trang của tệp đều có kích thước quá lớn, không thể xử lý an toàn.")
