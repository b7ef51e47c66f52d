"""Fault tests (issue #12): with real workers, PostgreSQL and Redis, nothing is lost, nothing is duplicated and
every submission ends — PostgreSQL restarted mid-job, a worker killed between "document stored" and "verify
scheduled", the same bad file in two submissions at once; and the reconciler converges afterwards.

Every wait has a deadline, so a hang fails its test instead of hanging the suite."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

import ingest
from api.jobs.keys import ingest_key, verify_key
from api.jobs.lifecycle import JobRun
from api.jobs.reconcile import reconcile
from api.jobs.runtime import configure
from api.jobs.schedule import submit as create_submission
from api.server import create_app
from api.service.documents import store_read
from api.service.store.database import ENGINES
from api.service.tokens import create_token
from models.settings import Settings
from models.tables import Blob, CriterionResultRow, Document, JobRow, PageRow, Submission, SubmissionFile, utcnow
from tests.api.helpers import PgCluster, free_port, poll
from tests.api.jobs.test_workers import _env, _start_worker, _stop
from tests.conftest import EXAMPLE
from tests.ingest.builders import VIET_LINES
from tests.support.docgen import rasterize_scan, render_text_pdf

DEADLINE = 180  # seconds any one wait may take
SHEET = EXAMPLE / "00-bang-tu-danh-gia-2024.xlsx"
GOOD = EXAMPLE / "02-BC-CCHC-quy-I-2024.pdf"  # born-digital, one page
CORRUPT = b"%PDF-1.7\n1 0 obj\n<<"  # a PDF cut off after its first object header


# --------------------------------------------------------------------------- fixtures and helpers



@pytest.fixture()
def pg_cluster():
    """A PostgreSQL cluster of this test alone, which it may restart; stopped and removed afterwards."""
    cluster = PgCluster(free_port())
    try:
        yield cluster
    finally:
        for engine in list(ENGINES):
            if f":{cluster.port}/" in str(engine.url):
                engine.dispose()
        cluster.stop()


def _fault_env(db_url: str, redis_url: str, data_dir: Path) -> dict:
    # JSON logs: the tests count the worker's "ingested" events (how many times a file was read)
    return dict(_env(db_url, redis_url, data_dir), KIEMCHUNG_JOB_STALE_SECONDS="5", KIEMCHUNG_LOG_JSON="true")


def _service(db_url: str, redis_url: str, data_dir: Path):
    return configure(Settings(data_dir=data_dir, database_url=db_url, redis_url=redis_url, heartbeat_seconds=1,
                              job_stale_seconds=5, reconcile_seconds=3600))


def _scan_pdf(folder: Path) -> Path:
    """Pages of Vietnamese text rendered to an image-only PDF (a scan): it can only be read by OCR, which takes
    a few seconds — the window the faults are injected in."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "quyet-dinh-scan.pdf"
    path.write_bytes(rasterize_scan(render_text_pdf("\n".join(VIET_LINES * 12)), seed=12))
    return path


