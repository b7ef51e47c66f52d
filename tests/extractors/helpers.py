"""Small builders for extractor tests: pages made directly, no ingest."""

from __future__ import annotations

from pathlib import Path

from models.pages import Page, PageMethod, Word
from models.provenance import Box
from tests.conftest import CORPUS  # noqa: F401  (re-exported for the extractor tests)

GOLD = Path(__file__).resolve().parent / "gold"


def text_page(text: str, number: int = 1) -> Page:
    return Page(number=number, width=595, height=842, method=PageMethod.TEXT_LAYER, text=text)


def ocr_page(text: str, low: dict[str, float] | None = None, number: int = 1) -> Page:
    """An OCR page with one Word per whitespace token; tokens in ``low`` get that confidence."""
    low = low or {}
    words, pos, line = [], 0, 0
    for i, tok in enumerate(text.split(" ")):
        for j, part in enumerate(tok.split("\n")):
            if j:
                line += 1
                pos += 1
            if part:
                words.append(Word(text=part, start=pos, end=pos + len(part),
                                  box=Box(x0=10 * i, y0=20 * line, x1=10 * i + 8, y1=20 * line + 12),
                                  confidence=low.get(part, 0.96), line=line))
            pos += len(part)
        pos += 1
    return Page(number=number, width=595, height=842, method=PageMethod.OCR, text=text, words=words,
                ocr_confidence=0.9)
