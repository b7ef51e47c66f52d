"""Generate realistic Vietnamese administrative documents as PDFs, for tests and examples.

Layout follows Decree 30/2020/NĐ-CP (Appendix I): a two-column header (issuing body and
number on the left, national name / motto / place and date on the right), the type line and
summary centred, a justified body, the signature block on the right and the "Nơi nhận:" block
on the left.  Scans are simulated by rasterising pages (grayscale, small skew, noise, JPEG) into
image-only PDFs; ``garbage_layer_scan`` adds the kind of junk text layer that a non-Vietnamese
OCR leaves on real scanned files.

All output is deterministic for the same inputs (fixed metadata, seeded noise).

    from tests.support.docgen import AdminDocument, render_pdf, rasterize_scan
"""

from __future__ import annotations

import datetime
import io
import math
import random
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image

__all__ = [
    "AdminDocument",
    "render_pdf",
    "render_text_pdf",
    "rasterize_scan",
    "garbage_layer_scan",
    "date_line",
    "garble_text",
    "FONT_DIR",
]

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_FONT_FILES = {
    "R": "DejaVuSerif.ttf",
    "B": "DejaVuSerif-Bold.ttf",
    "I": "DejaVuSerif-Italic.ttf",
    "BI": "DejaVuSerif-BoldItalic.ttf",
}
_PDF_FONT_NAMES = {"R": "dvsr", "B": "dvsb", "I": "dvsi", "BI": "dvsbi"}

# A4 in points, margins per Decree 30 (top/bottom 20 mm, left 30 mm, right 20 mm).
PAGE_W, PAGE_H = pymupdf.paper_size("a4")
MM = 72 / 25.4
M_LEFT, M_RIGHT, M_TOP, M_BOTTOM = 30 * MM, 20 * MM, 20 * MM, 20 * MM

BODY_SIZE = 13.0
LINE_FACTOR = 1.32  # baseline-to-baseline distance / font size
PARA_GAP = 4.0
INDENT = 10 * MM

_FIXED_DATE = "D:20240101000000+07'00'"
_METADATA = {
    "producer": "kiemchung tests.support.docgen",
    "creator": "kiemchung tests.support.docgen",
    "creationDate": _FIXED_DATE,
    "modDate": _FIXED_DATE,
    "title": "",
    "author": "",
    "subject": "",
    "keywords": "",
}


# --------------------------------------------------------------------------------------
# The document model
# --------------------------------------------------------------------------------------


def _default_recipients() -> list[str]:
    return ["UBND tỉnh (b/c);", "Sở Nội vụ;", "Lưu: VT, VP."]


@dataclass
class AdminDocument:
    issuer: str  # "SỞ TƯ PHÁP" (printed bold caps)
    number: str  # "15/KH-STP" (printed as "Số: 15/KH-STP")
    place: str  # "Đồng Nai"
    issued_on: datetime.date
    type_line: str | None  # "KẾ HOẠCH", "BÁO CÁO", "QUYẾT ĐỊNH"; None for a công văn
    title: str  # trích yếu ("V/v ..." under the number for a công văn)
    body: list[str]  # paragraphs; "I. ...", "QUYẾT ĐỊNH:", "Điều 1. ..." get bold
    parent_issuer: str | None = None  # "UBND TỈNH ĐỒNG NAI" (printed above the issuer)
    signing_mode: str | None = None  # "KT." / "TM." / "Q." / "TL." / "TUQ." / None
    signer_title: str = "GIÁM ĐỐC"
    deputy_title: str | None = None  # with KT.: "PHÓ GIÁM ĐỐC"; with TM.: "CHỦ TỊCH"
    signer_name: str = "Nguyễn Văn An"
    recipients: list[str] = field(default_factory=_default_recipients)


