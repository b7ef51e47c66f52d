"""Realistic renders of real legal texts (vbpl), the way offices print them, and their scans.

**Print** (:func:`render_vbpl`): A4, Decree-30 margins, Liberation Serif (Times-metric; Debian
``fonts-liberation2`` — the older ``fonts-liberation`` 1.07 has no Vietnamese letters),
body 13–14 pt, justified, first-line indent.  Lines break like a word processor's: between
words, and inside a long token after ``-`` or ``/`` when the token does not fit (so numbers
are split across lines as justified text splits them: ``63/⏎2024/NĐ-CP``, ``NĐ-⏎CP``).  The
header is the two-column table of Decree 30 (left: issuing body, rule, ``Số: …``; right:
Quốc hiệu, motto with its rule, the place-and-date line on the number's baseline); the
vbpl text gives the header cells one per line, left column then right, so the lines are
classified (motto, date line, number line, issuer) and put back in their columns.  The type
line and title are centred; table rows (`` | ``-joined cells) become ruled grids; an annex
(``PHỤ LỤC``) starts a new page; pages from 2 on carry their number at the top.  The signing
block (``Nơi nhận`` left; signing title, the signature, the name right; the database's
``(Đã ký)`` placeholder is not printed) gets a red round seal and a pen signature stroke,
drawn as an image (so the text layer carries no seal letters), on whatever page the block
lands on.  Each setting is chosen per document from a seed (:func:`print_settings_for`).

**Scan** (:func:`scan_pdf`): pages rasterised at 150/200/300 dpi, grayscale or colour, small
skew (±1.5°), photocopy damage (toner speckle, blur, contrast), JPEG quality 60–85, wrapped
back into image-only PDFs; or a phone photo (~1000 px wide, perspective, uneven lighting,
the desk around the sheet).  Deterministic from the seed; :func:`scan_settings_for` draws
the degraded flatbed settings of one document, :func:`phone_settings_for` the photo's.

Reused from ``tests.support.docgen``: paragraph classification (``_paragraph_tokens``) and the
seal and signature drawings (``_draw_seal``, ``_draw_signature``).
"""

from __future__ import annotations

import hashlib
import io
import math
import random
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image, ImageFilter

from ingest.preprocess import perspective_coeffs
from tests.support import docgen

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_FILES = {"R": "LiberationSerif-Regular.ttf", "B": "LiberationSerif-Bold.ttf",
              "I": "LiberationSerif-Italic.ttf", "BI": "LiberationSerif-BoldItalic.ttf"}
PAGE_W, PAGE_H = pymupdf.paper_size("a4")
MM = 72 / 25.4
M_LEFT, M_RIGHT, M_TOP, M_BOTTOM = 30 * MM, 20 * MM, 20 * MM, 20 * MM
TEXT_W = PAGE_W - M_LEFT - M_RIGHT
_METADATA = {"producer": "kiemchung bench.realistic", "creator": "kiemchung bench.realistic",
             "creationDate": "D:20260101000000+07'00'", "modDate": "D:20260101000000+07'00'"}


# --------------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class PrintSettings:
    body_size: float = 13.0  # pt
    line_factor: float = 1.25  # baseline distance / size
    para_gap: float = 4.0  # pt between paragraphs
    indent_mm: float = 10.0  # first-line indent
    header_size: float = 13.0  # header table cells
    title_size: float = 14.0  # type line and title
    table_size: float = 11.0
    max_justify_gap: float = 12.0  # pt of extra space per gap; a looser line is left-aligned
    break_after: str = "-/"  # where a long token may be broken at a line end
    seal: bool = True
    seed: int = 0


def _rng(*parts) -> random.Random:
    return random.Random(int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16], 16))


def print_settings_for(doc_id: str, seed: int) -> PrintSettings:
    """The print settings of one document: 13, 13.5 or 14 pt; single to 1.3 line spacing."""
    r = _rng("print", doc_id, seed)
    size = r.choice([13.0, 13.5, 14.0])
    return PrintSettings(body_size=size, line_factor=round(r.uniform(1.15, 1.3), 3),
                         para_gap=round(r.uniform(3.0, 6.0), 1), indent_mm=r.choice([10.0, 12.7]),
                         header_size=min(size, 13.0), seed=seed)


@dataclass(frozen=True)
class ScanSettings:
    kind: str = "flatbed"  # "flatbed" | "phone"
    dpi: int = 200
    color: bool = False
    jpeg_quality: int = 75
    skew_deg: float = 0.0
    speckle: float = 0.0  # share of pixels hit by toner specks / drop-outs (photocopy)
    blur: float = 0.0  # Gaussian radius in pixels
    contrast: float = 1.0
    noise: float = 4.0  # sensor grain (std, grey levels)
    phone_width: int = 1000  # px, phone photos
    perspective: float = 0.0  # corner displacement, share of the width
    lighting: float = 0.0  # uneven lighting strength 0..1
    seed: int = 0

    def describe(self) -> dict:
        return asdict(self)


