"""Submissions and batches in the service: create from an upload, verify, summarise."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from pathlib import Path

from sqlalchemy import select

import ingest
from extractors import fold
from models.errors import ErrorCode, ErrorInfo
from models.extraction import Extraction
from models.pages import FileKind, IngestedFile
from models.tables import Batch, Blob, Submission, SubmissionFile
from verifier import EvidenceFile, SheetError, load_rubric, read_sheet, verify

from . import records
from .batch import find_units, summarise
from .pipeline import EVIDENCE_KINDS, CheckError, pick_sheet
from .service import Service
from .version import tool_version

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
    from .jobs import schedule_submission

    schedule_submission(svc, sub_id)
    log.info("submission created", extra={"submission": sub_id, "unit": unit_name})
    return sub_id


def _error_file(f: SubmissionFile) -> EvidenceFile:
    err = ErrorInfo(code=ErrorCode(f.error_code) if f.error_code in ErrorCode.__members__ else ErrorCode.INTERNAL,
                    message=f.error_message or "not read", message_vi=f.error_message or "Không đọc được tệp.")
    ing = IngestedFile(name=f.name, sha256=f.sha256 or "", kind=FileKind(f.kind) if f.kind in FileKind._value2member_map_
                       else FileKind.UNKNOWN, status="error", error=err)
    return EvidenceFile(ing, Extraction(file=f.name, status="error", error=err))


def _evidence_files(s, sub: Submission, *, mark_missing: bool = False) -> list[EvidenceFile]:
    """The submission's files as the verifier sees them; files never read become unreadable evidence."""
    files: list[EvidenceFile] = []
    for f in sub.files:
        doc = records.find_document(s, f.sha256) if f.sha256 else None
        if f.status == "error" or doc is None:
            if mark_missing and doc is None and f.status != "error":
                f.status, f.error_code = "error", ErrorCode.INTERNAL.value
                f.error_message = "Tệp chưa đọc được do lỗi hệ thống; hãy nộp lại."
            files.append(_error_file(f))
            continue
        if mark_missing:
            f.status, f.error_code, f.error_message = doc.status, doc.error_code, doc.error_message
        files.append(EvidenceFile(records.load_ingested(s, doc, f.name), records.load_extraction(doc, f.name)))
    return files


def verify_submission(svc: Service, submission_id: str) -> None:
    with svc.db.session() as s:
        sub = s.get(Submission, submission_id)
        try:
            rubric = load_rubric(sub.rubric)
        except Exception as exc:  # a bundled rubric that no longer loads: the submission cannot be checked
            sub.status, sub.error_code, sub.error_message = "failed", ErrorCode.RUBRIC_INVALID.value, str(exc)
            return
        try:
            sheet = read_sheet(svc.blobs.local_path(sub.sheet_sha256), name=sub.sheet_name, settings=svc.settings)
        except SheetError as exc:  # read at intake; refused now only if the caps or the code changed since
            sub.status, sub.error_code, sub.error_message = "failed", exc.code.value, exc.message_vi
            return
        files = _evidence_files(s, sub, mark_missing=True)
        report = verify(sheet, rubric, files, unit=sub.unit.name if sub.unit else None, year=sub.year,
                        tool_version=tool_version())
        if sub.unit is None and report.unit:
            sub.unit = records.unit_by_name(s, report.unit)
        sub.year = sub.year or report.year
        records.store_report(s, sub, report)
        sub.status = "done"
        batch_id = sub.batch_id
    if batch_id:
        update_batch(svc, batch_id)


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


def update_batch(svc: Service, batch_id: str) -> None:
    """When every unit of the batch is verified: the cross-unit duplicate check, then the summary.
    Units are loaded one at a time; only their small fingerprints are kept."""
    from models.report import Report
    from verifier import apply_duplicates, duplicate_findings, findings_for, fingerprints

    with svc.db.session() as s:
        subs = s.scalars(select(Submission).where(Submission.batch_id == batch_id)).all()
        if any(sub.status in ("queued", "running") for sub in subs):
            return
        ids = [sub.id for sub in subs if sub.report]
    prints = []
    for sid in ids:
        with svc.db.session() as s:
            sub = s.get(Submission, sid)
            report = Report.model_validate(sub.report)
            prints.extend(fingerprints(report, _evidence_files(s, sub), load_rubric(sub.rubric)))
    found = duplicate_findings(prints)
    reports = []
    for sid in ids:
        with svc.db.session() as s:
            sub = s.get(Submission, sid)
            report = Report.model_validate(sub.report)
            updated = apply_duplicates(report, findings_for(found, report.unit or ""))
            if updated is not report:
                records.store_report(s, sub, updated)
            reports.append((sub.source, updated))
    with svc.db.session() as s:
        batch = s.get(Batch, batch_id)
        rejected = (batch.summary or {}).get("rejected_units", [])
        summary = summarise([r for _n, r in reports], [n for n, _r in reports])
        batch.summary = {**summary, "rejected_units": rejected}
        batch.status = "done"
