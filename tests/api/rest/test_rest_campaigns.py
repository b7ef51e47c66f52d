"""Appraisal campaigns over the REST API (bearer tokens), on a real PostgreSQL and the in-process queue: a unit
sees and changes only its own unit (another's is 404), writes nothing after a lock (409), locks its own step;
an admin unlocks with a reason; an appraiser confirms or drops the machine's proposed questions from the unit's
real checked submission; files keep their versions; survey scores import whole; every change is in the audit
trail with who and when."""

from __future__ import annotations

import datetime as dt
import io

import pymupdf
import pytest
from openpyxl import Workbook

from api.service import campaigns
from api.service.tokens import authenticate, create_token
from models.campaign import CampaignSpec
from tests.api.helpers import example_zip, poll
from tests.api.service.test_campaigns import _spec as campaign_spec
from verifier.messages import VN_TZ

A = "Sở Tư pháp tỉnh Đồng Nai"  # the example submission's unit
B = "Sở Y tế tỉnh Đồng Nai"
C = "UBND huyện Xuân Lộc"  # takes no part in the campaign
CID = "dong-nai-2024"


def H(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _spec(step: str) -> CampaignSpec:
    """A campaign for the example's year, its dates around today so that ``step`` is open now."""
    return campaign_spec(dt.datetime.now(VN_TZ).date(), step=step, campaign_id=CID, year=2024)


@pytest.fixture()
def tokens(svc):
    return {
        "admin": create_token(svc.db, "admin", label="Trần Văn Quản"),
        "appraiser": create_token(svc.db, "appraiser", label="Lê Thị Thẩm"),
        "a": create_token(svc.db, "unit", A, "Nguyễn Văn A"),
        "b": create_token(svc.db, "unit", B, "Phạm Thị B"),
        "c": create_token(svc.db, "unit", C, "Hoàng Văn C"),
    }


def _campaign(svc, tokens, step: str) -> None:
    campaigns.create_campaign(svc, _spec(step), authenticate(svc.db, tokens["admin"]))


def _error(r, status: int, code: str) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    err = r.json()["error"]
    assert err["code"] == code and err["message"] and err["message_vi"], err
    return err


def _pdf(text: str) -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text)
    return doc.tobytes()


def _unit_url(unit: str) -> str:
    return f"/campaigns/{CID}/units/{unit}"


