"""Property-based requests generated from the OpenAPI schema (schemathesis) find no server errors."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

import schemathesis
from api.app import create_app
from api.auth import create_token
from api.service import configure
from models.settings import Settings

JSONISH = ("application/json", "image/png", "text/html",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_no_server_errors(pg_url, shared_data_dir):
    svc = configure(Settings(data_dir=shared_data_dir, database_url=pg_url, reconcile_seconds=3600), embedded=True)
    token = create_token(svc.db, "admin")
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(svc, reconcile_in_background=False))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    seen = []

    for op in operations:
        @given(case=op.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            for headers in ({"Authorization": f"Bearer {token}"}, {}):
                response = case.call(headers=headers)
                assert response.status_code < 500, (case.method, case.path, response.status_code,
                                                    response.text[:300])
                ctype = response.headers.get("content-type") or [""]
                ctype = ctype[0] if isinstance(ctype, list) else ctype
                assert ctype.split(";")[0] in JSONISH, ctype
            seen.append(case.method)

        run()
    svc.queue.join()
    assert len(seen) >= 100
