"""``POST /submissions/{id}/withdraw``: appraisers and admins withdraw a submission (kept, with who, when and
why); a unit token may not; a reason is required (``REASON_REQUIRED``). ``GET /submissions`` and
``GET /submissions/{id}`` tell each submission's standing among its unit's submissions for the year
(latest / superseded / withdrawn, the web list's computation) and, once withdrawn, who withdrew it, when, why."""

from __future__ import annotations

import datetime as dt

from api.service.tokens import create_token
from models.tables import Submission, Unit

UNIT = "Sở Tư pháp tỉnh Đồng Nai"


def _submissions(svc, *years: int) -> list[str]:
    """One submission per year given, oldest first (a minute apart), for UNIT."""
    start = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    with svc.db.session() as s:
        unit = s.query(Unit).filter_by(name=UNIT).one_or_none() or Unit(name=UNIT)
        s.add(unit)
        s.flush()
        subs = [Submission(unit_id=unit.id, year=y, status="done", created_at=start + dt.timedelta(minutes=i))
                for i, y in enumerate(years)]
        s.add_all(subs)
        s.flush()
        return [x.id for x in subs]


def test_withdraw_route(client, svc):
    (sid,) = _submissions(svc, 2024)
    staff = {"Authorization": f"Bearer {create_token(svc.db, 'appraiser', label='Lê Thẩm Định')}"}
    own = {"Authorization": f"Bearer {create_token(svc.db, 'unit', UNIT)}"}

    assert client.post(f"/submissions/{sid}/withdraw", json={"reason": "nộp nhầm"}, headers=own).status_code == 403
    for blank in ({"reason": ""}, {"reason": "   \n"}, {}):
        r = client.post(f"/submissions/{sid}/withdraw", json=blank, headers=staff)
        assert r.status_code == 422, (blank, r.text)
        err = r.json()["error"]
        assert err["code"] == "REASON_REQUIRED" and "lý do" in err["message_vi"], err
    assert client.get(f"/submissions/{sid}", headers=staff).json()["withdrawal"] is None  # refused: nothing kept
    assert client.post("/submissions/nope/withdraw", json={"reason": "x"}, headers=staff).status_code == 404
    r = client.post(f"/submissions/{sid}/withdraw", json={"reason": "Đơn vị nộp nhầm"}, headers=staff)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["standing"] == "withdrawn" and body["withdrawn_by"] == "Lê Thẩm Định"
    assert body["reason"] == "Đơn vị nộp nhầm" and body["withdrawn_at"].endswith("+00:00")
    # kept: still listed and readable
    assert client.get(f"/submissions/{sid}", headers=staff).status_code == 200
    assert sid in {i["id"] for i in client.get("/submissions", headers=staff).json()["items"]}


def test_list_and_detail_tell_standing_and_withdrawal(client, svc):
    old, new, lone = _submissions(svc, 2023, 2023, 2022)
    staff = {"Authorization": f"Bearer {create_token(svc.db, 'appraiser', label='Nguyễn Văn Thẩm')}"}
    own = {"Authorization": f"Bearer {create_token(svc.db, 'unit', UNIT)}"}

    def listed(headers=staff) -> dict[str, dict]:
        r = client.get("/submissions", headers=headers)
        assert r.status_code == 200, r.text
        return {i["id"]: i for i in r.json()["items"]}

    items = listed()
    assert (items[new]["standing"], items[old]["standing"], items[lone]["standing"]) == ("latest", "superseded", None)
    assert all(items[i]["withdrawal"] is None for i in (old, new, lone))
    assert client.get(f"/submissions/{old}", headers=staff).json()["standing"] == "superseded"

    r = client.post(f"/submissions/{new}/withdraw", json={"reason": "Nộp lại bản đúng"}, headers=staff)
    assert r.status_code == 200, r.text

    for items in (listed(), listed(own)):  # the unit sees the same standing of its own submissions
        assert (items[new]["standing"], items[old]["standing"]) == ("withdrawn", "latest")
        w = items[new]["withdrawal"]
        assert w["withdrawn_by"] == "Nguyễn Văn Thẩm" and w["reason"] == "Nộp lại bản đúng"
        assert dt.datetime.fromisoformat(w["withdrawn_at"]).utcoffset() == dt.timedelta(0)
        assert items[old]["withdrawal"] is None
    one = client.get(f"/submissions/{new}", headers=staff).json()
    assert one["standing"] == "withdrawn" and one["withdrawal"] == items[new]["withdrawal"]
    assert client.get(f"/submissions/{old}", headers=own).json()["standing"] == "latest"
