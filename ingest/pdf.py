"""PDF steps: open safely, read the text layer, triage each page (text layer vs OCR)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import numpy as np
import pymupdf

from models.pages import PageMethod

from .exceptions import CorruptPdf, EncryptedPdf, NoPages, TooManyPages
from .normalize import normalize_text
from .pagetext import RawWords, normalized_texts
from .syllables import score_text, score_tokens

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
        # MuPDF names the file it was given (a blob or a temporary path): no server path in a user's report
        raise CorruptPdf(f"cannot open PDF: {str(e).replace(str(path), 'file')}") from e
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


# What MuPDF says while decoding a page whose content was cut off (checked on truncated files).
_TRUNCATION_MARKS = ("premature end of data", "syntax error", "cannot load content stream", "object is not a stream")


def content_lost(doc: pymupdf.Document, index: int) -> bool:
    """In a repaired PDF: did page ``index`` lose its content?

    A truncated file keeps the page tree (written first) but loses the objects after the cut: page
    objects that no longer exist, ``/Contents`` that are not streams any more, streams that end early.
    A genuinely blank page has no ``/Contents`` or an intact empty stream, and decodes silently.
    """
    n = doc.xref_length()
    pymupdf.TOOLS.mupdf_warnings(reset=True)
    try:
        page = doc[index]
        if not 0 < page.xref < n:
            return True
        if any(not 0 < x < n or not doc.xref_is_stream(x) for x in page.get_contents()):
            return True
        page.get_text("text")  # decoding the content stream is what reports a truncated stream
    except Exception:
        return True
    said = pymupdf.TOOLS.mupdf_warnings(reset=True)
    return any(mark in said for mark in _TRUNCATION_MARKS)


def lost_pages(doc: pymupdf.Document, indexes) -> list[int]:
    """1-based numbers of the pages (of 0-based ``indexes``) whose content a repair lost; [] when the
    file was not repaired."""
    return [i + 1 for i in indexes if content_lost(doc, i)] if doc.is_repaired else []


def damaged(lost: list[int], page_count: int) -> CorruptPdf:
    """The error of a PDF that MuPDF could only repair by dropping page content: a damaged file, not
    a file with empty pages (an appraiser must not read "no date found" where the date was cut off)."""
    pages = page_list(lost)
    return CorruptPdf(f"PDF damaged: the content of pages {pages} was lost (file truncated or corrupted)",
                      f"Tệp PDF bị hỏng (có thể bị cắt cụt khi tải lên): mất nội dung {len(lost)}/{page_count} "
                      f"trang (trang {pages}); hãy nộp lại bản đầy đủ.")


def page_list(numbers: list[int]) -> str:
    """``[1, 2, 3, 7]`` → ``"1–3, 7"``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


@dataclass
class Triage:
    """What to do with one page, and why (``decision`` is shown to operators)."""

    method: PageMethod
    decision: str
    layer_score: float | None = None
    words: RawWords | None = None  # text-layer words, for TEXT_LAYER
    images: int = 0  # images on the page


ROW_TOLERANCE = 3.0  # points: lines whose tops differ less than this sit on one row


def _line_order(x0: np.ndarray, y0: np.ndarray, blocks: tuple, lines: tuple) -> tuple[list[int] | None, list[int]]:
    """(word indexes in reading order or None if unchanged, words per line in reading order).

    For words in extraction order.  Lines top to bottom, then left to right; words keep their
    order inside a line.  ``extractWORDS`` gives words in (block, line, word) order, so only
    whole lines move.  Lines, not blocks: MuPDF may put lines of both header columns in one
    block in content-stream order (``Độc lập - Tự do - Hạnh phúc`` before ``UBND TỈNH ĐỒNG
    NAI``).  Lines of the two columns that share a row interleave left to right, as in OCR output.
    """
    n = len(x0)
    b, ln = np.fromiter(blocks, np.int64, n), np.fromiter(lines, np.int64, n)
    starts = np.flatnonzero((b[1:] != b[:-1]) | (ln[1:] != ln[:-1])) + 1
    starts = np.concatenate(([0], starts))
    ends = np.append(starts[1:], n)
    counts = (ends - starts).tolist()
    if len(starts) < 2:
        return None, counts
    tops = np.minimum.reduceat(y0, starts).tolist()
    lefts = x0[starts].tolist()
    rows: list[list[int]] = []
    row_top = None
    for i in sorted(range(len(tops)), key=tops.__getitem__):
        if row_top is None or tops[i] - row_top > ROW_TOLERANCE:
            rows.append([i])
            row_top = tops[i]
        else:
            rows[-1].append(i)
    order = [i for row in rows for i in (sorted(row, key=lefts.__getitem__) if len(row) > 1 else row)]
    if all(i == k for k, i in enumerate(order)):
        return None, counts
    s, e = starts.tolist(), ends.tolist()
    return [k for i in order for k in range(s[i], e[i])], [counts[i] for i in order]


