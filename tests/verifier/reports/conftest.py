"""The council's export of the example campaign (``tests/council_example.py``), built once on a real
PostgreSQL database of its own through the real services, for the writers' tests."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from api.service.context import open_context
from models.settings import Settings
from tests.conftest import PG_ADMIN_URL, _plain_pg
from tests.council_example import build


@pytest.fixture(scope="session")
def council_export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("council")
    admin = _plain_pg(PG_ADMIN_URL)
    name = f"kiemchung_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    ctx = open_context(Settings(data_dir=folder / "data", database_url=f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"))
    try:
        yield build(ctx, folder)
    finally:
        ctx.db.engine.dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
