"""Extractor output: document identity, references, dates, metrics, each with provenance."""

from __future__ import annotations

from enum import Enum
from typing import Literal

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


class DocumentKind(str, Enum):
    """What the file's first page shows, which decides whether an identity may be claimed."""

    ND30 = "nd30"  # a Decree-30 header (issuing body, Số:, Quốc hiệu, place and date) on page 1's top band
    NO_HEADER = "no_header"  # readable text without such a header: article, web print-out, annex, later page
    NOT_A_DOCUMENT = "not_a_document"  # no readable text at all (a photograph)
    UNKNOWN = "unknown"  # the file was not read


class DocumentIdentity(BaseModel):
    """Who issued the document, what it is, when — read from its header.

    Number, type, date, issuer, place and title come only from the header zone of a
    ``kind == nd30`` document (page 1, top band); the signer, signing mode and
    recipients only from a signature block (a signing title, then the name).  Values are
    plain fields (the output contract); ``fields`` keeps each field's provenance and
    confidence under the same name, with ``needs_review`` when its words were read with
    low confidence or the printed value looks odd (then ``notes`` says why).
    """

    kind: DocumentKind = DocumentKind.UNKNOWN
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
    notes: list[str] = []  # why a field needs review ("printed number holds a Cyrillic letter", …)


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


class Signature(BaseModel):
    """One digital signature (chữ ký số) embedded in a PDF, as read by ``ingest/signatures.py`` (pyHanko).

    ``intact``: the signed bytes still hash to the digest the signer signed, and the signature
    verifies with the certificate's key.  ``modified_after_signing``: the file carries later
    incremental updates that change more than other signatures (content, pages, annotations),
    or the signature does not cover its own revision; adding another signature after this one is
    not a modification.  The certificate is read but never checked against a trust list (there
    is none offline): ``trust`` is always ``not_verified`` — never call such a signature "valid".
    """

    field_name: str  # the signature form field, fully qualified
    kind: str = "signature"  # "signature" | "document_timestamp" (/DocTimeStamp: a TSA, not a person)
    intact: bool | None = None  # None when the signature could not be checked (see error)
    modified_after_signing: bool | None = None
    coverage: str | None = None  # entire_file | entire_revision | contiguous_block_from_start | unclear
    modification_level: str | None = None  # later updates: none | lta_updates | form_filling | annotations | other
    signer_organization: str | None = None  # certificate subject O, e.g. "UBND TỈNH ĐỒNG NAI"
    signer_name: str | None = None  # certificate subject CN, e.g. "Nguyễn Văn A"
    signer_subject: str | None = None  # the whole subject, RFC 4514 ("CN=Nguyễn Văn A,O=UBND TỈNH ĐỒNG NAI,C=VN")
    certificate_issuer: str | None = None  # the issuing CA's subject, RFC 4514
    signing_time: str | None = None  # ISO 8601 with offset
    signing_time_source: str | None = None  # timestamp_token | signed_attribute | signature_dictionary
    trust: Literal["not_verified"] = "not_verified"  # certificate trust is not checked: never "valid"
    trust_vi: str = "chưa kiểm tra với danh sách tin cậy"
    error: str | None = None  # the signature could not be parsed or checked: why


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
    signatures: list[Signature] = []  # digital signatures of a PDF, from ingest