def test_campaign_routes_need_a_token_and_hide_other_units(client, svc, tokens):
    _campaign(svc, tokens, "explanation")
    _error(client.get("/campaigns"), 401, "UNAUTHORIZED")
    _error(client.get(_unit_url(A)), 401, "UNAUTHORIZED")

    assert [c["id"] for c in client.get("/campaigns", headers=H(tokens["appraiser"])).json()] == [CID]
    [mine] = client.get("/campaigns", headers=H(tokens["a"])).json()
    assert mine["step"] == "explanation" and mine["step_title"] == "Giải trình, bổ sung"
    assert client.get("/campaigns", headers=H(tokens["c"])).json() == []  # C takes no part
    _error(client.get(f"/campaigns/{CID}", headers=H(tokens["c"])), 404, "NOT_FOUND")
    _error(client.get("/campaigns/khong-co", headers=H(tokens["admin"])), 404, "NOT_FOUND")

    staff = client.get(f"/campaigns/{CID}", headers=H(tokens["appraiser"])).json()
    assert [s["step"] for s in staff["calendar"]] == ["self_assessment", "round1", "explanation", "round2"]
    expl = staff["calendar"][2]
    closes = dt.datetime.fromisoformat(expl["closes"])
    assert closes.utcoffset() == dt.timedelta(0) and closes.astimezone(VN_TZ).time() == dt.time(0, 0)
    assert expl["closes_local"].endswith("00:00 (UTC+07:00)") and expl["seconds_left"] > 0
    assert staff["calendar"][0]["seconds_left"] == 0  # closed ten days ago
    assert staff["groups"][0]["units"] == [A, B]
    assert client.get(f"/campaigns/{CID}", headers=H(tokens["a"])).json()["groups"][0]["units"] == [A]

    # another unit's view, events, explanations, files and locks: not found, never forbidden-but-there
    for method, url, kw in (("get", _unit_url(A), {}), ("get", f"/campaigns/{CID}/events?unit={A}", {}),
                            ("post", f"{_unit_url(A)}/criteria/3.2.1/explanations", {"json": {"text": "x"}}),
                            ("post", f"{_unit_url(A)}/criteria/3.2.1/files",
                             {"files": {"file": ("a.pdf", _pdf("x"), "application/pdf")}}),
                            ("get", f"{_unit_url(A)}/criteria/3.2.1/files/1", {}),
                            ("post", f"{_unit_url(A)}/steps/explanation/lock", {})):
        _error(client.request(method, url, headers=H(tokens["b"]), **kw), 404, "NOT_FOUND")
        _error(client.request(method, url, headers=H(tokens["c"]), **kw), 404, "NOT_FOUND")
    # the same with a name that is no unit of the campaign: a unit learns nothing from the answer
    _error(client.get(_unit_url("UBND xã Không Có"), headers=H(tokens["a"])), 404, "NOT_FOUND")
    _error(client.get(_unit_url("UBND xã Không Có"), headers=H(tokens["admin"])), 422, "NOT_IN_CAMPAIGN")
    # staff-only and admin-only actions
    _error(client.post(f"{_unit_url(A)}/propose", headers=H(tokens["a"])), 403, "FORBIDDEN")
    _error(client.post(f"{_unit_url(A)}/questions/3.2.1", headers=H(tokens["a"]), json={"action": "confirm"}),
           403, "FORBIDDEN")
    _error(client.post(f"{_unit_url(A)}/rounds/1/criteria/3.2.1", headers=H(tokens["a"]), json={"score": 1}),
           403, "FORBIDDEN")
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).isoformat()
    for who in ("a", "appraiser"):
        _error(client.post(f"{_unit_url(A)}/steps/explanation/unlock", headers=H(tokens[who]),
                           json={"until": until, "reason": "x"}), 403, "FORBIDDEN")
    _error(client.post(f"{_unit_url(A)}/steps/explanation/lock", headers=H(tokens["appraiser"])), 403, "FORBIDDEN")
    _error(client.post(f"{_unit_url(A)}/steps/round1/lock", headers=H(tokens["a"])), 422, "VALIDATION")
    _error(client.post(f"{_unit_url(A)}/rounds/3/criteria/3.2.1", headers=H(tokens["appraiser"]),
                       json={"score": 1}), 422, "VALIDATION")


