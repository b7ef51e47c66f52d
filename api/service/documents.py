"""One evidence file in the service: its blob, its checks before any job, its extraction and stored
document, and its pages rendered for people. PyMuPDF is not thread-safe: every call into it from a
request runs under ``PDF_LOCK``."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import extractors
import ingest
from models.errors import ErrorCode, ErrorInfo
from models.extraction import Extraction
from models.pages import FileKind, IngestedFile
from models.tables import Blob, JobRow, SubmissionFile

from .context import Context
from .errors import ServiceCode, ServiceError, not_found
from .status import READ_JOBS, DocumentState, FileStatus, JobKind, JobStatus
from .store import records

log = logging.getLogger(__name__)
PDF_LOCK = threading.Lock()


def preflight(ctx: Context, path: Path, kind: FileKind) -> ingest.Preflight:
    """The cheap checks of one evidence file (size, kind, opens, pages, pixels) before any job exists."""
    with PDF_LOCK:
        return ingest.preflight(path, ctx.settings, kind)


def store_blob(ctx: Context, s: Session, path: Path, kind: FileKind, page_count: int | None = None) -> str:
    """Store a file's bytes by sha256 (once, whoever is first) and its blob row; returns the sha256."""
    sha, size = ingest.sha256_file(path)
    ctx.blobs.put_file(path, sha)
    row = s.get(Blob, sha)
    if row is None:
        row = records.insert_or_get(s, Blob(sha256=sha, size=size, kind=kind.value, page_count=page_count),
                                    lambda: s.get(Blob, sha, populate_existing=True))
    if row.kind == "unknown" or (row.page_count is None and page_count):
        row.kind, row.page_count = kind.value, page_count
    s.flush()
    return sha


def store_evidence(ctx: Context, s: Session, path: Path, kind: FileKind) -> tuple[str, ingest.Preflight]:
    """Store an evidence file's blob (kept even when it fails: nothing a unit sent is lost) with the
    page count its preflight found."""
    check = preflight(ctx, path, kind)
    return store_blob(ctx, s, path, kind, check.page_count), check


def _failure(check: ingest.Preflight) -> ErrorInfo:
    """Why a file failed its preflight (a failed preflight always says why)."""
    if check.error is None:
        return ErrorInfo(code=ErrorCode.INTERNAL, message="preflight failed", message_vi="Không kiểm tra được tệp.")
    return check.error


def evidence_row(submission_id: str, name: str, kind: FileKind, sha: str, check: ingest.Preflight) -> SubmissionFile:
    """The submission's record of one evidence file: pending, or failed at once with its reason."""
    if check.ok:
        return SubmissionFile(submission_id=submission_id, name=name, kind=kind.value, sha256=sha)
    err = _failure(check)
    log.warning("evidence rejected at intake", extra={"file": name, "sha256": sha, "code": err.code.value,
                                                      "reason": err.message})
    return SubmissionFile(submission_id=submission_id, name=name, kind=kind.value, sha256=sha,
                          status=FileStatus.ERROR, error_code=err.code.value,
                          error_message=err.message_vi or err.message)


def intake_document(ctx: Context, path: Path) -> tuple[str, int]:
    """One evidence file sent alone (``POST /documents``): stored, or refused with its reason before any
    job. Returns the sha256 and its page count."""
    kind = ingest.detect_kind(path)
    if kind not in ingest.EVIDENCE_KINDS:
        raise ServiceError(ErrorCode.UNSUPPORTED_TYPE, "not a PDF or image by its content",
                           "Tệp không phải PDF hoặc ảnh (theo nội dung).")
    with ctx.db.session() as s:
        sha, check = store_evidence(ctx, s, path, kind)
    if not check.ok:  # rejected before any job: the reason, not a document that never comes
        err = _failure(check)
        raise ServiceError(err.code, err.message, err.message_vi)
    return sha, check.page_count or 1


def extract_file(f: IngestedFile) -> Extraction:
    """One read file's extraction; a file that failed, or whose extraction fails, is an error result."""
    if f.status != FileStatus.OK:
        return Extraction(file=f.name, sha256=f.sha256, pages=f.page_count, status=FileStatus.ERROR, error=f.error,
                          notes=list(f.notes))
    try:
        return extractors.extract(f)
    except Exception as exc:  # one bad file must not stop the submission
        log.exception("extraction failed", extra={"file": f.name})
        return Extraction(file=f.name, sha256=f.sha256, pages=f.page_count, status=FileStatus.ERROR,
                          notes=list(f.notes),
                          error=ErrorInfo(code=ErrorCode.INTERNAL, message=f"extraction failed: {exc}",
                                          message_vi="Lỗi nội bộ khi trích xuất thông tin từ tệp."))


def store_read(ctx: Context, sha256: str, f: IngestedFile) -> None:
    """Extract a read file and store it as the document of its blob (once, whoever is first).

    A file that failed is stored too: its document row, with the error code, is the blob's final
    state. It is keyed by ``sha256``, whatever the ingest result carries."""
    if f.sha256 != sha256:
        f = f.model_copy(update={"sha256": sha256})
    x = extract_file(f)
    x.pages_ocr = f.pages_ocr
    try:
        with ctx.db.session() as s:
            records.store_document(s, f, x)
    except IntegrityError:
        with ctx.db.session() as s:
            raced = records.find_document(s, sha256) is not None
        if not raced:
            raise  # not another worker's row: the store itself failed
        log.info("document stored by another worker", extra={"sha256": sha256})


def has_document(ctx: Context, sha256: str) -> bool:
    with ctx.db.session() as s:
        return records.find_document(s, sha256) is not None


def pending_state(s: Session, sha256: str) -> tuple[DocumentState, int, int]:
    """A file not stored yet, from its jobs: (state, pages done, pages total); NOT_FOUND without jobs."""
    jobs = s.scalars(select(JobRow).where(JobRow.sha256 == sha256, JobRow.kind.in_(READ_JOBS))).all()
    if not jobs:
        raise not_found("document")
    states = {j.status for j in jobs}
    state = (DocumentState.STARTED if states & {JobStatus.STARTED, JobStatus.FINISHED}
             else DocumentState.FAILED if states == {JobStatus.FAILED} else DocumentState.QUEUED)
    reads = [j for j in jobs if j.kind == JobKind.INGEST]
    return state, sum(j.pages_done for j in reads), sum(j.pages_total for j in reads)


def page_png(ctx: Context, sha256: str, number: int, dpi: int) -> bytes:
    """Page ``number`` of a stored document as PNG; NOT_FOUND past its pages, RENDER_FAILED when it
    cannot be drawn. (The caller checks who may read it.)"""
    with ctx.db.session() as s:
        doc = records.find_document(s, sha256)
        if doc is None or number < 1 or number > max(doc.page_count, 1):
            raise not_found("page", "Không tìm thấy trang.")
    try:
        with PDF_LOCK:
            return ingest.render_page_png(Path(ctx.blobs.local_path(sha256)), number, dpi=dpi, settings=ctx.settings)
    except Exception as exc:
        raise ServiceError(ServiceCode.RENDER_FAILED, str(exc), "Không hiển thị được trang này.") from exc