def _upload(files: list[tuple[str, bytes]]) -> list[tuple[str, tuple[str, bytes, str]]]:
    mime = {".pdf": "application/pdf",
            ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    return [("files", (name, data, mime[Path(name).suffix])) for name, data in files]


def _submit(svc, files: list[tuple[str, bytes]]) -> str:
    token = create_token(svc.db, "appraiser")
    with TestClient(create_app(svc, reconcile_in_background=False)) as c:
        r = c.post("/submissions", headers={"Authorization": f"Bearer {token}"}, files=_upload(files))
        assert r.status_code == 202, r.text
        return r.json()["id"]


def _tolerant(fn):
    """``fn`` for ``poll`` while the database may be down: None until it answers again."""
    def call():
        try:
            return fn()
        except OperationalError:
            return None
    return call


def _state(svc) -> dict:
    """Submissions, their files, job rows and documents, as a failure message."""
    with svc.db.session() as s:
        return {
            "submissions": [(sub.id[:8], sub.status, sub.error_code, [(f.name, f.status, f.error_code)
                                                                      for f in sub.files])
                            for sub in s.scalars(select(Submission))],
            "jobs": [(j.key[:40], j.status, j.attempts, j.error_code, j.worker) for j in s.scalars(select(JobRow))],
            "documents": [(d.sha256[:12], d.status, d.error_code) for d in s.scalars(select(Document))],
        }


def _wait_finished(svc, sids: list[str], timeout: float = DEADLINE) -> None:
    def statuses():
        with svc.db.session() as s:
            return [s.get(Submission, sid).status for sid in sids]

    try:
        poll(_tolerant(statuses), until=lambda st: st is not None and all(x in ("done", "failed") for x in st),
             timeout=timeout)
    except AssertionError:
        raise AssertionError(f"submissions did not finish within {timeout} s: {_state(svc)}") from None
    with svc.db.session() as s:
        assert all(s.get(Submission, sid).status == "done" for sid in sids), _state(svc)

    # a job row a killed worker left "started" may outlive the submission (its document was stored, so the
    # verification could run): the reconciler settles it once its heartbeat is stale
    def unsettled():
        with svc.db.session() as s:
            return [j.key for j in s.scalars(select(JobRow).where(JobRow.status.in_(("queued", "started"))))]

    try:
        poll(_tolerant(unsettled), until=lambda left: left == [], timeout=timeout)
    except AssertionError:
        raise AssertionError(f"job rows still open after {timeout} s: {_state(svc)}") from None


def _assert_nothing_duplicated(svc, sids: list[str]) -> None:
    """One Document per file content (the schema keys documents by sha256 and pipeline version), one verify job
    per submission, every job row finished, pages stored once."""
    with svc.db.session() as s:
        per_sha = dict(s.execute(select(Document.sha256, func.count()).group_by(Document.sha256)).all())
        assert per_sha and set(per_sha.values()) == {1}, per_sha
        read = {f.sha256 for f in s.scalars(select(SubmissionFile).where(SubmissionFile.submission_id.in_(sids)))
                if f.sha256 and f.status != "error"}
        assert read <= set(per_sha), "a file shown as read has no document"
        assert s.scalar(select(func.count()).select_from(PageRow)) == sum(
            d.page_count for d in s.scalars(select(Document)))
        for sid in sids:
            verify = s.scalars(select(JobRow).where(JobRow.kind == "verify", JobRow.submission_id == sid)).all()
            assert [j.key for j in verify] == [verify_key(sid)], _state(svc)
            sub = s.get(Submission, sid)
            codes = s.scalars(select(CriterionResultRow.code).where(CriterionResultRow.submission_id == sid)).all()
            assert sorted(codes) == sorted(c["code"] for c in sub.report["criteria"])  # the report stored once
        jobs = [(j.key, j.status) for j in s.scalars(select(JobRow))]
        assert all(st == "finished" for _k, st in jobs), jobs  # none stuck started, none left failed


def _reconcile_cli(env: dict) -> dict:
    r = subprocess.run([sys.executable, "-m", "api", "reconcile"], env=env, capture_output=True, text=True,
                       timeout=DEADLINE)
    assert r.returncode == 0, r.stderr
    return ast.literal_eval(r.stdout.strip())


def _assert_reconciler_converges(env: dict) -> None:
    """`kiemchung reconcile` against the same database, twice: the second run has nothing to do."""
    first = _reconcile_cli(env)
    second = _reconcile_cli(env)
    assert set(second) >= {"requeued_lost", "requeued_abandoned", "requeued_failed", "verify_scheduled"}, second
    assert not any(second.values()), f"first run {first}, second run {second}"


def _reads(logs: list[Path], sha: str) -> int:
    """How many times workers read (ingested and extracted) the file ``sha``, from their JSON logs."""
    n = 0
    for path in logs:
        for line in path.read_text(errors="replace").splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            n += event.get("msg") == "ingested" and event.get("sha256") == sha
    return n


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def _kill_machine(proc: subprocess.Popen) -> None:
    """SIGKILL a worker and everything under it (RQ's work horse runs in a session of its own)."""
    os.killpg(proc.pid, signal.SIGSTOP)  # it forks no new horse while we look
    for pid in _descendants(proc.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _stop(proc, signal.SIGKILL)


# --------------------------------------------------------------------------- 1. PostgreSQL restarted


def test_postgres_restart_while_ingest_runs(pg_cluster, own_redis, tmp_path):
    data = tmp_path / "data"
    env = _fault_env(pg_cluster.url, own_redis, data)
    svc = _service(pg_cluster.url, own_redis, data)
    scan = _scan_pdf(tmp_path / "in")
    worker = _start_worker(env, tmp_path / "worker.log")
    try:
        sid = _submit(svc, [(SHEET.name, SHEET.read_bytes()), (scan.name, scan.read_bytes())])

        def started_ingest():
            with svc.db.session() as s:
                return s.scalars(select(JobRow.key).where(JobRow.kind == "ingest", JobRow.status == "started")).all()

        [key] = poll(started_ingest, until=bool, timeout=DEADLINE, every=0.1)
        pg_cluster.restart()  # fast shutdown: the worker's sessions (heartbeat, job) are cut mid-OCR
        with svc.db.session() as s:
            assert s.scalar(select(JobRow.status).where(JobRow.key == key)) == "started"  # it did hit a running job
        _wait_finished(svc, [sid])
        _assert_nothing_duplicated(svc, [sid])
        with svc.db.session() as s:
            files = s.scalars(select(SubmissionFile).where(SubmissionFile.submission_id == sid)).all()
            assert [(f.name, f.status) for f in files] == [(scan.name, "ok")]  # every file read
            doc = s.scalar(select(Document).where(Document.sha256 == files[0].sha256))
            assert doc.status == "ok" and doc.pages_ocr == list(range(1, doc.page_count + 1))  # all by OCR
        _assert_reconciler_converges(env)
    finally:
        _stop(worker)


# --------------------------------------------------------------------------- 2. killed between store and verify


def test_reconcile_finishes_a_job_killed_after_its_document_was_stored(pg_url, own_redis, tmp_path):
    data = tmp_path / "data"
    env = _fault_env(pg_url, own_redis, data)
    svc = _service(pg_url, own_redis, data)
    folder = tmp_path / "nop"
    folder.mkdir()
    for p in (SHEET, GOOD):
        shutil.copy(p, folder / p.name)
    sid = create_submission(svc, folder, display="nop")  # ingest queued in Redis; no worker yet
    sha, _size = ingest.sha256_file(GOOD)
    key = ingest_key(sha)

    # A worker takes the job, reads the file and stores its document, then dies before finishing the job row
    # and scheduling the verification: its heartbeat stops.
    with svc.db.session() as s:
        rq_id = s.scalar(select(JobRow.rq_id).where(JobRow.key == key))
    svc.queue.queue.remove(rq_id)
    run = JobRun(svc, key)
    assert run.start()
    path = Path(svc.blobs.local_path(sha))
    [read] = ingest.ingest_files([ingest.Entry(name=sha, path=path, kind=ingest.detect_kind(path))],
                                 settings=svc.settings, executor=ingest.SerialExecutor())
    store_read(svc, sha, read)
    run._stop.set()  # SIGKILL: the heartbeat thread dies with its process
    run._thread.join()

    with svc.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Document).where(Document.sha256 == sha)) == 1
        left = s.scalar(select(JobRow).where(JobRow.key == key))
        assert left.status == "started"
        killed_by = left.worker
        assert s.scalar(select(JobRow).where(JobRow.kind == "verify")) is None
        assert s.get(Submission, sid).status == "running"

    def heartbeat_age() -> float:
        with svc.db.session() as s:
            beat = s.scalar(select(JobRow.heartbeat_at).where(JobRow.key == key))
        beat = beat if beat.tzinfo else beat.replace(tzinfo=dt.UTC)
        return (utcnow() - beat).total_seconds()

    poll(heartbeat_age, until=lambda age: age > svc.settings.job_stale_seconds + 0.5, timeout=DEADLINE)
    counts = reconcile(svc)
    assert {k: n for k, n in counts.items() if n} == {"requeued_abandoned": 1, "verify_scheduled": 1}, counts

    worker = _start_worker(env, tmp_path / "worker.log")
    try:
        _wait_finished(svc, [sid])
        _assert_nothing_duplicated(svc, [sid])
        with svc.db.session() as s:
            job = s.scalar(select(JobRow).where(JobRow.key == key))
            assert job.attempts == 2 and job.worker != killed_by  # re-run by the new worker
            assert s.scalar(select(JobRow.attempts).where(JobRow.key == verify_key(sid))) == 1
        assert _reads([tmp_path / "worker.log"], sha) == 0  # the stored document was not read again
        again = reconcile(svc)
        assert not any(again.values()), again
        _assert_reconciler_converges(env)
    finally:
        _stop(worker)