def scan_settings_for(doc_id: str, seed: int, dpi: int = 200) -> ScanSettings:
    """A degraded flatbed scan of one document: grey or colour, JPEG 60–85, skew ±1.5°,
    a photocopy (speckle, blur, contrast) one time in two."""
    r = _rng("scan", doc_id, seed, dpi)
    copy = r.random() < 0.5
    return ScanSettings(dpi=dpi, color=r.random() < 0.3, jpeg_quality=r.randint(60, 85),
                        skew_deg=round(r.uniform(-1.5, 1.5), 2),
                        speckle=round(r.uniform(0.0005, 0.003), 4) if copy else 0.0,
                        blur=round(r.uniform(0.3, 0.9), 2) if copy else 0.0,
                        contrast=round(r.uniform(0.8, 1.25), 2) if copy else 1.0,
                        noise=round(r.uniform(2.0, 7.0), 1), seed=r.randint(0, 2**31 - 1))


def phone_settings_for(doc_id: str, seed: int) -> ScanSettings:
    """A phone photo of one page: ~1000 px wide, perspective, uneven light, colour JPEG."""
    r = _rng("phone", doc_id, seed)
    return ScanSettings(kind="phone", dpi=0, color=True, jpeg_quality=r.randint(70, 88),
                        skew_deg=round(r.uniform(-2.0, 2.0), 2), blur=round(r.uniform(0.3, 0.8), 2),
                        noise=round(r.uniform(3.0, 6.0), 1), phone_width=r.choice([960, 1000, 1080]),
                        perspective=round(r.uniform(0.02, 0.06), 3), lighting=round(r.uniform(0.2, 0.45), 2),
                        seed=r.randint(0, 2**31 - 1))


# --------------------------------------------------------------------------------------- fonts
# Text is written as raw PDF content (glyph ids of the embedded Identity-H fonts, a TJ array per
# run with the justification spacing in it, as word processors write it): a call per word to
# pymupdf's TextWriter costs ~0.5 ms, too slow for ~6000 pages.

_FONTS: dict[str, pymupdf.Font] = {}
_FONT_BYTES: dict[str, bytes] = {}
_RES = {"R": "LSR", "B": "LSB", "I": "LSI", "BI": "LSBI"}  # page resource names
_GLYPH: dict[tuple[str, str], tuple[int, float]] = {}  # (style, char) -> (glyph id, advance at 1 pt)


def _font(style: str) -> pymupdf.Font:
    if style not in _FONTS:
        _FONT_BYTES[style] = (FONT_DIR / FONT_FILES[style]).read_bytes()
        _FONTS[style] = pymupdf.Font(fontbuffer=_FONT_BYTES[style])
    return _FONTS[style]


def _glyph(style: str, ch: str) -> tuple[int, float]:
    key = (style, ch)
    g = _GLYPH.get(key)
    if g is None:
        font = _font(style)
        gid = font.has_glyph(ord(ch))
        if not gid:  # the font lacks it (☐, private-use symbols, math italics): print '*'
            ch = "*"
            gid = font.has_glyph(ord(ch))
        g = _GLYPH[key] = (gid, font.glyph_advance(ord(ch)))
    return g


_WIDTH: dict[tuple[str, str], float] = {}


def _width(text: str, style: str, size: float) -> float:
    key = (style, text)
    w = _WIDTH.get(key)
    if w is None:
        w = sum(_glyph(style, ch)[1] for ch in text)
        if len(_WIDTH) < 500_000:
            _WIDTH[key] = w
    return w * size


def _hex(text: str, style: str) -> str:
    return "".join(f"{_glyph(style, ch)[0]:04x}" for ch in text)


# --------------------------------------------------------------------------------------- structure


@dataclass
class _Line:
    start: int  # offset of the line in the source text
    text: str


_TYPE_NAMES = {
    "LUẬT", "BỘ LUẬT", "PHÁP LỆNH", "NGHỊ QUYẾT", "NGHỊ QUYẾT LIÊN TỊCH", "NGHỊ ĐỊNH", "QUYẾT ĐỊNH",
    "THÔNG TƯ", "THÔNG TƯ LIÊN TỊCH", "CHỈ THỊ", "LỆNH", "QUY CHẾ", "QUY ĐỊNH", "HƯỚNG DẪN", "KẾ HOẠCH",
    "THÔNG BÁO", "CÔNG ĐIỆN", "BÁO CÁO", "CHƯƠNG TRÌNH", "ĐỀ ÁN", "VĂN BẢN HỢP NHẤT", "SẮC LỆNH",
}
_DECOR = re.compile(r"^[\s\-_–—=*~.·]{3,}$")
_MOTTO = re.compile(r"^(?:CỘNG\s+H[OÒ][AÀ]\s*XÃ\s+HỘI|Độc\s+lập)", re.IGNORECASE)
_DATE_LINE = re.compile(r",\s*ngày\b.*\btháng\b.*\bnăm\b", re.IGNORECASE)
_NUMBER_LINE = re.compile(r"^[^\d:]{0,24}\bS[ốỐ]\s*[:.]?\s*(?:\d|/|\.|…|$)", re.IGNORECASE)
_BODY_START = re.compile(
    r"^(?:Căn cứ|Theo đề nghị|Chương|CHƯƠNG|Điều \d|Phần|PHẦN|Mục \d|Xét |Thực hiện|Để |Trên cơ sở|"
    r"[IVX]+\.|\d+\.|[a-zđ]\))"
)
# "Bộ trưởng Bộ Tài chính ban hành Thông tư …" opens the body; "Bộ trưởng Bộ Công Thương" may end a title
_AUTHORITY = re.compile(r"^(?:Quốc hội|Chính phủ|Ủy ban|Uỷ ban|Bộ trưởng|Thủ tướng|Thống đốc|Hội đồng|Tổng)")
_SIGNED = re.compile(r"^\(\s*đã\s+ký\s*\)$", re.IGNORECASE)
_SIGN_MODE = re.compile(r"^(?:TM|KT|Q|TL|TUQ)\s*\.\s*\S")
_RECIPIENTS = re.compile(r"^Nơi\s+nhận\s*:?", re.IGNORECASE)
_NAME = re.compile(r"^[A-ZĐÀ-Ỹ][^\d,;:()]{2,40}$")
_ANNEX = re.compile(r"^(?:PHỤ LỤC|Phụ lục\s+[IVX\d]+\b)")


