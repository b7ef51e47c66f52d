"""Batches: a folder or ZIP with one submission (folder or ZIP) per unit (found by ``intake``). The one
cross-unit duplicate check lives here, for the service's batches and for the CLI's: the same document
attached by several units is a finding in each. Then the summary (summary.json, summary.xlsx)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

import ingest
from models.errors import ErrorCode
from models.report import Finding, Report, Verdict
from models.tables import Batch, Submission
from verifier import DocumentFingerprint, apply_duplicates, duplicate_findings, findings_for, fingerprints, load_rubric
from verifier.messages import local_time
from verifier.reports import write_row
from verifier.reports.xlsx_report import SCORE_FORMAT, print_setup

from .context import Context
from .errors import ServiceError
from .intake import find_units
from .status import OPEN_SUBMISSION, BatchStatus, FileStatus, UnitStatus
from .store import records
from .submissions import create_submission
from .verification import evidence_files

log = logging.getLogger(__name__)
DuplicateFindings = dict[tuple[str, str], list[Finding]]  # (unit, file) → its DUPLICATE_EVIDENCE findings


def unit_fingerprints(s: Session, sub: Submission, report: Report) -> list[DocumentFingerprint]:
    """The small per-document fingerprints of one checked unit, all the duplicate check keeps of it."""
    return fingerprints(report, evidence_files(s, sub), load_rubric(sub.rubric))


def duplicates_across(prints: list[DocumentFingerprint]) -> DuplicateFindings:
    """The duplicates among every unit's fingerprints (computed once per batch)."""
    return duplicate_findings(prints)


def with_duplicates(report: Report, found: DuplicateFindings) -> Report:
    """The unit's report with its share of the duplicates found (the same object when it has none)."""
    return apply_duplicates(report, findings_for(found, report.unit or ""))


def create_batch(ctx: Context, source: Path, *, display: str, year: int | None, rubric: str,
                 created_by: int | None) -> tuple[str, list[str]]:
    """Store a batch and one submission per unit; a unit that cannot be read is recorded as rejected.
    Returns the batch id and its submissions' ids (nothing is scheduled yet)."""
    workdir = Path(tempfile.mkdtemp(prefix="kiemchung-batch-"))
    try:
        root = source
        if source.is_file():
            ingest.expand_submission(source, workdir, ctx.settings)  # inner ZIPs stay on disk as unit submissions
            root = workdir
        units = find_units(root)
        if not units:
            raise ServiceError(ErrorCode.NO_SHEET, "no unit submissions (one folder or ZIP per unit) in the batch",
                               "Lô hồ sơ không có hồ sơ đơn vị nào (mỗi đơn vị một thư mục hoặc tệp ZIP).")
        with ctx.db.session() as s:
            batch = Batch(source=display, year=year, rubric=rubric, created_by=created_by, status=BatchStatus.RUNNING)
            s.add(batch)
            s.flush()
            batch_id = batch.id
        errors = []
        ids = []
        for name, path in units:
            try:
                ids.append(create_submission(ctx, path, display=name, year=year, rubric=rubric,
                                             created_by=created_by, batch_id=batch_id))
            except ServiceError as exc:
                errors.append({"unit": name, "code": exc.code.value, "message": exc.message_vi})
        with ctx.db.session() as s:
            records.batch(s, batch_id).summary = {"rejected_units": errors}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return batch_id, ids


def update_batch(ctx: Context, batch_id: str) -> None:
    """When every unit of the batch is verified: the cross-unit duplicate check, then the summary.
    Units are loaded one at a time; only their small fingerprints are kept."""
    with ctx.db.session() as s:
        subs = s.scalars(select(Submission).where(Submission.batch_id == batch_id)).all()
        if any(sub.status in OPEN_SUBMISSION for sub in subs):
            return
        ids = [sub.id for sub in subs if sub.report]
    prints: list[DocumentFingerprint] = []
    for sid in ids:
        with ctx.db.session() as s:
            sub = records.submission(s, sid)
            prints.extend(unit_fingerprints(s, sub, Report.model_validate(sub.report)))
    found = duplicates_across(prints)
    reports = []
    for sid in ids:
        with ctx.db.session() as s:
            sub = records.submission(s, sid)
            report = Report.model_validate(sub.report)
            updated = with_duplicates(report, found)
            if updated is not report:
                records.store_report(s, sub, updated)
            reports.append((sub.source, updated))
    with ctx.db.session() as s:
        batch = records.batch(s, batch_id)
        rejected = (batch.summary or {}).get("rejected_units", [])
        summary = summarise([r for _n, r in reports], [n for n, _r in reports])
        batch.summary = {**summary, "rejected_units": rejected}
        batch.status = BatchStatus.DONE


