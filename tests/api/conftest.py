"""An embedded service on the test PostgreSQL, and the REST app over it, for the API tests."""

import pytest
from fastapi.testclient import TestClient

from api.jobs.runtime import configure
from api.server import create_app
from models.settings import Settings
from tests.api.helpers import own_redis  # noqa: F401 (a fixture: a Redis of the test's own)


@pytest.fixture()
def svc(pg_url, shared_data_dir):
    service = configure(Settings(data_dir=shared_data_dir, database_url=pg_url, workers=2, reconcile_seconds=3600),
                        embedded=True)
    yield service
    service.queue.join()  # let background jobs finish before the database is dropped


@pytest.fixture()
def app(svc):
    return create_app(svc, reconcile_in_background=False)


@pytest.fixture()
def client(app):
    with TestClient(app) as c:
        yield c
