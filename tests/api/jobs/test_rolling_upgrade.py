"""RQ stores a job's function as a dotted path: ``api.jobs.<task>`` is part of the wire format. A job
enqueued by an older release under those names still runs after the move into ``api/jobs/``: resolved by
the in-process queue, and by a real RQ worker from a real Redis."""

from __future__ import annotations

from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import select

from api import jobs
from api.jobs import keys, tasks
from api.jobs.queue import RQJobQueue, resolve_function
from api.jobs.runtime import configure
from api.jobs.schedule import submit
from api.service.status import JobStatus, SubmissionStatus
from models.settings import Settings
from models.tables import JobRow, Submission

from .conftest import submission

# the names stored in Redis by releases before the move (api/jobs.py held the task functions)
OLD_NAMES = ["api.jobs.ingest_job", "api.jobs.ingest_jobs", "api.jobs.ingest_range_job", "api.jobs.merge_job",
             "api.jobs.verify_job"]


def test_the_names_are_the_old_ones_and_resolve_to_the_tasks():
    assert list(keys.FUNCS) == ["api.jobs.ingest_job", "api.jobs.ingest_jobs", "api.jobs.ingest_range_job",
                                "api.jobs.merge_job", "api.jobs.verify_job"]
    assert sorted(keys.FUNCS) == sorted(OLD_NAMES)
    for name in OLD_NAMES:
        task = resolve_function(name)
        assert task is getattr(tasks, name.rsplit(".", 1)[1]) is getattr(jobs, name.rsplit(".", 1)[1])


def test_a_job_enqueued_under_the_old_name_finishes(tmp_path, redis_url):
    """The queue holds a verify job under ``api.jobs.verify_job`` (as an older release enqueued it); an RQ
    worker of this release runs it."""
    settings = Settings(data_dir=tmp_path / "data", redis_url=redis_url, queue_name="kiemchung-upgrade", workers=1)
    rt = configure(settings)
    assert isinstance(rt.queue, RQJobQueue)
    sid = submit(rt, submission(tmp_path, {}), display="upgrade")  # a sheet alone: its verify job is enqueued
    redis = Redis.from_url(redis_url)
    queued = Queue("kiemchung-upgrade", connection=redis).jobs
    assert [j.func_name for j in queued] == ["api.jobs.verify_job"]
    SimpleWorker([Queue("kiemchung-upgrade", connection=redis)], connection=redis).work(burst=True)
    with rt.db.session() as s:
        assert s.get(Submission, sid).status == SubmissionStatus.DONE
        assert s.scalar(select(JobRow.status).where(JobRow.key == keys.verify_key(sid))) == JobStatus.FINISHED
