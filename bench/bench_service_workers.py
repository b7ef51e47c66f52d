"""End-to-end throughput of RQ workers on scanned submissions: 2 workers vs 1.

Four submissions, each the example's sheet plus three one-page scans rendered from distinct law
texts of the corpus (so nothing is cached), go through the real service: PostgreSQL, Redis,
`kiemchung worker --burst` processes. The same submissions run once with one worker and once with
two (fresh database, Redis and data dir each time). Target: 2 workers ≥ 1.8× the throughput of 1.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import psycopg
from redis import Redis

from bench.common import ROOT, corpus_dir, target
from tests.support.docgen import rasterize_scan, render_text_pdf

ADMIN_URL = os.environ.get("KIEMCHUNG_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres").replace(
    "postgresql+psycopg://", "postgresql://")
REDIS_URL = os.environ.get("KIEMCHUNG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/12"
SUBMISSIONS, SCANS_PER_SUBMISSION = 4, 3


def _scans() -> list[bytes]:
    laws = sorted((corpus_dir() / "laws").glob("*.txt"))[:SUBMISSIONS * SCANS_PER_SUBMISSION]
    out = []
    for i, law in enumerate(laws):
        text = law.read_text(encoding="utf-8")[:2200]
        pdf = render_text_pdf(text)
        out.append(rasterize_scan(pdf, dpi=200, seed=i, jpeg_quality=60))
    return out


def _zips(scans: list[bytes]) -> list[bytes]:
    sheet = (ROOT / "examples" / "submission-2024" / "00-bang-tu-danh-gia-2024.xlsx").read_bytes()
    zips = []
    for k in range(SUBMISSIONS):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("00-bang-tu-danh-gia.xlsx", sheet)
            for j in range(SCANS_PER_SUBMISSION):
                z.writestr(f"scan-{j}.pdf", scans[k * SCANS_PER_SUBMISSION + j])
        zips.append(buf.getvalue())
    return zips


def _one_run(zips: list[bytes], workers: int, workdir: Path) -> float:
    from api.jobs.runtime import configure
    from api.jobs.schedule import submit as create_submission
    from models.settings import Settings
    from models.tables import Submission

    name = f"kiemchung_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name
    Redis.from_url(REDIS_URL).flushdb()
    data = workdir / f"data-{workers}"
    try:
        svc = configure(Settings(data_dir=data, database_url=url, redis_url=REDIS_URL, reconcile_seconds=3600))
        ids = []
        for i, z in enumerate(zips):
            path = workdir / f"sub-{i}.zip"
            path.write_bytes(z)
            ids.append(create_submission(svc, path, display=path.name))
        env = dict(os.environ, KIEMCHUNG_DATABASE_URL=url, KIEMCHUNG_REDIS_URL=REDIS_URL, KIEMCHUNG_DATA_DIR=str(data),
                   KIEMCHUNG_WORKERS="1", KIEMCHUNG_LOG_LEVEL="WARNING")
        t0 = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-m", "api", "worker", "--burst"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
        for p in procs:
            p.wait(timeout=1800)
        seconds = time.perf_counter() - t0
        with svc.db.session() as s:
            states = [s.get(Submission, i).status for i in ids]
        assert states == ["done"] * len(ids), states
        svc.db.engine.dispose()
        return seconds
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        Redis.from_url(REDIS_URL).flushdb()


def run(workdir: Path) -> dict:
    zips = _zips(_scans())
    pages = SUBMISSIONS * SCANS_PER_SUBMISSION
    one = _one_run(zips, 1, workdir)
    two = _one_run(zips, 2, workdir)
    return {
        "description": f"{SUBMISSIONS} submissions × {SCANS_PER_SUBMISSION} one-page scans through PostgreSQL + "
                       f"Redis + `kiemchung worker --burst`; 1 worker, then 2 (fresh state each)",
        "metrics": {"pages": pages, "one_worker_seconds": round(one, 2), "two_workers_seconds": round(two, 2),
                    "one_worker_pages_per_s": round(pages / one, 3), "two_workers_pages_per_s": round(pages / two, 3)},
        "targets": {"two_workers_speedup": target(one / two, ">=", 1.8, "x")},
    }
