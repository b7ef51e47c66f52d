"""Ingest output: files, pages, words with boxes and confidences."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

from .errors import ErrorInfo
from .provenance import Box


class PageMethod(str, Enum):
    TEXT_LAYER = "text_layer"  # the PDF's own text was usable
    OCR = "ocr"  # rendered and read by Tesseract
    EMPTY = "empty"  # nothing on the page to read
    FAILED = "failed"  # this page could not be read (see Page.error)


class Word(BaseModel):
    """One word as read from the page.

    ``start``/``end`` index into the page's ``text``; ``box`` is in PDF points,
    origin top-left; ``confidence`` in [0, 1] (1.0 for a usable text layer).
    """

    text: str
    start: int
    end: int
    box: Box
    confidence: float = 1.0
    line: int = 0  # line index on the page, in reading order


class Page(BaseModel):
    number: int = Field(ge=1)
    width: float  # points
    height: float  # points
    rotation: int = 0  # degrees the page image was rotated before OCR
    method: PageMethod
    text: str = ""  # NFC-normalised page text, lines joined with "\n"
    words: list[Word] = []
    layer_score: float | None = None  # share of valid Vietnamese syllables in the text layer
    ocr_confidence: float | None = None  # mean word confidence of the OCR, [0, 1]
    decision: str = ""  # why this method was chosen (shown to operators)
    error: ErrorInfo | None = None


class FileKind(str, Enum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    TIFF = "tiff"
    ZIP = "zip"
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"
    UNKNOWN = "unknown"


class IngestedFile(BaseModel):
    """One evidence file after ingest. ``status == 'error'`` means the file failed alone."""

    name: str  # path inside the submission, with forward slashes
    sha256: str = ""
    size: int = 0
    kind: FileKind = FileKind.UNKNOWN
    status: str = "ok"  # "ok" | "error"
    error: ErrorInfo | None = None
    notes: list[str] = []  # e.g. "repaired by MuPDF", "EXIF rotation applied"
    page_count: int = 0
    pages: list[Page] = []
    pipeline_version: str = ""
    from_cache: bool = False

    @property
    def pages_ocr(self) -> list[int]:
        return [p.number for p in self.pages if p.method == PageMethod.OCR]
