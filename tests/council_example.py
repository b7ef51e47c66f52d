"""A small campaign with every part of the council's totals, built through the real services (campaigns,
submissions checked by the real verifier, round records, survey import) — shared by the council tests.

The criteria set (``TINY``): field I (1.1: 1.1.1 ≤ 4, 1.1.2 ≤ 2, bonus 1.1.3 cap 1; 1.2: 1.2.1 ≤ 4, penalty
1.2.2 cap 2), field II (2.1: 2.1.1 ≤ 4, survey 2.1.2 weight 6); index max 20, bonus cap 1, penalty cap 1.5,
survey absent counts zero, bands A ≥ 90, B 70–< 90, C < 70.

Hand-computed (final = round 2 confirmed → round 1 confirmed → self-score; proposals do not count):
- A: 1.1.1 3,5 (round 2), 1.1.2 2, bonus 1, 1.2.1 2 (round 1), penalty 1 (round 1), 2.1.1 4 (round 1 dropped),
  survey 4,5 → 11,5 + 4,5 + 1 − 1 = 16 → 80 % (B). Field I 7,5/10 = 75; II 8,5/10 = 85; 1.1 5,5/6 = 91,67;
  1.2 2/4 = 50. On its self-scores: 13 + 4,5 + 1 − 0,5 = 18 → 90 %.
- B: 1.1.1 4, 1.1.2 1, bonus 1,5 (capped to 1), 1.2.1 4, penalty 0, 2.1.1 2, survey 4 → 11 + 4 + 1 = 16 → 80 %
  (B), tied with A. Field I 9/10 = 90; II 6/10 = 60; 1.1 5/6 = 83,33; 1.2 4/4 = 100.
- C: its newest submission is withdrawn; the one before claims 1.1.1 2 only; no survey → 2/20 = 10 % (C).
- D, in the second group: no submission at all → 0 %.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from api.service import campaigns, council
from api.service.context import Context
from api.service.status import RoundState, SubmissionStatus
from api.service.store import records
from api.service.tokens import authenticate, create_token
from models.campaign import CampaignSpec
from models.claims import Claim, Sheet
from models.council import CouncilExport
from models.tables import Submission
from verifier import load_rubric, verify
from verifier.messages import VN_TZ

A, B, C, D = "Sở Tư pháp tỉnh Đồng Nai", "Sở Y tế tỉnh Đồng Nai", "Sở Xây dựng tỉnh Đồng Nai", "UBND xã Long Phước"
CAMPAIGN = "hoi-dong-2026"

TINY = """\
id: tiny-council
title: Bộ tiêu chí nhỏ để kiểm thử hội đồng
index:
  max_score: 20
  self_assessed_max: 14
  survey_max: 6
  bonus_cap: 1
  penalty_cap: 1.5
  survey_absent: zero
  decimals: 2
  bands:
    - {code: A, label: Xuất sắc, ge: 90}
    - {code: B, label: Tốt, ge: 70, lt: 90}
    - {code: C, label: Chưa đạt, lt: 70}
fields:
  - code: "1"
    stt: I
    title: Chỉ đạo, điều hành
    max_score: 10
    criteria:
      - code: "1.1"
        stt: "1"
        title: Kế hoạch cải cách hành chính
        max_score: 6
        items:
          - {code: "1.1.1", stt: a, title: Ban hành kế hoạch, max_score: 4, rule: {kind: manual}}
          - {code: "1.1.2", stt: b, title: Hoàn thành kế hoạch, max_score: 2, rule: {kind: manual}}
          - {code: "1.1.3", stt: c, title: Sáng kiến được công nhận (điểm thưởng), role: bonus, cap: 1,
             rule: {kind: manual}}
      - code: "1.2"
        stt: "2"
        title: Báo cáo
        max_score: 4
        items:
          - {code: "1.2.1", stt: a, title: Báo cáo đúng hạn, max_score: 4, rule: {kind: manual}}
          - {code: "1.2.2", stt: b, title: Chậm báo cáo (điểm trừ), role: penalty, cap: 2, rule: {kind: manual}}
  - code: "2"
    stt: II
    title: Thủ tục hành chính
    max_score: 10
    criteria:
      - code: "2.1"
        stt: "1"
        title: Giải quyết thủ tục hành chính
        max_score: 10
        items:
          - {code: "2.1.1", stt: a, title: Giải quyết đúng hạn, max_score: 4, rule: {kind: manual}}
          - {code: "2.1.2", stt: b, title: Sự hài lòng của người dân, role: survey, max_score: 6}
