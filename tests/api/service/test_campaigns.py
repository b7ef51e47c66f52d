"""An appraisal campaign's rounds on a real PostgreSQL (migrated by Alembic): the calendar and its locks, the
machine's round-1 questions, the unit's versioned explanations and files, round 2 after the lock, an admin's
unlock, survey import — and every change in the audit trail with who and when. A unit never reaches another's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import event

from api.service import campaigns
from api.service.context import open_context
from api.service.errors import ServiceCode, ServiceError
from api.service.status import CampaignAction, RoundState
from api.service.tokens import authenticate, create_token
from models.campaign import CampaignSpec
from models.report import CriterionResult, Finding, FindingCode, Report, Severity, Verdict
from models.settings import Settings
from verifier.messages import VN_TZ

A, B = "Sở Tư pháp tỉnh Đồng Nai", "Sở Y tế tỉnh Đồng Nai"


def _spec(today: dt.date, *, step: str = "explanation", campaign_id: str = "dong-nai-2026",
          year: int = 2026) -> CampaignSpec:
    """Units A and B in one group, dates around today so that ``step`` is open now."""
    d = dt.timedelta
    if step == "explanation":
        cal = {"self_assessment": (today - d(30), today - d(10)), "round1": (None, today - d(2)),
               "explanation": (None, today + d(5)), "round2": (None, today + d(20))}
    else:
        cal = {"self_assessment": (today - d(3), today + d(3)), "round1": (None, today + d(10)),
               "explanation": (None, today + d(15)), "round2": (None, today + d(20))}
    return CampaignSpec.model_validate({
        "id": campaign_id, "year": year, "title": f"Đánh giá Chỉ số CCHC năm {year} (thử)",
        "calendar": {k: {"opens": o.isoformat() if o else None, "closes": c.isoformat()} for k, (o, c) in cal.items()},
        "groups": [{"code": "so_nganh", "title": "Sở, ban, ngành", "rubric": "par-reference", "units": [A, B]}]})


@pytest.fixture()
def ctx(pg_url, tmp_path):
    c = open_context(Settings(data_dir=tmp_path / "data", database_url=pg_url))
    yield c
    c.db.engine.dispose()


def _who(ctx, role, unit=None, label=""):
    return authenticate(ctx.db, create_token(ctx.db, role, unit, label))


def _report() -> Report:
    def crit(code, verdict, msg):
        return CriterionResult(code=code, title=code, verdict=verdict, supported_score=0.5, max_score=1,
                               findings=[Finding(code=FindingCode.LATE, severity=Severity.ERROR, message=msg)])
    return Report(criteria=[crit("1.1.1", Verdict.REFUTED, "Kế hoạch ban hành ngày 20/02/2026, sau thời hạn."),
                            crit("1.2.1", Verdict.SUPPORTED, "Đủ bốn báo cáo."),
                            crit("5.1.1", Verdict.MANUAL_REVIEW, "Cần xem nội dung.")])


def _pdf(path: Path, text: str) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text)
    doc.save(path)
    return path


def _code(exc_info) -> ServiceCode:
    return exc_info.value.code


def test_a_campaign_file_is_checked_before_it_is_stored(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("id: x\nyear: 2026\ntitle: t\ncalendar:\n  self_assessment: {closes: 2026-12-31}\n"
                   "  round1: {closes: 2026-12-01}\n  explanation: {closes: 2027-01-01}\n"
                   "  round2: {closes: 2027-01-02}\ngroups: []\n", encoding="utf-8")
    with pytest.raises(ServiceError) as e:
        campaigns.load_spec(bad)
    assert _code(e) == ServiceCode.CAMPAIGN_INVALID and "round1" in e.value.message_vi
    example = campaigns.load_spec(Path(__file__).parents[3] / "examples" / "campaign-2026.yaml")
    assert example.year == 2026 and {g.code for g in example.groups} == {"so_nganh", "cap_xa"}


def test_a_round_from_questions_to_round_two_with_locks_and_audit(ctx, tmp_path):
    now = dt.datetime.now(VN_TZ)
    admin = _who(ctx, "admin", label="Trần Văn Quản")
    appraiser = _who(ctx, "appraiser", label="Lê Thị Thẩm")
    unit_a = _who(ctx, "unit", A, "Nguyễn Văn A")
    unit_b = _who(ctx, "unit", B, "Phạm Thị B")
    campaigns.create_campaign(ctx, _spec(now.date()), admin)
    campaigns.create_campaign(ctx, _spec(now.date()), admin)  # a new version of the file: updated, not doubled
    [listed] = campaigns.list_campaigns(ctx)
    assert listed["step"] == "explanation" and listed["groups"][0]["units"] == 2

    # self-assessment closed 10 days ago: locked by its deadline, recorded once by the sweep
    assert campaigns.sweep_deadlines(ctx) == 2
    assert campaigns.sweep_deadlines(ctx) == 0
    with ctx.db.session() as s:
        camp = s.get(campaigns.Campaign, "dong-nai-2026")
        member = campaigns._member(s, camp.id, A)[1]
        state = campaigns.lock_state(s, camp, member.unit_id, "self_assessment")
    assert state.locked and state.reason == "deadline"

    # round 1: the machine proposes questions for what it could not support; the appraiser drops one
    assert campaigns.propose_questions(ctx, "dong-nai-2026", A, _report()) == 2
    assert campaigns.propose_questions(ctx, "dong-nai-2026", A, _report()) == 0  # already proposed
    campaigns.record_round(ctx, appraiser, "dong-nai-2026", A, 1, "5.1.1", score=1, note="Đạt", state=RoundState.DROPPED)
    campaigns.record_round(ctx, appraiser, "dong-nai-2026", A, 1, "1.1.1", score=0.5, explanation_requested=True,
                           note="Đề nghị giải trình ngày ban hành")
    with pytest.raises(ServiceError) as e:
        campaigns.record_round(ctx, unit_a, "dong-nai-2026", A, 1, "1.1.1", score=1)
    assert _code(e) == ServiceCode.FORBIDDEN

    # the unit explains what was questioned, and only that; nobody else writes for it
    with pytest.raises(ServiceError) as e:
        campaigns.add_explanation(ctx, unit_a, "dong-nai-2026", A, "5.1.1", "Không cần")
    assert _code(e) == ServiceCode.NOT_QUESTIONED
    for who, code in ((unit_b, ServiceCode.NOT_FOUND), (appraiser, ServiceCode.FORBIDDEN)):
        with pytest.raises(ServiceError) as e:  # another unit is not even shown; staff do not write for it
            campaigns.add_explanation(ctx, who, "dong-nai-2026", A, "1.1.1", "x")
        assert _code(e) == code
    assert campaigns.add_explanation(ctx, unit_a, "dong-nai-2026", A, "1.1.1", "Kế hoạch trình ngày 25/01").version == 1
    assert campaigns.add_explanation(ctx, unit_a, "dong-nai-2026", A, "1.1.1", "Bổ sung tờ trình số 12").version == 2
    f1 = campaigns.add_file(ctx, unit_a, "dong-nai-2026", A, "1.1.1", _pdf(tmp_path / "a.pdf", "To trinh 12"), "tt.pdf")
    f2 = campaigns.add_file(ctx, unit_a, "dong-nai-2026", A, "1.1.1", _pdf(tmp_path / "b.pdf", "To trinh 12b"), "tt.pdf")
    assert (f1.version, f2.version) == (1, 2) and f1.sha256 != f2.sha256  # a new version beside the old one
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00" * 200)
    with pytest.raises(ServiceError) as e:
        campaigns.add_file(ctx, unit_a, "dong-nai-2026", A, "1.1.1", broken, "hong.pdf")
    assert e.value.code.value == "CORRUPT_PDF" and "hong.pdf" in e.value.message_vi
    refused = [x for x in campaigns.events(ctx, admin, "dong-nai-2026", A) if x["action"] == CampaignAction.FILE_REFUSED]
    assert [(x["code"], x["by"]) for x in refused] == [("1.1.1", "Nguyễn Văn A")]  # on record, bytes not kept
    assert "hong.pdf" in refused[0]["note"]

    # round 2 waits for the explanation to lock; after the lock the unit writes nothing
    with pytest.raises(ServiceError) as e:
        campaigns.record_round(ctx, appraiser, "dong-nai-2026", A, 2, "1.1.1", score=1)
    assert _code(e) == ServiceCode.STEP_NOT_OPEN
    with pytest.raises(ServiceError) as e:
        campaigns.lock(ctx, unit_b, "dong-nai-2026", A, "explanation")
    assert _code(e) == ServiceCode.NOT_FOUND
    with pytest.raises(ServiceError) as e:
        campaigns.lock(ctx, appraiser, "dong-nai-2026", A, "explanation")
    assert _code(e) == ServiceCode.FORBIDDEN
    assert campaigns.lock(ctx, unit_a, "dong-nai-2026", A, "explanation").locked
    with pytest.raises(ServiceError) as e:
        campaigns.add_explanation(ctx, unit_a, "dong-nai-2026", A, "1.1.1", "sau khi chốt")
    assert _code(e) == ServiceCode.STEP_LOCKED and "chốt" in e.value.message_vi
    campaigns.record_round(ctx, appraiser, "dong-nai-2026", A, 2, "1.1.1", score=1, note="Chấp nhận giải trình")

    # an admin opens it again, with a reason and an end; then it is open for the unit
    for who, until, reason, code in ((appraiser, now + dt.timedelta(hours=2), "x", ServiceCode.FORBIDDEN),
                                     (admin, now + dt.timedelta(hours=2), " ", ServiceCode.REASON_REQUIRED),
                                     (admin, now - dt.timedelta(hours=1), "x", ServiceCode.VALIDATION)):
        with pytest.raises(ServiceError) as e:
            campaigns.unlock(ctx, who, "dong-nai-2026", A, "explanation", until, reason)
        assert _code(e) == code
    state = campaigns.unlock(ctx, admin, "dong-nai-2026", A, "explanation", now + dt.timedelta(hours=2),
                             "Đơn vị xin bổ sung quyết định")
    assert not state.locked and state.until is not None
    assert campaigns.add_explanation(ctx, unit_a, "dong-nai-2026", A, "1.1.1", "Bổ sung sau mở lại").version == 3
    # when the unlock ends, the sweep records the automatic lock once, in a fixed number of queries
    later = now + dt.timedelta(hours=3)
    queries: list[str] = []
    listen = lambda *args: queries.append(args[2])  # noqa: E731 (before_cursor_execute's statement)
    event.listen(ctx.db.engine, "before_cursor_execute", listen)
    try:
        assert campaigns.sweep_deadlines(ctx, later) == 1
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", listen)
    assert sum(q.lstrip().upper().startswith("SELECT") for q in queries) <= 4, queries
    assert campaigns.sweep_deadlines(ctx, later) == 0
    with ctx.db.session() as s:
        camp = s.get(campaigns.Campaign, "dong-nai-2026")
        unit_id = campaigns._member(s, camp.id, A)[1].unit_id
        assert campaigns.lock_state(s, camp, unit_id, "explanation", later).reason == "deadline"

    view = campaigns.unit_view(ctx, unit_a, "dong-nai-2026", A)
    crit = {c["code"]: c for c in view["criteria"]}
    assert crit["1.1.1"]["rounds"][1]["explanation_requested"] and crit["1.1.1"]["rounds"][2]["score"] == 1
    assert crit["5.1.1"]["rounds"][1]["state"] == "dropped"
    assert [e["version"] for e in crit["1.1.1"]["explanations"]] == [1, 2, 3]
    assert [(f["name"], f["version"]) for f in crit["1.1.1"]["files"]] == [("tt.pdf", 1), ("tt.pdf", 2)]
    trail = [(e["action"], e["step"], e["by"]) for e in view["events"]]
    assert ("auto_lock", "self_assessment", "hệ thống") in trail
    assert ("lock", "explanation", "Nguyễn Văn A") in trail and ("unlock", "explanation", "Trần Văn Quản") in trail
    assert ("round_score", "round2", "Lê Thị Thẩm") in trail and all(e["at"] for e in view["events"])
    assert [e for e in view["events"] if e["action"] == CampaignAction.UNLOCK][0]["note"] == "Đơn vị xin bổ sung quyết định"

    # a unit reads only its own
    with pytest.raises(ServiceError) as e:
        campaigns.unit_view(ctx, unit_b, "dong-nai-2026", A)
    assert _code(e) == ServiceCode.NOT_FOUND
    assert [e["unit"] for e in campaigns.events(ctx, unit_a, "dong-nai-2026")] == [A] * len(view["events"])
    with pytest.raises(ServiceError) as e:
        campaigns.events(ctx, unit_b, "dong-nai-2026", A)
    assert _code(e) == ServiceCode.NOT_FOUND
    assert campaigns.unit_view(ctx, appraiser, "dong-nai-2026", A)["unit"] == A


def test_a_unit_locks_its_self_assessment_before_the_deadline(ctx):
    now = dt.datetime.now(VN_TZ)
    admin = _who(ctx, "admin", label="Quản trị")
    unit_a = _who(ctx, "unit", A, "Nguyễn Văn A")
    campaigns.create_campaign(ctx, _spec(now.date(), step="self_assessment"), admin)
    state = campaigns.lock(ctx, unit_a, "dong-nai-2026", A, "self_assessment", "Đã chốt điểm tự chấm")
    assert state.locked and state.reason == "unit" and state.by == "Nguyễn Văn A"
    with pytest.raises(ServiceError) as e:
        campaigns.lock(ctx, unit_a, "dong-nai-2026", A, "self_assessment")
    assert _code(e) == ServiceCode.STEP_LOCKED
    with pytest.raises(ServiceError) as e:  # the explanation step has not opened yet
        campaigns.lock(ctx, unit_a, "dong-nai-2026", A, "explanation")
    assert _code(e) == ServiceCode.STEP_NOT_OPEN
    appraiser = _who(ctx, "appraiser", label="Lê Thẩm Định")
    with pytest.raises(ServiceError) as e:  # an explanation step not yet open is no locked explanation
        campaigns.record_round(ctx, appraiser, "dong-nai-2026", A, 2, "1.1.1", score=1)
    assert _code(e) == ServiceCode.STEP_NOT_OPEN
    with pytest.raises(ServiceError) as e:
        campaigns.lock(ctx, admin, "dong-nai-2026", "UBND xã Không Có", "self_assessment")
    assert _code(e) == ServiceCode.NOT_IN_CAMPAIGN
    with pytest.raises(ServiceError) as e:  # a unit learns nothing about other names, taking part or not
        campaigns.lock(ctx, unit_a, "dong-nai-2026", "UBND xã Không Có", "self_assessment")
    assert _code(e) == ServiceCode.NOT_FOUND


def test_survey_scores_are_imported_whole_or_not_at_all(ctx, tmp_path):
    admin = _who(ctx, "admin", label="Quản trị")
    campaigns.create_campaign(ctx, _spec(dt.date.today()), admin)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"Đơn vị;Mã;Điểm\n{A};8.1;30,5\nUBND xã Lạ;8.1;20\n{B};8.1;abc\n", encoding="utf-8")
    with pytest.raises(ServiceError) as e:
        campaigns.import_survey(ctx, admin, "dong-nai-2026", bad)
    assert _code(e) == ServiceCode.SURVEY_INVALID and "dòng 3" in e.value.message_vi and "dòng 4" in e.value.message_vi
    assert campaigns.unit_view(ctx, admin, "dong-nai-2026", A)["survey"] == {}  # nothing imported
    good = tmp_path / "dtxhh.csv"
    good.write_text(f"Đơn vị,Mã,Điểm\n{A},8.1,\"30,5\"\n{B},8.1,28\n", encoding="utf-8")
    assert campaigns.import_survey(ctx, admin, "dong-nai-2026", good) == 2
    assert campaigns.unit_view(ctx, admin, "dong-nai-2026", A)["survey"] == {"8.1": 30.5}
    unit_a = _who(ctx, "unit", A)
    with pytest.raises(ServiceError) as e:
        campaigns.import_survey(ctx, unit_a, "dong-nai-2026", good)
    assert _code(e) == ServiceCode.FORBIDDEN


def test_a_unit_is_found_by_its_vietnamese_name_in_any_case_on_the_embedded_sqlite(tmp_path):
    """SQLite's lower() folds ASCII only: "SỞ TƯ PHÁP" must still find "Sở Tư pháp" on the default database."""
    c = open_context(Settings(data_dir=tmp_path / "data"))  # the embedded default: SQLite in the data folder
    try:
        assert c.db.engine.dialect.name == "sqlite"
        campaigns.create_campaign(c, _spec(dt.datetime.now(VN_TZ).date()))
        admin = _who(c, "admin", label="Quản trị")
        for typed in (A, A.upper(), "  sở tư  pháp tỉnh đồng nai "):
            assert campaigns.unit_view(c, admin, "dong-nai-2026", typed)["unit"] == A
        with pytest.raises(ServiceError) as e:
            campaigns.unit_view(c, admin, "dong-nai-2026", "Sở Tư pháp tỉnh Bình Dương")
        assert _code(e) == ServiceCode.NOT_IN_CAMPAIGN
    finally:
        c.db.engine.dispose()


