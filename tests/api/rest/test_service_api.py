"""The REST API against a real PostgreSQL, with the in-process queue (embedded mode)."""

from __future__ import annotations

import io
import zipfile

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.jobs.runtime import configure
from api.server import create_app
from api.service.tokens import create_token
from models.settings import Settings
from models.tables import Document, JobRow, PageRow
from tests.api.cli.test_check_example import EXPECTED
from tests.api.helpers import example_zip, poll, zip_folder
from tests.conftest import EXAMPLE
from tests.support.docgen import AdminDocument, render_pdf

UNIT = "Sở Tư pháp tỉnh Đồng Nai"


@pytest.fixture()
def tokens(svc):
    return {
        "admin": create_token(svc.db, "admin"),
        "appraiser": create_token(svc.db, "appraiser"),
        "unit": create_token(svc.db, "unit", UNIT),
        "other": create_token(svc.db, "unit", "UBND huyện Xuân Lộc"),
    }


def H(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _submit(client, token, data: bytes, **form):
    return client.post("/submissions", headers=H(token), files={"files": ("nop.zip", data, "application/zip")},
                       data=form)


def _wait_done(client, token, sid):
    return poll(lambda: client.get(f"/submissions/{sid}", headers=H(token)).json(),
                until=lambda j: j["status"] in ("done", "failed"))


PROTECTED = [
    ("get", "/submissions"), ("post", "/submissions"), ("get", "/submissions/x"), ("get", "/submissions/x/report"),
    ("get", "/submissions/x/criteria/1.1.1"), ("post", "/documents"), ("get", "/documents/x"),
    ("get", "/documents/x/pages/1"), ("get", "/documents/x/pages/1/image"), ("get", "/references?number=1/QĐ-UBND"),
    ("get", "/references/graph?number=1/QĐ-UBND"), ("post", "/batches"), ("get", "/batches/x"),
]
STAFF_ONLY = [("post", "/documents"), ("get", "/references?number=1/QĐ-UBND"),
              ("get", "/references/graph?number=1/QĐ-UBND"), ("post", "/batches"), ("get", "/batches/x")]


def test_every_endpoint_needs_a_valid_token(client, tokens):
    for method, url in PROTECTED:
        r = client.request(method, url)
        assert r.status_code == 401, (method, url, r.status_code)
        assert r.json()["error"]["code"] == "UNAUTHORIZED" and r.json()["error"]["message_vi"]
        r = client.request(method, url, headers=H("kc_not-a-token"))
        assert r.status_code == 401, (method, url)
    assert client.get("/health").json()["database"] == "ok"


def test_unit_tokens_are_limited_to_staff_free_endpoints(client, tokens):
    for method, url in STAFF_ONLY:
        r = client.request(method, url, headers=H(tokens["unit"]))
        assert r.status_code == 403, (method, url, r.status_code)
        assert r.json()["error"]["code"] == "FORBIDDEN"


def test_revoked_token_is_refused(client, svc):
    from api.service.tokens import revoke_token

    secret = create_token(svc.db, "appraiser", label="tạm")
    assert client.get("/submissions", headers=H(secret)).status_code == 200
    assert revoke_token(svc.db, secret[:10]) == 1
    assert client.get("/submissions", headers=H(secret)).status_code == 401


def test_submission_end_to_end_and_unit_scoping(client, tokens, svc):
    r = _submit(client, tokens["unit"], example_zip())
    assert r.status_code == 202, r.text
    sid = r.json()["id"]
    j = _wait_done(client, tokens["unit"], sid)
    assert j["status"] == "done" and j["unit"] == UNIT and j["year"] == 2024
    assert j["progress"]["files_done"] == j["progress"]["files_total"] == 7
    assert j["verdicts"] == {"SUPPORTED": 5, "REFUTED": 4, "MANUAL_REVIEW": 2}

    report = client.get(f"/submissions/{sid}/report", headers=H(tokens["appraiser"])).json()
    got = {c["code"]: (c["claimed_score"], c["supported_score"], c["verdict"]) for c in report["criteria"]}
    assert got == {k: (v[0], v[1], v[2].value) for k, v in EXPECTED.items()}
    x = client.get(f"/submissions/{sid}/report?format=xlsx", headers=H(tokens["unit"]))
    assert x.status_code == 200 and x.content[:2] == b"PK"
    h = client.get(f"/submissions/{sid}/report?format=html", headers=H(tokens["unit"]))
    assert "Không khớp" in h.text
    c = client.get(f"/submissions/{sid}/criteria/3.2.1", headers=H(tokens["unit"])).json()
    assert c["verdict"] == "REFUTED" and any(f["code"] == "METRIC_MISMATCH" for f in c["findings"])
    assert client.get(f"/submissions/{sid}/criteria/9.9.9", headers=H(tokens["unit"])).status_code == 404

    # another unit sees nothing of it; appraisers see everything
    assert client.get(f"/submissions/{sid}", headers=H(tokens["other"])).status_code == 403
    assert client.get(f"/submissions/{sid}/report", headers=H(tokens["other"])).status_code == 403
    assert client.get("/submissions", headers=H(tokens["other"])).json()["total"] == 0
    listing = client.get("/submissions", headers=H(tokens["appraiser"]), params={"unit": UNIT, "year": 2024}).json()
    assert [i["id"] for i in listing["items"]] == [sid]
    sha = j["files"][0]["sha256"]
    assert client.get(f"/documents/{sha}", headers=H(tokens["unit"])).status_code == 200
    assert client.get(f"/documents/{sha}", headers=H(tokens["other"])).status_code == 403

    # a unit token cannot submit for another unit
    r = _submit(client, tokens["other"], example_zip())
    assert r.status_code == 403, r.text

    # the same ZIP again: no new documents, no new reading work
    with svc.db.session() as s:
        docs_before = s.scalar(select(func.count()).select_from(Document))
        pages_before = s.scalar(select(func.count()).select_from(PageRow))
    sid2 = _submit(client, tokens["appraiser"], example_zip()).json()["id"]
    assert _wait_done(client, tokens["appraiser"], sid2)["status"] == "done"
    with svc.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == docs_before == 7
        assert s.scalar(select(func.count()).select_from(PageRow)) == pages_before
        assert all(j.attempts == 1 for j in s.scalars(select(JobRow).where(JobRow.kind == "ingest")))


def test_sheet_plus_files_upload_and_errors(client, tokens):
    files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in sorted(EXAMPLE.iterdir())]
    r = client.post("/submissions", headers=H(tokens["appraiser"]), files=files)
    assert r.status_code == 202, r.text
    # one file that is neither a ZIP nor a sheet: a lone evidence file, the sheet is missing
    r = client.post("/submissions", headers=H(tokens["appraiser"]),
                    files={"files": ("a.pdf", b"%PDF-1.4 not really", "application/pdf")})
    assert r.status_code == 422 and r.json()["error"]["code"] == "NO_SHEET"
    r = client.post("/submissions", headers=H(tokens["appraiser"]),
                    files={"files": ("a.docx", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "application/msword")})
    assert r.status_code == 415 and r.json()["error"]["code"] == "UNSUPPORTED_TYPE"
    # a ZIP without a sheet
    only_pdf = io.BytesIO()
    with zipfile.ZipFile(only_pdf, "w") as z:
        z.writestr("a.pdf", (EXAMPLE / "02-BC-CCHC-quy-I-2024.pdf").read_bytes())
    r = _submit(client, tokens["appraiser"], only_pdf.getvalue())
    assert r.status_code == 422 and r.json()["error"]["code"] == "NO_SHEET"
    assert "bảng tự đánh giá" in r.json()["error"]["message_vi"]
    r = _submit(client, tokens["appraiser"], example_zip(), rubric="khong-co")
    assert r.status_code == 422 and r.json()["error"]["code"] == "RUBRIC_INVALID"
    assert "Không có bộ tiêu chí “khong-co”" in r.json()["error"]["message_vi"]  # says which, in Vietnamese
    assert "par-reference" in r.json()["error"]["message_vi"]  # and which sets there are


