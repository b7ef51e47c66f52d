"""One page through OCR: render (or load) → blank check → photographed sheet flattened → deskew → Tesseract → orientation.

``run_page_job`` is what the executor's workers run.  It takes a small picklable
``PageJob`` (file path + page index: pages are rendered inside the worker, never shipped
between processes) and never raises: failures come back as a FAILED page with an error.
"""

from __future__ import annotations

import ctypes
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
from models.pages import AltSource, FileKind, Page, PageMethod, WordAlternative, Words

from . import numbers
from ._exec import tesseract
from .exceptions import IngestError, PixelLimit
from .images import load_frame, to_gray
from .numbers import NumberWork
from .pagetext import RawWord, RawWords, build_page_text
from .pdf import open_pdf
from .preprocess import PointMap, compose, deskew, flatten_sheet, is_blank, map_box, rotate_quarter

log = logging.getLogger(__name__)

MIN_RENDER_DPI = 150  # below this OCR quality collapses: refuse instead (PIXEL_LIMIT)
OSD_BELOW_CONFIDENCE = 0.60  # run orientation detection when OCR is this unsure ...
OSD_BELOW_WORDS = 10  # ... or found this few words on a non-blank page
OSD_MIN_CONFIDENCE = 1.5  # Tesseract's orientation confidence needed to act on it
# Every number-bearing word is checked before its digits are trusted (``ingest.numbers``:
# gathered here, in the worker, settled by the process that runs the second engine).
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
    page: Page | None  # None only while ``read`` waits for ``settle_outcome``
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    read: OcrRead | None = None
    job: PageJob | None = None


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
    return m is not None and doc.xref_get_key(int(m.group(1)), "N") == ("int", "1")


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
          ) -> tuple[list[tesseract.TsvWord], float, PointMap, float, np.ndarray, bool]:
    """Flatten a photographed sheet, deskew, OCR; the last value says whether the page was a photographed sheet."""
    sheet, flat, to_photo = flatten_sheet(gray)
    straight, angle, back = deskew(sheet)
    words, mean = _ocr_words(straight, job, dpi)
    return words, mean, compose(back, to_photo), angle, straight, flat




@dataclass
class OcrRead:
    """A page read by Tesseract, its numbers gathered but not yet settled (``numbers.settle``).

    What a worker sends back: the words already mapped to points on the original page, grouped
    in lines; the number words with their crops.  :func:`finish_read` makes the page."""

    number: int
    width: float
    height: float
    rotation: int
    lines: list[list[RawWord]]
    positions: dict[int, tuple[int, int]]  # word index -> (line, position in line)
    numbers: NumberWork
    mean: float
    decision: str
    layer_score: float | None
    where: str


def read_image(gray: np.ndarray, width_pt: float, height_pt: float, job: PageJob, dpi: int) -> Page | OcrRead:
    """OCR one upright-or-not grayscale page image; boxes in points on the original page.

    A blank page comes back as its (EMPTY) page; anything else as an :class:`OcrRead` to
    finish."""
    number = job.index + 1
    if is_blank(gray):
        return Page(number=number, width=width_pt, height=height_pt, method=PageMethod.EMPTY,
                    layer_score=job.layer_score, decision=(job.decision + "; " if job.decision else "")
                    + "rendered page is blank")
    words, mean, back, angle, straight, flat = _read(gray, job, dpi)
    rotation = 0
    steps = ["photographed sheet found and flattened"] if flat else []
    if angle:
        steps.append(f"deskewed {angle:+.1f}°")
    if mean < OSD_BELOW_CONFIDENCE or len(words) < OSD_BELOW_WORDS:
        osd = tesseract.detect_orientation(gray, dpi=dpi, timeout=job.timeout)
        if osd and osd.rotate and osd.confidence >= OSD_MIN_CONFIDENCE:
            turned, turn_back = rotate_quarter(gray, osd.rotate)
            words2, mean2, back2, angle2, straight2, flat2 = _read(turned, job, dpi)
            if mean2 > mean and len(words2) >= len(words) * 0.5:
                words, mean, rotation, straight = words2, mean2, osd.rotate, straight2
                back = compose(back2, turn_back)
                steps = [f"rotated {osd.rotate}° (OSD confidence {osd.confidence:.1f})"]
                if flat2:
                    steps.append("photographed sheet found and flattened")
                if angle2:
                    steps.append(f"deskewed {angle2:+.1f}°")
    where = f"{job.path} page {number}"
    found = numbers.gather(straight, words, lang=job.lang, dpi=dpi, timeout=job.timeout, where=where)
    del straight
    gh, gw = gray.shape
    sx, sy = width_pt / gw, height_pt / gh
    lines: list[list[RawWord]] = []
    positions: dict[int, tuple[int, int]] = {}
    key = None
    for i, w in enumerate(words):
        x0, y0, x1, y1 = map_box(back, w.left, w.top, w.left + w.width, w.top + w.height)
        if (w.block, w.par, w.line) != key:
            lines.append([])
            key = (w.block, w.par, w.line)
        positions[i] = (len(lines) - 1, len(lines[-1]))
        lines[-1].append((w.text.translate(_OCR_CONFUSIONS), round(max(0.0, x0 * sx), 2), round(max(0.0, y0 * sy), 2),
                          round(min(width_pt, x1 * sx), 2), round(min(height_pt, y1 * sy), 2),
                          round(w.conf / 100, 4)))
    decision = job.decision or "OCR"
    if steps:
        decision += "; " + ", ".join(steps)
    if dpi != job.dpi and job.kind == FileKind.PDF.value:
        decision += f"; rendered at {dpi} dpi to stay under the pixel limit"
    return OcrRead(number=number, width=width_pt, height=height_pt, rotation=rotation, lines=lines,
                   positions={f.index: positions[f.index] for f in found.found}, numbers=found, mean=mean,
                   decision=decision, layer_score=job.layer_score, where=where)


