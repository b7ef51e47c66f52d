"""Job functions (run by RQ workers or the in-process queue), scheduling and reconciliation.

Keys derive from content + pipeline version (``ingest:<sha256>:<version>``), so the same
file attached by many units is read once. The database row says whether work is done:
a worker killed mid-job leaves a stale heartbeat, a Redis restart loses the queue — the
reconciler re-enqueues both, and unique keys make re-running harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

import ingest
from models import PIPELINE_VERSION
from models.errors import ErrorCode
from models.pages import IngestedFile
from models.tables import Blob, JobRow, PagePart, Submission, SubmissionFile, utcnow

from . import records
from .pipeline import extract_file
from .service import Service, current
from .verification import verify_submission

log = logging.getLogger(__name__)

INGEST_FUNC = "api.jobs.ingest_job"
INGEST_BATCH_FUNC = "api.jobs.ingest_jobs"
RANGE_FUNC = "api.jobs.ingest_range_job"
MERGE_FUNC = "api.jobs.merge_job"
VERIFY_FUNC = "api.jobs.verify_job"
_RANGE_KEY = re.compile(r":p(\d+)-(\d+)$")
SECONDS_PER_PAGE = 20  # generous per-page budget for the job timeout (OCR ~3 s/page here)


def ingest_key(sha256: str) -> str:
    return f"ingest:{sha256}:{PIPELINE_VERSION}"


def range_key(sha256: str, first: int, last: int) -> str:
    return f"{ingest_key(sha256)}:p{first}-{last}"


def merge_key(sha256: str) -> str:
    return f"merge:{sha256}:{PIPELINE_VERSION}"


def job_call(kind: str, key: str, sha256: str | None, submission_id: str | None) -> tuple[str, tuple]:
    """The function and arguments of a job row (to enqueue it again)."""
    if kind == "verify":
        return VERIFY_FUNC, (submission_id,)
    if kind == "merge":
        return MERGE_FUNC, (sha256,)
    m = _RANGE_KEY.search(key)
    if m:
        return RANGE_FUNC, (sha256, int(m.group(1)), int(m.group(2)))
    return INGEST_FUNC, (sha256,)


def page_ranges(pages: int, per_job: int) -> list[tuple[int, int]]:
    per_job = max(per_job, 1)
    return [(a, min(a + per_job - 1, pages)) for a in range(1, pages + 1, per_job)]


def schedule_ingest(svc: Service, sha256: str, pages: int) -> int:
    """One job for the file, or — past ``job_pages`` pages — one per page range and a merge.

    Nothing when the blob has its document. Without one, a ``finished`` job of it did not keep its
    promise and runs again (a range whose part is stored is done; when all are, the merge is due).
    Returns how many jobs were enqueued."""
    with svc.db.session() as s:
        if records.find_document(s, sha256) is not None:
            return 0
    if pages <= svc.settings.job_pages:
        return int(schedule(svc, kind="ingest", key=ingest_key(sha256), func=INGEST_FUNC, args=(sha256,),
                            pages=pages, sha256=sha256, redo_finished=True))
    stored = _stored_parts(svc, sha256)
    n = 0
    for first, last in page_ranges(pages, svc.settings.job_pages):
        n += schedule(svc, kind="ingest", key=range_key(sha256, first, last), func=RANGE_FUNC,
                      args=(sha256, first, last), pages=last - first + 1, sha256=sha256,
                      redo_finished=first not in stored)
    return n + _schedule_merge_if_complete(svc, sha256, stored)


def _stored_parts(svc: Service, sha256: str) -> set[int]:
    """First pages of the page ranges of a long file stored so far."""
    with svc.db.session() as s:
        return set(s.scalars(select(PagePart.first_page).where(
            PagePart.sha256 == sha256, PagePart.pipeline_version == PIPELINE_VERSION)).all())


def _schedule_merge_if_complete(svc: Service, sha256: str, stored: set[int] | None = None) -> int:
    """Schedule the merge of a long file once every page range is stored."""
    stored = _stored_parts(svc, sha256) if stored is None else stored
    with svc.db.session() as s:
        blob = s.get(Blob, sha256)
        wanted = {a for a, _b in page_ranges((blob.page_count if blob else None) or 1, svc.settings.job_pages)}
        done = records.find_document(s, sha256) is not None
    if done or not wanted <= stored:
        return 0
    return int(schedule(svc, kind="merge", key=merge_key(sha256), func=MERGE_FUNC, args=(sha256,), sha256=sha256,
                        redo_finished=True))


def verify_key(submission_id: str) -> str:
    return f"verify:{submission_id}:{PIPELINE_VERSION}"


def _timeout_for_pages(pages: int) -> int:
    return int(120 + SECONDS_PER_PAGE * max(pages, 1))


# --------------------------------------------------------------------------- scheduling


def schedule(svc: Service, *, kind: str, key: str, func: str, args: tuple, pages: int = 0,
             sha256: str | None = None, submission_id: str | None = None, force: bool = False,
             redo_finished: bool = False) -> bool:
    """Create the job row if new and enqueue it. Returns False when the work is already queued or done.

    ``redo_finished``: the caller found that a ``finished`` job's result is missing (a row written
    by an older version that took a failed store for success): run it again."""
    timeout = _timeout_for_pages(pages)
    with svc.db.session() as s:
        row = s.scalar(select(JobRow).where(JobRow.key == key))
        if row is None:
            row = JobRow(key=key, kind=kind, sha256=sha256, submission_id=submission_id, timeout=timeout,
                         pages_total=pages, status="queued", attempts=0)
            s.add(row)
            try:
                s.flush()
            except IntegrityError:  # another process created it first
                s.rollback()
                return False
        elif not force and (row.status in ("queued", "started")
                            or (row.status == "finished" and not redo_finished)):
            return False
        attempt = row.attempts + 1
        rq_id = re.sub(r"[^A-Za-z0-9_-]", "_", f"{key}-a{attempt}")  # RQ's allowed id characters
        row.status, row.rq_id, row.enqueued_at, row.attempts = "queued", rq_id, utcnow(), attempt
        row.error_code = row.error_message = None
    _enqueue(svc, func, args, rq_id, timeout)
    return True


def _enqueue(svc: Service, func: str, args: tuple, rq_id: str, timeout: int) -> None:
    try:
        svc.queue.enqueue(func, args, rq_id, timeout)
    except Exception as exc:  # broker down: the row stays queued and the reconciler retries
        log.warning("enqueue failed; reconciler will retry", extra={"job": rq_id, "error": str(exc)})


def schedule_submission(svc: Service, submission_id: str) -> int:
    """Enqueue ingest for every file not yet read, or verification when all are read (files given up
    for good count as read: the verification reports them unreadable). Returns the jobs enqueued."""
    with svc.db.session() as s:
        sub = s.get(Submission, submission_id)
        pending: dict[str, int] = {}
        for f in files_waiting(svc, s, sub):
            blob = s.get(Blob, f.sha256)
            pending[f.sha256] = (blob.page_count or 1) if blob else 1
        if sub.status == "queued":
            sub.status = "running"
    n = sum(schedule_ingest(svc, sha, pages) for sha, pages in pending.items())
    if not pending:
        n += schedule(svc, kind="verify", key=verify_key(submission_id), func=VERIFY_FUNC, args=(submission_id,),
                      submission_id=submission_id)
    return n


# --------------------------------------------------------------------------- running


class _Run:
    """A running job: heartbeat thread, page progress, final status."""

    def __init__(self, svc: Service, key: str):
        self.svc, self.key = svc, key
        self._stop = threading.Event()
        self._pages_done = 0
        self._pages_total = 0
        self._thread = threading.Thread(target=self._beat, daemon=True)
        self.done = False

    def start(self) -> bool:
        with self.svc.db.session() as s:
            row = s.scalar(select(JobRow).where(JobRow.key == self.key))
            if row is None or row.status == "finished":
                return False
            row.status, row.started_at, row.heartbeat_at = "started", utcnow(), utcnow()
            row.worker = f"{socket.gethostname()}:{os.getpid()}"
        self._thread.start()
        return True

    def _beat(self) -> None:
        while not self._stop.wait(self.svc.settings.heartbeat_seconds):
            try:
                with self.svc.db.session() as s:
                    s.execute(update(JobRow).where(JobRow.key == self.key).values(
                        heartbeat_at=utcnow(), pages_done=self._pages_done, pages_total=self._pages_total))
            except Exception as exc:
                log.warning("heartbeat failed", extra={"job": self.key, "error": str(exc)})

    def progress(self, event) -> None:
        self._pages_done, self._pages_total = event.pages_done, event.pages_total

    def finish(self, status: str, code: str | None = None, message: str | None = None) -> None:
        self.done = True
        self._stop.set()
        with self.svc.db.session() as s:
            s.execute(update(JobRow).where(JobRow.key == self.key).values(
                status=status, finished_at=utcnow(), heartbeat_at=utcnow(), error_code=code, error_message=message,
                pages_done=self._pages_done or self._pages_total, pages_total=self._pages_total))


@contextmanager
def running(svc: Service, key: str):
    run = _Run(svc, key)
    if not run.start():
        yield None
        return
    try:
        yield run
    except Exception as exc:
        # transient (database, broker, OS): re-raised so RQ retries with back-off
        run.finish("failed", ErrorCode.INTERNAL.value, f"{type(exc).__name__}: {exc}")
        raise
    else:
        run.finish("finished")


class JobIncomplete(RuntimeError):
    """A job body returned without the state it promised (e.g. no document for its blob)."""


def _extract_and_store(svc: Service, sha256: str, f: IngestedFile) -> None:
    """Extract a read file and store it as the document of its blob (once, whoever is first).

    A file that failed is stored too: its document row, with the error code, is the blob's final
    state. It is keyed by the job's sha256, whatever the ingest result carries."""
    if f.sha256 != sha256:
        f = f.model_copy(update={"sha256": sha256})
    x = extract_file(f)
    x.pages_ocr = f.pages_ocr
    try:
        with svc.db.session() as s:
            records.store_document(s, f, x)
    except IntegrityError:
        with svc.db.session() as s:
            raced = records.find_document(s, sha256) is not None
        if not raced:
            raise  # not another worker's row: the store itself failed
        log.info("document stored by another worker", extra={"sha256": sha256})


