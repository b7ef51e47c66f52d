"""GET /references latency with 100,000 stored documents on PostgreSQL.

The server (`kiemchung serve`, uvicorn) runs in its own process; this process sends the load
over loopback: exact lookups of stored numbers, and OCR-damaged numbers (one digit off) that
must still be found through the fuzzy indexes. Target: p95 < 20 ms.
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import psycopg

from bench.common import target

N_DOCS = 100_000
REQUESTS = 1500
ADMIN_URL = os.environ.get("KIEMCHUNG_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres").replace(
    "postgresql+psycopg://", "postgresql://")
TYPES = ["QĐ-UBND", "KH-UBND", "BC-UBND", "QĐ-TTg", "BC-BNV", "KH-SNV", "BC-STP", "TB-VPCP", "CV-SNV"]


def _number(rng: random.Random, i: int) -> str:
    t = rng.choice(TYPES)
    if rng.random() < 0.2:
        return f"{rng.randint(1, 400)}/{rng.randint(2005, 2025)}/{'NĐ-CP' if rng.random() < 0.5 else 'TT-BNV'}"
    return f"{rng.randint(1, 6000)}/{t}" if rng.random() < 0.9 else f"{i}/{t}"


def _populate(url: str, workdir: Path) -> list[str]:
    from api.service.store.database import Database
    from api.service.store.records import reference_keys

    db = Database(url)
    db.migrate()
    rng = random.Random(7)
    numbers: list[str] = []
    blobs, docs, refs = [], [], []
    for i in range(1, N_DOCS + 1):
        sha = f"{i:064x}"
        num = f"{i}/{rng.choice(TYPES)}"  # each document's own number is unique
        numbers.append(num)
        blobs.append((sha, 1000, "pdf"))
        docs.append((i, sha, "0.1.0", "ok", 1, num, "{}", "{}"))
        key, symbol, lead = reference_keys(num)
        refs.append((i, True, num, key, symbol, lead, 1, 0, len(num), num))
        for _ in range(3):  # three citations per document
            c = _number(rng, i)
            key, symbol, lead = reference_keys(c)
            refs.append((i, False, c, key, symbol, lead, 1, 100, 100 + len(c), c))
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn, conn.cursor() as cur:
        with cur.copy("COPY blobs (sha256, size, kind, created_at) FROM STDIN") as cp:
            for b in blobs:
                cp.write_row((*b, "2026-01-01"))
        with cur.copy("COPY documents (id, sha256, pipeline_version, status, page_count, number, ingested, extraction, "
                      "pages_ocr, created_at) FROM STDIN") as cp:
            for d in docs:
                cp.write_row((*d, "[]", "2026-01-01"))
        with cur.copy("COPY doc_references (document_id, is_identity, number, number_key, symbol_key, lead_key, page, "
                      "start, \"end\", text, confidence, needs_review) FROM STDIN") as cp:
            for r in refs:
                cp.write_row((*r, 1.0, False))
        cur.execute("SELECT setval('documents_id_seq', %s)", (N_DOCS,))
        cur.execute("ANALYZE")
    db.engine.dispose()
    return numbers


def _damage(number: str, rng: random.Random) -> str:
    lead, _, rest = number.partition("/")
    i = rng.randrange(len(lead))
    d = str((int(lead[i]) + rng.randint(1, 9)) % 10)
    return lead[:i] + d + lead[i + 1:] + "/" + rest


def run(workdir: Path) -> dict:
    name = f"kiemchung_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name
    server = None
    try:
        t0 = time.perf_counter()
        numbers = _populate(url, workdir)
        populate_s = time.perf_counter() - t0
        env = dict(os.environ, KIEMCHUNG_DATABASE_URL=url, KIEMCHUNG_DATA_DIR=str(workdir / "data"),
                   KIEMCHUNG_REDIS_URL="", KIEMCHUNG_LOG_LEVEL="WARNING")
        env.pop("KIEMCHUNG_REDIS_URL")
        token = subprocess.run([sys.executable, "-m", "api", "token", "create", "--role", "appraiser"], env=env,
                               capture_output=True, text=True, check=True).stdout.strip()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "api", "serve", "--embedded", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10) as c:
            for _ in range(100):
                try:
                    if c.get("/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            rng = random.Random(11)
            found_exact = found_fuzzy = 0
            lat = {"exact": [], "fuzzy": []}
            for i in range(REQUESTS + 50):
                kind = "exact" if i % 2 == 0 else "fuzzy"
                num = rng.choice(numbers)
                q = num if kind == "exact" else _damage(num, rng)
                t = time.perf_counter()
                r = c.get("/references", params={"number": q, "limit": 20})
                dt_ms = (time.perf_counter() - t) * 1000
                r.raise_for_status()
                if i < 50:
                    continue  # warm-up
                lat[kind].append(dt_ms)
                hits = [d["document_number"] for d in r.json()["documents"]]
                if kind == "exact":
                    found_exact += num in hits
                else:
                    found_fuzzy += num in hits
        allv = lat["exact"] + lat["fuzzy"]

        def p95(v):
            return statistics.quantiles(v, n=100)[94]

        n = REQUESTS // 2
        return {
            "description": f"GET /references over loopback, {N_DOCS} documents (+{3 * N_DOCS} citations) in "
                           f"PostgreSQL; {REQUESTS} requests, half exact, half one digit off",
            "metrics": {"populate_seconds": round(populate_s, 1), "p50_ms": round(statistics.median(allv), 2),
                        "p95_exact_ms": round(p95(lat["exact"]), 2), "p95_fuzzy_ms": round(p95(lat["fuzzy"]), 2),
                        "exact_found_share": found_exact / n, "fuzzy_found_share": found_fuzzy / n},
            "targets": {"p95_latency_ms": target(p95(allv), "<", 20.0, "ms"),
                        "fuzzy_recall": target(found_fuzzy / n, ">=", 0.95)},
        }
    finally:
        if server:
            server.terminate()
            server.wait(timeout=20)
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