def finish_read(read: OcrRead) -> Page:
    """Settle the page's numbers (the second engine runs here) and build the page."""
    confs, report = numbers.settle(read.numbers, read.where)
    lines = read.lines
    for i, conf in confs.items():
        k, j = read.positions[i]
        text, x0, y0, x1, y1, _ = lines[k][j]
        lines[k][j] = (text, x0, y0, x1, y1, round(conf / 100, 4))
    text, page_words = build_page_text(RawWords.from_lines(lines))
    note = report.note()
    alts = []
    for i, alt, source, alt_conf in numbers.alternatives(report):
        k, j = read.positions[i]
        at = _page_word(lines, page_words, k, j)
        if at is not None:
            alts.append(WordAlternative(word=at, text=alt, source=AltSource(source), confidence=alt_conf))
    return Page(
        number=read.number, width=read.width, height=read.height, rotation=read.rotation, method=PageMethod.OCR,
        text=text, words=page_words, layer_score=read.layer_score,
        ocr_confidence=round(read.mean, 4) if page_words else None, alternatives=alts,
        decision=read.decision + (("; " if read.decision else "") + note if note else ""),
    )


def _page_word(lines: list[list[RawWord]], words: Words, k: int, j: int) -> int | None:
    """The index in the page's words of raw word ``j`` of line ``k``: the same position when every raw word
    became one page word (the usual case), else the first page word with its box (normalising split it or
    dropped a neighbour); None when it was dropped itself."""
    flat = sum(len(line) for line in lines[:k]) + j
    if len(words) == sum(len(line) for line in lines):
        return flat
    _, x0, y0, x1, y1, _ = lines[k][j]
    return next((n for n in range(len(words)) if (words.x0[n], words.y0[n], words.x1[n], words.y1[n])
                 == (x0, y0, x1, y1)), None)


def ocr_image(gray: np.ndarray, width_pt: float, height_pt: float, job: PageJob, dpi: int) -> Page:
    """:func:`read_image` and :func:`finish_read` in this process."""
    got = read_image(gray, width_pt, height_pt, job, dpi)
    return got if isinstance(got, Page) else finish_read(got)

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


def run_page_job(job: PageJob, settle: bool = True) -> PageOutcome:
    """Render or load the page, OCR it; never raises.

    With ``settle=False`` (the pool's workers) an OCR'd page comes back as ``outcome.read``,
    its numbers not yet settled: the caller passes the outcome to :func:`settle_outcome`, in
    the process that holds the second engine."""
    t0 = time.perf_counter()
    notes: list[str] = []
    read: OcrRead | None = None
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
        got = read_image(gray, w, h, job, dpi)
        del gray
        if isinstance(got, Page):
            page = got
        else:
            read, page = got, None
    except IngestError as e:
        page = _failed(job, e.info())
    except Exception as e:  # a bug or a MuPDF/PIL surprise: this page fails, nothing else
        log.exception("page job failed: %s page %d", job.path, job.index + 1)
        page = _failed(job, _unexpected(e))
    _release_memory()
    outcome = PageOutcome(page=page, notes=notes, seconds=time.perf_counter() - t0, read=read, job=job)
    return settle_outcome(outcome) if settle else outcome


def _unexpected(e: Exception) -> ErrorInfo:
    return ErrorInfo(code=ErrorCode.OCR_FAILED, message=f"{type(e).__name__}: {e}",
                     message_vi="Không đọc được trang này.")


def settle_outcome(outcome: PageOutcome) -> PageOutcome:
    """Finish an outcome whose page was read but not settled (``run_page_job(settle=False)``); never raises."""
    if outcome.read is not None:
        t0 = time.perf_counter()
        try:
            outcome.page = finish_read(outcome.read)
        except Exception as e:  # a bug: this page fails, nothing else
            log.exception("settling page failed: %s", outcome.read.where)
            outcome.page = _failed(outcome.job, _unexpected(e)) if outcome.job else Page(
                number=outcome.read.number, width=outcome.read.width, height=outcome.read.height,
                method=PageMethod.FAILED, error=_unexpected(e))
        outcome.read = None
        _release_memory()  # the second engine's buffers for this page's crop widths
        outcome.seconds += time.perf_counter() - t0
    page = outcome.page
    assert page is not None
    log.info("page %d of %s: %s in %.2fs", page.number, outcome.job.path if outcome.job else "?", page.method.value,
             outcome.seconds, extra={"file": outcome.job.path if outcome.job else None, "page": page.number,
                                     "method": page.method.value, "seconds": round(outcome.seconds, 2)})
    return outcome


def close_documents() -> None:
    while _DOCS:
        _DOCS.popitem()[1].close()


__all__ = ["PageJob", "PageOutcome", "OcrRead", "run_page_job", "settle_outcome", "read_image", "finish_read", "ocr_image", "render_pdf_gray", "fit_dpi"]