def _is_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(c == c.upper() for c in letters)


@dataclass
class _Sign:
    recipients: list[_Line] = field(default_factory=list)
    titles: list[_Line] = field(default_factory=list)
    name: _Line | None = None
    first: int = 0  # index of the first source line of the block
    last: int = 0  # index of the last one


@dataclass
class _Doc:
    left: list[_Line]  # issuing body lines
    number: list[_Line]  # the Số: line (and anything else of the left cell)
    right: list[_Line]  # Quốc hiệu, motto
    date: _Line | None
    type_line: _Line | None
    title: list[_Line]
    lines: list[_Line]  # everything from the body on, in source order
    sign: _Sign | None


def _source_lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(_Line(pos, raw))
        pos += len(raw) + 1
    return out


def _structure(text: str) -> _Doc:
    lines = _source_lines(text)
    ti = next((i for i, ln in enumerate(lines[:16]) if " ".join(ln.text.split()) in _TYPE_NAMES), None)
    left, number, right, date, title = [], [], [], None, []
    body_from = 0
    if ti is not None:
        for ln in lines[:ti]:
            t = ln.text.strip()
            if not t or _DECOR.match(t):
                continue
            if _MOTTO.match(t):
                right.append(ln)
            elif _DATE_LINE.search(t) and date is None:
                date = ln
            elif _NUMBER_LINE.match(t) and not number:
                number.append(ln)
            elif number:
                number.append(ln)  # V/v … under the number
            else:
                left.append(ln)
        j = ti + 1
        first_upper = None
        while j < len(lines) and len(title) < 4:
            t = lines[j].text.strip()
            if not t:
                j += 1
                continue
            if _DECOR.match(t):
                j += 1
                break
            authority = _AUTHORITY.match(t) and ("ban hành" in t or len(t) > 80)
            if title and (_BODY_START.match(t) or authority or _is_upper(t) != first_upper or len(t) > 300):
                break
            if not title:
                first_upper = _is_upper(t)
            title.append(lines[j])
            j += 1
        body_from = j
    doc = _Doc(left, number, right, date, lines[ti] if ti is not None else None, title, lines[body_from:], None)
    doc.sign = _signing_block(doc.lines)
    return doc


def _signing_block(lines: list[_Line]) -> _Sign | None:
    """The first signing block of the body: title lines, (Đã ký), the name; Nơi nhận before it."""
    s = next((i for i, ln in enumerate(lines) if _SIGNED.match(ln.text.strip())), None)
    sign = _Sign()
    if s is not None:
        k = s
        while k - 1 >= 0 and s - (k - 1) <= 4:
            t = lines[k - 1].text.strip()
            if not t or len(t) > 70 or not _is_upper(t) or t.startswith("-"):
                break
            k -= 1
        sign.titles = lines[k:s]
        first, last = k, s
        if s + 1 < len(lines) and _NAME.match(lines[s + 1].text.strip()):
            sign.name = lines[s + 1]
            last = s + 1
    else:
        k = next((i for i, ln in enumerate(lines) if _SIGN_MODE.match(ln.text.strip())), None)
        if k is None:
            return None
        e = k
        while e + 1 < len(lines) and e - k < 3 and _is_upper(lines[e + 1].text.strip()) and lines[e + 1].text.strip():
            e += 1
        sign.titles = lines[k:e + 1]
        first, last = k, e
        if e + 1 < len(lines) and _NAME.match(lines[e + 1].text.strip()) and not _is_upper(lines[e + 1].text.strip()):
            sign.name = lines[e + 1]
            last = e + 1
    if not sign.titles:
        return None
    r = next((i for i in range(first - 1, max(-1, first - 46), -1) if _RECIPIENTS.match(lines[i].text.strip())), None)
    if r is not None:
        sign.recipients = lines[r:first]
        first = r
    sign.first, sign.last = first, last
    return sign


# --------------------------------------------------------------------------------------- layout


@dataclass
class Render:
    """A born-digital render and what the bench needs to know about it."""

    pdf: bytes
    pages: int
    page_starts: list[int]  # source offset of the first text on each page
    breaks: list[int]  # source offsets where a token was broken at a line end (after - or /)
    settings: PrintSettings
    layout: dict  # what was recognised: header cells, title lines, signing block, tables


@dataclass
class _Tok:
    text: str
    style: str
    src: int  # source offset