def test_a_round_from_proposals_to_round_two_over_rest(client, svc, tokens):
    _campaign(svc, tokens, "explanation")
    staff, unit_a = H(tokens["appraiser"]), H(tokens["a"])
    _error(client.post(f"{_unit_url(A)}/propose", headers=staff), 404, "NOT_FOUND")  # nothing submitted yet

    # the unit's real submission, checked; round 1's questions come from its findings
    r = client.post("/submissions", headers=unit_a, files={"files": ("nop.zip", example_zip(), "application/zip")})
    assert r.status_code == 202, r.text
    sid = r.json()["id"]
    poll(lambda: client.get(f"/submissions/{sid}", headers=unit_a).json(),
         until=lambda j: j["status"] in ("done", "failed"))
    r = client.post(f"{_unit_url(A)}/propose", headers=staff)
    assert r.status_code == 200, r.text
    assert r.json() == {"submission": sid, "proposed": 6}  # 4 REFUTED + 2 MANUAL_REVIEW
    assert client.post(f"{_unit_url(A)}/propose", headers=staff).json()["proposed"] == 0

    view = client.get(_unit_url(A), headers=unit_a).json()
    crit = {c["code"]: c for c in view["criteria"]}
    assert view["submission"] == sid and crit["3.2.1"]["verdict"] == "REFUTED"
    assert crit["3.2.1"]["self_score"] == 2 and crit["3.2.1"]["supported_score"] == 1
    q = crit["3.2.1"]["question"]
    assert q["requested"] and q["state"] == "proposed" and q["source"] == "machine" and q["message"]
    proposed = sorted(c for c, x in crit.items() if x["question"])
    assert len(proposed) == 6 and all(crit[c]["verdict"] != "SUPPORTED" for c in proposed)

    # the appraiser confirms one and drops another; a decided proposal is not decided twice
    keep, drop = "3.2.1", next(c for c in proposed if c != "3.2.1")
    r = client.post(f"{_unit_url(A)}/questions/{keep}", headers=staff, json={"action": "confirm"})
    assert r.status_code == 200 and r.json()["state"] == "confirmed" and r.json()["by"] == "Lê Thị Thẩm"
    r = client.post(f"{_unit_url(A)}/questions/{drop}", headers=staff, json={"action": "drop"})
    assert r.json()["state"] == "dropped" and not r.json()["explanation_requested"]
    _error(client.post(f"{_unit_url(A)}/questions/{keep}", headers=staff, json={"action": "drop"}),
           422, "ACTION_INVALID")
    supported = next(c for c, x in crit.items() if x["verdict"] == "SUPPORTED")
    _error(client.post(f"{_unit_url(A)}/questions/{supported}", headers=staff, json={"action": "confirm"}),
           404, "NOT_FOUND")  # nothing was proposed for it
    _error(client.post(f"{_unit_url(A)}/questions/{keep}", headers=staff, json={"action": "maybe"}),
           422, "VALIDATION")
    _error(client.post(f"{_unit_url(A)}/rounds/1/criteria/9.9.9", headers=staff, json={"score": 1}),
           422, "CRITERION_NOT_FOUND")
    _error(client.post(f"{_unit_url(A)}/rounds/1/criteria/3.2.1", headers=staff, json={"score": 3}),
           422, "SCORE_OUT_OF_RANGE")  # 3.2.1's maximum is 2

    # the unit explains what was questioned (new versions, old ones kept) and adds files
    url = f"{_unit_url(A)}/criteria/{keep}"
    for n, text in ((1, "Kế hoạch trình ngày 25/01"), (2, "Bổ sung tờ trình số 12")):
        r = client.post(f"{url}/explanations", headers=unit_a, json={"text": text})
        assert r.status_code == 201 and r.json()["version"] == n and r.json()["by"] == "Nguyễn Văn A", r.text
    _error(client.post(f"{_unit_url(A)}/criteria/{drop}/explanations", headers=unit_a, json={"text": "x"}),
           422, "NOT_QUESTIONED")
    _error(client.post(f"{url}/explanations", headers=staff, json={"text": "x"}), 403, "FORBIDDEN")
    _error(client.post(f"{url}/explanations", headers=unit_a, json={"text": " "}), 422, "COMMENT_REQUIRED")
    first, second = _pdf("To trinh so 12"), _pdf("To trinh so 12, ban ky")
    files = []
    for n, data in ((1, first), (2, second)):
        r = client.post(f"{url}/files", headers=unit_a, files={"file": ("tờ trình.pdf", data, "application/pdf")})
        assert r.status_code == 201 and r.json()["version"] == n, r.text
        files.append(r.json())
    assert files[0]["sha256"] != files[1]["sha256"] and files[0]["name"] == files[1]["name"] == "tờ trình.pdf"
    _error(client.post(f"{url}/files", headers=unit_a, files={"file": ("hong.pdf", b"%PDF-1.7\n" + b"\0" * 200,
                                                                        "application/pdf")}), 422, "CORRUPT_PDF")
    _error(client.post(f"{url}/files", headers=unit_a, files={"file": ("ghi-chu.txt", b"chi la chu", "text/plain")}),
           415, "UNSUPPORTED_TYPE")
    for f, data in zip(files, (first, second), strict=True):  # every version downloads, the unit's and staff's
        for who in (unit_a, staff):
            r = client.get(f["href"], headers=who)
            assert r.status_code == 200 and r.content == data and r.headers["content-type"] == "application/pdf"
            assert "filename*=UTF-8''t%E1%BB%9D-tr%C3%ACnh.pdf" in r.headers["content-disposition"]
    _error(client.get(files[0]["href"].replace(f"/criteria/{keep}/", f"/criteria/{drop}/"), headers=unit_a),
           404, "NOT_FOUND")
    _error(client.get(files[0]["href"], headers=H(tokens["b"])), 404, "NOT_FOUND")

    # round 2 waits for the lock; after the lock the unit writes nothing
    _error(client.post(f"{_unit_url(A)}/rounds/2/criteria/{keep}", headers=staff, json={"score": 2}),
           409, "STEP_NOT_OPEN")
    r = client.post(f"{_unit_url(A)}/steps/explanation/lock", headers=unit_a, json={"note": "Đã đủ giải trình"})
    assert r.status_code == 200 and r.json()["locked"] and r.json()["reason"] == "unit", r.text
    assert r.json()["by"] == "Nguyễn Văn A" and "chốt" in r.json()["message_vi"]
    _error(client.post(f"{url}/explanations", headers=unit_a, json={"text": "sau khi chốt"}), 409, "STEP_LOCKED")
    _error(client.post(f"{url}/files", headers=unit_a, files={"file": ("c.pdf", _pdf("c"), "application/pdf")}),
           409, "STEP_LOCKED")
    _error(client.post(f"{_unit_url(A)}/steps/explanation/lock", headers=unit_a), 409, "STEP_LOCKED")
    r = client.post(f"{_unit_url(A)}/rounds/2/criteria/{keep}", headers=staff,
                    json={"score": 2, "note": "Chấp nhận giải trình"})
    assert r.status_code == 201 and r.json()["round"] == 2 and r.json()["score"] == 2, r.text

    # an admin opens it again with a reason and an end; then the unit writes again, until then
    admin = H(tokens["admin"])
    until = dt.datetime.now(VN_TZ).replace(microsecond=0, tzinfo=None) + dt.timedelta(hours=3)  # Vietnam time
    _error(client.post(f"{_unit_url(A)}/steps/explanation/unlock", headers=admin,
                       json={"until": until.isoformat(), "reason": "  "}), 422, "REASON_REQUIRED")
    _error(client.post(f"{_unit_url(A)}/steps/explanation/unlock", headers=admin,
                       json={"until": "2020-01-01T00:00:00+07:00", "reason": "x"}), 422, "VALIDATION")
    r = client.post(f"{_unit_url(A)}/steps/explanation/unlock", headers=admin,
                    json={"until": until.isoformat(), "reason": "Đơn vị xin bổ sung quyết định"})
    assert r.status_code == 200 and not r.json()["locked"], r.text
    assert dt.datetime.fromisoformat(r.json()["until"]) == until.replace(tzinfo=VN_TZ)
    assert client.post(f"{url}/explanations", headers=unit_a, json={"text": "Bổ sung sau mở lại"}).json()["version"] == 3

    view = client.get(_unit_url(A), headers=unit_a).json()
    crit = {c["code"]: c for c in view["criteria"]}
    assert [e["version"] for e in crit[keep]["explanations"]] == [1, 2, 3]
    assert [(f["name"], f["version"]) for f in crit[keep]["files"]] == [("tờ trình.pdf", 1), ("tờ trình.pdf", 2)]
    assert crit[keep]["rounds"]["1"]["state"] == "confirmed" and crit[keep]["rounds"]["2"]["score"] == 2
    assert crit[drop]["question"]["state"] == "dropped" and not crit[drop]["question"]["requested"]
    step = {s["step"]: s for s in view["steps"]}
    assert step["explanation"]["locked"] is False and 0 < step["explanation"]["seconds_left"] <= 3 * 3600
    assert step["explanation"]["deadline"] == step["explanation"]["open_until"]
    assert step["self_assessment"]["locked"] and step["self_assessment"]["seconds_left"] == 0
    assert step["round2"]["locked"] is None and step["round2"]["seconds_left"] > 0

    # the audit trail: who, when, what, why; a unit reads only its own (once the background re-check of the
    # criterion the unit answered has run: it writes its own event)
    svc.queue.join()
    trail = client.get(f"/campaigns/{CID}/events", headers=admin).json()
    seen = {(e["action"], e["step"], e["by"]) for e in trail}
    assert {("proposed", "round1", "Lê Thị Thẩm"), ("round_score", "round1", "Lê Thị Thẩm"),
            ("explanation", "explanation", "Nguyễn Văn A"), ("file_added", "explanation", "Nguyễn Văn A"),
            ("lock", "explanation", "Nguyễn Văn A"), ("unlock", "explanation", "Trần Văn Quản"),
            ("round_score", "round2", "Lê Thị Thẩm"), ("created", "self_assessment", "Trần Văn Quản"),
            ("rechecked", "round2", "kiemchung")} <= seen
    [unlock] = [e for e in trail if e["action"] == "unlock"]
    assert unlock["note"] == "Đơn vị xin bổ sung quyết định" and unlock["role"] == "admin" and unlock["unit"] == A
    assert unlock["at"] and unlock["at_local"].endswith("(UTC+07:00)") and unlock["until"]
    own = client.get(f"/campaigns/{CID}/events", headers=unit_a).json()
    assert own and {e["unit"] for e in own} == {A} and len(own) < len(trail)
    assert client.get(f"/campaigns/{CID}/events", headers=H(tokens["b"])).json() == []
    assert client.get(f"/campaigns/{CID}/events?unit={A}", headers=staff).json() == own


