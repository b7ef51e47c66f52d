"""The pieces of a check that every path shares (CLI, service jobs, uploads): one file's
extraction, the submission's sheet (or why there is none), the report files, ``CheckError``.

The one-process check that drives them is ``api.check``; this module imports no other
service module."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import extractors
import ingest
from models.claims import Sheet
from models.errors import ErrorCode, ErrorInfo
from models.extraction import Extraction
from models.pages import IngestedFile
from models.report import Report
from models.settings import Settings
from verifier import (
    SheetError,
    read_sheet,
    write_html,
    write_json,
    write_xlsx,
)

log = logging.getLogger(__name__)

EVIDENCE_KINDS, SHEET_KINDS = ingest.EVIDENCE_KINDS, ingest.SHEET_KINDS
_SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".json")


class CheckError(Exception):
    """The submission as a whole cannot be checked (no sheet, bad rubric). Carries a stable code."""

    def __init__(self, code: ErrorCode, message: str, message_vi: str):
        super().__init__(message)
        self.info = ErrorInfo(code=code, message=message, message_vi=message_vi)


def write_reports(report: Report, out_dir: Path, evidence_root: Path | None = None) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return {
        "json": write_json(report, out_dir / "report.json"),
        "xlsx": write_xlsx(report, out_dir / "report.xlsx", evidence_root=evidence_root),
        "html": write_html(report, out_dir / "report.html"),
    }


def extract_file(f: IngestedFile) -> Extraction:
    if f.status != "ok":
        return Extraction(file=f.name, sha256=f.sha256, pages=f.page_count, status="error", error=f.error,
                          notes=list(f.notes))
    try:
        return extractors.extract(f)
    except Exception as exc:  # one bad file must not stop the submission
        log.exception("extraction failed", extra={"file": f.name})
        return Extraction(file=f.name, sha256=f.sha256, pages=f.page_count, status="error", notes=list(f.notes),
                          error=ErrorInfo(code=ErrorCode.INTERNAL, message=f"extraction failed: {exc}",
                                          message_vi="Lỗi nội bộ khi trích xuất thông tin từ tệp."))


def _said(name: str, message_vi: str, code: ErrorCode) -> str:
    """One file's problem for people: the file, what was wrong, the code (to look up or report)."""
    text = message_vi.rstrip(" .")
    return f"{text if name in text else f'{name}: {text}'} ({code.value})"


def no_sheet_error(expanded: ingest.Expanded, sheet_name: str | None = None) -> CheckError:
    """Why no sheet was found — the archive's or the entries' own reason when expansion refused them."""
    if expanded.refused is not None:  # the whole ZIP: unreadable, too many entries, too large
        err = expanded.refused.error
        return CheckError(err.code, err.message, _said(expanded.refused.name, err.message_vi, err.code) + ".")
    refused_sheets = [r for r in expanded.rejected if Path(r.name).suffix.lower() in _SHEET_SUFFIXES]
    refused = refused_sheets or ([] if expanded.entries else expanded.rejected)
    if refused:  # the sheet was there but refused (encrypted, empty, …), or nothing at all could be taken
        code = Counter(r.error.code for r in refused).most_common(1)[0][0]
        shown = [_said(r.name, r.error.message_vi or r.error.message, r.error.code) for r in refused[:5]]
        more = f"; và {len(refused) - 5} tệp khác" if len(refused) > 5 else ""
        lead = ("Bảng tự đánh giá bị từ chối: " if refused_sheets
                else "" if len(refused) == 1 else "Không có tệp nào trong hồ sơ đọc được: ")
        return CheckError(code, "; ".join(f"{r.name}: {r.error.message}" for r in refused),
                          lead + "; ".join(shown) + more + ".")
    if len(expanded.entries) == 1 and expanded.entries[0].kind in EVIDENCE_KINDS:
        name = expanded.entries[0].name
        return CheckError(ErrorCode.NO_SHEET, f"only one evidence file ({name}); the self-assessment sheet is missing",
                          f"Hồ sơ chỉ có một tệp minh chứng ({name}), thiếu bảng tự đánh giá (XLSX, CSV hoặc JSON).")
    if sheet_name:
        return CheckError(ErrorCode.NO_SHEET, f"no self-assessment sheet named {sheet_name} in the submission",
                          f"Không tìm thấy bảng tự đánh giá {sheet_name} trong hồ sơ.")
    return CheckError(ErrorCode.NO_SHEET, "no self-assessment sheet (XLSX, CSV or JSON) in the submission",
                      "Không tìm thấy bảng tự đánh giá (XLSX, CSV hoặc JSON) trong hồ sơ.")


def pick_sheet(expanded: ingest.Expanded, sheet_name: str | None,
               settings: Settings | None = None) -> tuple[ingest.Entry, Sheet]:
    """The one readable sheet of an expanded submission, or a CheckError with the real reason: the
    archive's or entries' own code when expansion refused them, the sheet's when it cannot be read."""
    candidates = expanded.sheets
    if sheet_name:
        candidates = [e for e in candidates if e.name == sheet_name or Path(e.name).name == sheet_name]
    if not candidates:
        raise no_sheet_error(expanded, sheet_name)
    readable: list[tuple[ingest.Entry, Sheet]] = []
    errors: list[tuple[ingest.Entry, SheetError]] = []
    for e in candidates:
        try:
            readable.append((e, read_sheet(e.path, name=e.name, settings=settings)))
        except SheetError as exc:
            errors.append((e, exc))
    if not readable:
        raise CheckError(errors[0][1].code,
                         "no readable self-assessment sheet: " + "; ".join(f"{e.name}: {x.message}" for e, x in errors),
                         "Không đọc được bảng tự đánh giá: "
                         + "; ".join(_said(e.name, x.message_vi, x.code) for e, x in errors) + ".")
    if len(readable) > 1:
        names = ", ".join(e.name for e, _ in readable)
        raise CheckError(ErrorCode.MANY_SHEETS, f"several sheets found ({names}); choose one with --sheet",
                         f"Có nhiều bảng tự đánh giá ({names}); hãy chọn một bảng bằng --sheet.")
    return readable[0]


