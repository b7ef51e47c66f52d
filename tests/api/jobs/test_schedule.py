"""Scheduling with the in-process queue and SQLite: one job row per key, enqueued once; a submission's
reads then its verification; a long file read as page ranges and merged."""

from __future__ import annotations

from sqlalchemy import select

from api.jobs.keys import VERIFY_FUNC, ingest_key, merge_key, range_key, verify_key
from api.jobs.runtime import configure
from api.jobs.schedule import page_ranges, schedule, schedule_submission, submit
from api.service.status import JobKind, JobStatus, SubmissionStatus
from api.service.store import records
from models.settings import Settings
from models.tables import JobRow, PagePart, Submission

from .conftest import submission


def _jobs(rt) -> dict[str, tuple[str, int]]:
    with rt.db.session() as s:
        return {j.key: (j.status, j.attempts) for j in s.scalars(select(JobRow))}


def test_page_ranges():
    assert page_ranges(95, 40) == [(1, 40), (41, 80), (81, 95)]
    assert page_ranges(40, 40) == [(1, 40)]
    assert page_ranges(3, 0) == [(1, 1), (2, 2), (3, 3)]  # never a range of no pages


def test_a_sheet_alone_is_verified_at_once(rt, tmp_path):
    sid = submit(rt, submission(tmp_path, {}), display="sheet only")
    rt.queue.join()
    assert _jobs(rt) == {verify_key(sid): (JobStatus.FINISHED, 1)}
    with rt.db.session() as s:
        assert s.get(Submission, sid).status == SubmissionStatus.DONE


def test_a_key_is_enqueued_once(rt, tmp_path):
    sid = submit(rt, submission(tmp_path, {}), display="once")
    rt.queue.join()
    again = dict(kind=JobKind.VERIFY, key=verify_key(sid), func=VERIFY_FUNC, args=(sid,), submission_id=sid)
    assert schedule(rt, **again) is False  # finished: nothing to do
    assert schedule_submission(rt, sid) == 0
    assert schedule(rt, **again, redo_finished=True) is True  # its result was found missing: run again
    rt.queue.join()
    assert _jobs(rt)[verify_key(sid)] == (JobStatus.FINISHED, 2)


def test_reads_then_verification(rt, tmp_path):
    sid = submit(rt, submission(tmp_path, {"a.pdf": 1, "b.pdf": 2}), display="two files")
    rt.queue.join()
    with rt.db.session() as s:
        sub = s.get(Submission, sid)
        assert sub.status == SubmissionStatus.DONE
        shas = {f.name: f.sha256 for f in sub.files}
        assert all(records.find_document(s, sha) is not None for sha in shas.values())
    jobs = _jobs(rt)
    assert jobs == {ingest_key(shas["a.pdf"]): (JobStatus.FINISHED, 1), ingest_key(shas["b.pdf"]): (JobStatus.FINISHED, 1),
                    verify_key(sid): (JobStatus.FINISHED, 1)}


def test_the_same_file_in_two_submissions_is_read_once(rt, tmp_path):
    first = submit(rt, submission(tmp_path / "1", {"a.pdf": 1}), display="first")
    second = submit(rt, submission(tmp_path / "2", {"a.pdf": 1}), display="second")
    rt.queue.join()
    reads = [k for k in _jobs(rt) if k.startswith("ingest:")]
    assert len(reads) == 1
    with rt.db.session() as s:
        assert {s.get(Submission, i).status for i in (first, second)} == {SubmissionStatus.DONE}


def test_a_long_file_is_read_as_page_ranges_and_merged(tmp_path):
    rt = configure(Settings(data_dir=tmp_path / "data", workers=1, job_pages=2), embedded=True)
    sid = submit(rt, submission(tmp_path, {"long.pdf": 5}), display="long")
    rt.queue.join()
    with rt.db.session() as s:
        sub = s.get(Submission, sid)
        [f] = sub.files
        sha = f.sha256
        doc = records.find_document(s, sha)
        assert sub.status == SubmissionStatus.DONE and doc is not None and doc.page_count == 5
        assert s.scalars(select(PagePart).where(PagePart.sha256 == sha)).all() == []  # parts dropped after the merge
    jobs = _jobs(rt)
    assert {range_key(sha, a, b) for a, b in [(1, 2), (3, 4), (5, 5)]} | {merge_key(sha), verify_key(sid)} == set(jobs)
    assert {status for status, _n in jobs.values()} == {JobStatus.FINISHED}
    assert ingest_key(sha) not in jobs  # no whole-file read of a long file
