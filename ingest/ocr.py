"""One page through OCR: render (or load) → blank check → deskew → Tesseract → orientation.

``run_page_job`` is what the executor's workers run.  It takes a small picklable
``PageJob`` (file path + page index: pages are rendered inside the worker, never shipped
between processes) and never raises: failures come back as a FAILED page with an error.
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import math
import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image

from models.errors import ErrorCode, ErrorInfo
from models.pages import FileKind, Page, PageMethod

from ._exec import tesseract
from .exceptions import IngestError, OcrFailed, OcrTimeout, PixelLimit
from .images import load_frame, to_gray
from .pagetext import RawWords, build_page_text
from .pdf import open_pdf
from .preprocess import PointMap, compose, deskew, is_blank, map_box, rotate_quarter

log = logging.getLogger(__name__)

MIN_RENDER_DPI = 150  # below this OCR quality collapses: refuse instead (PIXEL_LIMIT)
OSD_BELOW_CONFIDENCE = 0.60  # run orientation detection when OCR is this unsure ...
OSD_BELOW_WORDS = 10  # ... or found this few words on a non-blank page
OSD_MIN_CONFIDENCE = 1.5  # Tesseract's orientation confidence needed to act on it
# Numbers read below REREAD_BELOW are read again, cut out of the page (``confirm_numbers``).
# Tesseract's word confidence is 100 + 35c, c the log-probability of the word's least certain
# character (its character confidence is 100 + 5c): one slightly unsure glyph sinks the word.
# A number alone on a short line (the end of a paragraph: "50%.") is cropped with row metrics
# such a line cannot give (no x-height letters), and the same clean pixels come out at 41-96%
# depending on what else is on the page.  Cut out and read as a raw line (no row metrics) with
# REREAD_MARGINS of its height around it, "50%." reads at ~96% in every view.  Measured on 194
# words with digits first read below 0.80 (scans of the extract_ocr and verify sources, clean,
# degraded and harsh, and 40 handwritten days): 17 of 114 right ones confirmed; of 80 wrong
# ones only "(m3)" read for "(m³)" (twice); none on the handwritten pages.
REREAD_BELOW = 0.80  # the bar extractors set for words with digits (extractors.confidence.DIGIT_THRESHOLD)
REREAD_ACCEPT = 0.80  # every view must give the same text at least this confident
REREAD_MARGINS = (0.2, 0.3, 0.4)  # one view per margin, in word heights
REREAD_MAX_WORDS = 25  # per page: a page of doubtful numbers is a bad scan, not a few bad crops
# Letters Tesseract's ``vie`` model emits that Vietnamese never uses: the Roman numeral of
# "Chương I" / "Mục I" comes out as "Ï" on nearly every page (bench/ingest_ocr).
_OCR_CONFUSIONS = str.maketrans({"\u00cf": "I", "\u00ef": "i"})


@dataclass(frozen=True)
class PageJob:
    path: str
    kind: str  # FileKind value
    index: int  # 0-based page or frame
    lang: str
    dpi: int
    timeout: float
    max_page_pixels: int
    max_image_pixels: int
    decision: str = ""  # the triage reason, carried into Page.decision
    layer_score: float | None = None
    drop_red: bool = True  # OCR the red channel so red seals do not cover text (bench/ingest_seal)


@dataclass
class PageOutcome:
    page: Page
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


# A worker keeps the last few documents open: consecutive pages of one file are common.
_DOCS: OrderedDict[str, pymupdf.Document] = OrderedDict()
_MAX_OPEN = 2


def _document(path: str) -> pymupdf.Document:
    doc = _DOCS.pop(path, None)
    if doc is None:
        doc, _ = open_pdf(Path(path))
    _DOCS[path] = doc
    while len(_DOCS) > _MAX_OPEN:
        _DOCS.popitem(last=False)[1].close()
    return doc


def fit_dpi(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> int:
    """The DPI to render at: ``dpi``, lowered for oversized pages; PixelLimit if < 150 dpi."""
    pixels = (width_pt * dpi / 72) * (height_pt * dpi / 72)
    if pixels <= max_pixels:
        return dpi
    fitted = int(72 * math.sqrt(max_pixels / max(width_pt * height_pt, 1e-9)))
    if fitted < MIN_RENDER_DPI:
        raise PixelLimit(
            f"page of {width_pt:.0f}x{height_pt:.0f} pt needs {pixels:.0f} pixels at {dpi} dpi; "
            f"limit {max_pixels} even at {MIN_RENDER_DPI} dpi",
            "Trang có kích thước quá lớn, không thể nhận dạng chữ an toàn.",
        )
    return fitted


_ICC = re.compile(r"/ICCBased\s+(\d+)\s+0\s+R")


def _gray_image(doc: pymupdf.Document, xref: int, cs_name: str) -> bool:
    if cs_name in ("DeviceGray", "CalGray"):
        return True
    if cs_name != "ICCBased":
        return False
    kind, value = doc.xref_get_key(xref, "ColorSpace")
    if kind == "xref":  # /ColorSpace 5 0 R -> [ /ICCBased 6 0 R ]
        value = doc.xref_object(int(value.split()[0]), compressed=True)
    m = _ICC.search(value or "")
    return bool(m) and doc.xref_get_key(int(m.group(1)), "N") == ("int", "1")


def _may_have_colour(page: pymupdf.Page) -> bool:
    """False for the usual scan page (gray images only, no drawings): rendering it in colour
    would cost ~40 ms for the same pixels."""
    images = page.get_images()
    if not images:
        return True  # vector content: colour is possible and cheap to render
    doc = page.parent
    try:
        if not all(_gray_image(doc, img[0], img[5]) for img in images):
            return True
    except Exception:  # noqa: BLE001 - an odd colour space entry: render in colour to be safe
        return True
    return bool(page.get_drawings())


def render_pdf_gray(doc: pymupdf.Document, index: int, dpi: int, max_pixels: int,
                    drop_red: bool = False) -> tuple[np.ndarray, float, float, int]:
    """(gray image, page width pt, page height pt, dpi used); pixel limit checked first.

    With ``drop_red`` the page is rendered in colour and its red channel is the gray image:
    red seal ink turns near-white while black (and blue) ink stays dark, so a seal stamped
    over the signer's title no longer hides it.  A gray page gives the same image either way.
    """
    page = doc[index]
    w, h = page.rect.width, page.rect.height
    used = fit_dpi(w, h, dpi, max_pixels)
    if drop_red and _may_have_colour(page):
        pix = page.get_pixmap(dpi=used, colorspace=pymupdf.csRGB, alpha=False)
        rows = np.frombuffer(pix.samples_mv, dtype=np.uint8).reshape(pix.height, pix.stride)
        arr = rows[:, 0: pix.width * 3: 3].copy()
    else:
        pix = page.get_pixmap(dpi=used, colorspace=pymupdf.csGRAY, alpha=False)
        arr = np.frombuffer(pix.samples_mv, dtype=np.uint8).reshape(pix.height, pix.stride)[:, : pix.width].copy()
    return arr, w, h, used


def _mean_confidence(words: list[tesseract.TsvWord]) -> float:
    """Mean word confidence in [0, 1] (0 without words)."""
    return sum(w.conf for w in words) / len(words) / 100 if words else 0.0


def _ocr_words(gray: np.ndarray, job: PageJob, dpi: int) -> tuple[list[tesseract.TsvWord], float]:
    words = tesseract.image_to_words(gray, lang=job.lang, dpi=dpi, timeout=job.timeout)
    return words, _mean_confidence(words)


def _read(gray: np.ndarray, job: PageJob, dpi: int
          ) -> tuple[list[tesseract.TsvWord], float, PointMap, float, np.ndarray]:
    straight, angle, back = deskew(gray)
    words, mean = _ocr_words(straight, job, dpi)
    return words, mean, back, angle, straight


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _word_views(image: np.ndarray, w: tesseract.TsvWord) -> list[np.ndarray]:
    """The word cut out of the page, once per margin in REREAD_MARGINS.

    Only the word's own pixels (its box plus 3% of its height) are kept; the margin around
    them is filled with the paper's gray, so no neighbouring word or line leaks in."""
    ih, iw = image.shape
    h = max(w.height, 1)
    m = max(1, round(0.03 * h))
    y0, y1 = max(0, w.top - m), min(ih, w.top + w.height + m)
    x0, x1 = max(0, w.left - m), min(iw, w.left + w.width + m)
    crop = image[y0:y1, x0:x1]
    if crop.size == 0:
        return []
    paper = int(np.percentile(crop, 75))  # a word's box is mostly paper
    views = []
    for margin in REREAD_MARGINS:
        p = max(2, round(margin * h))
        view = np.full((crop.shape[0] + 2 * p, crop.shape[1] + 2 * p), paper, dtype=np.uint8)
        view[p:p + crop.shape[0], p:p + crop.shape[1]] = crop
        views.append(view)
    return views


