"""``POST /submissions/{id}/withdraw``: appraisers and admins withdraw a submission (kept, with who, when and
why); a unit token may not; a reason is required."""

from __future__ import annotations

from api.service.tokens import create_token
from models.tables import Submission, Unit

UNIT = "Sở Tư pháp tỉnh Đồng Nai"


def test_withdraw_route(client, svc):
    with svc.db.session() as s:
        unit = Unit(name=UNIT)
        s.add(unit)
        s.flush()
        sub = Submission(unit_id=unit.id, year=2024, status="done")
        s.add(sub)
        s.flush()
        sid = sub.id
    staff = {"Authorization": f"Bearer {create_token(svc.db, 'appraiser', label='Lê Thẩm Định')}"}
    own = {"Authorization": f"Bearer {create_token(svc.db, 'unit', UNIT)}"}

    assert client.post(f"/submissions/{sid}/withdraw", json={"reason": "nộp nhầm"}, headers=own).status_code == 403
    r = client.post(f"/submissions/{sid}/withdraw", json={"reason": ""}, headers=staff)
    assert r.status_code == 422
    assert client.post("/submissions/nope/withdraw", json={"reason": "x"}, headers=staff).status_code == 404
    r = client.post(f"/submissions/{sid}/withdraw", json={"reason": "Đơn vị nộp nhầm"}, headers=staff)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["standing"] == "withdrawn" and body["withdrawn_by"] == "Lê Thẩm Định"
    assert body["reason"] == "Đơn vị nộp nhầm" and body["withdrawn_at"].endswith("+00:00")
    # kept: still listed and readable
    assert client.get(f"/submissions/{sid}", headers=staff).status_code == 200
    assert sid in {i["id"] for i in client.get("/submissions", headers=staff).json()["items"]}