def test_results_lock_when_round_two_closes(ctx):
    """After round 2's deadline nothing more is recorded: no round record, no decision, no proposal."""
    today = dt.datetime.now(VN_TZ).date()
    spec = _spec(today).model_dump(mode="json")
    spec["calendar"] = {k: {"opens": None, "closes": (today - dt.timedelta(days=d)).isoformat()}
                        for k, d in (("self_assessment", 40), ("round1", 30), ("explanation", 20), ("round2", 10))}
    campaigns.create_campaign(ctx, CampaignSpec.model_validate(spec))
    appraiser = _who(ctx, "appraiser", label="Lê Thẩm Định")
    for round_no in (1, 2):
        with pytest.raises(ServiceError) as e:
            campaigns.record_round(ctx, appraiser, "dong-nai-2026", A, round_no, "1.1.1", score=1)
        assert _code(e) == ServiceCode.STEP_LOCKED and "kết quả đã khoá" in e.value.message_vi
    with pytest.raises(ServiceError) as e:
        campaigns.propose_questions(ctx, "dong-nai-2026", A, _report(), appraiser)
    assert _code(e) == ServiceCode.STEP_LOCKED
    with pytest.raises(ServiceError) as e:
        campaigns.decide_question(ctx, appraiser, "dong-nai-2026", A, "1.1.1", "confirm")
    assert _code(e) == ServiceCode.STEP_LOCKED


def test_a_campaign_whose_group_names_an_unknown_criteria_set_is_refused(ctx):
    spec = _spec(dt.datetime.now(VN_TZ).date()).model_dump(mode="json")
    spec["groups"][0]["rubric"] = "khong-co-bo-nay"
    with pytest.raises(ServiceError) as e:
        campaigns.create_campaign(ctx, CampaignSpec.model_validate(spec))
    assert _code(e) == ServiceCode.CAMPAIGN_INVALID and "khong-co-bo-nay" in e.value.message_vi
    assert campaigns.list_campaigns(ctx, _who(ctx, "admin", label="Quản trị")) == []  # nothing stored
