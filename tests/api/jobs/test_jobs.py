"""Reconciliation rules, on the embedded queue and a real database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from api.jobs.keys import verify_key
from api.jobs.reconcile import reconcile
from api.jobs.runtime import configure
from api.jobs.schedule import MAX_ATTEMPTS
from api.jobs.schedule import submit as create_submission
from models.settings import Settings
from models.tables import JobRow, Submission, utcnow
from tests.conftest import EXAMPLE


def _service(tmp_path, shared_data_dir):
    return configure(Settings(data_dir=shared_data_dir, database_url=f"sqlite:///{tmp_path / 'k.db'}",
                              reconcile_seconds=3600), embedded=True)


def test_failed_jobs_are_retried_then_given_up(tmp_path, shared_data_dir):
    svc = _service(tmp_path, shared_data_dir)
    sid = create_submission(svc, EXAMPLE, display="example")
    svc.queue.join()
    with svc.db.session() as s:
        assert s.get(Submission, sid).status == "done"
        job = s.scalar(select(JobRow).where(JobRow.key == verify_key(sid)))
        # as if the verification had failed with a transient error and RQ had stopped retrying
        job.status, job.attempts = "failed", 2
        s.get(Submission, sid).status = "running"
    assert reconcile(svc)["requeued_failed"] == 1
    svc.queue.join()
    with svc.db.session() as s:
        assert s.get(Submission, sid).status == "done"
        assert s.scalar(select(JobRow).where(JobRow.key == verify_key(sid))).attempts == 3
        job = s.scalar(select(JobRow).where(JobRow.key == verify_key(sid)))
        job.status, job.attempts = "failed", MAX_ATTEMPTS
        s.get(Submission, sid).status = "running"
    counts = reconcile(svc)
    assert counts["given_up"] == 1 and counts["requeued_failed"] == 0
    with svc.db.session() as s:
        sub = s.get(Submission, sid)
        assert sub.status == "failed" and "verification failed" in sub.error_message


def test_lost_queued_jobs_are_enqueued_again(tmp_path, shared_data_dir):
    svc = _service(tmp_path, shared_data_dir)
    sid = create_submission(svc, EXAMPLE, display="example")
    svc.queue.join()
    with svc.db.session() as s:
        job = s.scalar(select(JobRow).where(JobRow.key == verify_key(sid)))
        job.status, job.rq_id = "queued", "lost-in-a-redis-restart"
        job.enqueued_at = utcnow() - dt.timedelta(minutes=1)
        s.get(Submission, sid).status = "running"
    assert reconcile(svc, stale_after=0)["requeued_lost"] == 1
    svc.queue.join()
    with svc.db.session() as s:
        assert s.get(Submission, sid).status == "done"


def test_long_files_are_read_in_page_ranges_and_merged(tmp_path, shared_data_dir):
    """With one page per job, every two-page file is split into two range jobs and a merge."""
    from sqlalchemy import func

    from models.report import Report
    from models.tables import Document, PagePart, PageRow
    from tests.api.cli.test_check_example import EXPECTED

    svc = configure(Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'k.db'}",
                             reconcile_seconds=3600, job_pages=1), embedded=True)
    sid = create_submission(svc, EXAMPLE, display="example")
    svc.queue.join()
    with svc.db.session() as s:
        sub = s.get(Submission, sid)
        assert sub.status == "done"
        got = {c.code: (c.claimed_score, c.supported_score, c.verdict) for c in Report.model_validate(sub.report).criteria}
        assert got == {k: (v[0], v[1], v[2]) for k, v in EXPECTED.items()}
        keys = set(s.scalars(select(JobRow.key)).all())
        ranges = [k for k in keys if k.endswith(("p1-1", "p2-2"))]
        merges = [k for k in keys if k.startswith("merge:")]
        assert len(merges) == 3 and len(ranges) == 6  # three two-page files in the example
        assert s.scalar(select(func.count()).select_from(PagePart)) == 0  # parts dropped after the merge
        docs = s.scalars(select(Document)).all()
        assert len(docs) == 7
        assert s.scalar(select(func.count()).select_from(PageRow)) == sum(d.page_count for d in docs)