def test_upload_limit_is_enforced_before_the_body_is_read(pg_url, shared_data_dir):
    small = configure(Settings(data_dir=shared_data_dir, database_url=pg_url, max_upload_bytes=50_000,
                               reconcile_seconds=3600), embedded=True)
    token = create_token(small.db, "appraiser")
    with TestClient(create_app(small, reconcile_in_background=False)) as c:
        r = _submit(c, token, example_zip())
        assert r.status_code == 413 and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
        assert "giới hạn" in r.json()["error"]["message_vi"]

        def chunks():  # a valid multipart body without Content-Length: counted while streaming
            yield b'--zz\r\nContent-Disposition: form-data; name="files"; filename="a.zip"\r\n' \
                  b"Content-Type: application/zip\r\n\r\n"
            for _ in range(20):
                yield b"x" * 10_000
            yield b"\r\n--zz--\r\n"

        r = c.post("/submissions", headers={**H(token), "Content-Type": "multipart/form-data; boundary=zz"},
                   content=chunks())
        assert r.status_code == 413 and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_documents_pages_images_and_references(client, tokens):
    doc = AdminDocument(
        issuer="SỞ NỘI VỤ", parent_issuer="UBND TỈNH ĐỒNG NAI", number="77/KH-SNV", place="Đồng Nai",
        issued_on=__import__("datetime").date(2024, 3, 1), type_line="KẾ HOẠCH", title="Kiểm tra công tác văn thư năm 2024",
        body=["Căn cứ Quyết định số 45/2016/QĐ-TTg ngày 19/10/2016 của Thủ tướng Chính phủ;",
              "Căn cứ Quyết định số 1143/QĐ-UBND ngày 24/4/2024 của UBND tỉnh Đồng Nai;"],
    )
    pdf = render_pdf(doc)
    r = client.post("/documents", headers=H(tokens["appraiser"]), files={"file": ("kh.pdf", pdf, "application/pdf")})
    assert r.status_code == 202
    sha = r.json()["id"]
    d = poll(lambda: client.get(f"/documents/{sha}", headers=H(tokens["appraiser"])).json(),
             until=lambda j: j["status"] in ("ok", "error"))
    assert d["document"]["number"] == "77/KH-SNV" and d["document"]["issued_on"] == "2024-03-01"
    assert {"45/2016/QĐ-TTg", "1143/QĐ-UBND"} <= {x["number"] for x in d["references"]}
    page = client.get(f"/documents/{sha}/pages/1", headers=H(tokens["appraiser"])).json()
    assert page["method"] == "text_layer" and page["words"] and "77/KH-SNV" in page["text"]
    img = client.get(f"/documents/{sha}/pages/1/image", headers=H(tokens["appraiser"]))
    assert img.status_code == 200 and img.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(f"/documents/{sha}/pages/9", headers=H(tokens["appraiser"])).status_code == 404

    exact = client.get("/references", headers=H(tokens["appraiser"]), params={"number": "77/KH-SNV"}).json()
    assert [x["document"] for x in exact["documents"]] == [sha] and exact["documents"][0]["score"] == 1.0
    # an OCR-damaged number still finds the citation, with a score below 1
    fuzzy = client.get("/references", headers=H(tokens["appraiser"]), params={"number": "35/2016/QĐ-TTg"}).json()
    hit = next(x for x in fuzzy["citing"] if x["document"] == sha)
    assert hit["number"] == "45/2016/QĐ-TTg" and 0.85 <= hit["score"] < 1.0 and hit["page"] == 1
    assert "45/2016/QĐ-TTg" in hit["quote"]
    graph = client.get("/references/graph", headers=H(tokens["appraiser"]), params={"number": "77/KH-SNV"}).json()
    assert {"45/2016/QĐ-TTg", "1143/QĐ-UBND"} <= {e["to"] for e in graph["edges"]}
    # not a PDF or image
    r = client.post("/documents", headers=H(tokens["appraiser"]), files={"file": ("x.pdf", b"hello", "application/pdf")})
    assert r.status_code == 415


