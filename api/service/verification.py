"""Verifying a stored submission (the ``verify`` job's work): its files as the verifier sees them, the
verdicts, the report stored. It reads what is stored and writes the report; it schedules nothing."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.errors import ErrorCode, ErrorInfo
from models.extraction import Extraction
from models.pages import FileKind, IngestedFile
from models.tables import Submission, SubmissionFile
from verifier import EvidenceFile, RubricError, SheetError, load_rubric, read_sheet, verify

from .context import Context
from .status import FileStatus, SubmissionStatus
from .store import records
from .version import tool_version


def _error_file(f: SubmissionFile) -> EvidenceFile:
    err = ErrorInfo(code=ErrorCode(f.error_code) if f.error_code in ErrorCode.__members__ else ErrorCode.INTERNAL,
                    message=f.error_message or "not read", message_vi=f.error_message or "Không đọc được tệp.")
    ing = IngestedFile(name=f.name, sha256=f.sha256 or "", kind=FileKind(f.kind) if f.kind in FileKind._value2member_map_
                       else FileKind.UNKNOWN, status=FileStatus.ERROR, error=err)
    return EvidenceFile(ing, Extraction(file=f.name, status=FileStatus.ERROR, error=err))


def evidence_files(s: Session, sub: Submission, *, mark_missing: bool = False) -> list[EvidenceFile]:
    """The submission's files as the verifier sees them; files never read become unreadable evidence."""
    files: list[EvidenceFile] = []
    for f in sub.files:
        doc = records.find_document(s, f.sha256) if f.sha256 else None
        if f.status == FileStatus.ERROR or doc is None:
            if mark_missing and doc is None and f.status != FileStatus.ERROR:
                f.status, f.error_code = FileStatus.ERROR, ErrorCode.INTERNAL.value
                f.error_message = "Tệp chưa đọc được do lỗi hệ thống; hãy nộp lại."
            files.append(_error_file(f))
            continue
        if mark_missing:
            f.status, f.error_code, f.error_message = doc.status, doc.error_code, doc.error_message
        files.append(EvidenceFile(records.load_ingested(s, doc, f.name), records.load_extraction(doc, f.name)))
    return files


def verify_submission(ctx: Context, submission_id: str) -> str | None:
    """Verify the submission and store its report (or why it cannot be checked). Returns its batch id,
    whose summary may now be due."""
    with ctx.db.session() as s:
        sub = records.submission(s, submission_id)
        try:
            rubric = load_rubric(sub.rubric)
        except RubricError as exc:  # a rubric that no longer loads: the submission cannot be checked
            sub.status, sub.error_code = SubmissionStatus.FAILED, ErrorCode.RUBRIC_INVALID.value
            sub.error_message = exc.message_vi  # shown to people, like a sheet's error below
            return None
        try:
            sheet = read_sheet(ctx.blobs.local_path(sub.sheet_sha256 or ""), name=sub.sheet_name, settings=ctx.settings)
        except SheetError as exc:  # read at intake; refused now only if the caps or the code changed since
            sub.status, sub.error_code, sub.error_message = SubmissionStatus.FAILED, exc.code.value, exc.message_vi
            return None
        files = evidence_files(s, sub, mark_missing=True)
        report = verify(sheet, rubric, files, unit=sub.unit.name if sub.unit else None, year=sub.year,
                        tool_version=tool_version())
        if sub.unit is None and report.unit:
            sub.unit = records.unit_by_name(s, report.unit)
        sub.year = sub.year or report.year
        records.store_report(s, sub, report)
        sub.status = SubmissionStatus.DONE
        return sub.batch_id
