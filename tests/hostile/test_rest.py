"""Hostile inputs through REST on PostgreSQL with a real RQ worker process (its own Redis), a
representative subset of the corpus (each case costs a submission): POST /submissions, poll
GET /submissions/{id} to a deadline, then the files' errors and the report as an API user sees them."""

from __future__ import annotations

import tempfile

import pytest
from fastapi.testclient import TestClient

from api.jobs.runtime import configure
from api.server import create_app
from api.service.tokens import create_token
from models.settings import Settings
from tests.api.helpers import poll
from tests.api.jobs.test_workers import _env, _start_worker, _stop

from .checks import check_report, check_xlsx_text, jobs_for, sha256_of
from .corpus import CASES

DEADLINE = 90  # seconds from upload to a final status; a healthy case takes a few
REST_CASES = [c for c in CASES if c.rest and not c.folder_only]
_MEDIA = {".pdf": "application/pdf", ".png": "image/png", ".json": "application/json", ".csv": "text/csv",
          ".zip": "application/zip",
          ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def upload_parts(submission) -> list[tuple[str, tuple[str, bytes, str]]]:
    """One ZIP, or the folder's files (a sheet plus evidence), as the multipart ``files`` field."""
    paths = sorted(submission.iterdir()) if submission.is_dir() else [submission]
    return [("files", (p.name, p.read_bytes(), _MEDIA.get(p.suffix.lower(), "application/octet-stream")))
            for p in paths]


@pytest.mark.parametrize("case", REST_CASES, ids=lambda c: c.name)
def test_rest_with_worker(case, pg_url, own_redis, jail, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(jail.tmp))  # where the API extracts uploads
    svc = configure(Settings(data_dir=jail.data, database_url=pg_url, redis_url=own_redis, reconcile_seconds=3600,
                             **case.settings))
    env = {**_env(pg_url, own_redis, jail.data), "TMPDIR": str(jail.tmp), **case.env}
    submission = case.build(jail.input)
    jail.start()
    worker = _start_worker(env, tmp_path / "worker.log")
    try:
        h = {"Authorization": f"Bearer {create_token(svc.db, 'appraiser')}"}
        with TestClient(create_app(svc, reconcile_in_background=False), raise_server_exceptions=False) as c:
            r = c.post("/submissions", headers=h, files=upload_parts(submission))
            assert r.status_code < 500, f"{case.name}: {r.status_code} {r.text[:500]}"
            final = None
            if r.status_code == 202:
                sid = r.json()["id"]
                final = poll(lambda: c.get(f"/submissions/{sid}", headers=h).json(),
                             until=lambda j: j["status"] in ("done", "failed"), timeout=DEADLINE)
            if not case.done:
                if final is None:  # refused at the door: a 4xx with the specific code
                    assert r.headers["content-type"].startswith("application/json"), r.headers
                    seen = r.json()["error"]["code"]
                else:  # or accepted, then failed with it
                    assert final["status"] == "failed", f"{case.name}: should fail, reached {final['status']}"
                    seen = (final["error"] or {}).get("code")
                assert seen in case.codes, f"{case.name}: expected {sorted(case.codes)}, saw {seen} " \
                                           f"({r.status_code} {r.text[:300]})"
                return
            assert r.status_code == 202, f"{case.name}: {r.status_code} {r.text[:500]}"
            assert final["status"] == "done", f"{case.name}: reached {final['status']}: {final.get('error')}"
            for marker in case.bad:  # what GET /submissions/{id} says about the bad file
                seen = [(f["status"], (f["error"] or {}).get("code")) for f in final["files"] if marker in f["name"]]
                hit = any(code in case.codes for _st, code in seen)
                assert hit, f"{case.name}: {marker!r} should carry {sorted(case.codes)}; GET /submissions says {seen}"
            rep = c.get(f"/submissions/{sid}/report", headers=h)
            assert rep.status_code == 200, rep.text[:300]
            check_report(case, rep.json())
            if case.xlsx_text:
                x = c.get(f"/submissions/{sid}/report", params={"format": "xlsx"}, headers=h)
                assert x.status_code == 200, x.text[:300]
                check_xlsx_text(x.content, case.xlsx_text)
        if case.jobless:
            with svc.db.session() as s:
                jobs = jobs_for(s, sha256_of(submission / case.jobless))
            assert not jobs, f"{case.name}: {case.jobless} was rejected up front, yet jobs were made for it: {jobs}"
    finally:
        _stop(worker)
    jail.assert_untouched()