def _require_document(svc: Service, sha256: str) -> None:
    with svc.db.session() as s:
        if records.find_document(s, sha256) is None:
            raise JobIncomplete(f"no document stored for blob {sha256}")


def ingest_job(sha256: str) -> None:
    """Read one blob (text layer or OCR), extract, store. Idempotent."""
    ingest_jobs([sha256])


def ingest_jobs(shas: list[str]) -> None:
    """``ingest_job`` for several blobs at once: their OCR pages share one page pool (the embedded
    queue hands over every ingest job it holds; RQ workers run one file each)."""
    svc = current()

    runs: list[tuple[str, _Run]] = []
    for sha in dict.fromkeys(shas):
        run = _Run(svc, ingest_key(sha))
        with svc.db.session() as s:
            done = records.find_document(s, sha) is not None
        if not run.start():
            log.info("ingest already done", extra={"sha256": sha})
        elif done:
            run.finish("finished")
        else:
            runs.append((sha, run))
    try:
        if runs:
            entries = []
            for sha, _run in runs:
                path = Path(svc.blobs.local_path(sha))
                entries.append(ingest.Entry(name=sha, path=path, kind=ingest.detect_kind(path)))
            executor = ingest.SerialExecutor() if svc.in_worker else None
            t0 = time.monotonic()

            def progress(event) -> None:
                runs[event.file_index][1].progress(event)

            results = ingest.ingest_files(entries, settings=svc.settings, progress=progress, executor=executor)
            for (sha, run), f in zip(runs, results):
                _extract_and_store(svc, sha, f)
                _require_document(svc, sha)
                run.finish("finished")
                log.info("ingested", extra={"sha256": sha, "pages": f.page_count, "ocr": len(f.pages_ocr),
                                            "status": f.status, "seconds": round(time.monotonic() - t0, 2)})
    except Exception as exc:
        # transient (database, broker, OS): recorded, then re-raised so RQ retries with back-off
        for _sha, run in runs:
            if not run.done:
                run.finish("failed", ErrorCode.INTERNAL.value, f"{type(exc).__name__}: {exc}")
        raise
    for sha in dict.fromkeys(shas):
        after_ingest(svc, sha)


