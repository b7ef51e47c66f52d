"""A real server for browser tests: a fresh PostgreSQL database, the embedded service on it, uvicorn in a
thread, an appraiser's token and one submission read to the end — shared by the test modules that drive
Chromium through the whole interface."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import uvicorn

from api.jobs.runtime import configure
from api.server import create_app
from api.service.tokens import create_token
from models.settings import Settings
from tests.api.helpers import free_port, poll
from tests.conftest import PG_ADMIN_URL, _plain_pg


@dataclass
class Served:
    base: str  # http://127.0.0.1:PORT
    token: str  # an appraiser's bearer token
    sid: str  # the submission, checked
    submission: dict[str, Any]  # GET /submissions/{sid} once it is done


@contextmanager
def served_submission(data_dir: Path, upload: bytes, *, data: dict[str, str] | None = None,
                      name: str = "uvicorn-test") -> Iterator[Served]:
    """Upload ``upload`` (a ZIP) through REST and yield once it is checked; drop the database afterwards."""
    admin = _plain_pg(PG_ADMIN_URL)
    db = f"kiemchung_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    svc = configure(Settings(data_dir=data_dir, database_url=f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{db}",
                             workers=2, reconcile_seconds=3600), embedded=True)
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(svc, reconcile_in_background=False), host="127.0.0.1", port=port,
                                        log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, name=name, daemon=True)
    thread.start()
    try:
        poll(lambda: srv.started, until=bool, timeout=30, every=0.05)
        base = f"http://127.0.0.1:{port}"
        token = create_token(svc.db, "appraiser", label="Trần Thị Thẩm Định")
        auth = {"Authorization": f"Bearer {token}"}
        r = httpx.post(f"{base}/submissions", headers=auth, timeout=60, data=data or {},
                       files={"files": ("ho-so-so-tu-phap-2024.zip", upload, "application/zip")})
        assert r.status_code == 202, r.text
        sid = r.json()["id"]
        j = poll(lambda: httpx.get(f"{base}/submissions/{sid}", headers=auth).json(),
                 until=lambda j: j["status"] in ("done", "failed"), timeout=600, every=1)
        assert j["status"] == "done", j
        yield Served(base=base, token=token, sid=sid, submission=j)
    finally:
        srv.should_exit = True
        thread.join(10)
        svc.queue.join()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
