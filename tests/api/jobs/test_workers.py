"""Real RQ workers (separate processes) on a real Redis and PostgreSQL: a worker killed with
SIGKILL mid-OCR, and Redis restarted mid-run, lose and duplicate nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.jobs.runtime import configure
from api.server import create_app
from api.service.tokens import create_token
from models.settings import Settings
from models.tables import Document, JobRow, PageRow, Submission
from tests.api.cli.test_check_example import EXPECTED
from tests.api.helpers import example_zip, free_port, poll, redis_server


def _env(pg_url: str, redis_url: str, data_dir) -> dict:
    return dict(os.environ, KIEMCHUNG_DATABASE_URL=pg_url, KIEMCHUNG_REDIS_URL=redis_url,
                KIEMCHUNG_DATA_DIR=str(data_dir), KIEMCHUNG_WORKERS="1", KIEMCHUNG_HEARTBEAT_SECONDS="1",
                KIEMCHUNG_JOB_STALE_SECONDS="6", KIEMCHUNG_RECONCILE_SECONDS="2", KIEMCHUNG_LOG_LEVEL="INFO")


def _start_worker(env: dict, log_path) -> subprocess.Popen:
    log = open(log_path, "ab")
    return subprocess.Popen([sys.executable, "-m", "api", "worker"], env=env, stdout=log, stderr=log,
                            start_new_session=True)


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _submit(svc) -> str:
    token = create_token(svc.db, "appraiser")
    with TestClient(create_app(svc, reconcile_in_background=False)) as c:
        r = c.post("/submissions", headers={"Authorization": f"Bearer {token}"},
                   files={"files": ("nop.zip", example_zip(), "application/zip")})
        assert r.status_code == 202, r.text
        return r.json()["id"]


def _status(svc, sid):
    with svc.db.session() as s:
        return s.get(Submission, sid).status


def _assert_complete_without_duplicates(svc, sid) -> None:
    from models.report import Report

    with svc.db.session() as s:
        sub = s.get(Submission, sid)
        assert sub.status == "done"
        report = Report.model_validate(sub.report)
        docs = s.scalars(select(Document)).all()
        assert len(docs) == 7 and len({d.sha256 for d in docs}) == 7
        assert s.scalar(select(func.count()).select_from(PageRow)) == sum(d.page_count for d in docs)
    got = {c.code: (c.claimed_score, c.supported_score, c.verdict) for c in report.criteria}
    assert got == {k: (v[0], v[1], v[2]) for k, v in EXPECTED.items()}


def _own_redis_and_worker(pg_url: str, tmp_path):
    """A Redis of this test's own (to kill or refuse) and one worker on it; one page per job, so long-file
    splitting (range jobs + merge) goes through real workers too."""
    port = free_port()
    redis_proc = redis_server(port)
    url = f"redis://127.0.0.1:{port}/0"
    env = dict(_env(pg_url, url, tmp_path / "data"), KIEMCHUNG_JOB_PAGES="1")
    svc = configure(Settings(data_dir=tmp_path / "data", database_url=pg_url, redis_url=url, reconcile_seconds=3600,
                             job_pages=1))
    return port, redis_proc, svc, _start_worker(env, tmp_path / "worker.log")


def test_worker_killed_mid_ocr_loses_nothing(pg_url, redis_url, tmp_path):
    env = _env(pg_url, redis_url, tmp_path / "data")
    svc = configure(Settings(data_dir=tmp_path / "data", database_url=pg_url, redis_url=redis_url,
                             reconcile_seconds=3600))
    first = _start_worker(env, tmp_path / "worker1.log")
    second = None
    try:
        sid = _submit(svc)

        def started_ocr():
            with svc.db.session() as s:
                return s.scalars(select(JobRow).where(JobRow.kind == "ingest", JobRow.status == "started")).all()

        victims = poll(started_ocr, until=bool, timeout=120, every=0.2)
        time.sleep(0.5)  # inside OCR of that file now
        # a machine dying: the worker and its work horse (RQ puts the horse in a session of its own)
        horse = int(victims[0].worker.rsplit(":", 1)[1])
        os.kill(horse, signal.SIGKILL)
        _stop(first, signal.SIGKILL)
        killed_key = victims[0].key
        with svc.db.session() as s:
            left = s.scalar(select(JobRow).where(JobRow.key == killed_key))
            assert left.status == "started"  # left behind by the dead worker
            killed_by = left.worker

        second = _start_worker(env, tmp_path / "worker2.log")
        poll(lambda: _status(svc, sid), until=lambda st: st in ("done", "failed"), timeout=300)
        _assert_complete_without_duplicates(svc, sid)
        with svc.db.session() as s:
            row = s.scalar(select(JobRow).where(JobRow.key == killed_key))
            # re-run by another process after the kill (RQ's abandoned-job retry or our reconciler)
            assert row.status == "finished" and row.worker != killed_by
            assert s.scalar(select(func.count()).select_from(JobRow).where(JobRow.status != "finished")) == 0
    finally:
        _stop(first, signal.SIGKILL)
        if second:
            _stop(second)


def test_redis_restart_mid_run_loses_nothing(pg_url, tmp_path):
    port, redis_proc, svc, worker = _own_redis_and_worker(pg_url, tmp_path)
    try:
        sid = _submit(svc)

        def counts():
            with svc.db.session() as s:
                rows = s.execute(select(JobRow.status, func.count()).group_by(JobRow.status)).all()
                return dict(rows)

        # mid-run: a job read already and one running, so the worker is inside a job when Redis goes —
        # RQ's main loop (not its reconnecting dequeue) meets the error and returns from work()
        poll(counts, until=lambda n: n.get("finished", 0) >= 1 and n.get("started", 0) >= 1, timeout=120, every=0.1)
        redis_proc.kill()  # Redis keeps nothing on disk: every queued job is gone
        redis_proc.wait()
        redis_proc = redis_server(port)
        poll(lambda: _status(svc, sid), until=lambda st: st in ("done", "failed"), timeout=300)
        _assert_complete_without_duplicates(svc, sid)
        with svc.db.session() as s:
            assert max(j.attempts for j in s.scalars(select(JobRow))) >= 2  # lost jobs were re-enqueued
    finally:
        _stop(worker)
        redis_proc.kill()
        redis_proc.wait()


def test_redis_error_outside_rq_reconnect_does_not_end_the_worker(pg_url, tmp_path):
    """RQ reconnects only while it waits for a job. A Redis error met elsewhere (after a job, in its heartbeat
    — what a restart at the wrong moment does) makes RQ's ``work()`` return, or re-raise from its teardown;
    the worker must start RQ again rather than exit. Injected deterministically with a Redis ACL that refuses
    EXPIRE (every RQ heartbeat uses it) while a job runs, then allowed again."""
    from redis import Redis

    port, redis_proc, svc, worker = _own_redis_and_worker(pg_url, tmp_path)
    admin = Redis(port=port)
    try:
        sid = _submit(svc)

        def started():
            with svc.db.session() as s:
                return s.scalars(select(JobRow.key).where(JobRow.status == "started")).all()

        [key, *_] = poll(started, until=bool, timeout=120, every=0.1)
        admin.execute_command("ACL", "SETUSER", "default", "-expire")
        try:
            def job_status():
                with svc.db.session() as s:
                    return s.scalar(select(JobRow.status).where(JobRow.key == key))

            poll(job_status, until=lambda st: st != "started", timeout=120, every=0.2)
            time.sleep(4)  # RQ's heartbeat after the job meets the refusal; its teardown too
        finally:
            admin.execute_command("ACL", "SETUSER", "default", "+@all")
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        poll(lambda: _status(svc, sid), until=lambda st: st in ("done", "failed"), timeout=300)
        _assert_complete_without_duplicates(svc, sid)
        assert worker.poll() is None
        log_text = (tmp_path / "worker.log").read_text()
        assert "starting again" in log_text or "redis unavailable; retrying" in log_text
        os.killpg(worker.pid, signal.SIGTERM)  # a stop request still ends it: the restart loop is not a trap
        assert worker.wait(timeout=30) == 0
    finally:
        _stop(worker)
        redis_proc.kill()
        redis_proc.wait()


def test_batch_through_real_workers(pg_url, redis_url, tmp_path):
    """A province batch (two units sharing the same files) read by two RQ worker processes."""
    import io
    import zipfile

    from tests.api.helpers import zip_folder
    from tests.conftest import EXAMPLE

    env = _env(pg_url, redis_url, tmp_path / "data")
    svc = configure(Settings(data_dir=tmp_path / "data", database_url=pg_url, redis_url=redis_url,
                             reconcile_seconds=3600))
    token = create_token(svc.db, "appraiser")
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("don-vi-a.zip", example_zip())
        z.writestr("don-vi-b.zip", zip_folder(EXAMPLE))
    workers = [_start_worker(env, tmp_path / f"w{i}.log") for i in range(2)]
    try:
        with TestClient(create_app(svc, reconcile_in_background=False)) as c:
            h = {"Authorization": f"Bearer {token}"}
            r = c.post("/batches", headers=h, files={"file": ("lo.zip", outer.getvalue(), "application/zip")})
            assert r.status_code == 202, r.text
            bid = r.json()["id"]
            b = poll(lambda: c.get(f"/batches/{bid}", headers=h).json(), until=lambda j: j["status"] == "done",
                     timeout=300)
        assert len(b["summary"]["units"]) == 2 and all(u["refuted"] == 4 for u in b["summary"]["units"])
        with svc.db.session() as s:
            assert s.scalar(select(func.count()).select_from(Document)) == 7  # each file read once for both units
            assert s.scalar(select(func.count()).select_from(JobRow).where(JobRow.kind == "ingest")) == 7
    finally:
        for w in workers:
            _stop(w)