def test_worker_sigkilled_as_its_document_is_stored(pg_url, own_redis, tmp_path):
    data = tmp_path / "data"
    env = _fault_env(pg_url, own_redis, data)
    svc = _service(pg_url, own_redis, data)
    scan = _scan_pdf(tmp_path / "in")
    sha, _size = ingest.sha256_file(scan)
    first = _start_worker(env, tmp_path / "worker1.log")
    second = None
    try:
        sid = _submit(svc, [(SHEET.name, SHEET.read_bytes()), (scan.name, scan.read_bytes())])

        def stored():
            with svc.db.session() as s:
                return s.scalar(select(Document.id).where(Document.sha256 == sha))

        poll(stored, until=lambda d: d is not None, timeout=DEADLINE, every=0.02)
        _kill_machine(first)
        with svc.db.session() as s:
            left = {j.kind: j.status for j in s.scalars(select(JobRow))}
        second = _start_worker(env, tmp_path / "worker2.log")
        _wait_finished(svc, [sid])
        _assert_nothing_duplicated(svc, [sid])
        assert _reads([tmp_path / "worker2.log"], sha) == 0, left  # stored once, never read again
        _assert_reconciler_converges(env)
    finally:
        _stop(first, signal.SIGKILL)
        if second:
            _stop(second)