def date_line(place: str, day: datetime.date) -> str:
    """'Đồng Nai, ngày 06 tháng 02 năm 2024' — leading zero for days < 10 and months 1–2."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


# --------------------------------------------------------------------------------------
# Fonts and low-level text placement
# --------------------------------------------------------------------------------------

_FONT_CACHE: dict[str, pymupdf.Font] = {}
_FONT_BYTES: dict[str, bytes] = {}


def _font(style: str) -> pymupdf.Font:
    if style not in _FONT_CACHE:
        _FONT_CACHE[style] = pymupdf.Font(fontbuffer=_font_bytes(style))
    return _FONT_CACHE[style]


def _font_bytes(style: str) -> bytes:
    if style not in _FONT_BYTES:
        _FONT_BYTES[style] = (FONT_DIR / _FONT_FILES[style]).read_bytes()
    return _FONT_BYTES[style]


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _width(text: str, style: str, size: float) -> float:
    return _font(style).text_length(text, fontsize=size)


def _new_page(doc: pymupdf.Document) -> pymupdf.Page:
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    for style, name in _PDF_FONT_NAMES.items():
        page.insert_font(fontname=name, fontbuffer=_font_bytes(style))
    return page


def _put(page: pymupdf.Page, x: float, y: float, text: str, style: str, size: float, **kw) -> None:
    page.insert_text((x, y), _nfc(text), fontname=_PDF_FONT_NAMES[style], fontsize=size, **kw)


def _put_centered(page, cx: float, y: float, text: str, style: str, size: float) -> float:
    w = _width(text, style, size)
    _put(page, cx - w / 2, y, text, style, size)
    return w


def _wrap_words(words: list[tuple[str, str]], size: float, width: float, first_width: float | None = None):
    """Greedy wrap of (word, style) tokens; returns a list of token lists."""
    lines: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    cur_w = 0.0
    limit = first_width if first_width is not None else width
    for word, style in words:
        ww = _width(word, style, size)
        sp = _width(" ", style, size) if cur else 0.0
        if cur and cur_w + sp + ww > limit:
            lines.append(cur)
            cur, cur_w = [], 0.0
            limit = width
            sp = 0.0
        cur.append((word, style))
        cur_w += sp + ww
    if cur:
        lines.append(cur)
    return lines


def _wrap_plain(text: str, style: str, size: float, width: float) -> list[str]:
    toks = [(w, style) for w in text.split()]
    return [" ".join(w for w, _ in line) for line in _wrap_words(toks, size, width)]


def _draw_token_line(page, x: float, y: float, tokens, size: float, width: float | None) -> None:
    """Place a line word by word; if ``width`` is given, justify to that width.

    Each word is written with its trailing space glyph, so text extraction sees real spaces
    (MuPDF does not synthesise a space after some Vietnamese letters, e.g. "ứ", "ở").  The
    extra justification gap is capped: beyond ~10 pt MuPDF splits the line into blocks.
    """
    texts = [w + " " if i < len(tokens) - 1 else w for i, (w, _s) in enumerate(tokens)]
    widths = [_width(t, s, size) for t, (_w, s) in zip(texts, tokens, strict=True)]
    extra = 0.0
    if width is not None and len(tokens) > 1:
        extra = (width - sum(widths)) / (len(tokens) - 1)
        if extra < 0 or extra > _MAX_JUSTIFY_GAP:
            extra = 0.0
    if extra == 0.0 and len({s for _, s in tokens}) == 1:
        _put(page, x, y, "".join(texts), tokens[0][1], size)
        return
    cx = x
    for t, (_w, style), ww in zip(texts, tokens, widths, strict=True):
        _put(page, cx, y, t, style, size)
        cx += ww + extra


_MAX_JUSTIFY_GAP = 6.0


def _hline(page, x0: float, x1: float, y: float, width: float = 0.6) -> None:
    page.draw_line((x0, y), (x1, y), color=(0, 0, 0), width=width)


# --------------------------------------------------------------------------------------
# Born-digital administrative document
# --------------------------------------------------------------------------------------

_HEADING_RE = re.compile(r"^(?:[IVXLC]+\.|[A-Z]\.)\s")
_SUBHEADING_RE = re.compile(r"^\d+(?:\.\d+)*\.\s")  # "1. Công tác chỉ đạo, điều hành" (no final period)
_ARTICLE_RE = re.compile(r"^(Điều\s+\d+[a-z]?\.)\s*(.*)$", re.S)
_CENTER_LINES = {"QUYẾT ĐỊNH:", "QUYẾT NGHỊ:", "CHỈ THỊ:"}


def _paragraph_tokens(par: str) -> tuple[list[tuple[str, str]], str]:
    """Split a body paragraph into styled tokens; returns (tokens, kind).

    Kinds: "center" (bold, centred: "QUYẾT ĐỊNH:" and short all-caps lines such as
    "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI"), "heading" (bold, kept with the next line: "I. KẾT QUẢ ...", and short numbered
    lines without a final period such as "1. Công tác chỉ đạo, điều hành"),
    "article" ("Điều 1." bold, rest regular) and "para".
    """
    par = " ".join(_nfc(par).split())
    if par in _CENTER_LINES or (par.upper() == par and len(par) < 90 and not par.endswith((".", ";"))
                                and not _HEADING_RE.match(par) and any(c.isalpha() for c in par)):
        return [(w, "B") for w in par.split()], "center"
    if _HEADING_RE.match(par) or (_SUBHEADING_RE.match(par) and len(par) < 90 and not par.endswith((".", ";", ":"))):
        return [(w, "B") for w in par.split()], "heading"
    m = _ARTICLE_RE.match(par)
    if m:
        head = [(w, "B") for w in m.group(1).split()]
        return head + [(w, "R") for w in m.group(2).split()], "article"
    return [(w, "R") for w in par.split()], "para"


class _Flow:
    """Vertical flow across pages with Decree-30 page numbers from page 2."""

    def __init__(self, doc: pymupdf.Document):
        self.doc = doc
        self.page = _new_page(doc)
        self.y = M_TOP
        self.pageno = 1

    def ensure(self, height: float) -> None:
        if self.y + height > PAGE_H - M_BOTTOM:
            self.break_page()

    def break_page(self) -> None:
        self.page = _new_page(self.doc)
        self.pageno += 1
        _put_centered(self.page, (M_LEFT + PAGE_W - M_RIGHT) / 2, M_TOP - 14, str(self.pageno), "R", 13)
        self.y = M_TOP + 6


def _header(flow: _Flow, doc: AdminDocument) -> None:
    page = flow.page
    left_x0 = M_LEFT - 12 * MM  # the header table is wider than the text area, as in practice
    right_x1 = PAGE_W - M_RIGHT + 6 * MM
    nat = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto = "Độc lập - Tự do - Hạnh phúc"
    dline = date_line(doc.place, doc.issued_on)
    nat_size = 12.0
    right_w = max(_width(nat, "B", nat_size), _width(dline, "I", 13)) + 8
    right_x0 = right_x1 - right_w
    left_x1 = right_x0 - 6
    lcx = (left_x0 + left_x1) / 2
    rcx = (right_x0 + right_x1) / 2
    left_w = left_x1 - left_x0
    size = 12.5
    lh = size * 1.25

    # Right column: national name, motto, rule, place and date.
    y = flow.y + nat_size
    _put_centered(page, rcx, y, nat, "B", nat_size)
    y += 13 * 1.25
    mw = _put_centered(page, rcx, y, motto, "B", 13)
    _hline(page, rcx - mw / 2, rcx + mw / 2, y + 4)
    y_right = y + 4
    # Left column: parent (regular), issuer (bold), short rule, number.
    y = flow.y + size
    if doc.parent_issuer:
        for line in _wrap_plain(doc.parent_issuer.upper(), "R", size, left_w):
            _put_centered(page, lcx, y, line, "R", size)
            y += lh
    iw = 0.0
    for line in _wrap_plain(doc.issuer.upper(), "B", size, left_w):
        iw = max(iw, _put_centered(page, lcx, y, line, "B", size))
        y += lh
    rule_w = max(40.0, iw / 2.5)
    _hline(page, lcx - rule_w / 2, lcx + rule_w / 2, y - lh + 6)
    y += 8
    # Date line (right) on the same baseline as the number (left), as in the real header table.
    y_num = max(y, y_right + 8 + 13 * 1.25)
    _put(page, left_x0 + max(0.0, (left_w - _width(f"Số: {doc.number}", "R", 13)) / 2), y_num, f"Số: {doc.number}", "R", 13)
    _put_centered(page, rcx, y_num, dline, "I", 13)
    y = y_num
    if doc.type_line is None:  # công văn: "V/v ..." under the number
        y += 13 * 1.3
        for line in _wrap_plain(doc.title, "R", 12, left_w - 4):
            _put_centered(page, lcx, y, line, "R", 12)
            y += 12 * 1.25
    flow.y = y + 22


def _type_and_title(flow: _Flow, doc: AdminDocument) -> None:
    if doc.type_line is None:
        return
    page = flow.page
    cx = (M_LEFT + PAGE_W - M_RIGHT) / 2
    width = PAGE_W - M_LEFT - M_RIGHT - 20 * MM
    flow.y += 14
    _put_centered(page, cx, flow.y, _nfc(doc.type_line).upper(), "B", 14)
    flow.y += 14 * 1.3
    tw = 0.0
    for line in _wrap_plain(doc.title, "B", 14, width):
        tw = max(tw, _put_centered(page, cx, flow.y, line, "B", 14))
        flow.y += 14 * 1.3
    rw = min(tw / 3, 120.0)
    _hline(page, cx - rw / 2, cx + rw / 2, flow.y - 14 * 1.3 + 9)
    flow.y += 16


def _body(flow: _Flow, doc: AdminDocument) -> None:
    width = PAGE_W - M_LEFT - M_RIGHT
    lh = BODY_SIZE * LINE_FACTOR
    for par in doc.body:
        if not par.strip():
            continue
        tokens, kind = _paragraph_tokens(par)
        if kind == "center":
            flow.ensure(lh + PARA_GAP)
            flow.y += BODY_SIZE
            _put_centered(flow.page, M_LEFT + width / 2, flow.y, " ".join(w for w, _ in tokens), "B", BODY_SIZE)
            flow.y += lh - BODY_SIZE + PARA_GAP
            continue
        lines = _wrap_words(tokens, BODY_SIZE, width, first_width=width - INDENT)
        # keep a heading with the next line
        if kind == "heading":
            flow.ensure(len(lines) * lh + 2 * lh)
        for i, line in enumerate(lines):
            flow.ensure(lh)
            flow.y += BODY_SIZE
            x = M_LEFT + (INDENT if i == 0 else 0)
            last = i == len(lines) - 1
            _draw_token_line(flow.page, x, flow.y, line, BODY_SIZE, None if last else (M_LEFT + width - x))
            flow.y += lh - BODY_SIZE
        flow.y += PARA_GAP


def _closing(flow: _Flow, doc: AdminDocument) -> None:
    sig_lines: list[tuple[str, str, float]] = []
    first = f"{doc.signing_mode} {doc.signer_title}" if doc.signing_mode else doc.signer_title
    sig_lines.append((first.upper(), "B", 13))
    if doc.deputy_title:
        sig_lines.append((doc.deputy_title.upper(), "B", 13))
    rec = [_nfc(r).strip() for r in doc.recipients]
    rec = [r if r.startswith("-") else f"- {r}" for r in rec]
    rec_size = 11.0
    sig_height = len(sig_lines) * 17 + 80 + 18
    rec_height = 16 + len(rec) * rec_size * 1.25
    flow.ensure(max(sig_height, rec_height) + 16)
    flow.y += 14
    top = flow.y
    page = flow.page
    # Signature block: right half, centred.
    sx0 = M_LEFT + (PAGE_W - M_LEFT - M_RIGHT) * 0.45
    scx = (sx0 + PAGE_W - M_RIGHT) / 2
    y = top + 13
    for text, style, size in sig_lines:
        _put_centered(page, scx, y, text, style, size)
        y += 17
    y += 80
    _put_centered(page, scx, y, doc.signer_name, "B", 13)
    # Recipients: left.
    y = top + 12
    _put(page, M_LEFT, y, "Nơi nhận:", "BI", 12)
    y += 15
    for r in rec:
        _put(page, M_LEFT, y, r, "R", rec_size)
        y += rec_size * 1.25


def _finish(doc: pymupdf.Document) -> bytes:
    doc.set_metadata(dict(_METADATA))
    for page in doc:  # one content stream per page instead of one per insert_text call
        page.clean_contents()
    try:
        doc.subset_fonts()
    except Exception:  # pragma: no cover - subsetting is an optimisation only
        pass
    data = doc.tobytes(garbage=4, deflate=True, no_new_id=True, use_objstms=True)
    doc.close()
    return data


def render_pdf(doc: AdminDocument) -> bytes:
    """Render a born-digital A4 administrative document (Decree 30 layout) to PDF bytes."""
    pdf = pymupdf.open()
    flow = _Flow(pdf)
    _header(flow, doc)
    _type_and_title(flow, doc)
    _body(flow, doc)
    _closing(flow, doc)
    return _finish(pdf)


_RULE_RUN = re.compile(r"[-_—–]{3,}")


def _put_line_with_rules(page, x: float, y: float, line: str, style: str, size: float) -> None:
    """Place a text line, drawing each run of 3+ dashes as a horizontal rule of the same width.

    Pieces keep the x positions they would have in the plain line (widths add up: no kerning),
    so the layout is that of ``_put(page, x, y, line, ...)``; only the dash glyphs are gone from
    the text layer.  The rule sits on the baseline, at the foot of the text as the header rules
    of a real document do: a line at mid-height right after a word is an em dash to any reader
    (Tesseract prints "QUỐC HỘI ——" for it).
    """
    pos = 0
    for m in _RULE_RUN.finditer(line):
        before = line[pos:m.start()]
        if before.strip():
            _put(page, x + _width(line[:pos], style, size), y, before.rstrip(), style, size)
        x0 = x + _width(line[:m.start()], style, size)
        x1 = x0 + _width(m.group(), style, size)
        _hline(page, x0, x1, y + 0.5)
        pos = m.end()
    rest = line[pos:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        _put(page, x + _width(line[:pos + lead], style, size), y, rest.lstrip(), style, size)


def render_text_pdf(text: str, font_size: float = 12, *, rules: str = "text") -> bytes:
    """Plain multi-page A4 text (e.g. laws corpus fixtures): wrapped, paragraphs kept.

    Paragraphs are separated by newlines; an empty line adds vertical space.

    ``rules``: how runs of 3+ dashes (-, _, –, —) are rendered.  Corpus text files stand for
    the horizontal rules of a Decree-30 header (under "QUỐC HỘI", under "Độc lập - Tự do -
    Hạnh phúc") with such runs, alone on a line or trailing the text.  ``"text"`` (default)
    prints them as characters; ``"drawn"`` draws each as a line of the same width, as in real
    documents (on the baseline), so the text layer does not contain them.  Layout is the same
    either way.
    """
    if rules not in ("text", "drawn"):
        raise ValueError(f"rules must be 'text' or 'drawn', not {rules!r}")
    pdf = pymupdf.open()
    page = _new_page(pdf)
    width = PAGE_W - M_LEFT - M_RIGHT
    lh = font_size * 1.3
    y = M_TOP
    for raw in _nfc(text).split("\n"):
        if not raw.strip():
            y += lh * 0.6
            continue
        lines = _wrap_plain(raw, "R", font_size, width)
        for line in lines:
            if y + lh > PAGE_H - M_BOTTOM:
                page = _new_page(pdf)
                y = M_TOP
            y += font_size
            if rules == "drawn" and _RULE_RUN.search(line):
                _put_line_with_rules(page, M_LEFT, y, line, "R", font_size)
            else:
                _put(page, M_LEFT, y, line, "R", font_size)
            y += lh - font_size
        y += font_size * 0.3
    return _finish(pdf)


# --------------------------------------------------------------------------------------
# Scans
# --------------------------------------------------------------------------------------


def _page_lines(page: pymupdf.Page):
    """(text, bbox, origin, size) for each text line of a page."""
    out = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            spans = [s for s in line["spans"] if s["text"].strip()]
            if not spans:
                continue
            text = "".join(s["text"] for s in line["spans"])
            out.append((text, pymupdf.Rect(line["bbox"]), spans[0]["origin"], spans[0]["size"]))
    return out


def _signature_area(page: pymupdf.Page) -> pymupdf.Rect | None:
    """Locate the signature block: lines in the right half below the last full-width line."""
    lines = _page_lines(page)
    if not lines:
        return None
    mid = page.rect.width * 0.5
    nn = [l for l in lines if l[0].strip().startswith("Nơi nhận")]
    if nn:
        top = nn[0][1].y0 - 4
    else:
        wide = [l for l in lines if l[1].x0 < mid - 40 and l[1].x1 > mid + 40]
        top = max((l[1].y1 for l in wide), default=page.rect.height * 0.6)
    right = [l for l in lines if l[1].x0 >= mid - 30 and l[1].y0 >= top]
    if not right:
        return None
    r = pymupdf.Rect(right[0][1])
    for l in right[1:]:
        r |= l[1]
    return r


def _issuer_words(doc: pymupdf.Document) -> str:
    """Issuer lines of the header (left column above 'Số:'), for the seal text."""
    page = doc[0]
    lines = _page_lines(page)
    num = [l for l in lines if l[0].strip().startswith("Số")]
    if not num:
        return "CƠ QUAN BAN HÀNH"
    ny = num[0][1].y0
    mid = page.rect.width * 0.42
    left = [l[0].strip() for l in lines if l[1].y1 <= ny + 1 and l[1].x1 < mid + 20]
    return " * ".join(left) if left else "CƠ QUAN BAN HÀNH"


def _draw_signature(page: pymupdf.Page, area: pymupdf.Rect, rnd: random.Random) -> None:
    """A pen squiggle in the blank space between the signer's title and name."""
    cy = area.y1 - 45
    cx = (area.x0 + area.x1) / 2
    pts = []
    for i in range(60):
        t = i / 59
        x = cx - 55 + 110 * t
        y = cy + 14 * math.sin(t * 9.5 + rnd.random() * 0.3) * (1 - 0.5 * t) - 10 * t
        pts.append(pymupdf.Point(x, y))
    shape = page.new_shape()
    shape.draw_polyline(pts)
    shape.draw_line((cx - 50, cy + 18), (cx + 45, cy + 12))
    shape.finish(color=(0.1, 0.15, 0.45), width=1.3, closePath=False)
    shape.commit()


def _draw_seal(page: pymupdf.Page, area: pymupdf.Rect, text: str) -> None:
    """Red circular seal over the left part of the signature block."""
    red = (0.85, 0.1, 0.12)
    r = 46.0
    c = pymupdf.Point(area.x0 + r * 0.55, (area.y0 + area.y1) / 2 - 8)
    shape = page.new_shape()
    shape.draw_circle(c, r)
    shape.finish(color=red, width=2.2)
    shape.draw_circle(c, r - 5)
    shape.finish(color=red, width=0.8)
    shape.draw_circle(c, r - 20)
    shape.finish(color=red, width=0.8)
    # star in the middle
    pts = []
    for k in range(10):
        ang = -math.pi / 2 + k * math.pi / 5
        rr = 9 if k % 2 == 0 else 3.8
        pts.append(pymupdf.Point(c.x + rr * math.cos(ang), c.y + rr * math.sin(ang)))
    shape.draw_polyline(pts + [pts[0]])
    shape.finish(color=red, fill=red, width=0.5)
    shape.commit()
    # text around the ring, one glyph at a time
    text = _nfc(text.upper())
    size = 6.5
    ring = r - 14
    n = len(text)
    span = min(2 * math.pi * 0.92, n * 0.16)
    start = -math.pi / 2 - span / 2
    for i, ch in enumerate(text):
        if ch == " ":
            continue
        ang = start + span * (i + 0.5) / n
        p = pymupdf.Point(c.x + ring * math.cos(ang), c.y + ring * math.sin(ang))
        w = _width(ch, "B", size)
        deg = math.degrees(ang) + 90
        mat = pymupdf.Matrix(-deg)
        page.insert_text(
            pymupdf.Point(p.x - w / 2, p.y + size / 3), ch, fontname=_PDF_FONT_NAMES["B"], fontsize=size,
            color=red, morph=(p, mat),
        )


def _scan_page_image(pix: pymupdf.Pixmap, *, skew_deg: float, noise: float, seed: int, page_index: int, rgb: bool) -> Image.Image:
    mode = "RGB" if rgb else "L"
    img = Image.frombytes(mode, (pix.width, pix.height), pix.samples)
    fill = (255, 255, 255) if rgb else 255
    rnd = random.Random(seed * 1009 + page_index)
    angle = skew_deg * (1 if rnd.random() < 0.5 else -1) * (0.75 + 0.25 * rnd.random()) if skew_deg else 0.0
    if angle:
        img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=fill)
    arr = np.asarray(img, dtype=np.float32)
    # paper is not white: slightly grey, with a faint illumination gradient
    h, w = arr.shape[:2]
    grad = np.linspace(0.0, 6.0, w, dtype=np.float32)[None, :]
    if rgb:
        grad = grad[..., None]
    arr = arr * (238.0 / 255.0) + 8.0 - grad
    if noise:
        rng = np.random.default_rng(seed * 7919 + page_index)
        # noise at half resolution, upsampled: looks like scanner grain and keeps JPEGs small
        nh, nw = (h + 1) // 2, (w + 1) // 2
        n = rng.normal(0.0, noise, size=(nh, nw)).astype(np.float32)
        n = np.repeat(np.repeat(n, 2, axis=0), 2, axis=1)[:h, :w]
        arr = arr + (n[..., None] if rgb else n)
    arr = np.clip(arr, 0, 255).astype(np.uint8)
    return Image.fromarray(arr, mode)