class _Flow:
    def __init__(self, s: PrintSettings):
        self.s = s
        self.doc = pymupdf.open()
        self.page_starts: list[int] = []
        self.breaks: list[int] = []
        self.page: pymupdf.Page | None = None
        self.ops: list[str] = []
        self.pending_start = True
        self._new_page()

    def _new_page(self) -> None:
        self.flush()
        self.page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        for style, name in _RES.items():
            _font(style)
            self.page.insert_font(fontname=name, fontbuffer=_FONT_BYTES[style])
        self.ops = []
        self.y = M_TOP
        self.pending_start = True
        n = len(self.doc)
        if n > 1:
            t = str(n)
            self.put(M_LEFT + TEXT_W / 2 - _width(t, "R", 13) / 2, M_TOP - 14, t, "R", 13, src=None)

    def flush(self) -> None:
        """Write the page's text and rules as one content stream, under anything drawn on it."""
        if self.page is None or not self.ops:
            return
        doc = self.doc
        xref = doc.get_new_xref()
        doc.update_object(xref, "<<>>")
        doc.update_stream(xref, ("q\n" + "\n".join(self.ops) + "\nQ\n").encode("latin-1"))
        refs = " ".join(f"{x} 0 R" for x in [xref, *self.page.get_contents()])
        doc.xref_set_key(self.page.xref, "Contents", f"[{refs}]")
        self.ops = []

    def break_page(self) -> None:
        self._new_page()

    def ensure(self, height: float) -> None:
        if self.y + height > PAGE_H - M_BOTTOM:
            self.break_page()

    def run(self, x: float, y: float, pieces: list[str], style: str, size: float, gap: float) -> None:
        """One run of text in one style from (x, y); ``gap`` extra points after each piece but the last."""
        adj = f" {-gap * 1000.0 / size:.2f} " if gap else ""
        arr = adj.join(f"<{_hex(p, style)}>" for p in pieces)
        self.ops.append(f"BT /{_RES[style]} {size:g} Tf 1 0 0 1 {x:.2f} {PAGE_H - y:.2f} Tm [{arr}] TJ ET")

    def put(self, x: float, y: float, text: str, style: str, size: float, src: int | None) -> None:
        if src is not None and self.pending_start:
            self.page_starts.append(src)
            self.pending_start = False
        self.run(x, y, [text], style, size, 0.0)

    def put_centered(self, cx: float, y: float, text: str, style: str, size: float, src: int | None) -> float:
        w = _width(text, style, size)
        self.put(cx - w / 2, y, text, style, size, src)
        return w

    def hline(self, x0: float, x1: float, y: float, width: float = 0.6) -> None:
        self.ops.append(f"{width:g} w 0 G {x0:.2f} {PAGE_H - y:.2f} m {x1:.2f} {PAGE_H - y:.2f} l S")

    def rect(self, r: pymupdf.Rect, width: float = 0.5) -> None:
        self.ops.append(f"{width:g} w 0 G {r.x0:.2f} {PAGE_H - r.y1:.2f} {r.width:.2f} {r.height:.2f} re S")

    def finish(self) -> bytes:
        self.flush()
        self.doc.set_metadata(dict(_METADATA))
        try:
            self.doc.subset_fonts()
        except Exception:  # pragma: no cover - subsetting only makes files smaller
            pass
        data = self.doc.tobytes(garbage=4, deflate=True, no_new_id=True)
        self.doc.close()
        return data


def _tokens(line: _Line, style_of: str | None = None) -> tuple[list[_Tok], str]:
    """Tokens of a source line with their offsets; styles and kind from docgen's classifier."""
    raw = [(m.group(), line.start + m.start()) for m in re.finditer(r"\S+", line.text)]
    if style_of is not None:
        return [_Tok(w, style_of, s) for w, s in raw], "para"
    styled, kind = docgen._paragraph_tokens(line.text)
    if len(styled) != len(raw):
        styled = [(w, "R") for w, _ in raw]
        kind = "para"
    return [_Tok(w, st, s) for (w, s), (_, st) in zip(raw, styled, strict=True)], kind


def _split_token(tok: _Tok, avail: float, size: float, seps: str) -> tuple[_Tok, _Tok] | None:
    """Break a token after its last ``-`` or ``/`` that leaves a head fitting ``avail``."""
    best = None
    for i, ch in enumerate(tok.text[:-1]):
        if ch in seps and i >= 1 and _width(tok.text[:i + 1], tok.style, size) <= avail:
            best = i + 1
    if best is None:
        return None
    return _Tok(tok.text[:best], tok.style, tok.src), _Tok(tok.text[best:], tok.style, tok.src + best)


def _wrap(tokens: list[_Tok], size: float, width: float, first_width: float, seps: str,
          breaks: list[int] | None) -> list[list[_Tok]]:
    """Greedy line breaking; a token that does not fit is broken after - or / when it can be."""
    lines: list[list[_Tok]] = []
    cur: list[_Tok] = []
    cur_w = 0.0
    limit = first_width
    queue = list(tokens)
    while queue:
        tok = queue.pop(0)
        ww = _width(tok.text, tok.style, size)
        sp = _width(" ", tok.style, size) if cur else 0.0
        if cur_w + sp + ww <= limit:
            cur.append(tok)
            cur_w += sp + ww
            continue
        piece = _split_token(tok, limit - cur_w - sp, size, seps) if seps else None
        if piece is not None and (cur or ww > limit):
            head, tail = piece
            cur.append(head)
            if breaks is not None:
                breaks.append(tail.src)
            queue.insert(0, tail)
        elif not cur:  # longer than a line and unbreakable at a separator: cut where it fills the line
            n = len(tok.text)
            while n > 1 and _width(tok.text[:n], tok.style, size) > limit:
                n -= 1
            cur.append(_Tok(tok.text[:n], tok.style, tok.src))
            if n < len(tok.text):
                queue.insert(0, _Tok(tok.text[n:], tok.style, tok.src + n))
                if breaks is not None:
                    breaks.append(tok.src + n)
        else:
            queue.insert(0, tok)
        lines.append(cur)
        cur, cur_w, limit = [], 0.0, width
    if cur:
        lines.append(cur)
    return lines


