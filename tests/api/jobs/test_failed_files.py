"""A file that fails is a stored, final state: its submission always finishes (issue #12, item 1).

Real database (SQLite embedded and PostgreSQL), real ingest, the in-process queue; the CLI as a
subprocess under a timeout, so a hang fails the test instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import func, select

from api.jobs import keys, reconcile, schedule
from api.jobs.runtime import configure
from api.jobs.schedule import submit as create_submission
from api.service.documents import store_blob, store_evidence
from api.service.store import records
from models.pages import FileKind
from models.report import Report
from models.settings import Settings
from models.tables import Blob, Document, JobRow, Submission, SubmissionFile
from tests.conftest import EXAMPLE, ROOT

CORRUPT = b"%PDF-1.7\n1 0 obj\n<<"  # the 19-byte reproduction of the issue
SHEET = EXAMPLE / "00-bang-tu-danh-gia-2024.xlsx"
GOOD = EXAMPLE / "01-KH-CCHC-2024.pdf"


def _folder(tmp_path: Path, bad: dict[str, bytes] | None = None) -> Path:
    folder = tmp_path / "sub"
    folder.mkdir()
    shutil.copy(SHEET, folder)
    shutil.copy(GOOD, folder)
    for name, data in (bad or {}).items():
        (folder / name).write_bytes(data)
    return folder


def _text_pdf(pages: int) -> bytes:
    doc = pymupdf.open()
    for i in range(pages):
        doc.new_page().insert_text((72, 72), f"Trang {i + 1}: báo cáo cải cách hành chính năm 2024")
    return doc.tobytes(garbage=0, deflate=False)  # uncompressed: a cut keeps the page tree, loses the pages


def _svc(tmp_path: Path, **kw):
    return configure(Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'k.db'}",
                              reconcile_seconds=3600, **kw), embedded=True)


def test_check_with_a_corrupt_pdf_finishes(tmp_path):
    """The issue's reproduction: the example sheet, a good PDF and the 19-byte PDF, under a timeout."""
    folder = _folder(tmp_path, {"x.pdf": CORRUPT})
    env = {**os.environ, "KIEMCHUNG_DATA_DIR": str(tmp_path / "data")}
    env.pop("KIEMCHUNG_DATABASE_URL", None)
    env.pop("KIEMCHUNG_REDIS_URL", None)
    proc = subprocess.run([sys.executable, "-m", "api", "check", str(folder), "--out", str(tmp_path / "out"),
                           "--json"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    files = {f["name"]: f for f in report["files"]}
    assert files["x.pdf"]["status"] == "error" and files["x.pdf"]["error"]["code"] == "CORRUPT_PDF"
    assert files["01-KH-CCHC-2024.pdf"]["status"] == "ok" and files["01-KH-CCHC-2024.pdf"]["number"]
    assert (tmp_path / "out" / "report.xlsx").is_file()


def test_a_file_failing_in_its_job_is_stored_with_its_error(tmp_path):
    """A blob whose read fails in its job (here one that reached the queue without intake's checks, as
    POST /documents files and rows of older versions do): the document row, keyed by the job's sha256,
    carries the error, the job is finished, and nothing is scheduled twice."""
    svc = _svc(tmp_path)
    path = tmp_path / "x.pdf"
    path.write_bytes(CORRUPT)
    with svc.db.session() as s:
        sha = store_blob(svc, s, path, FileKind.PDF)
    assert schedule.schedule_ingest(svc, sha, 1) == 1
    svc.queue.join()
    assert schedule.schedule_ingest(svc, sha, 1) == 0
    with svc.db.session() as s:
        doc = records.find_document(s, sha)
        assert doc.status == "error" and doc.error_code == "CORRUPT_PDF"
        assert s.scalar(select(JobRow).where(JobRow.key == keys.ingest_key(sha))).status == "finished"


def test_the_same_bad_file_in_two_submissions(tmp_path):
    svc = _svc(tmp_path)
    folder = _folder(tmp_path, {"x.pdf": CORRUPT})
    ids = [create_submission(svc, folder, display=name) for name in ("a", "b")]
    svc.queue.join()
    with svc.db.session() as s:
        for sid in ids:
            assert s.get(Submission, sid).status == "done"
            f = s.scalar(select(SubmissionFile).where(SubmissionFile.submission_id == sid,
                                                      SubmissionFile.name == "x.pdf"))
            assert f.status == "error" and f.error_code == "CORRUPT_PDF"
        assert s.scalars(select(JobRow.key).where(JobRow.sha256 == f.sha256)).all() == []  # refused at intake
        good = s.scalars(select(SubmissionFile.sha256).where(SubmissionFile.name == GOOD.name)).all()
        assert len(set(good)) == 1
        assert s.scalar(select(func.count()).select_from(Document).where(Document.sha256 == good[0])) == 1


def test_limits_are_checked_before_any_job_is_scheduled(tmp_path):
    """A PDF over the page limit is rejected at intake: no ingest or page-range job exists for it."""
    svc = _svc(tmp_path, max_pages=5, job_pages=2)
    folder = _folder(tmp_path, {"long.pdf": _text_pdf(12)})
    sid = create_submission(svc, folder, display="long")
    svc.queue.join()
    with svc.db.session() as s:
        assert s.get(Submission, sid).status == "done"
        f = s.scalar(select(SubmissionFile).where(SubmissionFile.name == "long.pdf"))
        assert f.status == "error" and f.error_code == "TOO_MANY_PAGES"
        assert s.get(Blob, f.sha256) is not None  # the file itself is kept
        assert s.scalars(select(JobRow.key).where(JobRow.sha256 == f.sha256)).all() == []
        report = Report.model_validate(s.get(Submission, sid).report)
    summary = {f.name: f for f in report.files}["long.pdf"]
    assert summary.status == "error" and summary.error.code.value == "TOO_MANY_PAGES"
    assert "12 trang" in summary.error.message_vi


def test_a_truncated_pdf_is_damaged_not_empty(tmp_path):
    """MuPDF repairs a PDF cut in the middle into pages with no content: that is a damaged file, and the
    criteria citing it say DOCUMENT_UNREADABLE with the reason."""
    svc = _svc(tmp_path)
    folder = _folder(tmp_path)
    shutil.copy(EXAMPLE / "04-BC-CCHC-nam-2024.pdf", folder)  # cited by 3.2.2 by its file name
    whole = _text_pdf(6)
    (folder / "04-BC-CCHC-nam-2024.pdf").write_bytes(whole[: len(whole) // 2])
    sid = create_submission(svc, folder, display="truncated")
    svc.queue.join()
    with svc.db.session() as s:
        sub = s.get(Submission, sid)
        assert sub.status == "done"
        report = Report.model_validate(sub.report)
    summary = {f.name: f for f in report.files}["04-BC-CCHC-nam-2024.pdf"]
    assert summary.status == "error" and summary.error.code.value == "CORRUPT_PDF"
    assert "mất nội dung" in summary.error.message_vi
    c = {c.code: c for c in report.criteria}["3.2.2"]
    unreadable = [f for f in c.findings if f.code.value == "DOCUMENT_UNREADABLE"]
    assert unreadable and "mất nội dung" in unreadable[0].message


def test_a_job_that_cannot_store_its_document_fails(tmp_path):
    """A store that fails (here: the blob row is missing, so the foreign key refuses the document) is a
    failed job, not a finished one; the next attempt, with the row back, stores the document."""
    svc = _svc(tmp_path)
    path = tmp_path / "doc.pdf"
    shutil.copy(GOOD, path)
    with svc.db.session() as s:
        sha = records_blob(svc, s, path)
    with svc.db.session() as s:
        s.delete(s.get(Blob, sha))
    schedule.schedule_ingest(svc, sha, 2)
    svc.queue.join()
    with svc.db.session() as s:
        job = s.scalar(select(JobRow).where(JobRow.key == keys.ingest_key(sha)))
        assert job.status == "failed" and job.error_code == "INTERNAL"
        assert records.find_document(s, sha) is None
    with svc.db.session() as s:
        records_blob(svc, s, path)
    assert reconcile.reconcile(svc)["requeued_failed"] == 1
    svc.queue.join()
    with svc.db.session() as s:
        assert records.find_document(s, sha).status == "ok"
        assert s.scalar(select(JobRow).where(JobRow.key == keys.ingest_key(sha))).status == "finished"


def records_blob(svc, s, path: Path) -> str:
    sha, check = store_evidence(svc, s, path, FileKind.PDF)
    assert check.ok
    return sha


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_reconciler_converges_on_a_finished_job_without_its_document(tmp_path, backend, request):
    """The state the old bug left behind: the read marked finished, no document, the submission running
    and no verification. The reconciler runs the read again; a second pass has nothing to do."""
    url = request.getfixturevalue("pg_url") if backend == "postgresql" else f"sqlite:///{tmp_path / 'k.db'}"
    svc = configure(Settings(data_dir=tmp_path / "data", database_url=url, reconcile_seconds=3600), embedded=True)
    folder = _folder(tmp_path)
    sid = create_submission(svc, folder, display="stuck")
    svc.queue.join()
    with svc.db.session() as s:
        sha = s.scalar(select(SubmissionFile.sha256).where(SubmissionFile.submission_id == sid,
                                                           SubmissionFile.name == GOOD.name))
        doc = records.find_document(s, sha)
        s.delete(doc)
        s.execute(JobRow.__table__.delete().where(JobRow.key == keys.verify_key(sid)))
        s.get(Submission, sid).status = "running"
        assert s.scalar(select(JobRow).where(JobRow.key == keys.ingest_key(sha))).status == "finished"
    first = reconcile.reconcile(svc)
    assert first["verify_scheduled"] == 1 and first["stuck"] == 0
    svc.queue.join()
    with svc.db.session() as s:
        assert s.get(Submission, sid).status == "done"
        assert records.find_document(s, sha) is not None
    assert not any(reconcile.reconcile(svc).values())
    assert not any(reconcile.reconcile(svc).values())
