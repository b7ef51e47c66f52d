"""Evidence for verifier tests, built as the pipeline builds it: page text shaped like what
ingest reads from a Decree-30 document (header columns interleaved), run through the real
extractors. ``ocr=True`` makes an OCR page with word boxes and confidences, so single
words can be given the low confidence Tesseract reports for a smudged or handwritten value.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import extractors
from models.claims import Claim, Sheet
from models.pages import IngestedFile, Page, PageMethod, Word
from models.provenance import Box
from verifier import EvidenceFile
from verifier.citations import parse_citations

UNIT = "Sở Tư pháp tỉnh Đồng Nai"
YEAR = 2024


def header_text(number: str, issued: dt.date, type_line: str | None, title: str, *, issuer: str = "SỞ TƯ PHÁP",
                parent: str | None = "UBND TỈNH ĐỒNG NAI", place: str = "Đồng Nai") -> list[str]:
    d = f"{issued.day:02d}" if issued.day < 10 else str(issued.day)
    m = f"{issued.month:02d}" if issued.month <= 2 else str(issued.month)
    lines = []
    if parent:
        lines += [f"{parent} CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f"{issuer} Độc lập - Tự do - Hạnh phúc"]
    else:
        lines += [f"{issuer} CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    lines.append(f"Số: {number} {place}, ngày {d} tháng {m} năm {issued.year}")
    if type_line:
        lines += [type_line, title]
    else:
        lines.append(f"V/v {title}")
    return lines


def doc_pages(number: str, issued: dt.date, type_line: str | None, title: str, body: list[str] | list[list[str]],
              **kw) -> list[str]:
    """Page texts: header + body (one list per page when ``body`` is a list of lists) + signature."""
    pages = body if body and isinstance(body[0], list) else [body]
    sign = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nơi nhận:", "- Sở Nội vụ;", "- Lưu: VT, VP.", "Phạm Thị Thu Hà"]
    out = []
    for i, lines in enumerate(pages):
        head = header_text(number, issued, type_line, title, **kw) if i == 0 else [str(i + 1)]
        tail = sign if i == len(pages) - 1 else []
        out.append("\n".join(head + list(lines) + tail))
    return out


def _words(text: str, low: dict[str, float]) -> list[Word]:
    words, line, x, pos = [], 0, 72.0, 0
    for ln_no, ln in enumerate(text.split("\n")):
        x = 72.0
        start = pos
        for token in ln.split(" "):
            if token:
                conf = next((c for w, c in low.items() if w in token), 0.95)
                words.append(Word(text=token, start=start, end=start + len(token), confidence=conf, line=ln_no,
                                  box=Box(x0=x, y0=72 + 18 * ln_no, x1=x + 6 * len(token), y1=86 + 18 * ln_no)))
            x += 6 * len(token) + 4
            start += len(token) + 1
        pos += len(ln) + 1
        line += 1
    return words


def evidence(name: str, pages: list[str], *, ocr: bool = False, low: dict[str, float] | None = None) -> EvidenceFile:
    """An EvidenceFile from page texts; ``low`` maps a substring to the OCR confidence of the words containing it."""
    ps = []
    for i, text in enumerate(pages, start=1):
        text = extractors.normalize.nfc(text)
        ps.append(Page(number=i, width=595.0, height=842.0, method=PageMethod.OCR if ocr else PageMethod.TEXT_LAYER,
                       text=text, words=_words(text, low or {}) if ocr else [],
                       ocr_confidence=0.9 if ocr else None))
    raw = "\f".join(pages).encode("utf-8")
    f = IngestedFile(name=name, sha256=hashlib.sha256(raw).hexdigest(), size=len(raw), status="ok",
                     page_count=len(ps), pages=ps)
    return EvidenceFile(f, extractors.extract(f))


def claim(code: str, score: float | None, cell: str = "", *, reported: float | None = None, row: int = 8) -> Claim:
    return Claim(row=row, code=code, claimed_score=score, citations=parse_citations(cell),
                 self_reported=None if reported is None else f"{reported}%", self_reported_value=reported)


def sheet(*claims: Claim, unit: str = UNIT, year: int = YEAR) -> Sheet:
    return Sheet(file="sheet.xlsx", unit=unit, year=year, claims=list(claims))