def test_a_unit_locks_its_self_assessment_and_an_admin_locks_for_a_unit(client, svc, tokens):
    _campaign(svc, tokens, "self_assessment")
    r = client.post(f"{_unit_url(A)}/steps/self_assessment/lock", headers=H(tokens["a"]))
    assert r.status_code == 200 and r.json()["locked"] and r.json()["reason"] == "unit", r.text
    _error(client.post(f"{_unit_url(A)}/steps/self_assessment/lock", headers=H(tokens["a"])), 409, "STEP_LOCKED")
    _error(client.post(f"{_unit_url(A)}/steps/explanation/lock", headers=H(tokens["a"])), 409, "STEP_NOT_OPEN")
    r = client.post(f"{_unit_url(B)}/steps/self_assessment/lock", headers=H(tokens["admin"]),
                    json={"note": "Hết thời gian theo công văn"})
    assert r.json()["reason"] == "admin" and r.json()["by"] == "Trần Văn Quản"
    view = client.get(_unit_url(B), headers=H(tokens["b"])).json()
    step = {s["step"]: s for s in view["steps"]}["self_assessment"]
    assert step["locked"] and step["lock_reason"] == "admin" and step["seconds_left"] == 0
    assert step["locked_by"] == "Trần Văn Quản" and "chỉ quản trị viên mở lại" in step["message_vi"]
    assert [(e["action"], e["note"]) for e in view["events"]] == [("lock", "Hết thời gian theo công văn")]


