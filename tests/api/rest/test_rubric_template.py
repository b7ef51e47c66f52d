"""`GET /rubrics`, `GET /rubrics/{id}/template` and the wrong-sheet answers (#15 item 5) through the REST API
and the web form: the template downloads as a sheet the check reads; a sheet without a header row answers
with the headers found against those expected and (web) a link to the template. Real PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.service.tokens import create_token
from tests.api.ui.test_web_ui import login
from verifier import load_rubric, read_sheet

WRONG = "STT;Tên;Điểm\n1;abc;1\n".encode()


def _read(tmp_path, data: bytes):
    """A downloaded template read back as a sheet (read_sheet tells XLSX by the name's suffix)."""
    path = tmp_path / "mau.xlsx"
    path.write_bytes(data)
    return read_sheet(path)


def test_rest_lists_rubrics_and_serves_the_template(client, svc, tmp_path):
    h = {"Authorization": f"Bearer {create_token(svc.db, 'unit', 'Sở Tư pháp tỉnh Đồng Nai')}"}
    assert client.get("/rubrics/par-reference/template").status_code == 401
    listed = client.get("/rubrics", headers=h).json()
    assert [i["id"] for i in listed] == ["example-province", "par-reference"]
    item = listed[1]
    assert item["id"] == "par-reference" and item["template"] == "/rubrics/par-reference/template"
    r = client.get(item["template"], headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="mau-bang-tu-danh-gia-par-reference.xlsx"' in r.headers["content-disposition"]
    codes = {c.code for c in _read(tmp_path, r.content).claims}
    assert {s.code for _f, _c, s in load_rubric("par-reference").subcriteria()} <= codes
    err = client.get("/rubrics/khong-co/template", headers=h)
    assert err.status_code == 422 and err.json()["error"]["code"] == "RUBRIC_INVALID"
    bad = client.post("/submissions", headers=h, files={"files": ("bang.csv", WRONG, "text/csv")})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "SHEET_INVALID"
    assert "“Tên”" in bad.json()["error"]["message_vi"] and "còn thiếu: Điểm tự đánh giá" in bad.json()["error"]["message_vi"]


def test_web_form_shows_the_headers_found_and_offers_the_template(app, svc, tmp_path):
    with TestClient(app) as c:
        csrf = login(c, create_token(svc.db, "appraiser"))
        form = c.get("/ui/upload").text
        assert 'href="/ui/rubrics/par-reference/template.xlsx"' in form

        def upload(accept):
            return c.post("/ui/submissions", data={"csrf": csrf, "rubric": "par-reference"},
                          files={"files": ("bang.csv", WRONG, "text/csv")}, headers={"Accept": accept})

        j = upload("application/json").json()["error"]
        assert j["code"] == "SHEET_INVALID" and j["template_url"] == "/ui/rubrics/par-reference/template.xlsx"
        assert j["sheet"]["found"] == ["STT", "Tên", "Điểm"] and j["sheet"]["missing"] == ["Điểm tự đánh giá"]
        assert "bang.csv" in j["message_vi"] and "SHEET_INVALID" in j["message_vi"]
        page = upload("text/html").text
        assert 'id="sheet-headers"' in page and "“Tên”" in page and 'id="error-template"' in page
        assert 'class="grid sheet-headers hidden"' not in page
        r = c.get(j["template_url"])
        assert r.status_code == 200 and _read(tmp_path, r.content).claims
        # a broken ZIP is told what it is, without a template it does not need
        z = c.post("/ui/submissions", data={"csrf": csrf}, files={"files": ("x.zip", b"PK\x03\x04" + b"\0" * 64)},
                   headers={"Accept": "application/json"}).json()["error"]
        assert z["code"] == "CORRUPT_ARCHIVE" and "x.zip" in z["message_vi"] and z["template_url"] is None
        # a lone corrupt PDF: the sheet is missing and the PDF is broken — both said, and the template offered
        pdf = c.post("/ui/submissions", data={"csrf": csrf}, files={"files": ("a.pdf", b"%PDF-1.4\n1 0 obj <<>> x")},
                     headers={"Accept": "application/json"}).json()["error"]
        assert pdf["code"] == "NO_SHEET" and "CORRUPT_PDF" in pdf["message_vi"] and "thiếu bảng" in pdf["message_vi"]
        assert pdf["template_url"] == "/ui/rubrics/par-reference/template.xlsx"