def ingest_range_job(sha256: str, first: int, last: int) -> None:
    """Read pages ``first``..``last`` of a long file; the last range to finish schedules the merge."""
    svc = current()
    with running(svc, range_key(sha256, first, last)) as run:
        if run is not None:
            with svc.db.session() as s:
                done = records.find_document(s, sha256) is not None or s.scalar(select(PagePart.id).where(
                    PagePart.sha256 == sha256, PagePart.pipeline_version == PIPELINE_VERSION,
                    PagePart.first_page == first)) is not None
            if not done:
                path = Path(svc.blobs.local_path(sha256))
                entry = ingest.Entry(name=sha256, path=path, kind=ingest.detect_kind(path), pages=(first, last))
                executor = ingest.SerialExecutor() if svc.in_worker else None
                [part] = ingest.ingest_files([entry], settings=svc.settings, progress=run.progress,
                                             executor=executor)
                try:
                    with svc.db.session() as s:
                        s.add(PagePart(sha256=sha256, pipeline_version=PIPELINE_VERSION, first_page=first,
                                       last_page=last, data=part.model_dump(mode="json")))
                except IntegrityError:
                    log.info("page range stored by another worker", extra={"sha256": sha256, "first": first})
            with svc.db.session() as s:
                kept = records.find_document(s, sha256) is not None or s.scalar(select(PagePart.id).where(
                    PagePart.sha256 == sha256, PagePart.pipeline_version == PIPELINE_VERSION,
                    PagePart.first_page == first)) is not None
            if not kept:
                raise JobIncomplete(f"page range {first}-{last} of blob {sha256} was not stored")
    _schedule_merge_if_complete(svc, sha256)


