"""Response models of the REST API: every JSON route declares one (OpenAPI shows them, FastAPI checks
each answer against them). The shapes are the JSON the API has always answered."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from models.extraction import Extraction

from ..service.progress import Progress


class Health(BaseModel):
    status: str
    version: str
    queue: str
    database: str
    redis: str | None = None  # only with a Redis queue
    tesseract: str


class Links(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    self_: str = Field(alias="self")
    report: str | None = None


class Accepted(BaseModel):
    """``202``: the work is queued; poll ``links.self``."""

    id: str
    status: str
    links: Links


class Totals(BaseModel):
    claimed: float | None = None
    supported: float | None = None


class Problem(BaseModel):
    code: str | None = None
    message: str | None = None


class Withdrawal(BaseModel):
    """A withdrawn submission is kept; this says who withdrew it, when and why."""

    withdrawn_at: str = Field(description="ISO 8601, UTC")
    withdrawn_by: str = Field(description="the display name of the token that withdrew it")
    reason: str


STANDING_DOC = ("how it stands among its unit's submissions for its year: `latest`, `superseded` or `withdrawn`; "
                "null for a unit's only submission of a year")


class SubmissionItem(BaseModel):
    id: str
    unit: str | None = None
    year: int | None = None
    status: str
    created_at: str
    verdicts: dict[str, int]
    totals: Totals
    standing: str | None = Field(None, description=STANDING_DOC)
    withdrawal: Withdrawal | None = None


class SubmissionList(BaseModel):
    items: list[SubmissionItem]
    page: int
    per_page: int
    total: int


class SubmissionFileOut(BaseModel):
    name: str
    kind: str
    sha256: str | None = None
    status: str
    error: Problem | None = None


class SubmissionOut(BaseModel):
    id: str
    unit: str | None = None
    year: int | None = None
    rubric: str
    status: str
    source: str
    sheet: str | None = None
    batch_id: str | None = None
    created_at: str
    updated_at: str
    progress: Progress
    totals: Totals
    verdicts: dict[str, int]
    error: Problem | None = None
    files: list[SubmissionFileOut]
    standing: str | None = Field(None, description=STANDING_DOC)
    withdrawal: Withdrawal | None = None


class DocumentPending(BaseModel):
    """A document not stored yet: the state of its reading jobs."""

    model_config = ConfigDict(extra="forbid")

    id: str
    status: str
    pages_done: int
    pages_total: int


class DocumentOut(Extraction):
    """A stored document: its extraction (identity, references, dates, metrics, signatures, notes)."""

    id: str


class Attachment(BaseModel):
    unit: str | None = None
    submission: str
    file: str


class ReferenceHit(BaseModel):
    number: str
    score: float
    exact: bool
    document: str
    document_number: str | None = None
    title: str | None = None
    issued_on: str | None = None
    page: int
    start: int
    end: int
    quote: str
    confidence: float
    needs_review: bool
    attached_by: list[Attachment]


class ReferenceSearch(BaseModel):
    query: str
    canonical: str
    documents: list[ReferenceHit]
    citing: list[ReferenceHit]


class GraphNode(BaseModel):
    number: str | None = None
    document: str | None = None
    title: str | None = None


class GraphEdge(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str | None = Field(alias="from")
    to: str
    page: int
    quote: str


class ReferenceGraph(BaseModel):
    root: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class BatchUnit(BaseModel):
    submission: str
    unit: str | None = None
    folder: str
    status: str
    progress: Progress
    verdicts: dict[str, int]


class BatchOut(BaseModel):
    id: str
    status: str
    source: str
    year: int | None = None
    units: list[BatchUnit]
    summary: dict[str, Any] | None = None
