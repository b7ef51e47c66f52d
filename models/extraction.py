"""Extractor output: document identity, references, dates, metrics, each with provenance."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel

from .errors import ErrorInfo
from .provenance import Box


class Located(BaseModel):
    """Base of every extracted value: where it is and how sure we are."""

    text: str  # the raw text on the page the value was read from
    page: int  # 1-based
    start: int  # offsets into Page.text
    end: int
    box: Box | None = None
    confidence: float = 1.0  # [0, 1]
    needs_review: bool = False  # True when a human must confirm (low-confidence OCR etc.)


class IdentityField(Located):
    value: str


class DocumentIdentity(BaseModel):
    """Who issued the document, what it is, when — read from its header.

    Values are plain fields (the output contract); ``fields`` keeps each field's
    provenance and confidence under the same name.
    """

    number: str | None = None  # canonical, e.g. "1143/QĐ-UBND"
    doc_type: str | None = None  # full Vietnamese name, e.g. "Quyết định"
    doc_type_code: str | None = None  # e.g. "QĐ"
    issuer: str | None = None  # e.g. "SỞ NỘI VỤ"
    parent_issuer: str | None = None  # e.g. "UBND TỈNH ĐỒNG NAI"
    place: str | None = None
    issued_on: str | None = None  # ISO date
    title: str | None = None  # trích yếu
    signer: str | None = None
    signing_mode: str | None = None  # TM. | KT. | Q. | TL. | TUQ.
    copy_signed_at: str | None = None  # ISO datetime of a SAO Y stamp, never the issue date
    recipients: list[str] = []
    confidence: dict[str, float] = {}
    fields: dict[str, IdentityField] = {}


class Reference(Located):
    """A citation of another document found in the text."""

    number: str  # canonical number and symbol
    doc_type: str | None = None  # full Vietnamese name
    doc_type_code: str | None = None
    issuers: list[str] = []  # issuer codes, e.g. ["BNV", "BTC"]
    year: int | None = None
    issued_on: str | None = None  # ISO date stated with the citation
    resolved_to: int | None = None  # index of the full citation a short repeat resolves to


class DateRole(str, Enum):
    ISSUE = "issue"
    REFERENCE = "reference"
    DEADLINE = "deadline"
    PERIOD = "period"
    COPY = "copy"
    OTHER = "other"


class DateMention(Located):
    value: str  # ISO date (period: its first day)
    end_value: str | None = None  # period: its last day
    role: DateRole = DateRole.OTHER


class Qualifier(str, Enum):
    EQ = "eq"
    GT = "gt"
    GE = "ge"
    LT = "lt"
    LE = "le"
    APPROX = "approx"
    RANGE = "range"


class Metric(Located):
    value: float
    value_max: float | None = None  # for ranges
    unit: str  # "%" or the counted noun ("hồ sơ", "TTHC", "nhiệm vụ")
    qualifier: Qualifier = Qualifier.EQ
    subject: str = ""  # what the metric is about, e.g. "tỷ lệ hồ sơ giải quyết đúng hạn"


class Extraction(BaseModel):
    """Everything extracted from one file (the `kiemchung extract --json` object)."""

    file: str
    sha256: str = ""
    pages: int = 0
    pages_ocr: list[int] = []
    status: str = "ok"
    error: ErrorInfo | None = None
    notes: list[str] = []  # from ingest: "PDF was damaged and repaired by MuPDF", "EXIF rotation applied", …
    document: DocumentIdentity = DocumentIdentity()
    references: list[Reference] = []
    dates: list[DateMention] = []
    metrics: list[Metric] = []
