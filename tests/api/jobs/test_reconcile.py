"""Reconciliation with the in-process queue and SQLite: each case the database can be left in — a job the
broker lost, a job whose worker died, a job that failed for good, a submission nobody scheduled — and
what ``reconcile`` makes of it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from api.jobs.keys import ingest_key, verify_key
from api.jobs.reconcile import reconcile
from api.jobs.schedule import MAX_ATTEMPTS, submit
from api.service.status import JobStatus, SubmissionStatus
from api.service.store import records
from models.errors import ErrorCode
from models.tables import Document, JobRow, Submission, utcnow

from .conftest import submission

LONG_AGO = dt.timedelta(minutes=10)


def _checked(rt, tmp_path, pages: dict[str, int]) -> str:
    sid = submit(rt, submission(tmp_path, pages), display="x")
    rt.queue.join()
    return sid


def _job(rt, key: str) -> tuple[str, int]:
    with rt.db.session() as s:
        row = s.scalar(select(JobRow).where(JobRow.key == key))
        return row.status, row.attempts


def test_nothing_to_do_after_a_clean_run(rt, tmp_path):
    _checked(rt, tmp_path, {"a.pdf": 1})
    assert not any(reconcile(rt).values())


def test_a_job_the_broker_lost_is_enqueued_again(rt, tmp_path):
    sid = _checked(rt, tmp_path, {})
    with rt.db.session() as s:  # as after a Redis restart: the row says queued, the broker knows nothing
        sub = s.get(Submission, sid)
        sub.status = SubmissionStatus.RUNNING
        row = s.scalar(select(JobRow).where(JobRow.key == verify_key(sid)))
        row.status, row.rq_id, row.enqueued_at = JobStatus.QUEUED, "lost-in-redis", utcnow() - LONG_AGO
    assert reconcile(rt)["requeued_lost"] == 1
    rt.queue.join()
    assert _job(rt, verify_key(sid)) == (JobStatus.FINISHED, 2)


def test_a_job_whose_worker_died_is_enqueued_again(rt, tmp_path):
    sid = _checked(rt, tmp_path, {"a.pdf": 1})
    with rt.db.session() as s:  # as after SIGKILL mid-read: started, heartbeat stale, no document
        sha = s.get(Submission, sid).files[0].sha256
        s.execute(delete(Document).where(Document.sha256 == sha))
        row = s.scalar(select(JobRow).where(JobRow.key == ingest_key(sha)))
        row.status, row.heartbeat_at = JobStatus.STARTED, utcnow() - LONG_AGO
    assert reconcile(rt)["requeued_abandoned"] == 1
    rt.queue.join()
    assert _job(rt, ingest_key(sha)) == (JobStatus.FINISHED, 2)
    with rt.db.session() as s:
        assert records.find_document(s, sha) is not None


def test_a_verification_that_failed_for_good_fails_its_submission(rt, tmp_path):
    sid = _checked(rt, tmp_path, {})
    with rt.db.session() as s:
        s.get(Submission, sid).status = SubmissionStatus.RUNNING
        row = s.scalar(select(JobRow).where(JobRow.key == verify_key(sid)))
        row.status, row.attempts = JobStatus.FAILED, MAX_ATTEMPTS
    assert reconcile(rt)["given_up"] == 1
    with rt.db.session() as s:
        sub = s.get(Submission, sid)
        assert (sub.status, sub.error_code) == (SubmissionStatus.FAILED, ErrorCode.INTERNAL)
    assert not any(reconcile(rt).values())  # given up once, not again


def test_an_open_submission_without_jobs_is_scheduled(rt, tmp_path):
    sid = _checked(rt, tmp_path, {"a.pdf": 1})
    with rt.db.session() as s:  # stored, but its verification never scheduled
        s.get(Submission, sid).status = SubmissionStatus.RUNNING
        s.execute(delete(JobRow).where(JobRow.key == verify_key(sid)))
    assert reconcile(rt)["verify_scheduled"] == 1
    rt.queue.join()
    with rt.db.session() as s:
        assert s.get(Submission, sid).status == SubmissionStatus.DONE
