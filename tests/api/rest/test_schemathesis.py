"""Property-based requests generated from the OpenAPI schema (schemathesis) find no server errors; nor do
the hostile bodies of issue #12 (bad files, bad archives, bad sheets, deeply nested JSON) posted to every
upload and JSON route the schema lists."""

from __future__ import annotations

import re

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from api.jobs.runtime import configure
from api.server import create_app
from api.service.tokens import create_token
from models.settings import Settings
from tests.hostile import corpus

JSONISH = ("application/json", "image/png", "text/html", "text/yaml", "image/svg+xml", "application/pdf", "image/jpeg", "image/tiff",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document")  # every documented media type


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


# (file name, bytes) of the hostile corpus; each is posted alone and after a good sheet
HOSTILE_FILES = [
    ("04-hong.pdf", corpus.corrupt_pdf),
    ("04-cat-cut.pdf", corpus.truncated_text_pdf),
    ("04-mat-khau.pdf", corpus.encrypted_pdf),
    ("bom-diem-anh.png", corpus.pixel_bomb),
    ("rong.pdf", bytes),
    ("trang-web.pdf", corpus.html_page),
    ("ngau-nhien.zip", corpus.random_bytes),
    ("cat-cut.zip", corpus.truncated_zip),
    ("5001-tep.zip", corpus.many_entries_zip),
    ("vuot-thu-muc.zip", lambda: corpus.zip_with(("../../evil.pdf", corpus.corrupt_pdf()))),
    ("ten-nul.zip", corpus.nul_name_zip),
    ("bom.zip", corpus.bomb_zip),
    ("khai-sai.zip", corpus.size_lie_zip),
    ("trung-ten.zip", lambda: corpus.zip_with(("x.pdf", corpus.corrupt_pdf()), ("x.pdf/y.pdf", corpus.corrupt_pdf()))),
    ("sau.zip", lambda: corpus.zip_with(("/".join(["d"] * 2100) + "/sau.pdf", corpus.corrupt_pdf()))),
    ("ma-hoa.zip", corpus.all_encrypted_zip),
    ("long-nhau.json", corpus.deep_json_sheet),
    ("don-vi-so.json", lambda: corpus.json_sheet(unit=12345)),
    ("truong-dai.csv", lambda: corpus.csv_sheet(200_000)),
]
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000


def _file_fields(schema: dict, components: dict) -> list[tuple[str, bool]]:
    """(name, is a list) of the binary fields of a multipart body schema."""
    ref = schema.get("$ref", "")
    schema = components.get(ref.rsplit("/", 1)[-1], schema) if ref else schema
    out = []
    for name, prop in schema.get("properties", {}).items():
        item = prop.get("items", prop)
        if item.get("format") == "binary" or "contentMediaType" in item:
            out.append((name, prop.get("type") == "array"))
    return out


def _problem(r, what) -> str | None:
    """Why a response to a hostile body is wrong: a server error, not JSON, or an error without a code."""
    if r.status_code >= 500:
        return f"{what}: {r.status_code} {r.text[:200]}"
    if r.headers.get("content-type", "").split(";")[0] != "application/json":
        return f"{what}: {r.status_code} answered {r.headers.get('content-type')}"
    if r.status_code >= 400:
        err = r.json().get("error") or {}
        if not isinstance(err.get("code"), str) or not err.get("message_vi"):
            return f"{what}: {r.status_code} error body without code/message_vi: {r.text[:200]}"
    return None


def test_hostile_bodies_get_no_server_errors(pg_url, shared_data_dir):
    svc = configure(Settings(data_dir=shared_data_dir, database_url=pg_url, reconcile_seconds=3600), embedded=True)
    h = {"Authorization": f"Bearer {create_token(svc.db, 'admin')}"}
    app = create_app(svc, reconcile_in_background=False)
    spec = app.openapi()
    components = spec.get("components", {}).get("schemas", {})
    uploads, jsons = [], []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            content = (op.get("requestBody") or {}).get("content", {})
            url = re.sub(r"\{[^}]+\}", "x", path)
            if "multipart/form-data" in content:
                uploads.append((method, url, _file_fields(content["multipart/form-data"]["schema"], components)))
            if "application/json" in content:
                jsons.append((method, url))
    assert {u for _m, u, _f in uploads} >= {"/submissions", "/documents", "/batches"} and jsons
    sheet = (corpus.SHEET, corpus.example(corpus.SHEET))
    posted, problems = 0, []
    with TestClient(app, raise_server_exceptions=False) as c:
        for name, payload in HOSTILE_FILES:
            bad = (name, payload())
            for method, url, fields in uploads:
                for field, many in fields:
                    for parts in ([[bad], [sheet, bad]] if many else [[bad]]):
                        r = c.request(method.upper(), url, headers=h, files=[(field, p) for p in parts])
                        problems.append(_problem(r, f"{method.upper()} {url} {[p[0] for p in parts]}"))
                        posted += 1
        for method, url in jsons:
            for body in (DEEP_JSON, b'{"action": "set", "score": ' + DEEP_JSON + b"}", b'{"comment": "\\u0000"}'):
                r = c.request(method.upper(), url, headers={**h, "Content-Type": "application/json"}, content=body)
                problems.append(_problem(r, f"{method.upper()} {url} {body[:30]!r}…"))
                posted += 1
    svc.queue.join()
    assert posted >= 4 * len(HOSTILE_FILES)
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