def merge_job(sha256: str) -> None:
    """Join the page ranges of a long file, extract, store the document, drop the parts."""
    svc = current()

    with running(svc, merge_key(sha256)) as run:
        if run is not None:
            with svc.db.session() as s:
                done = records.find_document(s, sha256) is not None
                rows = s.scalars(select(PagePart).where(PagePart.sha256 == sha256, PagePart.pipeline_version
                                                        == PIPELINE_VERSION).order_by(PagePart.first_page)).all()
                parts = [IngestedFile.model_validate(r.data) for r in rows]
            if not done:
                _extract_and_store(svc, sha256, ingest.merge_parts(parts))
            _require_document(svc, sha256)
            with svc.db.session() as s:
                s.execute(delete(PagePart).where(PagePart.sha256 == sha256,
                                                 PagePart.pipeline_version == PIPELINE_VERSION))
    after_ingest(svc, sha256)


def after_ingest(svc: Service, sha256: str) -> None:
    """Schedule verification of every submission whose files are now all read."""
    with svc.db.session() as s:
        subs = s.scalars(select(Submission.id).join(SubmissionFile).where(
            SubmissionFile.sha256 == sha256, Submission.status.in_(("queued", "running")))).all()
    for sid in set(subs):
        with svc.db.session() as s:
            waiting = files_waiting(svc, s, s.get(Submission, sid))
        if not waiting:
            schedule(svc, kind="verify", key=verify_key(sid), func=VERIFY_FUNC, args=(sid,), submission_id=sid)


def files_waiting(svc: Service, s, sub: Submission) -> list[SubmissionFile]:
    """Evidence files not yet read. A file whose ingest failed for good (retries exhausted) is not waiting:
    the verification reports it as unreadable."""
    waiting = []
    for f in sub.files:
        if (not f.sha256 or f.status == "error" or f.kind not in records.EVIDENCE
                or records.find_document(s, f.sha256)):
            continue  # nothing to read: rejected at intake (its error is recorded), or read already
        jobs = s.scalars(select(JobRow).where(JobRow.sha256 == f.sha256, JobRow.kind.in_(("ingest", "merge")))).all()
        if any(job.status == "failed" and job.attempts >= MAX_ATTEMPTS
               and not (job.rq_id and svc.queue.is_pending(job.rq_id)) for job in jobs):
            continue  # given up for good: verified without it, reported unreadable
        waiting.append(f)
    return waiting


def verify_job(submission_id: str) -> None:
    svc = current()
    with running(svc, verify_key(submission_id)) as run:
        if run is not None:
            verify_submission(svc, submission_id)
            with svc.db.session() as s:
                sub = s.get(Submission, submission_id)
                if sub is not None and sub.status in ("queued", "running"):
                    raise JobIncomplete(f"submission {submission_id} still {sub.status} after verification")


# --------------------------------------------------------------------------- reconciliation


MAX_ATTEMPTS = 5  # enqueues of one job (each with RQ's own retries) before it is given up