def confirm_numbers(image: np.ndarray, words: list[tesseract.TsvWord], job: PageJob, dpi: int
                    ) -> tuple[list[tesseract.TsvWord], int, int]:
    """Read words with digits that came out below REREAD_BELOW again; (words, re-read, confirmed).

    Each such word is cut out of ``image`` (the image Tesseract read) and read as a raw line
    (``--psm 13``: no layout analysis, the LSTM sees the word at the scale given) in a few
    views, all in one Tesseract run.  If every view gives exactly the word's text with at
    least REREAD_ACCEPT confidence, the word takes the lowest of those confidences; otherwise
    it keeps its own.  Text is never changed: a second read can confirm a number, not
    replace it.
    """
    todo = [i for i, w in enumerate(words) if w.conf < REREAD_BELOW * 100 and _has_digit(w.text)]
    todo = todo[:REREAD_MAX_WORDS]
    if not todo:
        return words, 0, 0
    views, owner = [], []
    for i in todo:
        for v in _word_views(image, words[i]):
            views.append(v)
            owner.append(i)
    try:
        reads = tesseract.lines_to_words(views, lang=job.lang, dpi=dpi, timeout=job.timeout)
    except (OcrFailed, OcrTimeout) as e:  # the first read stands
        log.warning("re-reading numbers failed on %s page %d: %s", job.path, job.index + 1, e)
        return words, len(todo), 0
    seen: dict[int, list[float]] = {}
    agree: dict[int, bool] = {}
    for i, got in zip(owner, reads):
        same = len(got) == 1 and got[0].text == words[i].text and got[0].conf >= REREAD_ACCEPT * 100
        agree[i] = agree.get(i, True) and same
        seen.setdefault(i, []).append(got[0].conf if got else 0.0)
    out = list(words)
    confirmed = 0
    for i, ok in agree.items():
        if ok and len(seen[i]) == len(REREAD_MARGINS):
            out[i] = dataclasses.replace(words[i], conf=min(seen[i]))
            confirmed += 1
    return out, len(todo), confirmed


