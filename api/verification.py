"""Verifying a stored submission (the ``verify`` job's work) and finishing its batch.

Below both the job functions (``jobs``) and submission intake (``submissions``): it reads what
is stored and writes the report; it schedules nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from models.errors import ErrorCode, ErrorInfo
from models.extraction import Extraction
from models.pages import FileKind, IngestedFile
from models.report import Report
from models.tables import Batch, Submission, SubmissionFile
from verifier import (
    EvidenceFile,
    SheetError,
    apply_duplicates,
    duplicate_findings,
    findings_for,
    fingerprints,
    load_rubric,
    read_sheet,
    verify,
)

from . import records
from .batch import summarise
from .service import Service
from .version import tool_version


def _error_file(f: SubmissionFile) -> EvidenceFile:
    err = ErrorInfo(code=ErrorCode(f.error_code) if f.error_code in ErrorCode.__members__ else ErrorCode.INTERNAL,
                    message=f.error_message or "not read", message_vi=f.error_message or "Không đọc được tệp.")
    ing = IngestedFile(name=f.name, sha256=f.sha256 or "", kind=FileKind(f.kind) if f.kind in FileKind._value2member_map_
                       else FileKind.UNKNOWN, status="error", error=err)
    return EvidenceFile(ing, Extraction(file=f.name, status="error", error=err))


def evidence_files(s, sub: Submission, *, mark_missing: bool = False) -> list[EvidenceFile]:
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
        files = evidence_files(s, sub, mark_missing=True)
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


def update_batch(svc: Service, batch_id: str) -> None:
    """When every unit of the batch is verified: the cross-unit duplicate check, then the summary.
    Units are loaded one at a time; only their small fingerprints are kept."""
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
            prints.extend(fingerprints(report, evidence_files(s, sub), load_rubric(sub.rubric)))
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
