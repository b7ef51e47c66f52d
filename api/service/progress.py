"""How far a submission is: files and pages read (from stored documents and the running jobs' rows),
and each file's state. One computation for REST, the web interface and the CLI's progress bar."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import PIPELINE_VERSION
from models.tables import Document, JobRow, Submission

from .status import FileState, FileStatus, JobKind, JobStatus
from .store.records import SHEETS


class Progress(BaseModel):
    """Evidence files read (or failed) of all, and pages read of all known so far."""

    files_total: int
    files_done: int
    files_failed: int
    pages_total: int
    pages_done: int


class FileError(BaseModel):
    code: str | None = None
    message: str | None = None


class FileProgress(BaseModel):
    """One file of a submission as it is being read."""

    name: str
    kind: str
    sha256: str | None = None
    pages_done: int = 0
    pages_total: int = 0
    pages_ocr: int = 0
    error: FileError | None = None
    notes: list[str] = Field(default_factory=list)
    state: FileState = FileState.QUEUED


def submission_progress(s: Session, sub: Submission) -> Progress:
    files = list(sub.files)
    evidence = [f for f in files if f.sha256 and f.kind not in SHEETS]
    shas = {f.sha256 for f in evidence}
    done_shas = set()
    pages_done = pages_total = 0
    if shas:
        for doc in s.scalars(select(Document).where(Document.sha256.in_(shas),
                                                    Document.pipeline_version == PIPELINE_VERSION)):
            done_shas.add(doc.sha256)
            pages_total += doc.page_count
            pages_done += doc.page_count
        for job in s.scalars(select(JobRow).where(JobRow.sha256.in_(shas - done_shas), JobRow.kind == JobKind.INGEST)):
            pages_total += job.pages_total
            pages_done += job.pages_done
    unstored = len([f for f in files if not f.sha256])
    return Progress(
        files_total=len(evidence) + unstored,
        files_done=len([f for f in evidence if f.sha256 in done_shas or f.status == FileStatus.ERROR]) + unstored,
        files_failed=len([f for f in files if f.status == FileStatus.ERROR]),
        pages_total=pages_total,
        pages_done=pages_done,
    )


def file_progress(s: Session, sub: Submission) -> list[FileProgress]:
    """Each file's reading state: pages read, pages OCR'd, notes, errors."""
    files = list(sub.files)
    shas = {f.sha256 for f in files if f.sha256}
    docs = {d.sha256: d for d in s.scalars(select(Document).where(
        Document.sha256.in_(shas), Document.pipeline_version == PIPELINE_VERSION))} if shas else {}
    jobs = {j.sha256: j for j in s.scalars(select(JobRow).where(
        JobRow.sha256.in_(shas - set(docs)), JobRow.kind == JobKind.INGEST))} if shas - set(docs) else {}
    items = []
    for f in files:
        item = FileProgress(name=f.name, kind=f.kind, sha256=f.sha256)
        doc = docs.get(f.sha256) if f.sha256 else None
        if f.status == FileStatus.ERROR and doc is None:
            item.state = FileState.ERROR
            item.error = FileError(code=f.error_code, message=f.error_message)
        elif doc is not None:
            item.pages_done = item.pages_total = doc.page_count
            item.pages_ocr = len(doc.pages_ocr or [])
            item.notes = list((doc.ingested or {}).get("notes") or [])
            if doc.status == FileStatus.ERROR:
                err = (doc.extraction or {}).get("error") or {}
                item.state = FileState.ERROR
                item.error = FileError(code=doc.error_code, message=err.get("message_vi") or doc.error_message)
            else:
                item.state = FileState.DONE
        else:
            job = jobs.get(f.sha256)
            item.state = FileState.READING if job is not None and job.status == JobStatus.STARTED else FileState.QUEUED
            if job is not None:
                item.pages_done, item.pages_total = job.pages_done, job.pages_total
        items.append(item)
    return items