def _draw_line(flow: _Flow, x: float, y: float, toks: list[_Tok], size: float, width: float | None) -> None:
    """One printed line; with ``width``, justified (extra space spread over the gaps)."""
    if not toks:
        return
    texts = [t.text + (" " if i < len(toks) - 1 else "") for i, t in enumerate(toks)]
    widths = [_width(tx, t.style, size) for tx, t in zip(texts, toks, strict=True)]
    extra = 0.0
    if width is not None and len(toks) > 1:
        extra = (width - sum(widths)) / (len(toks) - 1)
        if extra < 0 or extra > flow.s.max_justify_gap:
            extra = 0.0
    if flow.pending_start:
        flow.page_starts.append(toks[0].src)
        flow.pending_start = False
    cx, i = x, 0
    while i < len(toks):  # one run per style
        j = i
        while j + 1 < len(toks) and toks[j + 1].style == toks[i].style:
            j += 1
        flow.run(cx, y, texts[i:j + 1], toks[i].style, size, extra)
        cx += sum(widths[i:j + 1]) + extra * (j - i + 1)
        i = j + 1


def _paragraph(flow: _Flow, line: _Line) -> None:
    s = flow.s
    toks, kind = _tokens(line)
    if not toks:
        return
    size = s.body_size
    lh = size * s.line_factor
    if kind == "center":
        for row in _wrap(toks, size, TEXT_W, TEXT_W, s.break_after, flow.breaks):
            flow.ensure(lh)
            flow.y += size
            w = sum(_width(t.text, t.style, size) for t in row) + _width(" ", "B", size) * (len(row) - 1)
            _draw_line(flow, M_LEFT + (TEXT_W - w) / 2, flow.y, row, size, None)
            flow.y += lh - size
        flow.y += s.para_gap
        return
    indent = s.indent_mm * MM
    rows = _wrap(toks, size, TEXT_W, TEXT_W - indent, s.break_after, flow.breaks)
    if kind == "heading":
        flow.ensure(min(len(rows), 3) * lh + 2 * lh)
    for i, row in enumerate(rows):
        flow.ensure(lh)
        flow.y += size
        x = M_LEFT + (indent if i == 0 else 0.0)
        _draw_line(flow, x, flow.y, row, size, None if i == len(rows) - 1 else M_LEFT + TEXT_W - x)
        flow.y += lh - size
    flow.y += s.para_gap


def _centered_block(flow: _Flow, lines: list[_Line], cx: float, width: float, style: str, size: float,
                    lh: float) -> float:
    """Centred wrapped lines from flow.y; returns the widest printed width."""
    widest = 0.0
    for ln in lines:
        toks, _ = _tokens(ln, style)
        for row in _wrap(toks, size, width, width, flow.s.break_after, flow.breaks):
            flow.y += size
            w = sum(_width(t.text, style, size) for t in row) + _width(" ", style, size) * (len(row) - 1)
            _draw_line(flow, cx - w / 2, flow.y, row, size, None)
            widest = max(widest, w)
            flow.y += lh - size
    return widest


def _header(flow: _Flow, doc: _Doc) -> None:
    s = flow.s
    size = s.header_size
    lh = size * 1.22
    nat_size = min(12.5, size)
    left_x0 = M_LEFT - 12 * MM
    right_x1 = PAGE_W - M_RIGHT + 6 * MM
    right_texts = [(" ".join(ln.text.split()), "B", nat_size if i == 0 else size) for i, ln in enumerate(doc.right)]
    if doc.date is not None:
        right_texts.append((doc.date.text.strip(), "I", size))
    right_w = max([_width(t, st, sz) for t, st, sz in right_texts] + [_width("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", nat_size)]) + 8
    right_x0 = right_x1 - right_w
    left_x1 = right_x0 - 6
    lcx, rcx, left_w = (left_x0 + left_x1) / 2, (right_x0 + right_x1) / 2, left_x1 - left_x0
    top = flow.y
    # left: issuing body (bold), short rule, number
    flow.y = top
    iw = _centered_block(flow, doc.left, lcx, left_w, "B", size, lh)
    if doc.left:
        rule = max(40.0, iw / 3)
        flow.hline(lcx - rule / 2, lcx + rule / 2, flow.y - lh + size + 6)
    y_left = flow.y + 10
    # right: Quốc hiệu, motto + rule
    flow.y = top
    y_motto = None
    # right_texts may end with the date line, drawn below with the number: stop at the last header line
    for ln, (_t, _st, sz) in zip(doc.right, right_texts, strict=False):
        mw = _centered_block(flow, [ln], rcx, right_w, "B", sz, lh)
        if _MOTTO.match(ln.text.strip()) and ln.text.strip()[:1] in "Đđ":
            y_motto = flow.y
            flow.hline(rcx - mw / 2, rcx + mw / 2, flow.y - lh + sz + 6)
    y_right = flow.y + (10 if y_motto else 0)
    # the number (left) and the place-and-date line (right) share a baseline
    flow.y = max(y_left, y_right)
    base = flow.y
    if doc.number:
        _centered_block(flow, doc.number[:1], lcx, left_w, "R", size, lh)
        if len(doc.number) > 1:
            _centered_block(flow, doc.number[1:], lcx, left_w - 4, "R", size - 1, lh)
    end_left = flow.y
    flow.y = base
    if doc.date is not None:
        _centered_block(flow, [doc.date], rcx, right_w, "I", size, lh)
    flow.y = max(end_left, flow.y) + 14