def ocr_image(gray: np.ndarray, width_pt: float, height_pt: float, job: PageJob, dpi: int) -> Page:
    """OCR one upright-or-not grayscale page image; boxes in points on the original page."""
    number = job.index + 1
    if is_blank(gray):
        return Page(number=number, width=width_pt, height=height_pt, method=PageMethod.EMPTY,
                    layer_score=job.layer_score, decision=(job.decision + "; " if job.decision else "")
                    + "rendered page is blank")
    words, mean, back, angle, straight = _read(gray, job, dpi)
    rotation = 0
    steps = []
    if angle:
        steps.append(f"deskewed {angle:+.1f}°")
    if mean < OSD_BELOW_CONFIDENCE or len(words) < OSD_BELOW_WORDS:
        osd = tesseract.detect_orientation(gray, dpi=dpi, timeout=job.timeout)
        if osd and osd.rotate and osd.confidence >= OSD_MIN_CONFIDENCE:
            turned, turn_back = rotate_quarter(gray, osd.rotate)
            words2, mean2, back2, angle2, straight2 = _read(turned, job, dpi)
            if mean2 > mean and len(words2) >= len(words) * 0.5:
                words, mean, rotation, straight = words2, mean2, osd.rotate, straight2
                back = compose(back2, turn_back)
                steps = [f"rotated {osd.rotate}° (OSD confidence {osd.confidence:.1f})"]
                if angle2:
                    steps.append(f"deskewed {angle2:+.1f}°")
    words, reread, confirmed = confirm_numbers(straight, words, job, dpi)
    del straight
    if reread:
        steps.append(f"{reread} low-confidence number{'s' if reread > 1 else ''} read again, {confirmed} confirmed")
        mean = _mean_confidence(words)
    gh, gw = gray.shape
    sx, sy = width_pt / gw, height_pt / gh
    lines: list[list] = []
    key = None
    for w in words:
        x0, y0, x1, y1 = map_box(back, w.left, w.top, w.left + w.width, w.top + w.height)
        if (w.block, w.par, w.line) != key:
            lines.append([])
            key = (w.block, w.par, w.line)
        lines[-1].append((w.text.translate(_OCR_CONFUSIONS), round(max(0.0, x0 * sx), 2), round(max(0.0, y0 * sy), 2),
                          round(min(width_pt, x1 * sx), 2), round(min(height_pt, y1 * sy), 2),
                          round(w.conf / 100, 4)))
    text, page_words = build_page_text(RawWords.from_lines(lines))
    decision = job.decision or "OCR"
    if steps:
        decision += "; " + ", ".join(steps)
    if dpi != job.dpi and job.kind == FileKind.PDF.value:
        decision += f"; rendered at {dpi} dpi to stay under the pixel limit"
    return Page(
        number=number, width=width_pt, height=height_pt, rotation=rotation, method=PageMethod.OCR,
        text=text, words=page_words, layer_score=job.layer_score,
        ocr_confidence=round(mean, 4) if page_words else None, decision=decision,
    )


