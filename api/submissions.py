"""Submissions and batches in the service: create from an upload, store, schedule their jobs.

Verification and the batch summary are in ``verification`` (the ``verify`` job runs them)."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from pathlib import Path

import ingest
from extractors import fold
from models.errors import ErrorCode
from models.pages import FileKind
from models.tables import Batch, Blob, Submission, SubmissionFile
from verifier import load_rubric

from . import records
from .batch import find_units
from .jobs import schedule_submission
from .pipeline import EVIDENCE_KINDS, CheckError, pick_sheet
from .service import Service
from .verification import update_batch, verify_submission

__all__ = ["create_batch", "create_submission", "evidence_row", "preflight", "store_evidence",
           "update_batch", "verify_submission"]  # the last two live in ``verification`` (below ``jobs``)

log = logging.getLogger(__name__)
_pdf_lock = threading.Lock()  # PyMuPDF is not thread-safe; the API counts pages under this lock


def preflight(svc: Service, path: Path, kind: FileKind) -> ingest.Preflight:
    """The cheap checks of one evidence file (size, kind, opens, pages, pixels) before any job exists."""
    with _pdf_lock:
        return ingest.preflight(path, svc.settings, kind)


def _store_blob(svc: Service, s, path: Path, kind: FileKind, page_count: int | None = None) -> str:
    sha, size = ingest.sha256_file(path)
    svc.blobs.put_file(path, sha)
    row = s.get(Blob, sha)
    if row is None:
        row = records.insert_or_get(s, Blob(sha256=sha, size=size, kind=kind.value, page_count=page_count),
                                    lambda: s.get(Blob, sha, populate_existing=True))
    if row.kind == "unknown" or (row.page_count is None and page_count):
        row.kind, row.page_count = kind.value, page_count
    s.flush()
    return sha


def store_evidence(svc: Service, s, path: Path, kind: FileKind) -> tuple[str, ingest.Preflight]:
    """Store an evidence file's blob (kept even when it fails: nothing a unit sent is lost) with the
    page count its preflight found."""
    check = preflight(svc, path, kind)
    return _store_blob(svc, s, path, kind, check.page_count), check


def evidence_row(submission_id: str, name: str, kind: FileKind, sha: str, check: ingest.Preflight) -> SubmissionFile:
    """The submission's record of one evidence file: pending, or failed at once with its reason."""
    if check.ok:
        return SubmissionFile(submission_id=submission_id, name=name, kind=kind.value, sha256=sha)
    err = check.error
    log.warning("evidence rejected at intake", extra={"file": name, "sha256": sha, "code": err.code.value,
                                                      "reason": err.message})
    return SubmissionFile(submission_id=submission_id, name=name, kind=kind.value, sha256=sha, status="error",
                          error_code=err.code.value, error_message=err.message_vi or err.message)


def create_submission(svc: Service, source: Path, *, display: str, unit: str | None = None, year: int | None = None,
                      rubric: str = "par-reference", created_by: int | None = None, batch_id: str | None = None,
                      required_unit: str | None = None, sheet_name: str | None = None) -> str:
    """Store a submission (folder or ZIP) and its blobs; schedule its jobs. Returns the id.

    Raises CheckError when the submission as a whole cannot be read (no sheet, bad rubric) or when a
    unit token submits for another unit.
    """
    try:
        load_rubric(rubric)
    except Exception as exc:
        raise CheckError(ErrorCode.RUBRIC_INVALID, str(exc), f"Bộ tiêu chí không hợp lệ: {exc}") from exc
    workdir = Path(tempfile.mkdtemp(prefix="kiemchung-sub-"))
    try:
        expanded = ingest.expand_submission(source, workdir, svc.settings)
        sheet_entry, sheet = pick_sheet(expanded, sheet_name, svc.settings)
        unit_name = unit or sheet.unit
        if required_unit is not None:
            claimed = {fold(n) for n in (unit, sheet.unit) if n}
            if claimed - {fold(required_unit)}:
                raise CheckError(ErrorCode.UNIT_MISMATCH, f"a unit token may only submit for {required_unit}",
                                 f"Mã truy cập của đơn vị chỉ được nộp hồ sơ của {required_unit}.")
            unit_name = required_unit
        with svc.db.session() as s:
            sub = Submission(unit=records.unit_by_name(s, unit_name), year=year or sheet.year, rubric=rubric,
                             source=display, sheet_name=sheet_entry.name, created_by=created_by, batch_id=batch_id,
                             status="queued")
            s.add(sub)
            s.flush()
            sub.sheet_sha256 = _store_blob(svc, s, sheet_entry.path, sheet_entry.kind)
            for e in expanded.entries:
                if e is sheet_entry:
                    continue
                if e.kind in EVIDENCE_KINDS:
                    s.add(evidence_row(sub.id, e.name, e.kind, *store_evidence(svc, s, e.path, e.kind)))
                else:
                    s.add(SubmissionFile(submission_id=sub.id, name=e.name, kind=e.kind.value, status="error",
                                         error_code=ErrorCode.UNSUPPORTED_TYPE.value,
                                         error_message="Không phải tệp minh chứng (PDF, ảnh)."))
            for r in expanded.rejected:
                s.add(SubmissionFile(submission_id=sub.id, name=r.name, kind=r.kind.value, status="error",
                                     error_code=r.error.code.value if r.error else None,
                                     error_message=(r.error.message_vi or r.error.message) if r.error else None))
            sub_id = sub.id
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    schedule_submission(svc, sub_id)
    log.info("submission created", extra={"submission": sub_id, "unit": unit_name})
    return sub_id


def create_batch(svc: Service, source: Path, *, display: str, year: int | None, rubric: str,
                 created_by: int | None) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="kiemchung-batch-"))
    try:
        root = source
        if source.is_file():
            expanded = ingest.expand_submission(source, workdir, svc.settings)
            root = workdir
            del expanded
        units = find_units(root)
        if not units:
            raise CheckError(ErrorCode.NO_SHEET, "no unit submissions (one folder or ZIP per unit) in the batch",
                             "Lô hồ sơ không có hồ sơ đơn vị nào (mỗi đơn vị một thư mục hoặc tệp ZIP).")
        with svc.db.session() as s:
            batch = Batch(source=display, year=year, rubric=rubric, created_by=created_by, status="running")
            s.add(batch)
            s.flush()
            batch_id = batch.id
        errors = []
        for name, path in units:
            try:
                create_submission(svc, path, display=name, year=year, rubric=rubric, created_by=created_by,
                                  batch_id=batch_id)
            except CheckError as exc:
                errors.append({"unit": name, "code": exc.info.code.value, "message": exc.info.message_vi})
        with svc.db.session() as s:
            batch = s.get(Batch, batch_id)
            batch.summary = {"rejected_units": errors}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    update_batch(svc, batch_id)
    return batch_id
