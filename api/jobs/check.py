"""One check in this process, as the CLI runs it: a submission (or a batch of them) stored in the
embedded service, its jobs run by the in-process queue, the reports written. Nothing in the service
imports it."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

import ingest
from models import PIPELINE_VERSION
from models.errors import ErrorCode
from models.report import Report
from models.settings import Settings, get_settings
from models.tables import JobRow
from verifier import DocumentFingerprint

from ..service import batches
from ..service.errors import ServiceError
from ..service.intake import find_units
from ..service.progress import submission_progress
from ..service.reports import write_reports
from ..service.status import OPEN_SUBMISSION, SubmissionStatus
from ..service.store import records
from .keys import verify_key
from .queue import LocalJobQueue
from .reconcile import reconcile
from .runtime import Runtime, configure
from .schedule import submit

log = logging.getLogger(__name__)


@dataclass
class CheckResult:
    report: Report
    outputs: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    fingerprints: list[DocumentFingerprint] = field(default_factory=list)  # for the cross-unit duplicate check


def run_check(
    path: Path,
    *,
    year: int | None = None,
    unit: str | None = None,
    rubric: str = "par-reference",
    sheet_name: str | None = None,
    out_dir: Path | None = None,
    settings: Settings | None = None,
    progress: Callable[[Any], None] | None = None,
    tool_version: str = "",
) -> CheckResult:
    """Check one submission in this process: the service's own path — the submission stored in the
    embedded database (SQLite in the data dir unless KIEMCHUNG_DATABASE_URL says otherwise), the same
    job functions run by the in-process queue, OCR on a pool of one single-threaded Tesseract per core.

    ``progress`` receives objects with ``file``, ``overall_pages_done`` and ``overall_pages_total``.
    """
    settings = settings or get_settings()
    started = time.monotonic()
    rt = configure(settings, embedded=True)
    sub_id = submit(rt, path, display=str(path), unit=unit, year=year, rubric=rubric, sheet_name=sheet_name)
    _wait(rt, sub_id, progress)
    with rt.db.session() as s:
        sub = records.submission(s, sub_id)
        if sub.status != SubmissionStatus.DONE or not sub.report:
            job = s.scalar(select(JobRow).where(JobRow.key == verify_key(sub_id)))
            raise ServiceError(ErrorCode(sub.error_code) if sub.error_code in ErrorCode.__members__ else ErrorCode.INTERNAL,
                               f"check failed: {sub.error_message or (job.error_message if job else 'unknown')}",
                               f"Không kiểm tra được hồ sơ: {sub.error_message or 'lỗi nội bộ'}")
        report = Report.model_validate(sub.report)
        if tool_version:
            report.tool_version = tool_version
        prints = batches.unit_fingerprints(s, sub, report)
    result = CheckResult(report=report, seconds=time.monotonic() - started, fingerprints=prints)
    if out_dir is not None:
        result.outputs = write_reports(report, out_dir, path if path.is_dir() else None)
    log.info("check finished", extra={"seconds": round(result.seconds, 2), "pipeline": PIPELINE_VERSION,
                                      "criteria": len(report.criteria), "submission": sub_id})
    return result


def _idle(rt: Runtime) -> bool:
    return not isinstance(rt.queue, LocalJobQueue) or rt.queue.idle()


def _wait(rt: Runtime, sub_id: str, progress: Callable[[Any], None] | None) -> None:
    """Wait for the in-process queue to finish the submission, reporting page progress.

    Whenever the queue is idle while the submission is still open, the reconciler runs: nothing of
    this process is running then, so a ``started`` job older than a few heartbeats was left by an
    earlier run that was killed, and a failed job is retried (up to its limit, then given up and the
    file reported unreadable). When even the reconciler finds nothing to do, the check fails with
    that reason instead of waiting for ever."""
    idle_rounds = 0
    while True:
        with rt.db.session() as s:
            sub = records.submission(s, sub_id)
            status = sub.status
            if progress is not None:
                prog = submission_progress(s, sub)
                progress(SimpleNamespace(file=f"{prog.files_done}/{prog.files_total} tệp",
                                         overall_pages_done=prog.pages_done,
                                         overall_pages_total=prog.pages_total or None))
        if status not in OPEN_SUBMISSION:
            return
        if _idle(rt):
            idle_rounds += 1
            if idle_rounds >= 2:  # idle on two looks in a row, not between two jobs
                counts = reconcile(rt, stale_after=3 * rt.settings.heartbeat_seconds)
                if not any(counts.values()) and _idle(rt):
                    with rt.db.session() as s:
                        sub = records.submission(s, sub_id)
                        if sub.status in OPEN_SUBMISSION:
                            sub.status, sub.error_code = SubmissionStatus.FAILED, ErrorCode.INTERNAL.value
                            sub.error_message = "processing stopped: no job is queued or running for this submission"
                    continue
                idle_rounds = 0
        else:
            idle_rounds = 0
        time.sleep(0.3)


def run_batch(path: Path, *, out_dir: Path, settings: Settings, rubric: str, year: int | None,
              progress: Callable[[Any], None] | None = None,
              tool_version: str = "") -> tuple[dict[str, Any], dict[str, Path]]:
    """Check every unit of a batch (folder or ZIP), then the cross-unit duplicate check; returns the
    summary and its files. Only reports and small fingerprints are kept between units."""
    workdir = Path(tempfile.mkdtemp(prefix="kiemchung-batch-"))
    checked: list[tuple[str, Path | None, Report]] = []
    prints: list[DocumentFingerprint] = []
    rows: dict[str, dict[str, Any]] = {}
    try:
        root = path
        if path.is_file():
            ingest.expand_submission(path, workdir, settings)  # inner ZIPs stay on disk as unit submissions
            root = workdir
        for name, unit_path in find_units(root):
            try:
                result = run_check(unit_path, year=year, rubric=rubric, settings=settings, progress=progress,
                                   tool_version=tool_version)
            except ServiceError as exc:
                log.warning("unit rejected", extra={"unit": name, "code": exc.code.value})
                rows[name] = batches.summary_row(name, None, exc.message_vi, exc.code.value)
                continue
            checked.append((name, unit_path if unit_path.is_dir() else None, result.report))
            prints.extend(result.fingerprints)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    found = batches.duplicates_across(prints)
    for name, evidence_root, report in checked:
        report = batches.with_duplicates(report, found)
        write_reports(report, out_dir / batches.safe_name(name), evidence_root)
        rows[name] = batches.summary_row(name, report)
    summary = {"units": [rows[k] for k in sorted(rows)]}
    return summary, batches.write_summary(summary, out_dir)