def rasterize_scan(
    pdf: bytes,
    *,
    dpi: int = 200,
    skew_deg: float = 0.6,
    noise: float = 6.0,
    jpeg_quality: int = 70,
    seed: int = 0,
    red_seal: bool = False,
) -> bytes:
    """Turn a PDF into an image-only "scan": one JPEG per page, same page size, no text layer.

    Pages are rendered in grayscale (RGB when ``red_seal`` puts a red seal stamp over the
    signature block), rotated by a small skew, given noise and JPEG-compressed.  A pen
    signature is drawn in the signature block of the last page before rasterising.
    """
    src = pymupdf.open(stream=pdf, filetype="pdf")
    rnd = random.Random(seed)
    last = src[-1]
    area = _signature_area(last)
    if area is not None:
        _draw_signature(last, area, rnd)
        if red_seal:
            _draw_seal(last, area, _issuer_words(src))
    out = pymupdf.open()
    for i, page in enumerate(src):
        rgb = red_seal and i == len(src) - 1
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB if rgb else pymupdf.csGRAY, alpha=False)
        img = _scan_page_image(pix, skew_deg=skew_deg, noise=noise, seed=seed, page_index=i, rgb=rgb)
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=jpeg_quality, optimize=True, progressive=True, dpi=(dpi, dpi))
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, stream=buf.getvalue())
    src.close()
    return _finish(out)


