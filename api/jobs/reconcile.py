"""Reconciliation: the database says what is unfinished, the broker what it still holds; whatever the
broker lost (a Redis restart) or a dead worker abandoned (a stale heartbeat) is enqueued again — unique
keys make re-running harmless. Every worker runs it in the background; ``kiemchung reconcile`` on demand."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from sqlalchemy import select

from models.errors import ErrorCode
from models.tables import JobRow, Submission, utcnow

from ..service import campaigns, rechecks
from ..service.status import OPEN_SUBMISSION, READ_JOBS, JobKind, JobStatus, SubmissionStatus
from ..service.store import records
from .keys import job_call
from .runtime import Runtime
from .schedule import MAX_ATTEMPTS, after_ingest, files_waiting, schedule, schedule_recheck, schedule_submission

log = logging.getLogger(__name__)


def reconcile(rt: Runtime, *, stale_after: float | None = None) -> dict[str, int]:
    """Re-enqueue what the database says is unfinished and the broker no longer holds.

    - ``started`` with a stale heartbeat: its worker died (SIGKILL, lost machine) → re-enqueue;
    - ``queued`` but unknown to the broker: Redis lost it (restart, flush) → re-enqueue;
    - ``failed`` and no longer retried by the broker: re-enqueue until ``MAX_ATTEMPTS``, then give
      up for good — an ingest job's file is reported unreadable, a verification fails its submission.

    And in every campaign: a unit whose additional files and explanations are due for a re-check gets it
    scheduled; a unit's step past its deadline gets its automatic lock recorded.
    """
    stale_after = rt.settings.job_stale_seconds if stale_after is None else stale_after
    now = utcnow()
    stale_before = now - dt.timedelta(seconds=stale_after)
    counts = {"requeued_lost": 0, "requeued_abandoned": 0, "requeued_failed": 0, "given_up": 0,
              "verify_scheduled": 0, "stuck": 0, "recheck_scheduled": 0, "auto_locked": 0}
    with rt.db.session() as s:
        rows = s.scalars(select(JobRow).where(
            JobRow.status.in_((JobStatus.QUEUED, JobStatus.STARTED, JobStatus.FAILED)))).all()
        snapshot = [(r.key, r.kind, r.status, r.rq_id, r.sha256, r.submission_id, _aware(r.heartbeat_at),
                     _aware(r.enqueued_at), r.pages_total, r.attempts) for r in rows]
    given_up: list[tuple[str, str | None, str | None]] = []
    for key, kind, status, rq_id, sha, sid, beat, enq, pages, attempts in snapshot:
        if status == JobStatus.STARTED and (beat is None or beat < stale_before):
            reason = "requeued_abandoned"
        elif (status == JobStatus.QUEUED and rq_id and not rt.queue.is_pending(rq_id)
              and (enq is None or enq < now - dt.timedelta(seconds=2))):
            reason = "requeued_lost"
        elif status == JobStatus.FAILED and not (rq_id and rt.queue.is_pending(rq_id)):
            if attempts >= MAX_ATTEMPTS:
                given_up.append((kind, sha, sid))
                continue
            reason = "requeued_failed"
        else:
            continue
        func, args = job_call(kind, key, sha, sid)
        if schedule(rt, kind=kind, key=key, func=func, args=args, pages=pages, sha256=sha, submission_id=sid,
                    force=True):
            counts[reason] += 1
            log.warning("job re-enqueued", extra={"job": key, "reason": reason})
    for kind, sha, sid in given_up:
        if kind in READ_JOBS and sha:
            after_ingest(rt, sha)  # its submissions go on without the file
        elif kind == JobKind.RECHECK:
            log.error("re-check given up; the appraisers score the criteria without it", extra={"submission": sid})
        else:
            with rt.db.session() as s:
                sub = s.get(Submission, sid)
                if sub is not None and sub.status in OPEN_SUBMISSION:
                    sub.status, sub.error_code = SubmissionStatus.FAILED, ErrorCode.INTERNAL.value
                    sub.error_message = f"verification failed {MAX_ATTEMPTS} times; see the jobs table"
                    counts["given_up"] += 1
    # open submissions without a verification: schedule what they still need (a read that never
    # ran, or finished without its document; the verification once every file is read)
    with rt.db.session() as s:
        open_subs = s.scalars(select(Submission.id).where(Submission.status.in_(OPEN_SUBMISSION))).all()
        known = set(s.scalars(select(JobRow.submission_id).where(JobRow.kind == JobKind.VERIFY)).all())
    for sid in open_subs:
        if sid in known:
            continue
        if schedule_submission(rt, sid):
            counts["verify_scheduled"] += 1
        elif not _in_progress(rt, sid):
            counts["stuck"] += 1
            log.error("submission cannot progress: nothing is queued or running for it and nothing could be "
                      "scheduled; see its files and the jobs table", extra={"submission": sid})
    # campaigns: a unit whose additions are due for a re-check (every file read) and have none queued — a
    # crash between storing a file and scheduling, or a read that finished without its follow-up
    with rt.db.session() as s:
        candidates = rechecks.units_with_additions(s)
    for campaign_id, unit_id in candidates:
        if schedule_recheck(rt, campaign_id, unit_id):
            counts["recheck_scheduled"] += 1
    # campaigns: a unit's step whose deadline passed is locked; the audit trail records when
    counts["auto_locked"] = campaigns.sweep_deadlines(rt)
    return counts


def _in_progress(rt: Runtime, submission_id: str) -> bool:
    """Is a job of one of the submission's unread files queued, running, or still being retried?"""
    with rt.db.session() as s:
        shas = {f.sha256 for f in files_waiting(rt, s, records.submission(s, submission_id))}
        jobs = s.scalars(select(JobRow).where(JobRow.sha256.in_(shas))).all() if shas else []
        return any(j.status in (JobStatus.QUEUED, JobStatus.STARTED)
                   or (j.status == JobStatus.FAILED and j.attempts < MAX_ATTEMPTS) for j in jobs)


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    if t is not None and t.tzinfo is None:
        return t.replace(tzinfo=dt.UTC)
    return t


class Reconciler(threading.Thread):
    """Runs ``reconcile`` every ``reconcile_seconds`` in the background of a worker or server."""

    def __init__(self, rt: Runtime):
        super().__init__(name="kiemchung-reconciler", daemon=True)
        self.rt = rt
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.rt.settings.reconcile_seconds):
            try:
                reconcile(self.rt)
            except Exception:
                log.exception("reconcile failed")

    def stop(self) -> None:
        self._stop_event.set()
