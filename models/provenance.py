"""Where a value came from: file, page, character span, box, confidence."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Box(BaseModel):
    """A rectangle on a page in PDF points, origin at the top-left corner."""

    x0: float
    y0: float
    x1: float
    y1: float

    @staticmethod
    def union(boxes: list[Box]) -> Box | None:
        if not boxes:
            return None
        return Box(
            x0=min(b.x0 for b in boxes),
            y0=min(b.y0 for b in boxes),
            x1=max(b.x1 for b in boxes),
            y1=max(b.y1 for b in boxes),
        )


class Span(BaseModel):
    """A character span on one page of one file.

    ``start``/``end`` index into ``Page.text`` of that page (0-based, end exclusive).
    ``confidence`` is in [0, 1]; 1.0 for a usable text layer, the OCR word
    confidence (min over the words of the span) for OCR'd pages.
    """

    page: int = Field(ge=1, description="1-based page number")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str = ""
    box: Box | None = None
    confidence: float = 1.0


class Evidence(Span):
    """A span plus the file it lives in: what a finding points at."""

    file: str
    sha256: str | None = None