# --------------------------------------------------------------------------------------
# Garbage text layer (non-Vietnamese OCR)
# --------------------------------------------------------------------------------------

_CONFUSE = {
    "A": ["A", "a", "^", "4"], "E": ["V", "E", "e", "B"], "I": ["i", "l", "1", "f"], "O": ["Q", "o", "0", "c"],
    "U": ["iJ", "U", "u", "ll"], "Y": ["Y", "y", "v"], "D": ["D", "Ð", "0"],
    "a": ["a", "d", "4", "e"], "e": ["e", "c", "o", "é"], "i": ["i", "l", "1", "j"], "o": ["o", "c", "0", "6"],
    "u": ["u", "ii", "li", "n"], "y": ["y", "v", "j"], "d": ["d", "cl", "a"],
}


def _strip_marks(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def garble_text(text: str, seed: int = 0) -> str:
    """Junk that a non-Vietnamese OCR makes of Vietnamese text, deterministically.

    Diacritics are dropped; letters that carried marks are confused with look-alikes
    ("CỘNG HÒA" -> "CQNG Hc4"); other letters occasionally flip case or get confused.
    """
    rnd = random.Random(seed)
    out = []
    for ch in _nfc(text):
        base = _strip_marks(ch)
        marked = base != ch
        if not base.isalpha():
            out.append(ch if rnd.random() > 0.08 else rnd.choice([".", ",", "'", ";"]))
            continue
        p = rnd.random()
        if marked and base in _CONFUSE and p < 0.8:
            out.append(rnd.choice(_CONFUSE[base][1:]))
        elif marked:
            out.append(base.swapcase() if p < 0.9 else base + rnd.choice(["'", "`", "~"]))
        elif p < 0.15:
            out.append(base.swapcase())
        elif p < 0.3 and base in _CONFUSE:
            out.append(rnd.choice(_CONFUSE[base]))
        else:
            out.append(base)
    return "".join(out)


def garbage_layer_scan(pdf: bytes, *, garbage: str | None = None, **scan_kwargs) -> bytes:
    """A scan (see ``rasterize_scan``) carrying an invisible junk text layer (render mode 3).

    By default the junk is derived line by line from the source PDF's text with
    ``garble_text`` and placed where the lines were; with ``garbage`` given, that text is laid
    over the first page instead.
    """
    seed = scan_kwargs.get("seed", 0)
    src = pymupdf.open(stream=pdf, filetype="pdf")
    per_page = [_page_lines(p) for p in src]
    src.close()
    scan = pymupdf.open(stream=rasterize_scan(pdf, **scan_kwargs), filetype="pdf")
    for i, page in enumerate(scan):
        if garbage is not None:
            if i == 0:
                y = M_TOP
                for line in garbage.split("\n"):
                    y += 12
                    page.insert_text((M_LEFT, y), line, fontname="helv", fontsize=11, render_mode=3)
                    y += 3
            continue
        for j, (text, _bbox, origin, size) in enumerate(per_page[i]):
            junk = garble_text(text, seed=seed * 100003 + i * 1009 + j)
            page.insert_text(origin, junk, fontname="helv", fontsize=size, render_mode=3)
    return _finish(scan)