def summary_row(name: str, report: Report | None, error: str | None = None, code: str | None = None) -> dict[str, Any]:
    """A unit's line of the batch summary; a rejected unit's carries its reason in Vietnamese (``error``, for
    people) and its stable code (``error_code``, for programs)."""
    if report is None:
        return {"unit": name, "status": UnitStatus.ERROR, "error": error, "error_code": code}
    counts = {v.value: 0 for v in Verdict}
    for c in report.criteria:
        counts[c.verdict.value] += 1
    return {
        "unit": report.unit or name,
        "folder": name,
        "status": UnitStatus.OK,
        "year": report.year,
        "claimed_total": report.totals.claimed_score,
        "supported_total": report.totals.supported_score,
        "max_total": report.totals.max_score,
        "refuted": counts["REFUTED"],
        "not_enough_evidence": counts["NOT_ENOUGH_EVIDENCE"],
        "manual_review": counts["MANUAL_REVIEW"],
        "supported": counts["SUPPORTED"],
        "files_failed": [f.name for f in report.files if f.status != FileStatus.OK],
        "duplicate_findings": sum(1 for c in report.criteria for f in c.findings if f.code.value == "DUPLICATE_EVIDENCE"),
    }


def summarise(reports: list[Report], names: list[str] | None = None) -> dict[str, Any]:
    names = names or [r.unit or "?" for r in reports]
    return {"units": [summary_row(n, r) for n, r in zip(names, reports, strict=True)]}


SUMMARY_HEADER = ["Đơn vị", "Thư mục", "Điểm tự đánh giá", "Điểm theo minh chứng", "Điểm tối đa", "Không khớp",
                  "Thiếu minh chứng", "Cần thẩm định thủ công", "Khớp minh chứng", "Tệp lỗi", "Minh chứng trùng lặp",
                  "Lỗi"]
SUMMARY_WIDTHS = [36, 24, 12, 12, 10, 10, 10, 12, 10, 30, 12, 40]
# 1-based columns → number format: scores with the report's Vietnamese decimal comma, counts as whole numbers
SUMMARY_FORMATS = {3: SCORE_FORMAT, 4: SCORE_FORMAT, 5: SCORE_FORMAT, 6: "0", 7: "0", 8: "0", 9: "0", 11: "0"}
_WRAP = Alignment(wrap_text=True, vertical="top")


def write_summary(summary: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """summary.json, and summary.xlsx printed like the report: A4 landscape, one page wide, the header row
    repeated on every page and frozen, scores and counts as numbers in Vietnamese formats."""
    out_dir.mkdir(parents=True, exist_ok=True)
    jpath = out_dir / "summary.json"
    jpath.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    for c in write_row(ws, 1, SUMMARY_HEADER):
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for r, row in enumerate(summary["units"], start=2):  # unit and file names are the units' own text
        cells = write_row(ws, r, [row.get("unit"), row.get("folder"), row.get("claimed_total"),
                                  row.get("supported_total"), row.get("max_total"), row.get("refuted"),
                                  row.get("not_enough_evidence"), row.get("manual_review"), row.get("supported"),
                                  "\n".join(row.get("files_failed") or []), row.get("duplicate_findings"),
                                  row.get("error")])
        for col, c in enumerate(cells, start=1):
            c.alignment = _WRAP
            if col in SUMMARY_FORMATS and isinstance(c.value, int | float):
                c.number_format = SUMMARY_FORMATS[col]
    for col, width in enumerate(SUMMARY_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    print_setup(ws, 1, len(SUMMARY_HEADER))
    ws.oddHeader.center.text = f"Tổng hợp kết quả kiểm tra tài liệu kiểm chứng — lập lúc {local_time(dt.datetime.now(dt.UTC))}"
    xpath = out_dir / "summary.xlsx"
    wb.save(xpath)
    return {"json": jpath, "xlsx": xpath}


def safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "unit"
