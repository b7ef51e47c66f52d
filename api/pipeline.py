"""The `check` job: a submission folder or ZIP → ingest → extract → verify → reports.

The same functions serve the CLI (embedded, in-process pool) and, later, the
RQ jobs of the service.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import extractors
import ingest
from models import PIPELINE_VERSION
from models.claims import Sheet
from models.errors import ErrorCode, ErrorInfo
from models.extraction import Extraction
from models.pages import FileKind, IngestedFile
from models.report import Report
from models.settings import Settings, get_settings
from verifier import (
    DocumentFingerprint,
    EvidenceFile,
    SheetError,
    fingerprints,
    load_rubric,
    read_sheet,
    verify,
    write_html,
    write_json,
    write_xlsx,
)

log = logging.getLogger(__name__)

SHEET_KINDS = {FileKind.XLSX, FileKind.CSV, FileKind.JSON}
EVIDENCE_KINDS = {FileKind.PDF, FileKind.JPEG, FileKind.PNG, FileKind.TIFF}


class CheckError(Exception):
    """The submission as a whole cannot be checked (no sheet, bad rubric). Carries a stable code."""

    def __init__(self, code: ErrorCode, message: str, message_vi: str):
        super().__init__(message)
        self.info = ErrorInfo(code=code, message=message, message_vi=message_vi)


@dataclass
class CheckResult:
    report: Report
    outputs: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    fingerprints: list[DocumentFingerprint] = field(default_factory=list)  # for the cross-unit duplicate check


def write_reports(report: Report, out_dir: Path, evidence_root: Path | None = None) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return {
        "json": write_json(report, out_dir / "report.json"),
        "xlsx": write_xlsx(report, out_dir / "report.xlsx", evidence_root=evidence_root),
        "html": write_html(report, out_dir / "report.html"),
    }


def extract_file(f: IngestedFile) -> Extraction:
    if f.status != "ok":
        return Extraction(file=f.name, sha256=f.sha256, pages=f.page_count, status="error", error=f.error)
    try:
        return extractors.extract(f)
    except Exception as exc:  # one bad file must not stop the submission
        log.exception("extraction failed", extra={"file": f.name})
        return Extraction(file=f.name, sha256=f.sha256, pages=f.page_count, status="error",
                          error=ErrorInfo(code=ErrorCode.INTERNAL, message=f"extraction failed: {exc}",
                                          message_vi="Lỗi nội bộ khi trích xuất thông tin từ tệp."))


def pick_sheet(entries: list[ingest.Entry], sheet_name: str | None) -> tuple[ingest.Entry, Sheet]:
    candidates = [e for e in entries if e.kind in SHEET_KINDS]
    if sheet_name:
        candidates = [e for e in candidates if e.name == sheet_name or Path(e.name).name == sheet_name]
    if not candidates:
        raise CheckError(ErrorCode.NO_SHEET, "no self-assessment sheet (XLSX, CSV or JSON) in the submission",
                         "Không tìm thấy bảng tự đánh giá (XLSX, CSV hoặc JSON) trong hồ sơ.")
    readable: list[tuple[ingest.Entry, Sheet]] = []
    errors: list[str] = []
    for e in candidates:
        try:
            readable.append((e, read_sheet(e.path, name=e.name)))
        except SheetError as exc:
            errors.append(f"{e.name}: {exc.message_vi}")
    if not readable:
        raise CheckError(ErrorCode.SHEET_INVALID, "no readable self-assessment sheet: " + "; ".join(errors),
                         "Không đọc được bảng tự đánh giá: " + "; ".join(errors))
    if len(readable) > 1:
        names = ", ".join(e.name for e, _ in readable)
        raise CheckError(ErrorCode.MANY_SHEETS, f"several sheets found ({names}); choose one with --sheet",
                         f"Có nhiều bảng tự đánh giá ({names}); hãy chọn một bảng bằng --sheet.")
    return readable[0]


def run_check(
    path: Path,
    *,
    year: int | None = None,
    unit: str | None = None,
    rubric: str = "par-reference",
    sheet_name: str | None = None,
    out_dir: Path | None = None,
    settings: Settings | None = None,
    progress: Callable[[object], None] | None = None,
    tool_version: str = "",
) -> CheckResult:
    settings = settings or get_settings()
    started = time.monotonic()
    try:
        rub = load_rubric(rubric)
    except Exception as exc:
        raise CheckError(ErrorCode.RUBRIC_INVALID, str(exc), f"Bộ tiêu chí không hợp lệ: {exc}") from exc
    workdir = Path(tempfile.mkdtemp(prefix="kiemchung-"))
    try:
        expanded = ingest.expand_submission(path, workdir, settings)
        sheet_entry, sheet = pick_sheet(expanded.entries, sheet_name)
        evidence = [e for e in expanded.entries if e.kind in EVIDENCE_KINDS]
        ignored = [e for e in expanded.entries if e.kind not in EVIDENCE_KINDS and e is not sheet_entry]
        log.info("submission expanded", extra={"path": str(path), "evidence": len(evidence),
                                               "rejected": len(expanded.rejected), "sheet": sheet_entry.name})
        ingested = ingest.ingest_files(evidence, settings=settings, progress=progress)
        for e in ignored:
            ingested.append(IngestedFile(
                name=e.name, kind=e.kind, status="error",
                error=ErrorInfo(code=ErrorCode.UNSUPPORTED_TYPE,
                                message=f"not an evidence file ({e.kind.value}); only one sheet is read",
                                message_vi="Không phải tệp minh chứng (PDF, ảnh); chỉ đọc một bảng tự đánh giá."),
            ))
        ingested.extend(expanded.rejected)
        files = [EvidenceFile(f, extract_file(f)) for f in ingested]
        report = verify(sheet, rub, files, unit=unit, year=year, tool_version=tool_version)
        prints = fingerprints(report, files, rub)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result = CheckResult(report=report, seconds=time.monotonic() - started, fingerprints=prints)
    if out_dir is not None:
        result.outputs = write_reports(report, out_dir, path if path.is_dir() else None)
    log.info("check finished", extra={"seconds": round(result.seconds, 2), "pipeline": PIPELINE_VERSION,
                                      "criteria": len(report.criteria)})
    return result
