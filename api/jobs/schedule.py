"""Scheduling: a job row created once per key and enqueued; what a submission, a long file, a read file or
a campaign unit's additions need next. The database row says whether work is done — ``schedule`` never enqueues work that is
queued, running or finished, unless told that a finished job's result is missing."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import PIPELINE_VERSION
from models.tables import AdditionalFile, Blob, Explanation, JobRow, PagePart, Submission, SubmissionFile, utcnow

from ..service import batches, campaigns, documents, intake, rechecks, submissions
from ..service.access import Principal
from ..service.status import OPEN_SUBMISSION, READ_JOBS, FileStatus, JobKind, JobStatus, SubmissionStatus
from ..service.store import records
from .keys import (
    INGEST_FUNC,
    MERGE_FUNC,
    RANGE_FUNC,
    RECHECK_FUNC,
    VERIFY_FUNC,
    ingest_key,
    merge_key,
    range_key,
    recheck_key,
    verify_key,
)
from .runtime import Runtime

log = logging.getLogger(__name__)

SECONDS_PER_PAGE = 20  # generous per-page budget for the job timeout (OCR ~3 s/page here)
MAX_ATTEMPTS = 5  # enqueues of one job (each with RQ's own retries) before it is given up


def page_ranges(pages: int, per_job: int) -> list[tuple[int, int]]:
    per_job = max(per_job, 1)
    return [(a, min(a + per_job - 1, pages)) for a in range(1, pages + 1, per_job)]


def _timeout_for_pages(pages: int) -> int:
    return int(120 + SECONDS_PER_PAGE * max(pages, 1))


def schedule(rt: Runtime, *, kind: str, key: str, func: str, args: tuple[Any, ...], pages: int = 0,
             sha256: str | None = None, submission_id: str | None = None, force: bool = False,
             redo_finished: bool = False) -> bool:
    """Create the job row if new and enqueue it. Returns False when the work is already queued or done.

    ``redo_finished``: the caller found that a ``finished`` job's result is missing (a row written
    by an older version that took a failed store for success): run it again."""
    timeout = _timeout_for_pages(pages)
    with rt.db.session() as s:
        row = s.scalar(select(JobRow).where(JobRow.key == key))
        if row is None:
            row = JobRow(key=key, kind=kind, sha256=sha256, submission_id=submission_id, timeout=timeout,
                         pages_total=pages, status=JobStatus.QUEUED, attempts=0)
            s.add(row)
            try:
                s.flush()
            except IntegrityError:  # another process created it first
                s.rollback()
                return False
        elif not force and (row.status in (JobStatus.QUEUED, JobStatus.STARTED)
                            or (row.status == JobStatus.FINISHED and not redo_finished)):
            return False
        attempt = row.attempts + 1
        rq_id = re.sub(r"[^A-Za-z0-9_-]", "_", f"{key}-a{attempt}")  # RQ's allowed id characters
        row.status, row.rq_id, row.enqueued_at, row.attempts = JobStatus.QUEUED, rq_id, utcnow(), attempt
        row.error_code = row.error_message = None
    _enqueue(rt, func, args, rq_id, timeout)
    return True


def _enqueue(rt: Runtime, func: str, args: tuple[Any, ...], rq_id: str, timeout: int) -> None:
    try:
        rt.queue.enqueue(func, args, rq_id, timeout)
    except Exception as exc:  # broker down: the row stays queued and the reconciler retries
        log.warning("enqueue failed; reconciler will retry", extra={"job": rq_id, "error": str(exc)})


def schedule_ingest(rt: Runtime, sha256: str, pages: int) -> int:
    """One job for the file, or — past ``job_pages`` pages — one per page range and a merge.

    Nothing when the blob has its document. Without one, a ``finished`` job of it did not keep its
    promise and runs again (a range whose part is stored is done; when all are, the merge is due).
    Returns how many jobs were enqueued."""
    if documents.has_document(rt, sha256):
        return 0
    if pages <= rt.settings.job_pages:
        return int(schedule(rt, kind=JobKind.INGEST, key=ingest_key(sha256), func=INGEST_FUNC, args=(sha256,),
                            pages=pages, sha256=sha256, redo_finished=True))
    stored = stored_parts(rt, sha256)
    n = 0
    for first, last in page_ranges(pages, rt.settings.job_pages):
        n += schedule(rt, kind=JobKind.INGEST, key=range_key(sha256, first, last), func=RANGE_FUNC,
                      args=(sha256, first, last), pages=last - first + 1, sha256=sha256,
                      redo_finished=first not in stored)
    return n + schedule_merge_if_complete(rt, sha256, stored)


def stored_parts(rt: Runtime, sha256: str) -> set[int]:
    """First pages of the page ranges of a long file stored so far."""
    with rt.db.session() as s:
        return set(s.scalars(select(PagePart.first_page).where(
            PagePart.sha256 == sha256, PagePart.pipeline_version == PIPELINE_VERSION)).all())


def schedule_merge_if_complete(rt: Runtime, sha256: str, stored: set[int] | None = None) -> int:
    """Schedule the merge of a long file once every page range is stored."""
    stored = stored_parts(rt, sha256) if stored is None else stored
    with rt.db.session() as s:
        blob = s.get(Blob, sha256)
        wanted = {a for a, _b in page_ranges((blob.page_count if blob else None) or 1, rt.settings.job_pages)}
        done = records.find_document(s, sha256) is not None
    if done or not wanted <= stored:
        return 0
    return int(schedule(rt, kind=JobKind.MERGE, key=merge_key(sha256), func=MERGE_FUNC, args=(sha256,),
                        sha256=sha256, redo_finished=True))


def schedule_verify(rt: Runtime, submission_id: str) -> bool:
    return schedule(rt, kind=JobKind.VERIFY, key=verify_key(submission_id), func=VERIFY_FUNC, args=(submission_id,),
                    submission_id=submission_id)


def schedule_submission(rt: Runtime, submission_id: str) -> int:
    """Enqueue ingest for every file not yet read, or verification when all are read (files given up
    for good count as read: the verification reports them unreadable). Returns the jobs enqueued."""
    with rt.db.session() as s:
        sub = records.submission(s, submission_id)
        pending: dict[str, int] = {}
        for f in files_waiting(rt, s, sub):
            sha = f.sha256 or ""  # (files waiting always have a blob)
            blob = s.get(Blob, sha)
            pending[sha] = (blob.page_count or 1) if blob else 1
        if sub.status == SubmissionStatus.QUEUED:
            sub.status = SubmissionStatus.RUNNING
    n = sum(schedule_ingest(rt, sha, pages) for sha, pages in pending.items())
    if not pending:
        n += schedule_verify(rt, submission_id)
    return n


def after_ingest(rt: Runtime, sha256: str) -> None:
    """Schedule verification of every submission whose files are now all read, and the re-check of every
    campaign unit that added the file (once all its additional files are read)."""
    with rt.db.session() as s:
        subs = s.scalars(select(Submission.id).join(SubmissionFile).where(
            SubmissionFile.sha256 == sha256, Submission.status.in_(OPEN_SUBMISSION))).all()
        units = rechecks.units_of_file(s, sha256)
    for sid in set(subs):
        with rt.db.session() as s:
            waiting = files_waiting(rt, s, records.submission(s, sid))
        if not waiting:
            schedule_verify(rt, sid)
    for campaign_id, unit_id in units:
        schedule_recheck(rt, campaign_id, unit_id)


def schedule_recheck(rt: Runtime, campaign_id: str, unit_id: int) -> bool:
    """The unit's re-check (round 2), when some criterion got files or explanations since its newest re-check
    and every additional file of those criteria is read (a file given up for good counts as read: the
    re-check reports it unreadable). Keyed by the additions: the same ones are re-checked once. Returns
    False when nothing is due, or it is queued or done already."""
    with rt.db.session() as s:
        due = rechecks.pending(s, campaign_id, unit_id)
        waiting = [sha for sha in due.unread if not given_up(rt, s, sha)]
    if not due.touched or waiting:
        return False
    return schedule(rt, kind=JobKind.RECHECK, key=recheck_key(campaign_id, unit_id, due.digest), func=RECHECK_FUNC,
                    args=(campaign_id, unit_id, due.digest), submission_id=due.submission_id)


def add_file(rt: Runtime, p: Principal, campaign_id: str, unit: str, code: str, path: Path,
             name: str) -> AdditionalFile:
    """A unit's additional file for a questioned criterion (``service.campaigns.add_file``), its reading
    scheduled unless its content is read already (which costs nothing), and the unit's re-check once every
    additional file is read."""
    row = campaigns.add_file(rt, p, campaign_id, unit, code, path, name)
    if not documents.has_document(rt, row.sha256):
        with rt.db.session() as s:
            blob = s.get(Blob, row.sha256)
            pages = blob.page_count if blob is not None and blob.page_count else 1
        schedule_ingest(rt, row.sha256, pages)
    schedule_recheck(rt, row.campaign_id, row.unit_id)
    return row


def add_explanation(rt: Runtime, p: Principal, campaign_id: str, unit: str, code: str, text: str) -> Explanation:
    """A unit's explanation of a questioned criterion (``service.campaigns.add_explanation``) and the unit's
    re-check of the criteria it touched, once every additional file is read."""
    row = campaigns.add_explanation(rt, p, campaign_id, unit, code, text)
    schedule_recheck(rt, row.campaign_id, row.unit_id)
    return row


def given_up(rt: Runtime, s: Session, sha256: str) -> bool:
    """Has the reading of this content failed for good (retries exhausted, nothing left in the broker)?"""
    jobs = s.scalars(select(JobRow).where(JobRow.sha256 == sha256, JobRow.kind.in_(READ_JOBS))).all()
    return any(job.status == JobStatus.FAILED and job.attempts >= MAX_ATTEMPTS
               and not (job.rq_id and rt.queue.is_pending(job.rq_id)) for job in jobs)


def files_waiting(rt: Runtime, s: Session, sub: Submission) -> list[SubmissionFile]:
    """Evidence files not yet read. A file whose ingest failed for good (retries exhausted) is not waiting:
    the verification reports it as unreadable."""
    waiting = []
    for f in sub.files:
        if (not f.sha256 or f.status == FileStatus.ERROR or f.kind not in records.EVIDENCE
                or records.find_document(s, f.sha256)):
            continue  # nothing to read: rejected at intake (its error is recorded), or read already
        if given_up(rt, s, f.sha256):
            continue  # given up for good: verified without it, reported unreadable
        waiting.append(f)
    return waiting


# --------------------------------------------------------------------------- intake, then the jobs


def submit(rt: Runtime, source: Path, **kwargs: Any) -> str:
    """Store a submission (``service.submissions.create_submission``'s arguments) and schedule its jobs."""
    sub_id = submissions.create_submission(rt, source, **kwargs)
    schedule_submission(rt, sub_id)
    return sub_id


def submit_batch(rt: Runtime, source: Path, *, display: str, year: int | None, rubric: str,
                 created_by: int | None) -> str:
    """Store a batch and its units' submissions, schedule their jobs; the summary follows the last unit."""
    batch_id, ids = batches.create_batch(rt, source, display=display, year=year, rubric=rubric,
                                         created_by=created_by)
    for sid in ids:
        schedule_submission(rt, sid)
    batches.update_batch(rt, batch_id)
    return batch_id


def submit_document(rt: Runtime, path: Path) -> str:
    """Store one evidence file sent alone and schedule its reading (unless it is read already)."""
    sha, pages = documents.intake_document(rt, path)
    if not documents.has_document(rt, sha):
        schedule_ingest(rt, sha, pages)
    return sha


def submit_upload(rt: Runtime, p: Principal, files: list[intake.Upload], *, unit: str | None, year: int | None,
                  rubric: str) -> str:
    """A submission uploaded by ``p`` (one ZIP, or a sheet plus files), stored and scheduled."""
    unit_name = intake.check_upload(p, unit, rubric)
    tmp = Path(tempfile.mkdtemp(prefix="kiemchung-up-"))
    try:
        root = intake.submission_root(intake.save_uploads(files, tmp), tmp)
        return submit(rt, root, display=intake.display_name(files), unit=unit_name, year=year, rubric=rubric,
                      created_by=p.token_id, required_unit=None if p.is_staff else p.unit_name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def submit_upload_batch(rt: Runtime, p: Principal, upload: intake.Upload, *, year: int | None, rubric: str) -> str:
    """A province's batch uploaded as one ZIP (one folder or ZIP per unit), stored and scheduled."""
    intake.check_upload(p, None, rubric)
    tmp = Path(tempfile.mkdtemp(prefix="kiemchung-up-"))
    try:
        [path] = intake.save_uploads([upload], tmp)
        intake.require_zip(path)
        return submit_batch(rt, path, display=upload.filename or "batch.zip", year=year, rubric=rubric,
                            created_by=p.token_id)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def submit_upload_document(rt: Runtime, upload: intake.Upload) -> str:
    """One evidence file uploaded alone, stored and scheduled; returns its sha256."""
    tmp = Path(tempfile.mkdtemp(prefix="kiemchung-doc-"))
    try:
        [path] = intake.save_uploads([upload], tmp)
        return submit_document(rt, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
