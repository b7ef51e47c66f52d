"""Appraisers' decisions over the REST API (bearer tokens), against a real PostgreSQL and the in-process
queue, like test_service_api: role checks, validation with Vietnamese messages, the audit trail, and
that a decision made over REST is the one the web interface shows and exports."""

from __future__ import annotations

import io
import json

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from api.service.store import records
from api.service.tokens import create_token
from models.tables import Decision, Submission
from tests.api.helpers import example_zip, poll
from tests.api.ui.test_web_ui import login

UNIT = "Sở Tư pháp tỉnh Đồng Nai"
LABEL = "Nguyễn Văn Thẩm"


@pytest.fixture()
def tokens(svc):
    return {
        "admin": create_token(svc.db, "admin", label="Quản trị"),
        "appraiser": create_token(svc.db, "appraiser", label=LABEL),
        "unit": create_token(svc.db, "unit", UNIT),
        "other": create_token(svc.db, "unit", "UBND huyện Xuân Lộc"),
    }


def H(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _checked_submission(client, token) -> str:
    r = client.post("/submissions", headers=H(token), files={"files": ("nop.zip", example_zip(), "application/zip")})
    assert r.status_code == 202, r.text
    sid = r.json()["id"]
    j = poll(lambda: client.get(f"/submissions/{sid}", headers=H(token)).json(),
             until=lambda j: j["status"] in ("done", "failed"))
    assert j["status"] == "done", j
    return sid


def _error(r, status: int, code: str) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    err = r.json()["error"]
    assert err["code"] == code and err["message"] and err["message_vi"], err
    return err


def test_decision_endpoints_need_tokens_and_roles(client, tokens, svc):
    urls = [("post", "/submissions/x/criteria/3.2.1/decisions"), ("get", "/submissions/x/criteria/3.2.1/decisions"),
            ("get", "/submissions/x/decisions")]
    for method, url in urls:
        kw = {"json": {"action": "accept"}} if method == "post" else {}
        r = client.request(method, url, **kw)
        _error(r, 401, "UNAUTHORIZED")
        assert r.headers["www-authenticate"] == "Bearer"
        _error(client.request(method, url, headers=H("kc_not-a-token"), **kw), 401, "UNAUTHORIZED")
        # unknown submission: 404 for staff
        _error(client.request(method, url, headers=H(tokens["appraiser"]), **kw), 404, "NOT_FOUND")
    # unit tokens may read (their own) but never decide — refused before the submission is looked up
    r = client.post("/submissions/x/criteria/3.2.1/decisions", headers=H(tokens["unit"]), json={"action": "accept"})
    _error(r, 403, "FORBIDDEN")
    _error(client.get("/submissions/x/decisions", headers=H(tokens["unit"])), 404, "NOT_FOUND")

    # a submission that is not checked yet: 409 NOT_READY, like its report
    with svc.db.session() as s:
        sub = Submission(unit_id=records.unit_by_name(s, UNIT).id, year=2024, status="running")
        s.add(sub)
        s.flush()
        sid = sub.id
    for method, url in urls:
        url = url.replace("/x/", f"/{sid}/")
        kw = {"json": {"action": "accept"}} if method == "post" else {}
        err = _error(client.request(method, url, headers=H(tokens["admin"]), **kw), 409, "NOT_READY")
        assert err["message_vi"] == "Hồ sơ chưa kiểm tra xong."
    # another unit's submission is forbidden, even before it is checked
    _error(client.get(f"/submissions/{sid}/decisions", headers=H(tokens["other"])), 403, "FORBIDDEN")


def test_decisions_over_rest_are_validated_audited_and_exported(app, client, tokens, svc):
    sid = _checked_submission(client, tokens["unit"])
    base = f"/submissions/{sid}/criteria/3.2.1/decisions"  # REFUTED: claimed 2, supported 1, max 2
    appraiser, admin = H(tokens["appraiser"]), H(tokens["admin"])

    # nothing decided yet
    assert client.get(f"/submissions/{sid}/decisions", headers=appraiser).json() == {}
    assert client.get(base, headers=H(tokens["unit"])).json() == []

    # accept: the machine's score
    r = client.post(base, headers=appraiser, json={"action": "accept"})
    assert r.status_code == 201, r.text
    d1 = r.json()
    assert (d1["code"], d1["action"], d1["score"], d1["machine_score"], d1["verdict"]) == \
        ("3.2.1", "accept", 1.0, 1.0, "REFUTED")
    assert d1["comment"] == "" and d1["by"] == f"{LABEL} (thẩm định viên)" and d1["at"] and d1["at_iso"]
    assert d1["at"].endswith("(UTC+07:00)")  # local time says which: the XLSX comments and the history carry it

    # set: a score different from the machine's needs a comment
    err = _error(client.post(base, headers=appraiser, json={"action": "set", "score": 1.5}), 422, "COMMENT_REQUIRED")
    assert err["message_vi"] == "Hãy ghi ý kiến thẩm định khi điểm khác điểm theo minh chứng."
    err = _error(client.post(base, headers=appraiser, json={"action": "set", "score": 1.5, "comment": "   "}),
                 422, "COMMENT_REQUIRED")
    # set without a score
    err = _error(client.post(base, headers=appraiser, json={"action": "set", "comment": "x"}), 422, "SCORE_REQUIRED")
    assert err["message_vi"] == "Hãy nhập điểm thẩm định."
    # out of range, both ends (max 2)
    for bad in (7, 2.01, -0.5):
        err = _error(client.post(base, headers=appraiser, json={"action": "set", "score": bad, "comment": "x"}),
                     422, "SCORE_OUT_OF_RANGE")
        assert err["message_vi"] == "Điểm thẩm định phải từ 0 đến 2."
    # not a number / not a JSON number; unknown action; unknown field; too long or NUL comment
    for raw in ('{"action": "set", "score": NaN, "comment": "x"}', '{"action": "set", "score": "abc"}',
                '{"action": "reject"}', '{"action": "accept", "note": "x"}', "not json", ""):
        r = client.post(base, headers={**appraiser, "Content-Type": "application/json"}, content=raw)
        err = _error(r, 422, "VALIDATION")
        assert err["message_vi"].startswith("Dữ liệu gửi lên không hợp lệ"), raw
    _error(client.post(base, headers=appraiser, json={"action": "set", "score": 1, "comment": "x" * 4001}),
           422, "VALIDATION")
    _error(client.post(base, headers=appraiser, json={"action": "set", "score": 1.5, "comment": "a\x00b"}),
           422, "VALIDATION")
    # a criterion without a machine score cannot be accepted, only set
    err = _error(client.post(f"/submissions/{sid}/criteria/5.1.1/decisions", headers=appraiser,
                             json={"action": "accept"}), 422, "NO_MACHINE_SCORE")
    assert "Máy chưa có điểm" in err["message_vi"]
    # unknown criterion: 404, like GET /submissions/{id}/criteria/{code}
    for method in ("get", "post"):
        _error(client.request(method, f"/submissions/{sid}/criteria/9.9.9/decisions", headers=appraiser,
                              **({"json": {"action": "accept"}} if method == "post" else {})), 404, "NOT_FOUND")

    # set equal to the machine's score: no comment needed; set different with a comment
    r = client.post(base, headers=appraiser, json={"action": "set", "score": 1})
    assert r.status_code == 201 and r.json()["score"] == 1.0 and r.json()["action"] == "set"
    d2 = r.json()
    r = client.post(base, headers=appraiser, json={"action": "set", "score": 1.5,
                                                   "comment": "  Đã đối chiếu sổ theo dõi hồ sơ  "})
    assert r.status_code == 201, r.text
    d3 = r.json()
    assert (d3["score"], d3["machine_score"], d3["comment"]) == (1.5, 1.0, "Đã đối chiếu sổ theo dõi hồ sơ")
    # a score given with accept is ignored: accept always takes the machine's
    r = client.post(f"/submissions/{sid}/criteria/1.1.2/decisions", headers=admin,
                    json={"action": "accept", "score": 0})
    assert r.status_code == 201 and r.json()["score"] == 2.0 and r.json()["by"] == "Quản trị (quản trị)"
    d4 = r.json()

    # unit tokens: never decide (own or other unit); read their own only
    for t in ("unit", "other"):
        _error(client.post(base, headers=H(tokens[t]), json={"action": "accept"}), 403, "FORBIDDEN")
    _error(client.get(base, headers=H(tokens["other"])), 403, "FORBIDDEN")
    _error(client.get(f"/submissions/{sid}/decisions", headers=H(tokens["other"])), 403, "FORBIDDEN")

    # history: newest first, everything that was stored (nothing from the refused attempts)
    hist = client.get(base, headers=H(tokens["unit"])).json()
    assert [d["id"] for d in hist] == [d3["id"], d2["id"], d1["id"]]
    assert [(d["action"], d["score"]) for d in hist] == [("set", 1.5), ("set", 1.0), ("accept", 1.0)]
    assert hist[0] == d3
    assert client.get(f"/submissions/{sid}/criteria/1.1.1/decisions", headers=appraiser).json() == []
    with svc.db.session() as s:
        rows = s.scalars(select(Decision).where(Decision.submission_id == sid).order_by(Decision.id)).all()
        assert [(r.code, r.action, r.score) for r in rows] == [
            ("3.2.1", "accept", 1.0), ("3.2.1", "set", 1.0), ("3.2.1", "set", 1.5), ("1.1.2", "accept", 2.0)]
        assert rows[0].by_role == "appraiser" and rows[-1].by_role == "admin"

    # current: the newest per criterion, undecided criteria absent
    cur = client.get(f"/submissions/{sid}/decisions", headers=H(tokens["unit"])).json()
    assert cur == {"3.2.1": d3, "1.1.2": d4}

    # the REST report exports carry the same decisions as the web interface's exports
    rest_json = client.get(f"/submissions/{sid}/report", headers=appraiser).json()
    assert rest_json["decisions"] == cur and len(rest_json["criteria"]) == 11

    def decision_cells(data: bytes) -> dict:
        ws = load_workbook(io.BytesIO(data))["Thẩm định"]
        return {row[1]: (row[9], row[10]) for row in ws.iter_rows(values_only=True) if row[1] in ("3.2.1", "1.1.2")}

    rest_xlsx = client.get(f"/submissions/{sid}/report?format=xlsx", headers=H(tokens["unit"]))
    cells = decision_cells(rest_xlsx.content)
    assert cells["3.2.1"][0] == 1.5 and "Đã đối chiếu sổ theo dõi hồ sơ" in cells["3.2.1"][1]
    assert LABEL in cells["3.2.1"][1]
    assert cells["1.1.2"][0] == 2.0 and "Chấp nhận điểm theo minh chứng" in cells["1.1.2"][1]
    rest_html = client.get(f"/submissions/{sid}/report?format=html", headers=appraiser).text
    assert "Kết quả thẩm định" in rest_html and "Đã đối chiếu sổ theo dõi hồ sơ" in rest_html

    # ... and the web interface shows and exports the decision made over REST
    with TestClient(app) as web:
        login(web, tokens["appraiser"])
        crit = web.get(f"/ui/submissions/{sid}/criteria/3.2.1")
        assert crit.status_code == 200
        assert "Đã đối chiếu sổ theo dõi hồ sơ" in crit.text and 'id="history"' in crit.text and LABEL in crit.text
        ui_xlsx = web.get(f"/ui/submissions/{sid}/report.xlsx")
        assert ui_xlsx.status_code == 200 and decision_cells(ui_xlsx.content) == cells
        ui_json = json.loads(web.get(f"/ui/submissions/{sid}/report.json").content)
        assert ui_json["decisions"] == cur
        assert {k: v for k, v in ui_json.items() if k != "decisions"} == \
            {k: v for k, v in rest_json.items() if k != "decisions"}
        ui_html = web.get(f"/ui/submissions/{sid}/report.html").text
        assert ui_html == rest_html