def _type_and_title(flow: _Flow, doc: _Doc) -> None:
    s = flow.s
    size = s.title_size
    lh = size * 1.25
    cx = M_LEFT + TEXT_W / 2
    flow.y += 6
    if doc.type_line is not None:
        _centered_block(flow, [doc.type_line], cx, TEXT_W, "B", size, lh)
    tw = _centered_block(flow, doc.title, cx, TEXT_W - 20 * MM, "B", size, lh)
    if doc.title:
        rule = min(max(tw / 3, 60.0), 140.0)
        flow.hline(cx - rule / 2, cx + rule / 2, flow.y - lh + size + 9)
    flow.y += 16


def _table(flow: _Flow, rows: list[_Line]) -> None:
    """`` | ``-joined cells as a ruled grid; a row taller than the page continues on the next."""
    s = flow.s
    cells = []
    for ln in rows:
        parts, pos = [], 0
        for piece in ln.text.split(" | "):
            parts.append(_Line(ln.start + pos, piece))
            pos += len(piece) + 3
        cells.append(parts)
    ncol = max(len(c) for c in cells)
    size = s.table_size if ncol <= 6 else max(8.0, s.table_size - (ncol - 6) * 0.5)
    lh = size * 1.2
    weights = [1.0 + max((math.sqrt(len(r[j].text)) if j < len(r) else 0.0) for r in cells) for j in range(ncol)]
    total = sum(weights)
    widths = [TEXT_W * w / total for w in weights]
    pad = 3.0
    for row in cells:
        wrapped = []
        for j in range(ncol):
            if j < len(row):
                toks, _ = _tokens(row[j], "R")
                wrapped.append(_wrap(toks, size, widths[j] - 2 * pad, widths[j] - 2 * pad, s.break_after, flow.breaks))
            else:
                wrapped.append([])
        done = [0] * ncol
        while True:
            flow.ensure(lh + 2 * pad)
            room = int((PAGE_H - M_BOTTOM - flow.y - 2 * pad) // lh)
            left = max(len(w) - d for w, d in zip(wrapped, done, strict=True))
            take = max(1, min(room, left))
            y0 = flow.y
            x = M_LEFT
            for j in range(ncol):
                yy = y0 + pad
                for row_toks in wrapped[j][done[j]:done[j] + take]:
                    yy += size
                    _draw_line(flow, x + pad, yy, row_toks, size, None)
                    yy += lh - size
                done[j] = min(len(wrapped[j]), done[j] + take)
                x += widths[j]
            y1 = y0 + take * lh + 2 * pad
            x = M_LEFT
            for w in widths:
                flow.rect(pymupdf.Rect(x, y0, x + w, y1))
                x += w
            flow.y = y1
            if all(d >= len(w) for w, d in zip(wrapped, done, strict=True)):
                break
            flow.break_page()
    flow.y += s.para_gap


def _signature_block(flow: _Flow, sign: _Sign, issuer: str, rnd: random.Random) -> pymupdf.Rect | None:
    s = flow.s
    size = min(13.5, s.body_size)
    lh = size * 1.25
    rec_size = 11.0
    rec_lh = rec_size * 1.2
    left_w = TEXT_W * 0.45
    sx0 = M_LEFT + TEXT_W * 0.45
    scx = (sx0 + M_LEFT + TEXT_W) / 2
    sig_h = len(sign.titles) * lh + 80 + lh
    rec_lines = []
    for ln in sign.recipients[1:]:
        toks, _ = _tokens(ln, "R")
        rec_lines += _wrap(toks, rec_size, left_w, left_w, s.break_after, flow.breaks)
    rec_h = lh + len(rec_lines) * rec_lh
    flow.ensure(min(max(sig_h, rec_h), PAGE_H - M_TOP - M_BOTTOM - 20) + 10)
    flow.y += 10
    top = flow.y
    # right column: signing titles, room for the signature, the name
    for ln in sign.titles:
        flow.y += size
        flow.put_centered(scx, flow.y, " ".join(ln.text.split()), "B", size, ln.start)
        flow.y += lh - size
    gap_top = flow.y
    flow.y += 80
    if sign.name is not None:
        flow.y += size
        flow.put_centered(scx, flow.y, sign.name.text.strip(), "B", size, sign.name.start)
        flow.y += lh - size
    area = pymupdf.Rect(sx0, top, M_LEFT + TEXT_W, flow.y)
    bottom_right = flow.y
    page_of_sign = flow.page
    # left column: Nơi nhận
    flow.y = top
    if sign.recipients:
        first = sign.recipients[0]
        flow.y += 12
        flow.put(M_LEFT, flow.y, first.text.strip(), "BI", 12, first.start)
        flow.y += rec_lh
        for row in rec_lines:
            if flow.y + rec_lh > PAGE_H - M_BOTTOM:
                break  # a very long list is cut at the page end, as a real table cell would overflow
            flow.y += rec_size
            _draw_line(flow, M_LEFT, flow.y, row, rec_size, None)
            flow.y += rec_lh - rec_size
    flow.y = max(flow.y, bottom_right) + s.para_gap
    if s.seal:
        _stamp(page_of_sign, area, gap_top, issuer, rnd)
    return area


def _stamp(page: pymupdf.Page, area: pymupdf.Rect, gap_top: float, issuer: str, rnd: random.Random) -> None:
    """Seal and pen signature (docgen's drawings) rasterised with alpha and laid over the block."""
    scratch = pymupdf.open()
    sp = docgen._new_page(scratch)
    block = pymupdf.Rect(area.x0, gap_top - 30, area.x1, gap_top + 80 + 20)
    docgen._draw_signature(sp, pymupdf.Rect(block.x0, block.y0, block.x1, block.y1 - 5), rnd)
    docgen._draw_seal(sp, pymupdf.Rect(block.x0 + 10, block.y0, block.x1, block.y1), issuer or "CƠ QUAN BAN HÀNH")
    clip = pymupdf.Rect(block.x0 - 70, block.y0 - 60, block.x1 + 10, block.y1 + 60) & sp.rect
    pix = sp.get_pixmap(clip=clip, dpi=200, alpha=True)
    page.insert_image(clip, pixmap=pix, overlay=True)
    scratch.close()


def render_vbpl(text: str, settings: PrintSettings) -> Render:
    """Print one vbpl text (see the module docstring)."""
    text = unicodedata.normalize("NFC", text)
    doc = _structure(text)
    flow = _Flow(settings)
    rnd = random.Random(settings.seed)
    if doc.type_line is not None:
        if doc.left or doc.right or doc.number or doc.date:
            _header(flow, doc)
        _type_and_title(flow, doc)
    issuer = " ".join(" ".join(ln.text.split()) for ln in doc.left)
    lines = doc.lines
    sign = doc.sign
    tables = 0
    signed_area = None
    i = 0
    after_sign = False
    while i < len(lines):
        ln = lines[i]
        t = ln.text.strip()
        if sign is not None and i == sign.first:
            signed_area = _signature_block(flow, sign, issuer, rnd)
            i = sign.last + 1
            after_sign = True
            continue
        if not t or _DECOR.match(t) or _SIGNED.match(t):
            i += 1
            continue
        if " | " in ln.text:
            j = i
            while j < len(lines) and " | " in lines[j].text and not (sign is not None and j == sign.first):
                j += 1
            _table(flow, lines[i:j])
            tables += 1
            i = j
            continue
        if after_sign and _ANNEX.match(t) and flow.y > M_TOP + 40:
            flow.break_page()
        _paragraph(flow, ln)
        i += 1
    pdf = flow.finish()
    layout = {"header_left": len(doc.left), "header_number": bool(doc.number), "header_right": len(doc.right),
              "header_date": doc.date is not None, "type_line": doc.type_line is not None,
              "title_lines": len(doc.title), "tables": tables, "signing_block": signed_area is not None,
              "recipients": bool(sign and sign.recipients)}
    return Render(pdf=pdf, pages=len(flow.page_starts) or 1, page_starts=flow.page_starts or [0],
                  breaks=flow.breaks, settings=settings, layout=layout)


# --------------------------------------------------------------------------------------- scans


def _paper(arr: np.ndarray, rng: np.random.Generator, s: ScanSettings) -> np.ndarray:
    """Off-white paper, a faint illumination gradient and sensor grain."""
    h, w = arr.shape[:2]
    grad = np.linspace(0.0, 6.0, w, dtype=np.float32)[None, :]
    if arr.ndim == 3:
        grad = grad[..., None]
    arr = arr * (236.0 / 255.0) + 10.0 - grad
    if s.noise:
        nh, nw = (h + 1) // 2, (w + 1) // 2
        n = rng.normal(0.0, s.noise, size=(nh, nw)).astype(np.float32)
        n = np.repeat(np.repeat(n, 2, axis=0), 2, axis=1)[:h, :w]
        arr = arr + (n[..., None] if arr.ndim == 3 else n)
    return arr


def _photocopy(arr: np.ndarray, rng: np.random.Generator, s: ScanSettings) -> np.ndarray:
    """Toner specks and drop-outs, then contrast (around mid-grey)."""
    if s.speckle:
        h, w = arr.shape[:2]
        hit = rng.random((h, w)) < s.speckle
        dark = rng.random((h, w)) < 0.6
        val = np.where(dark, rng.uniform(20, 90, (h, w)), rng.uniform(225, 255, (h, w))).astype(np.float32)
        if arr.ndim == 3:
            arr = np.where(hit[..., None], val[..., None], arr)
        else:
            arr = np.where(hit, val, arr)
    if s.contrast != 1.0:
        arr = (arr - 128.0) * s.contrast + 128.0
    return arr


def _flatbed_page(page: pymupdf.Page, s: ScanSettings, index: int) -> Image.Image:
    cs = pymupdf.csRGB if s.color else pymupdf.csGRAY
    pix = page.get_pixmap(dpi=s.dpi, colorspace=cs, alpha=False)
    mode = "RGB" if s.color else "L"
    img = Image.frombytes(mode, (pix.width, pix.height), pix.samples)
    fill = (255, 255, 255) if s.color else 255
    if s.skew_deg:
        img = img.rotate(s.skew_deg, resample=Image.BICUBIC, expand=False, fillcolor=fill)
    rng = np.random.default_rng(s.seed * 7919 + index)
    arr = _paper(np.asarray(img, dtype=np.float32), rng, s)
    arr = _photocopy(arr, rng, s)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode)
    if s.blur:
        img = img.filter(ImageFilter.GaussianBlur(s.blur))
    return img


