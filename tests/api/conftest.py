"""An embedded service on the test PostgreSQL, and the REST app over it, for the API tests."""

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import configure
from models.settings import Settings


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
