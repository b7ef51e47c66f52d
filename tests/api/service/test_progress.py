"""Progress tells the truth (#15 item 4): totals are the files and pages known at upload (page counts come
from the preflight, before any OCR), a job that has started but not reported a page yet does not shrink
them, what is done only grows, the share stays under 100 % until the submission is checked, and a file
refused at intake is finished at once with its reason. Real PostgreSQL, real PDFs, real ingest."""

from __future__ import annotations

from pathlib import Path

from api.jobs.keys import ingest_key
from api.service import documents, progress
from api.service.status import FileState, JobKind, JobStatus, SubmissionStatus
from api.service.store import records
from api.service.submissions import create_submission
from ingest import Entry, detect_kind, ingest_files
from models.tables import JobRow, utcnow
from tests.api.jobs.conftest import submission
from tests.ingest.builders import write


def _files(svc, sid):
    with svc.db.session() as s:
        sub = records.submission(s, sid)
        items = progress.file_progress(s, sub)
        return {i.name: i for i in items}, progress.submission_progress(s, sub, items)


def _sha(items, name: str) -> str:
    sha = items[name].sha256
    assert sha
    return sha


def test_totals_are_known_at_upload_and_progress_never_goes_back(svc, tmp_path: Path):
    folder = submission(tmp_path, {"a.pdf": 2, "b.pdf": 3, "c.pdf": 1})
    write(folder, "hong.pdf", b"%PDF-1.4\n1 0 obj <<>> broken")
    sid = create_submission(svc, folder, display="nop")  # stored, nothing scheduled: no job, no document

    items, p = _files(svc, sid)
    assert (p.files_total, p.pages_total) == (4, 6), p  # every file, and the pages of those that open
    assert items["hong.pdf"].state == FileState.ERROR  # refused at intake: finished at once, with its reason
    assert items["hong.pdf"].error and items["hong.pdf"].error.code == "CORRUPT_PDF" and items["hong.pdf"].error.message
    assert (p.files_done, p.files_failed, p.pages_done) == (1, 1, 0)
    assert [items[n].pages_total for n in ("a.pdf", "b.pdf", "c.pdf")] == [2, 3, 1]
    seen = [p.percent]

    # a.pdf's job has started and its heartbeat has written no page yet (0 of 0): nothing shrinks
    with svc.db.session() as s:
        s.add(JobRow(key=ingest_key(_sha(items, "a.pdf")), kind=JobKind.INGEST, sha256=_sha(items, "a.pdf"),
                     status=JobStatus.STARTED, attempts=1, timeout=180, pages_total=0, pages_done=0,
                     started_at=utcnow(), heartbeat_at=utcnow()))
    items, p = _files(svc, sid)
    assert items["a.pdf"].state == FileState.READING and (items["a.pdf"].pages_done, items["a.pdf"].pages_total) == (0, 2)
    assert (p.files_total, p.pages_total) == (4, 6)
    seen.append(p.percent)

    # one page of a.pdf read, as the heartbeat reports it
    with svc.db.session() as s:
        row = s.query(JobRow).filter_by(sha256=_sha(items, "a.pdf")).one()
        row.pages_done, row.pages_total = 1, 2
    items, p = _files(svc, sid)
    assert (p.pages_done, p.pages_total) == (1, 6)
    seen.append(p.percent)

    # c.pdf read for real and stored: 1 of 3 readable files, 2 of 6 pages — far from 100 %
    sha_c = _sha(items, "c.pdf")
    path = Path(svc.blobs.local_path(sha_c))
    [read] = ingest_files([Entry(name=sha_c, path=path, kind=detect_kind(path))], settings=svc.settings)
    documents.store_read(svc, sha_c, read)
    items, p = _files(svc, sid)
    assert items["c.pdf"].state == FileState.DONE and (p.files_done, p.pages_done, p.pages_total) == (2, 2, 6)
    seen.append(p.percent)
    assert seen == sorted(seen) and seen[-1] < 100 and seen[-1] == 100 * 2 // 6, seen

    with svc.db.session() as s:
        records.submission(s, sid).status = SubmissionStatus.DONE
    assert _files(svc, sid)[1].percent == 100  # 100 only once the submission is checked


def test_a_long_file_read_in_page_ranges_sums_its_ranges(svc, tmp_path: Path):
    folder = tmp_path / "sub"
    submission(tmp_path, {"dai.pdf": 5})
    sid = create_submission(svc, folder, display="nop")
    items, _ = _files(svc, sid)
    sha = _sha(items, "dai.pdf")
    with svc.db.session() as s:  # two range jobs, as schedule_ingest makes them past job_pages
        for first, last, done in ((1, 3, 3), (4, 5, 1)):
            s.add(JobRow(key=f"range:{sha}:{first}-{last}", kind=JobKind.INGEST, sha256=sha, status=JobStatus.STARTED,
                         attempts=1, timeout=180, pages_total=last - first + 1, pages_done=done))
    items, p = _files(svc, sid)
    assert (items["dai.pdf"].pages_done, items["dai.pdf"].pages_total) == (4, 5) and (p.pages_done, p.pages_total) == (4, 5)


def test_a_file_given_up_shows_its_reason_once_the_check_went_on(svc, tmp_path: Path):
    sid = create_submission(svc, submission(tmp_path, {"a.pdf": 2}), display="nop")
    items, _ = _files(svc, sid)
    with svc.db.session() as s:  # its reading failed for good; the submission was verified without it
        s.add(JobRow(key=ingest_key(_sha(items, "a.pdf")), kind=JobKind.INGEST, sha256=_sha(items, "a.pdf"),
                     status=JobStatus.FAILED, attempts=5, timeout=180, pages_total=2, pages_done=1,
                     error_code="INTERNAL", error_message="RuntimeError: worker lost"))
    assert _files(svc, sid)[0]["a.pdf"].state == FileState.QUEUED  # open: RQ or the reconciler may still retry it
    with svc.db.session() as s:
        records.submission(s, sid).status = SubmissionStatus.DONE
    items, p = _files(svc, sid)
    assert items["a.pdf"].state == FileState.ERROR and items["a.pdf"].error.code == "INTERNAL"
    assert items["a.pdf"].error.message == progress.GIVEN_UP_VI  # for people: Vietnamese, not the worker's trace
    assert (p.files_done, p.files_failed, p.pages_done, p.percent) == (1, 1, 2, 100)