def test_batch_of_units(client, tokens):
    import openpyxl

    other_sheet = io.BytesIO()
    wb = openpyxl.load_workbook(EXAMPLE / "00-bang-tu-danh-gia-2024.xlsx")
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("Đơn vị:"):
                cell.value = "Đơn vị: Sở Tài chính tỉnh Đồng Nai"
    wb.save(other_sheet)
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("so-tu-phap.zip", example_zip())
        z.writestr("so-tai-chinh.zip", zip_folder(EXAMPLE, replace={"00-bang-tu-danh-gia-2024.xlsx": other_sheet.getvalue()}))
    r = client.post("/batches", headers=H(tokens["appraiser"]), files={"file": ("lo.zip", outer.getvalue(), "application/zip")})
    assert r.status_code == 202, r.text
    bid = r.json()["id"]
    b = poll(lambda: client.get(f"/batches/{bid}", headers=H(tokens["appraiser"])).json(),
             until=lambda j: j["status"] == "done")
    units = {u["unit"]: u for u in b["summary"]["units"]}
    assert set(units) == {UNIT, "Sở Tài chính tỉnh Đồng Nai"}
    assert units[UNIT]["refuted"] == 4 and units[UNIT]["claimed_total"] == 13
    assert all(u["status"] == "done" for u in b["units"])


def test_the_same_service_on_sqlite(tmp_path, shared_data_dir):
    """Embedded default: SQLite in the data dir, same code path."""
    lite = configure(Settings(data_dir=shared_data_dir, database_url=f"sqlite:///{tmp_path / 'k.db'}",
                              reconcile_seconds=3600), embedded=True)
    token = create_token(lite.db, "appraiser")
    with TestClient(create_app(lite, reconcile_in_background=False)) as c:
        sid = _submit(c, token, example_zip()).json()["id"]
        j = _wait_done(c, token, sid)
        assert j["status"] == "done" and j["verdicts"] == {"SUPPORTED": 5, "REFUTED": 4, "MANUAL_REVIEW": 2}
        hits = c.get("/references", headers=H(token), params={"number": "1502/QĐ-UBND"}).json()
        assert hits["documents"] and hits["documents"][0]["attached_by"][0]["unit"] == UNIT
    lite.queue.join()


def test_nul_characters_are_refused_not_crashing(client, tokens):
    for url in ("/submissions?unit=a%00b", "/submissions/a%00b", "/documents/a%00b", "/references?number=1%00/QĐ-UBND"):
        r = client.get(url, headers=H(tokens["appraiser"]))
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION", url
    r = _submit(client, tokens["appraiser"], example_zip(), unit="Sở\x00Tư pháp")
    assert r.status_code == 422
