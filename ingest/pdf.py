"""PDF steps: open safely, read the text layer, triage each page (text layer vs OCR)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from models.pages import PageMethod
from models.provenance import Box

from .exceptions import CorruptPdf, EncryptedPdf, NoPages, TooManyPages
from .normalize import normalize_text
from .pagetext import RawWord
from .syllables import score_text

log = logging.getLogger(__name__)

pymupdf.TOOLS.mupdf_display_errors(False)  # MuPDF's complaints go to our log, not stderr
pymupdf.TOOLS.mupdf_display_warnings(False)

# Mixed pages: an image covering at least this share of the page with fewer than
# MIXED_MAX_WORDS text-layer words over it is content the text layer does not hold.
MIXED_MIN_AREA = 0.20
MIXED_MAX_WORDS = 5
# A page-size image under a text layer too short to judge is treated as a scan.
SCAN_MIN_AREA = 0.50
MIN_SCORED_WORDS = 5
VECTOR_MIN_DRAWINGS = 50


def open_pdf(path: Path, *, max_pages: int | None = None) -> tuple[pymupdf.Document, list[str]]:
    """Open a PDF or raise the specific ingest error; returns (document, notes)."""
    notes: list[str] = []
    pymupdf.TOOLS.mupdf_warnings(reset=True)
    try:
        doc = pymupdf.open(str(path), filetype="pdf")
    except Exception as e:  # MuPDF raises FileDataError / RuntimeError subclasses
        raise CorruptPdf(f"cannot open PDF: {e}") from e
    try:
        if doc.needs_pass:
            if doc.authenticate(""):
                notes.append("encrypted PDF opened with the empty user password")
            else:
                raise EncryptedPdf("PDF is password-protected (user password required)")
        else:
            method = (doc.metadata or {}).get("encryption")
            if method:
                notes.append(f"encrypted PDF ({method}) opened without a password")
        count = doc.page_count
        if doc.is_repaired:
            notes.append("PDF was damaged and repaired by MuPDF")
            warnings = pymupdf.TOOLS.mupdf_warnings(reset=True)
            if warnings:
                log.info("repaired PDF %s: %s", path, warnings.replace("\n", " | ")[:500])
        if count == 0:
            if doc.is_repaired:
                raise CorruptPdf("PDF is damaged beyond repair: no page could be recovered",
                                 "Tệp PDF bị hỏng, không khôi phục được trang nào.")
            raise NoPages("PDF has no pages")
        if max_pages is not None and count > max_pages:
            raise TooManyPages(f"PDF has {count} pages; the limit is {max_pages}",
                               f"Tệp có {count} trang, vượt giới hạn {max_pages} trang.")
    except Exception:
        doc.close()
        raise
    return doc, notes


@dataclass
class Triage:
    """What to do with one page, and why (``decision`` is shown to operators)."""

    method: PageMethod
    decision: str
    layer_score: float | None = None
    lines: list[list[RawWord]] = field(default_factory=list)  # text-layer words, for TEXT_LAYER


def _reading_order(words: list[tuple]) -> list[tuple]:
    """Blocks top to bottom, then left to right; words keep their line/word order inside a block.

    (Cheaper than ``get_text(sort=True)``, which builds a Rect per word.)
    """
    top: dict[int, tuple[float, float]] = {}
    for w in words:
        y, x = top.get(w[5], (w[1], w[0]))
        top[w[5]] = (min(y, w[1]), min(x, w[0]))
    return sorted(words, key=lambda w: (round(top[w[5]][0]), top[w[5]][1], w[5], w[6], w[7]))


def _layer_lines(page: pymupdf.Page, words: list[tuple]) -> list[list[RawWord]]:
    rotated = page.rotation != 0
    matrix = page.rotation_matrix
    lines: list[list[RawWord]] = []
    key = None
    for w in words:
        x0, y0, x1, y1 = w[:4]
        if rotated:
            x0, y0, x1, y1 = pymupdf.Rect(x0, y0, x1, y1) * matrix
        box = Box(x0=round(x0, 2), y0=round(y0, 2), x1=round(x1, 2), y1=round(y1, 2))
        if (w[5], w[6]) != key:
            lines.append([])
            key = (w[5], w[6])
        lines[-1].append((w[4], box, 1.0))
    return lines


def _image_rects(page: pymupdf.Page) -> list[pymupdf.Rect]:
    page_rect = page.mediabox if page.rotation else page.rect
    rects = []
    for info in page.get_image_info():
        r = pymupdf.Rect(info["bbox"]) & page_rect
        if not r.is_empty:
            rects.append(r)
    return rects


def triage_page(page: pymupdf.Page, min_score: float) -> Triage:
    """Text layer or OCR?  Scores the layer, looks for scans and mixed pages."""
    words = _reading_order([w for w in page.get_text("words") if w[4].strip()])
    area = abs(page.rect) or 1.0
    images = _image_rects(page)
    coverage = min(1.0, sum(abs(r) for r in images) / area)
    if not words:
        if images and coverage >= 0.01:
            return Triage(PageMethod.OCR, f"no text layer; images cover {coverage:.0%} of the page")
        if len(page.get_cdrawings()) >= VECTOR_MIN_DRAWINGS:
            return Triage(PageMethod.OCR, "no text layer; vector drawings (possibly outlined text)")
        return Triage(PageMethod.EMPTY, "no text, no images")
    # score the raw text: word extraction splits at (and so hides) unmapped glyphs such as NUL
    score = score_text(normalize_text(page.get_text("text")))
    s = score.score
    if score.counted < MIN_SCORED_WORDS and coverage >= SCAN_MIN_AREA:
        return Triage(PageMethod.OCR, f"text layer has only {score.counted} scorable words over a "
                      f"page-size image ({coverage:.0%})", s)
    if s < min_score:
        why = f"text layer scores {s:.2f} < {min_score:.2f} (share of valid Vietnamese syllables"
        why += f"; {score.unmapped} unmapped glyph tokens)" if score.unmapped else ")"
        return Triage(PageMethod.OCR, why, s)
    for r in images:
        share = abs(r) / area
        if share < MIXED_MIN_AREA:
            continue
        inside = sum(1 for w in words if r.contains(pymupdf.Point((w[0] + w[2]) / 2, (w[1] + w[3]) / 2)))
        if inside < MIXED_MAX_WORDS:
            return Triage(PageMethod.OCR, f"mixed page: text layer scores {s:.2f} but an image covering "
                          f"{share:.0%} of the page has no text over it", s)
    return Triage(PageMethod.TEXT_LAYER, f"text layer scores {s:.2f} >= {min_score:.2f}", s,
                  _layer_lines(page, words))