def reconcile(svc: Service, *, stale_after: float | None = None) -> dict:
    """Re-enqueue what the database says is unfinished and the broker no longer holds.

    - ``started`` with a stale heartbeat: its worker died (SIGKILL, lost machine) → re-enqueue;
    - ``queued`` but unknown to the broker: Redis lost it (restart, flush) → re-enqueue;
    - ``failed`` and no longer retried by the broker: re-enqueue until ``MAX_ATTEMPTS``, then give
      up for good — an ingest job's file is reported unreadable, a verification fails its submission.
    """
    stale_after = svc.settings.job_stale_seconds if stale_after is None else stale_after
    now = utcnow()
    stale_before = now - dt.timedelta(seconds=stale_after)
    counts = {"requeued_lost": 0, "requeued_abandoned": 0, "requeued_failed": 0, "given_up": 0,
              "verify_scheduled": 0, "stuck": 0}
    with svc.db.session() as s:
        rows = s.scalars(select(JobRow).where(JobRow.status.in_(("queued", "started", "failed")))).all()
        snapshot = [(r.key, r.kind, r.status, r.rq_id, r.sha256, r.submission_id, _aware(r.heartbeat_at),
                     _aware(r.enqueued_at), r.pages_total, r.attempts) for r in rows]
    given_up: list[tuple[str, str | None, str | None]] = []
    for key, kind, status, rq_id, sha, sid, beat, enq, pages, attempts in snapshot:
        if status == "started" and (beat is None or beat < stale_before):
            reason = "requeued_abandoned"
        elif status == "queued" and rq_id and not svc.queue.is_pending(rq_id) and (enq is None or enq < now - dt.timedelta(seconds=2)):
            reason = "requeued_lost"
        elif status == "failed" and not (rq_id and svc.queue.is_pending(rq_id)):
            if attempts >= MAX_ATTEMPTS:
                given_up.append((kind, sha, sid))
                continue
            reason = "requeued_failed"
        else:
            continue
        func, args = job_call(kind, key, sha, sid)
        if schedule(svc, kind=kind, key=key, func=func, args=args, pages=pages, sha256=sha, submission_id=sid,
                    force=True):
            counts[reason] += 1
            log.warning("job re-enqueued", extra={"job": key, "reason": reason})
    for kind, sha, sid in given_up:
        if kind in ("ingest", "merge"):
            after_ingest(svc, sha)  # its submissions go on without the file
        else:
            with svc.db.session() as s:
                sub = s.get(Submission, sid)
                if sub is not None and sub.status in ("queued", "running"):
                    sub.status, sub.error_code = "failed", ErrorCode.INTERNAL.value
                    sub.error_message = f"verification failed {MAX_ATTEMPTS} times; see the jobs table"
                    counts["given_up"] += 1
    # open submissions without a verification: schedule what they still need (a read that never
    # ran, or finished without its document; the verification once every file is read)
    with svc.db.session() as s:
        open_subs = s.scalars(select(Submission.id).where(Submission.status.in_(("queued", "running")))).all()
        known = set(s.scalars(select(JobRow.submission_id).where(JobRow.kind == "verify")).all())
    for sid in open_subs:
        if sid in known:
            continue
        if schedule_submission(svc, sid):
            counts["verify_scheduled"] += 1
        elif not _in_progress(svc, sid):
            counts["stuck"] += 1
            log.error("submission cannot progress: nothing is queued or running for it and nothing could be "
                      "scheduled; see its files and the jobs table", extra={"submission": sid})
    return counts


def _in_progress(svc: Service, submission_id: str) -> bool:
    """Is a job of one of the submission's unread files queued, running, or still being retried?"""
    with svc.db.session() as s:
        shas = {f.sha256 for f in files_waiting(svc, s, s.get(Submission, submission_id))}
        jobs = s.scalars(select(JobRow).where(JobRow.sha256.in_(shas))).all() if shas else []
        return any(j.status in ("queued", "started")
                   or (j.status == "failed" and j.attempts < MAX_ATTEMPTS) for j in jobs)


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    if t is not None and t.tzinfo is None:
        return t.replace(tzinfo=dt.timezone.utc)
    return t


class Reconciler(threading.Thread):
    """Runs ``reconcile`` every ``reconcile_seconds`` in the background of a worker or server."""

    def __init__(self, svc: Service):
        super().__init__(name="kiemchung-reconciler", daemon=True)
        self.svc = svc
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.svc.settings.reconcile_seconds):
            try:
                reconcile(self.svc)
            except Exception:
                log.exception("reconcile failed")

    def stop(self) -> None:
        self._stop_event.set()
