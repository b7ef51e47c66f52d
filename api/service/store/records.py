"""Reading and writing the service's records: documents, submissions, reports.

Plain functions over a SQLAlchemy session, below every use case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import ingest
from extractors import number_key
from models import PIPELINE_VERSION
from models.extraction import Extraction
from models.pages import IngestedFile, Page
from models.report import Report
from models.tables import (
    Batch,
    CriterionResultRow,
    Document,
    FindingRow,
    PageRow,
    ReferenceRow,
    Submission,
    Unit,
)

from ..status import FileStatus, SubmissionStatus

T = TypeVar("T")
EVIDENCE = frozenset(k.value for k in ingest.EVIDENCE_KINDS)  # SubmissionFile.kind values of evidence
SHEETS = frozenset(k.value for k in ingest.SHEET_KINDS)


def verdict_counts(s: Session, ids: list[str]) -> dict[str, dict[str, int]]:
    """``{submission id: {verdict: count}}`` in one query."""
    out: dict[str, dict[str, int]] = {i: {} for i in ids}
    if ids:
        rows = s.execute(select(CriterionResultRow.submission_id, CriterionResultRow.verdict, func.count())
                         .where(CriterionResultRow.submission_id.in_(ids))
                         .group_by(CriterionResultRow.submission_id, CriterionResultRow.verdict))
        for sid, verdict, n in rows:
            out[sid][verdict] = n
    return out


def reference_keys(number: str) -> tuple[str, str, str]:
    """(exact key, symbol key, lead key): the exact key and two indexed halves for fuzzy candidates."""
    key = number_key(number)
    lead, _, symbol = number.partition("/")
    return key, number_key(symbol) if symbol else key, number_key(lead)


def lead_variants(lead: str) -> set[str]:
    """The number with one digit changed, dropped or added: OCR's usual damage (45 -> 35, 1143 -> 143)."""
    digits = "0123456789"
    out = {lead}
    for i in range(len(lead)):
        out.add(lead[:i] + lead[i + 1:])
        for d in digits:
            out.add(lead[:i] + d + lead[i + 1:])
    for i in range(len(lead) + 1):
        for d in digits:
            out.add(lead[:i] + d + lead[i:])
    return {v for v in out if v}


def find_document(s: Session, sha256: str) -> Document | None:
    return s.scalar(select(Document).where(Document.sha256 == sha256, Document.pipeline_version == PIPELINE_VERSION))


def store_document(s: Session, f: IngestedFile, x: Extraction) -> Document:
    """Insert the document, its pages and its references (caller handles the unique-race)."""
    d = x.document
    issued = None
    if d.issued_on:
        try:
            issued = dt.date.fromisoformat(d.issued_on)
        except ValueError:
            issued = None
    light = f.model_copy(update={"pages": []})
    err = f.error or x.error
    doc = Document(
        sha256=f.sha256, pipeline_version=PIPELINE_VERSION, status=f.status if f.status != FileStatus.OK else x.status,
        error_code=err.code.value if err else None, error_message=err.message if err else None,
        page_count=f.page_count or len(f.pages), pages_ocr=f.pages_ocr, number=d.number,
        number_key=number_key(d.number) if d.number else None, doc_type=d.doc_type, issuer=d.issuer,
        issued_on=issued, title=d.title, ingested=light.model_dump(mode="json"), extraction=x.model_dump(mode="json"),
    )
    s.add(doc)
    s.flush()
    for p in f.pages:
        s.add(PageRow(document_id=doc.id, number=p.number, method=p.method.value, width=p.width, height=p.height,
                      text=p.text, data=p.model_dump(mode="json")))
    if d.number:
        key, symbol, lead = reference_keys(d.number)
        field = d.fields.get("number")
        s.add(ReferenceRow(document_id=doc.id, is_identity=True, number=d.number, number_key=key, symbol_key=symbol,
                           lead_key=lead, doc_type=d.doc_type, issued_on=d.issued_on,
                           page=field.page if field else 1, start=field.start if field else 0,
                           end=field.end if field else 0, text=field.text if field else d.number,
                           confidence=field.confidence if field else d.confidence.get("number", 1.0),
                           needs_review=bool(field and field.needs_review)))
    for r in x.references:
        key, symbol, lead = reference_keys(r.number)
        s.add(ReferenceRow(document_id=doc.id, is_identity=False, number=r.number, number_key=key, symbol_key=symbol,
                           lead_key=lead, doc_type=r.doc_type, issued_on=r.issued_on, page=r.page, start=r.start,
                           end=r.end, text=r.text, confidence=r.confidence, needs_review=r.needs_review))
    return doc


def load_ingested(s: Session, doc: Document, name: str) -> IngestedFile:
    f = IngestedFile.model_validate(doc.ingested)
    rows = s.scalars(select(PageRow).where(PageRow.document_id == doc.id).order_by(PageRow.number)).all()
    return f.model_copy(update={"name": name, "pages": [Page.model_validate(r.data) for r in rows]})


def load_extraction(doc: Document, name: str) -> Extraction:
    return Extraction.model_validate(doc.extraction).model_copy(update={"file": name})


def insert_or_get(s: Session, row: T, find: Callable[[], T | None]) -> T:
    """Insert ``row`` in a savepoint; when a concurrent transaction inserted the same key first (two
    uploads of one file, two submissions of a new unit at once), take that row instead of failing."""
    try:
        with s.begin_nested():
            s.add(row)
    except IntegrityError:
        found = find()
        if found is None:
            raise
        return found
    return row


def unit_by_name(s: Session, name: str | None, *, create: bool = True) -> Unit | None:
    if not name:
        return None
    name = name.strip()

    def find() -> Unit | None:
        return s.scalar(select(Unit).where(Unit.name == name))

    unit = find()
    if unit is None and create:
        unit = insert_or_get(s, Unit(name=name), find)
    return unit


def store_report(s: Session, sub: Submission, report: Report) -> None:
    sub.report = report.model_dump(mode="json")
    sub.claimed_total = report.totals.claimed_score
    sub.supported_total = report.totals.supported_score
    for old in s.scalars(select(CriterionResultRow).where(CriterionResultRow.submission_id == sub.id)).all():
        s.delete(old)
    s.flush()
    for c in report.criteria:
        row = CriterionResultRow(submission_id=sub.id, code=c.code, verdict=c.verdict.value,
                                 claimed_score=c.claimed_score, supported_score=c.supported_score,
                                 max_score=c.max_score, data=c.model_dump(mode="json"))
        s.add(row)
        s.flush()
        for f in c.findings:
            s.add(FindingRow(criterion_result_id=row.id, submission_id=sub.id, code=f.code.value,
                             severity=f.severity.value, message=f.message,
                             evidence=[e.model_dump(mode="json") for e in f.evidence]))


def submission(s: Session, submission_id: str) -> Submission:
    """The submission row, which the caller knows exists (a job's, a batch's): LookupError if not."""
    sub = s.get(Submission, submission_id)
    if sub is None:
        raise LookupError(f"no submission {submission_id}")
    return sub


def batch(s: Session, batch_id: str) -> Batch:
    """The batch row, which the caller knows exists: LookupError if not."""
    row = s.get(Batch, batch_id)
    if row is None:
        raise LookupError(f"no batch {batch_id}")
    return row


def report_if_checked(sub: Submission) -> Report | None:
    """The submission's report once it is checked, else None."""
    return Report.model_validate(sub.report) if sub.status == SubmissionStatus.DONE and sub.report else None