"""

SELF = {
    A: {"1.1.1": 4, "1.1.2": 2, "1.1.3": 1, "1.2.1": 3, "1.2.2": 0.5, "2.1.1": 4},
    B: {"1.1.1": 4, "1.1.2": 1, "1.1.3": 1.5, "1.2.1": 4, "1.2.2": 0, "2.1.1": 2},
}


def write_rubric(folder: Path) -> Path:
    path = folder / "tiny-council.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


def spec(rubric: Path, today: dt.date) -> CampaignSpec:
    d = dt.timedelta
    cal = {"self_assessment": (today - d(30), today - d(10)), "round1": (None, today - d(2)),
           "explanation": (None, today + d(5)), "round2": (None, today + d(20))}
    return CampaignSpec.model_validate({
        "id": CAMPAIGN, "year": 2026, "title": "Đánh giá Chỉ số CCHC năm 2026 (thử)",
        "calendar": {k: {"opens": o.isoformat() if o else None, "closes": c.isoformat()} for k, (o, c) in cal.items()},
        "groups": [{"code": "so_nganh", "title": "Sở, ban, ngành", "rubric": str(rubric), "units": [A, B, C]},
                   {"code": "cap_xa", "title": "UBND cấp xã", "rubric": str(rubric), "units": [D]}]})


def submit(ctx: Context, rubric: Path, unit: str, claims: dict[str, float], *, withdrawn: bool = False,
           at: dt.datetime | None = None) -> str:
    """A checked submission of ``unit`` for 2026: its sheet's claims verified by the real verifier (no evidence
    files), stored as the service stores any report."""
    sheet = Sheet(file="tu-danh-gia.xlsx", unit=unit, year=2026,
                  claims=[Claim(row=i, code=code, claimed_score=v) for i, (code, v) in enumerate(claims.items(), 7)])
    report = verify(sheet, load_rubric(rubric), [], unit=unit, year=2026)
    with ctx.db.session() as s:
        u = records.unit_by_name(s, unit)
        assert u is not None
        sub = Submission(unit_id=u.id, year=2026, rubric=str(rubric), status=SubmissionStatus.DONE,
                         source="tu-danh-gia.xlsx", created_at=at or dt.datetime.now(dt.UTC))
        if withdrawn:
            sub.withdrawn_at, sub.withdrawn_reason = dt.datetime.now(dt.UTC), "Nộp nhầm"
        s.add(sub)
        s.flush()
        records.store_report(s, sub, report)
        return sub.id


def build(ctx: Context, folder: Path) -> CouncilExport:
    """Run the campaign to round 2 and return the council's export."""
    rubric = write_rubric(folder)
    now = dt.datetime.now(VN_TZ)
    admin = authenticate(ctx.db, create_token(ctx.db, "admin", label="Trần Văn Quản"))
    appraiser = authenticate(ctx.db, create_token(ctx.db, "appraiser", label="Lê Thị Thẩm"))
    unit_a = authenticate(ctx.db, create_token(ctx.db, "unit", A, "Nguyễn Văn A"))
    assert admin and appraiser and unit_a
    campaigns.create_campaign(ctx, spec(rubric, now.date()), admin)
    submit(ctx, rubric, A, SELF[A])
    submit(ctx, rubric, B, SELF[B])
    submit(ctx, rubric, C, {"1.1.1": 2}, at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
    submit(ctx, rubric, C, {"1.1.1": 4, "1.1.2": 2, "1.2.1": 4, "2.1.1": 4}, withdrawn=True)

    # round 1: kiemchung proposes questions for A (nothing was attached: every item), appraisers decide some
    with ctx.db.session() as s:
        a_report = records.report_if_checked(s.get(Submission, _latest(ctx, A)))
    assert a_report is not None
    assert campaigns.propose_questions(ctx, CAMPAIGN, A, a_report) > 0
    campaigns.record_round(ctx, appraiser, CAMPAIGN, A, 1, "1.1.1", score=3, explanation_requested=True,
                           note="Kế hoạch ban hành chậm; đề nghị giải trình.", max_score=4)
    campaigns.record_round(ctx, appraiser, CAMPAIGN, A, 1, "1.2.1", score=2, note="Thiếu báo cáo quý III.")
    campaigns.record_round(ctx, appraiser, CAMPAIGN, A, 1, "1.2.2", score=1, note="Chậm hai báo cáo.")
    campaigns.record_round(ctx, appraiser, CAMPAIGN, A, 1, "2.1.1", score=3, state=RoundState.DROPPED)
    campaigns.add_explanation(ctx, unit_a, CAMPAIGN, A, "1.1.1", "Kế hoạch ban hành ngày 25/01/2026, kèm bản gốc.")
    campaigns.lock(ctx, unit_a, CAMPAIGN, A, "explanation")
    campaigns.record_round(ctx, appraiser, CAMPAIGN, A, 2, "1.1.1", score=3.5, note="Chấp nhận một phần giải trình.")

    survey = folder / "dtxhh.csv"
    survey.write_text(f"Đơn vị,Mã,Điểm\n{A},2.1.2,\"4,5\"\n{B},2.1.2,4\n", encoding="utf-8")
    assert campaigns.import_survey(ctx, admin, CAMPAIGN, survey) == 2
    return council.build_council(ctx, appraiser, CAMPAIGN, now=dt.datetime(2027, 1, 15, 3, 0, tzinfo=dt.UTC))


def _latest(ctx: Context, unit: str) -> str:
    with ctx.db.session() as s:
        u = records.unit_by_name(s, unit, create=False)
        assert u is not None
        sub = council.latest_submission(s, u.id, 2026)
        assert sub is not None
        return sub.id