def _failed(job: PageJob, info: ErrorInfo, width: float = 0.0, height: float = 0.0) -> Page:
    return Page(number=job.index + 1, width=width, height=height, method=PageMethod.FAILED,
                layer_score=job.layer_score, decision=job.decision, error=info)


def _libc_trim():
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


_MALLOC_TRIM = _libc_trim()


def _release_memory() -> None:
    """Hand the page's freed image buffers back to the OS (glibc keeps them otherwise): a
    worker stays near its idle size between pages (bench/ingest_cache_rss)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def run_page_job(job: PageJob) -> PageOutcome:
    """Render or load the page, OCR it; never raises."""
    t0 = time.perf_counter()
    notes: list[str] = []
    try:
        if job.kind == FileKind.PDF.value:
            gray, w, h, dpi = render_pdf_gray(_document(job.path), job.index, job.dpi, job.max_page_pixels,
                                              job.drop_red)
        else:
            img, img_dpi = load_frame(Path(job.path), job.index, job.max_image_pixels)
            w, h = img.width * 72 / img_dpi, img.height * 72 / img_dpi
            gray = to_gray(img, drop_red=job.drop_red)
            dpi = int(round(img_dpi))
            if gray.size > job.max_page_pixels:  # a huge (but allowed) image: OCR a scaled copy
                scale = math.sqrt(job.max_page_pixels / gray.size)
                small = Image.fromarray(gray).resize(
                    (max(1, int(gray.shape[1] * scale)), max(1, int(gray.shape[0] * scale))), Image.Resampling.LANCZOS
                )
                gray, dpi = np.asarray(small), max(70, int(dpi * scale))
        if job.kind == FileKind.PDF.value:
            pymupdf.TOOLS.store_shrink(100)  # a page is rendered once: keep no decoded images
        page = ocr_image(gray, w, h, job, dpi)
    except IngestError as e:
        page = _failed(job, e.info())
    except Exception as e:  # a bug or a MuPDF/PIL surprise: this page fails, nothing else
        log.exception("page job failed: %s page %d", job.path, job.index + 1)
        page = _failed(job, ErrorInfo(code=ErrorCode.OCR_FAILED, message=f"{type(e).__name__}: {e}",
                                      message_vi="Không đọc được trang này."))
    _release_memory()
    seconds = time.perf_counter() - t0
    log.info("page %d of %s: %s in %.2fs", job.index + 1, job.path, page.method.value, seconds,
             extra={"file": job.path, "page": job.index + 1, "method": page.method.value,
                    "seconds": round(seconds, 2)})
    return PageOutcome(page=page, notes=notes, seconds=seconds)


def close_documents() -> None:
    while _DOCS:
        _DOCS.popitem()[1].close()


__all__ = ["PageJob", "PageOutcome", "run_page_job", "ocr_image", "render_pdf_gray", "fit_dpi"]