def _layer_words(page: pymupdf.Page, words: list[tuple], rotation: int) -> RawWords:
    """Columns of the text-layer words in reading order; boxes in display space (MuPDF's values)."""
    x0, y0, x1, y1, texts, blocks, lines, _ = zip(*words, strict=True)
    c = np.array((x0, y0, x1, y1), dtype=np.float64)
    order, counts = _line_order(c[0], c[1], blocks, lines)
    if order is not None:
        c = c[:, order]
        texts = itemgetter(*order)(texts)
    if rotation:  # words come unrotated: turn the two corners, then re-order them
        m = page.rotation_matrix
        xa, ya = m.a * c[0] + m.c * c[1] + m.e, m.b * c[0] + m.d * c[1] + m.f
        xb, yb = m.a * c[2] + m.c * c[3] + m.e, m.b * c[2] + m.d * c[3] + m.f
        c = np.round(np.array((np.minimum(xa, xb), np.minimum(ya, yb), np.maximum(xa, xb), np.maximum(ya, yb))), 2)
    n = len(texts)
    keys = np.repeat(np.arange(len(counts)), counts)
    return RawWords(list(texts), c[0], c[1], c[2], c[3], np.ones(n), keys, line_counts=counts)


def _image_rects(page: pymupdf.Page, textpage: pymupdf.TextPage, rotation: int) -> list[pymupdf.Rect]:
    page_rect = page.mediabox if rotation else page.rect
    rects = []
    for info in textpage.extractIMGINFO():
        r = pymupdf.Rect(info["bbox"]) & page_rect
        if not r.is_empty:
            rects.append(r)
    return rects


# One text page per PDF page serves words and image boxes.  Keeping images in it costs
# time, so it is only asked for when the page's resources list an image XObject (inline
# images are limited to ~4 KB by the PDF spec: icons, not scans); a page with no words at
# all is looked at again with images kept.
_TEXTPAGE_FLAGS = pymupdf.TEXTFLAGS_WORDS
_TEXTPAGE_IMAGE_FLAGS = pymupdf.TEXTFLAGS_WORDS | pymupdf.TEXT_PRESERVE_IMAGES


def triage_page(page: pymupdf.Page, min_score: float) -> Triage:
    """Text layer or OCR?  Scores the layer, looks for scans and mixed pages."""
    t, images = _triage(page, min_score)
    t.images = images
    return t


def _triage(page: pymupdf.Page, min_score: float) -> tuple[Triage, int]:
    rotation = page.rotation  # (a property that costs a PDF lookup each time)
    has_images = bool(page.get_images())
    textpage = page.get_textpage(flags=_TEXTPAGE_IMAGE_FLAGS if has_images else _TEXTPAGE_FLAGS)
    words = textpage.extractWORDS()
    if not words and not has_images:
        textpage = page.get_textpage(flags=_TEXTPAGE_IMAGE_FLAGS)
        has_images = True
    area = abs(page.rect) or 1.0
    images = _image_rects(page, textpage, rotation) if has_images else []
    coverage = min(1.0, sum(abs(r) for r in images) / area)
    if not words:
        if images and coverage >= 0.01:
            return Triage(PageMethod.OCR, f"no text layer; images cover {coverage:.0%} of the page"), len(images)
        if len(page.get_cdrawings()) >= VECTOR_MIN_DRAWINGS:
            return Triage(PageMethod.OCR, "no text layer; vector drawings (possibly outlined text)"), len(images)
        return Triage(PageMethod.EMPTY, "no text, no images"), len(images)
    raw = _layer_words(page, words, rotation)
    # score the words as they will be stored (normalised once, for the score and the page text)
    raw.normalized = normalized_texts(raw.texts)
    score = score_tokens(raw.normalized if raw.normalized is not None
                         else normalize_text(" ".join(raw.texts)).split())
    if score.score < min_score:
        # a poor layer is OCR'd either way; to say why, score its raw text, where unmapped
        # glyphs (NUL from fonts without a ToUnicode map) are still inside the words
        score = score_text(normalize_text(textpage.extractText()))
    s = score.score
    if score.counted < MIN_SCORED_WORDS and coverage >= SCAN_MIN_AREA:
        return Triage(PageMethod.OCR, f"text layer has only {score.counted} scorable words over a "
                      f"page-size image ({coverage:.0%})", s), len(images)
    if s < min_score:
        why = f"text layer scores {s:.2f} < {min_score:.2f} (share of valid Vietnamese syllables"
        why += f"; {score.unmapped} unmapped glyph tokens)" if score.unmapped else ")"
        return Triage(PageMethod.OCR, why, s), len(images)
    for r in images:
        share = abs(r) / area
        if share < MIXED_MIN_AREA:
            continue
        inside = sum(1 for w in words if r.contains(pymupdf.Point((w[0] + w[2]) / 2, (w[1] + w[3]) / 2)))
        if inside < MIXED_MAX_WORDS:
            return Triage(PageMethod.OCR, f"mixed page: text layer scores {s:.2f} but an image covering "
                          f"{share:.0%} of the page has no text over it", s), len(images)
    return Triage(PageMethod.TEXT_LAYER, f"text layer scores {s:.2f} >= {min_score:.2f}", s, raw), len(images)
