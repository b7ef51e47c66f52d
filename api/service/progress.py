"""How far a submission is: files and pages read (from stored documents and the running jobs' rows),
and each file's state. One computation for REST, the web interface and the CLI's progress bar.

Totals are what is known at upload — every file the submission holds and each evidence file's page count
(its preflight counted them, ``blobs.page_count``, before any job) — never what the running jobs report so
far, so they do not change while the files are read, and the share done only grows. A file that failed
(refused at intake, or read as unreadable) is finished: it counts as done, its pages too, and it shows its
reason at once."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import PIPELINE_VERSION
from models.errors import ErrorCode
from models.tables import Blob, Document, JobRow, Submission

from .status import OPEN_SUBMISSION, FileState, FileStatus, JobKind, JobStatus, SubmissionStatus

FINISHED = (FileState.DONE, FileState.ERROR)
UNFINISHED_CAP = 99  # percent shown at most while anything (reading or the verification) is left
GIVEN_UP_VI = "Không đọc được tệp sau nhiều lần thử; hồ sơ đã được kiểm tra mà không có tệp này."


class Progress(BaseModel):
    """Files finished (read or failed) of all the submission holds, pages finished of all their pages
    (counted at upload), and the share of the work done (100 only when the submission is checked)."""

    files_total: int
    files_done: int
    files_failed: int
    pages_total: int
    pages_done: int
    pages_ocr: int = 0
    percent: int = 0


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


def submission_progress(s: Session, sub: Submission, files: list[FileProgress] | None = None) -> Progress:
    """The submission's totals, from its files' progress (``file_progress``; computed when not given)."""
    items = file_progress(s, sub) if files is None else files
    finished = [i for i in items if i.state in FINISHED]
    pages_total = sum(i.pages_total for i in items)
    pages_done = sum(i.pages_total if i.state in FINISHED else min(i.pages_done, i.pages_total) for i in items)
    return Progress(files_total=len(items), files_done=len(finished),
                    files_failed=len([i for i in items if i.state == FileState.ERROR]),
                    pages_total=pages_total, pages_done=pages_done, pages_ocr=sum(i.pages_ocr for i in items),
                    percent=_percent(sub, len(finished), len(items), pages_done, pages_total))


def _percent(sub: Submission, files_done: int, files_total: int, pages_done: int, pages_total: int) -> int:
    """Pages are the work (a file of 40 pages takes 40 times one of a page); files when no page is known."""
    if sub.status in (SubmissionStatus.DONE, SubmissionStatus.FAILED):
        return 100
    done, total = (pages_done, pages_total) if pages_total else (files_done, files_total)
    return min(UNFINISHED_CAP, 100 * done // total) if total else 0


def file_progress(s: Session, sub: Submission) -> list[FileProgress]:
    """Each file's reading state: pages read of its pages (counted at upload), pages OCR'd, notes, errors."""
    files = list(sub.files)
    shas = {f.sha256 for f in files if f.sha256}
    docs = {d.sha256: d for d in s.scalars(select(Document).where(
        Document.sha256.in_(shas), Document.pipeline_version == PIPELINE_VERSION))} if shas else {}
    counted: dict[str, int | None] = {sha: n for sha, n in s.execute(
        select(Blob.sha256, Blob.page_count).where(Blob.sha256.in_(shas)))} if shas else {}
    jobs: dict[str, list[JobRow]] = defaultdict(list)  # a long file is read by one job per page range
    if shas - set(docs):
        for j in s.scalars(select(JobRow).where(JobRow.sha256.in_(shas - set(docs)), JobRow.kind == JobKind.INGEST)):
            jobs[j.sha256 or ""].append(j)
    items = []
    for f in files:
        item = FileProgress(name=f.name, kind=f.kind, sha256=f.sha256)
        doc = docs.get(f.sha256) if f.sha256 else None
        known = (counted.get(f.sha256) if f.sha256 else None) or 0
        if f.status == FileStatus.ERROR and doc is None:
            item.state = FileState.ERROR
            item.pages_total = known
            item.error = FileError(code=f.error_code, message=f.error_message)
        elif doc is not None:
            item.pages_total = known or doc.page_count
            item.pages_done = min(doc.page_count, item.pages_total)
            item.pages_ocr = len(doc.pages_ocr or [])
            item.notes = list((doc.ingested or {}).get("notes") or [])
            if doc.status == FileStatus.ERROR:
                err = (doc.extraction or {}).get("error") or {}
                item.state = FileState.ERROR
                item.error = FileError(code=doc.error_code, message=err.get("message_vi") or doc.error_message)
            else:
                item.state = FileState.DONE
        else:
            runs = jobs.get(f.sha256 or "", [])
            item.state = FileState.READING if any(j.status == JobStatus.STARTED for j in runs) else FileState.QUEUED
            item.pages_total = known or sum(j.pages_total for j in runs)
            item.pages_done = min(sum(j.pages_done for j in runs), item.pages_total)
            given_up = [j for j in runs if j.status == JobStatus.FAILED]
            if given_up and sub.status not in OPEN_SUBMISSION:  # the check went on without it: unreadable
                item.state = FileState.ERROR
                item.error = FileError(code=given_up[0].error_code or ErrorCode.INTERNAL.value, message=GIVEN_UP_VI)
        items.append(item)
    return items