def _phone_page(page: pymupdf.Page, s: ScanSettings, index: int) -> Image.Image:
    """The sheet photographed on a desk: perspective, uneven light, blur, grain."""
    r = random.Random(s.seed * 31 + index)
    rng = np.random.default_rng(s.seed * 7919 + index)
    W = s.phone_width
    H = int(round(W * 4 / 3))
    sheet_w = W * 0.86
    zoom = sheet_w / page.rect.width
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom * 1.5, zoom * 1.5), colorspace=pymupdf.csRGB, alpha=False)
    sheet = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    sw, sh = sheet.size
    # where the sheet's corners land in the photo
    cw, ch = sheet_w, sheet_w * page.rect.height / page.rect.width
    x0, y0 = (W - cw) / 2, (H - ch) / 2
    d = s.perspective * W
    corners = [(x0 + r.uniform(-d, d), y0 + r.uniform(-d, d)), (x0 + cw + r.uniform(-d, d), y0 + r.uniform(-d, d)),
               (x0 + cw + r.uniform(-d, d), y0 + ch + r.uniform(-d, d)), (x0 + r.uniform(-d, d), y0 + ch + r.uniform(-d, d))]
    ang = math.radians(s.skew_deg)
    cx, cy = W / 2, H / 2
    corners = [(cx + (x - cx) * math.cos(ang) - (y - cy) * math.sin(ang),
                cy + (x - cx) * math.sin(ang) + (y - cy) * math.cos(ang)) for x, y in corners]
    coeffs = perspective_coeffs(corners, [(0, 0), (sw, 0), (sw, sh), (0, sh)])
    warped = sheet.transform((W, H), Image.PERSPECTIVE, coeffs, resample=Image.BICUBIC, fillcolor=(0, 0, 0))
    mask = Image.new("L", (sw, sh), 255).transform((W, H), Image.PERSPECTIVE, coeffs, resample=Image.BILINEAR, fillcolor=0)
    desk = np.ones((H, W, 3), dtype=np.float32) * np.array([118, 96, 74], dtype=np.float32)
    desk += rng.normal(0, 10, (H, W, 1)).astype(np.float32)
    photo = Image.composite(warped, Image.fromarray(np.clip(desk, 0, 255).astype(np.uint8), "RGB"), mask)
    arr = np.asarray(photo, dtype=np.float32)
    # uneven light: a lamp off to one side plus vignetting; a slight warm cast
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    lx, ly = r.uniform(-0.2, 1.2) * W, r.uniform(-0.2, 0.6) * H
    dist = np.sqrt((xx - lx) ** 2 + (yy - ly) ** 2) / math.hypot(W, H)
    light = 1.0 - s.lighting * np.clip(dist, 0, 1) ** 1.5
    vig = 1.0 - 0.25 * (((xx - cx) / W) ** 2 + ((yy - cy) / H) ** 2)
    arr = arr * (light * vig)[..., None] * np.array([1.0, 0.97, 0.9], dtype=np.float32)
    arr += rng.normal(0, s.noise, arr.shape).astype(np.float32)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    if s.blur:
        img = img.filter(ImageFilter.GaussianBlur(s.blur))
    return img


def scan_pdf(pdf: bytes, s: ScanSettings, pages: list[int] | None = None) -> bytes:
    """An image-only PDF of the given pages (0-based; default all): one JPEG per page."""
    src = pymupdf.open(stream=pdf, filetype="pdf")
    out = pymupdf.open()
    for k, i in enumerate(pages if pages is not None else range(len(src))):
        page = src[i]
        img = _phone_page(page, s, k) if s.kind == "phone" else _flatbed_page(page, s, k)
        buf = io.BytesIO()
        dpi = s.dpi or int(round(img.width / (page.rect.width / 72)))
        img.save(buf, format="JPEG", quality=s.jpeg_quality, optimize=True, dpi=(dpi, dpi))
        if s.kind == "phone":  # the page is the photo: its size follows the image at ~A4 width
            w = page.rect.width
            new = out.new_page(width=w, height=w * img.height / img.width)
        else:
            new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, stream=buf.getvalue())
    src.close()
    out.set_metadata(dict(_METADATA))
    data = out.tobytes(garbage=3, deflate=True, no_new_id=True)
    out.close()
    return data

