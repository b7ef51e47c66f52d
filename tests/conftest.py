"""Shared fixtures. Every test uses its own data dir, never the user's cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "submission-2024"
CORPUS = ROOT / "tests" / "corpus"  # vendored subset of ../shared/corpus (see its README.md)


@pytest.fixture(scope="session")
def shared_data_dir(tmp_path_factory) -> Path:
    """A data dir shared by the tests of one run, so OCR of the example is done once."""
    return tmp_path_factory.mktemp("kiemchung-data")


@pytest.fixture(scope="session")
def session_settings(shared_data_dir) -> Settings:
    return Settings(data_dir=shared_data_dir, workers=min(2, os.cpu_count() or 1))


# --------------------------------------------------------------------------- real services
# `make test` starts PostgreSQL and Redis and passes their URLs; a missing service fails the
# tests that need it (never a silent skip).

PG_ADMIN_URL = os.environ.get("KIEMCHUNG_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_TEST_URL = os.environ.get("KIEMCHUNG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _plain_pg(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture()
def pg_url():
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    import uuid

    import psycopg

    admin = _plain_pg(PG_ADMIN_URL)
    name = f"kiemchung_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    from api.service.store.database import ENGINES

    for engine in list(ENGINES):
        if name in str(engine.url):
            engine.dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture()
def redis_url():
    """The test Redis on a database index of its own, emptied before and after."""
    from redis import Redis

    url = REDIS_TEST_URL.rsplit("/", 1)[0] + "/13"
    r = Redis.from_url(url)
    r.ping()
    r.flushdb()
    yield url
    r.flushdb()