def test_survey_scores_are_imported_whole_or_not_at_all(client, svc, tokens):
    _campaign(svc, tokens, "explanation")
    admin = H(tokens["admin"])
    bad = f"Đơn vị;Mã;Điểm\n{A};8.1;30,5\nUBND xã Lạ;8.1;20\n".encode()
    err = _error(client.post(f"/campaigns/{CID}/survey", headers=admin, files={"file": ("dtxhh.csv", bad, "text/csv")}),
                 422, "SURVEY_INVALID")
    assert "dòng 3" in err["message_vi"]
    assert client.get(_unit_url(A), headers=admin).json()["survey"] == {}  # nothing imported
    wb = Workbook()
    for row in (["Đơn vị", "Mã", "Điểm"], [A, "8.1", 30.5], [B, "8.1", "28,25"]):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    xlsx = ("dtxhh.xlsx", buf.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    for who in ("appraiser", "a"):
        _error(client.post(f"/campaigns/{CID}/survey", headers=H(tokens[who]), files={"file": xlsx}),
               403, "FORBIDDEN")
    r = client.post(f"/campaigns/{CID}/survey", headers=admin, files={"file": xlsx})
    assert r.status_code == 200 and r.json() == {"imported": 2}, r.text
    assert client.get(_unit_url(A), headers=H(tokens["a"])).json()["survey"] == {"8.1": 30.5}
    assert client.get(_unit_url(B), headers=H(tokens["appraiser"])).json()["survey"] == {"8.1": 28.25}
    [imp] = [e for e in client.get(f"/campaigns/{CID}/events", headers=admin).json() if e["action"] == "survey_import"]
    assert imp["by"] == "Trần Văn Quản" and "dtxhh.xlsx: 2 dòng" in imp["note"]


def test_an_admin_uploads_downloads_and_reuploads_the_campaign_file(client, svc, tokens):
    admin = H(tokens["admin"])
    spec = _spec("self_assessment")
    text = campaigns.dump_spec(spec)
    for who in ("appraiser", "a"):
        _error(client.post("/campaigns", headers=H(tokens[who]), files={"file": ("c.yaml", text, "text/yaml")}),
               403, "FORBIDDEN")
    assert client.get("/campaigns", headers=admin).json() == []  # nothing stored by a refused upload
    r = client.post("/campaigns", headers=admin, files={"file": ("dot-2024.yaml", text.encode(), "text/yaml")})
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["id"] == CID and created["step"] == "self_assessment" and created["groups"][0]["units"] == [A, B]

    # download (staff only), move round 1's deadline three days later, upload again
    _error(client.get(f"/campaigns/{CID}/spec", headers=H(tokens["a"])), 403, "FORBIDDEN")
    got = client.get(f"/campaigns/{CID}/spec", headers=H(tokens["appraiser"]))
    assert got.status_code == 200 and got.headers["content-type"] == "text/yaml; charset=utf-8"
    assert got.headers["content-disposition"].startswith("attachment") and campaigns.parse_spec(got.text) == spec
    old = spec.calendar["round1"].closes
    moved = old + dt.timedelta(days=3)  # still before the explanation step closes
    edited = got.text.replace(f"round1: {{closes: {old.isoformat()}}}", f"round1: {{closes: {moved.isoformat()}}}")
    assert edited != got.text
    r = client.post("/campaigns", headers=admin, files={"file": ("dot-2024.yaml", edited.encode(), "text/yaml")})
    assert r.status_code == 201, r.text
    [round1] = [e for e in r.json()["calendar"] if e["step"] == "round1"]
    assert dt.datetime.fromisoformat(round1["closes"]).astimezone(VN_TZ).date() == moved + dt.timedelta(days=1)
    assert client.get(f"/campaigns/{CID}", headers=H(tokens["a"])).json()["calendar"][1]["closes"] == round1["closes"]
    assert f"closes: {moved.isoformat()}" in client.get(f"/campaigns/{CID}/spec", headers=admin).text
    trail = [e for e in client.get(f"/campaigns/{CID}/events", headers=admin).json() if e["action"] == "created"]
    assert len(trail) == 2 and {(e["by"], e["role"]) for e in trail} == {("Trần Văn Quản", "admin")}
    assert all(e["at"] and e["at_local"].endswith("(UTC+07:00)") for e in trail)

    # a file that does not load: 422 with the reason, in Vietnamese; the campaign is unchanged
    broken = edited.replace(f"closes: {moved.isoformat()}", "closes: 2000-01-01")
    err = _error(client.post("/campaigns", headers=admin, files={"file": ("sai.yaml", broken.encode(), "text/yaml")}),
                 422, "CAMPAIGN_INVALID")
    assert "sai.yaml" in err["message_vi"] and "Thẩm định lần 1" in err["message_vi"]
    for bad in (b"id: [", b"a: &x [1]\nb: *x\n", "id: x".encode("utf-16")):
        err = _error(client.post("/campaigns", headers=admin, files={"file": ("x.yaml", bad, "text/yaml")}),
                     422, "CAMPAIGN_INVALID")
        assert "tệp đợt đánh giá x.yaml" in err["message_vi"].lower()
    assert client.get(f"/campaigns/{CID}", headers=admin).json()["calendar"][1]["closes"] == round1["closes"]
    _error(client.get("/campaigns/khong-co/spec", headers=admin), 404, "NOT_FOUND")