# --------------------------------------------------------------------------- 3. one bad file, two submissions


@pytest.mark.parametrize("units", [("Phòng Tư pháp huyện A", "Phòng Tư pháp huyện B"), (None, None)],
                         ids=["two-units", "same-unit"])  # None: the sheet's own unit, as a double submit
def test_same_bad_file_in_two_submissions_at_once(units, pg_url, own_redis, tmp_path):
    assert len(CORRUPT) == 19
    data = tmp_path / "data"
    env = _fault_env(pg_url, own_redis, data)
    svc = _service(pg_url, own_redis, data)
    token = create_token(svc.db, "appraiser")
    files = _upload([(SHEET.name, SHEET.read_bytes()), (GOOD.name, GOOD.read_bytes()), ("hong.pdf", CORRUPT)])
    logs = [tmp_path / f"worker{i}.log" for i in range(2)]
    workers = [_start_worker(env, log) for log in logs]
    try:
        with TestClient(create_app(svc, reconcile_in_background=False), raise_server_exceptions=False) as c:
            h = {"Authorization": f"Bearer {token}"}
            together = threading.Barrier(2)

            def post(unit: str | None):
                together.wait()
                return c.post("/submissions", headers=h, files=files, data={"unit": unit} if unit else None)

            with ThreadPoolExecutor(2) as pool:
                responses = list(pool.map(post, units))
            assert [r.status_code for r in responses] == [202, 202], [r.text for r in responses]
            sids = [r.json()["id"] for r in responses]
            _wait_finished(svc, sids)
            for sid in sids:
                body = c.get(f"/submissions/{sid}", headers=h).json()
                got = {f["name"]: (f["status"], (f["error"] or {}).get("code")) for f in body["files"]}
                assert got == {GOOD.name: ("ok", None), "hong.pdf": ("error", "CORRUPT_PDF")}, body["files"]
        _assert_nothing_duplicated(svc, sids)
        bad_sha, good_sha = hashlib.sha256(CORRUPT).hexdigest(), ingest.sha256_file(GOOD)[0]
        with svc.db.session() as s:
            # recorded once for its content: one blob, at most one (failed) document — a file refused at intake
            # has none, its error is on each submission's file — and at most one ingest job
            assert s.scalar(select(func.count()).select_from(Blob).where(Blob.sha256 == bad_sha)) == 1
            docs = s.execute(select(Document.status, Document.error_code).where(Document.sha256 == bad_sha)).all()
            assert [tuple(d) for d in docs] in ([], [("error", "CORRUPT_PDF")]), docs
            assert len(s.scalars(select(JobRow).where(JobRow.sha256 == bad_sha, JobRow.kind == "ingest")).all()) <= 1
            assert s.scalars(select(JobRow.key).where(JobRow.kind == "ingest", JobRow.sha256 == good_sha)).all() \
                == [ingest_key(good_sha)]
        assert _reads(logs, good_sha) == 1  # the good file read once for both submissions
        _assert_reconciler_converges(env)
    finally:
        for w in workers:
            _stop(w)
