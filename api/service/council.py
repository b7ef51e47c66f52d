"""What the council receives for a campaign (``models.council.CouncilExport``), built from the database.

Per unit group, on the group's own criteria set, per unit:
- the self-scores from the unit's latest checked submission for the campaign's year that is not withdrawn;
- each round's current record per sub-criterion: the newest record, except that an appraiser's confirmed
  record wins over a later machine proposal, and a dropped proposal is no record at all;
- the score that counts per item: round 2's confirmed score, else round 1's, else the self-score (a machine
  proposal nobody confirmed is shown, marked, and listed in ``unconfirmed``, but never counts: a score no
  appraiser stood behind does not reach the council's totals); survey items their imported
  value (a unit with no survey imported has none, and the criteria set's ``survey_absent`` rule applies);
- the index, sub-indices, band (``verifier.index.compute_index``), and the group's rankings overall, by field
  and by criterion (``verifier.index.rank_units``: ties share a rank).
Only staff (admins, appraisers) export: the council's tables show every unit of the campaign.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.council import (
    CouncilExport,
    CouncilGroup,
    GroupRanking,
    HeaderPart,
    ItemRow,
    Part,
    RankEntry,
    RoundCell,
    UnitScores,
)
from models.errors import ErrorCode
from models.report import CriterionResult, Report
from models.rubric import Rubric
from models.tables import (
    AdditionalFile,
    Campaign,
    CampaignGroup,
    CampaignUnit,
    Explanation,
    RoundScore,
    Submission,
    SurveyScore,
    utcnow,
)
from verifier import RubricError, load_rubric
from verifier.index import IndexResult, ItemScore, Ranked, SubIndex, compute_index, index_spec, rank_units

from .access import Principal
from .context import Context
from .errors import ServiceError, forbidden, not_found
from .status import RoundSource, RoundState, SubmissionStatus


def build_council(ctx: Context, p: Principal, campaign_id: str, *, now: dt.datetime | None = None) -> CouncilExport:
    """The council's export of a campaign: every group, every unit, with rankings."""
    if not p.is_staff:
        raise forbidden("Chỉ quản trị viên và thẩm định viên xuất bảng tổng hợp cho hội đồng.")
    with ctx.db.session() as s:
        camp = s.get(Campaign, campaign_id)
        if camp is None:
            raise not_found("campaign", "Không tìm thấy đợt đánh giá.")
        groups = [_group(s, camp, g) for g in camp.groups]
        return CouncilExport(campaign_id=camp.id, year=camp.year, title=camp.title,
                             generated_at=(now or utcnow()).astimezone(dt.UTC).isoformat(timespec="seconds"),
                             groups=groups)


def _rubric(name: str) -> Rubric:
    try:
        return load_rubric(name)
    except RubricError as exc:
        raise ServiceError(ErrorCode.RUBRIC_INVALID, str(exc), exc.message_vi) from exc


def _group(s: Session, camp: Campaign, g: CampaignGroup) -> CouncilGroup:
    rubric = _rubric(g.rubric)
    spec = index_spec(rubric)
    members = s.scalars(select(CampaignUnit).where(CampaignUnit.campaign_id == camp.id,
                                                   CampaignUnit.group_id == g.id).order_by(CampaignUnit.id)).all()
    units: dict[str, UnitScores] = {}
    results: dict[str, IndexResult] = {}
    for m in members:
        unit, result = _unit(s, camp, rubric, m)
        units[unit.unit], results[unit.unit] = unit, result
    ranking = rank_units(results)
    overall = {r.unit: r.rank for r in ranking.overall}
    by_field = {code: {r.unit: r.rank for r in rows} for code, rows in ranking.by_field.items()}
    by_crit = {code: {r.unit: r.rank for r in rows} for code, rows in ranking.by_criterion.items()}
    for name, u in units.items():
        u.rank = overall.get(name)
        for f in u.fields:
            f.rank = by_field.get(f.code, {}).get(name)
            for c in f.criteria:
                c.rank = by_crit.get(c.code, {}).get(name)
    ordered = [units[r.unit] for r in ranking.overall]
    return CouncilGroup(
        code=g.code, title=g.title, rubric_id=rubric.id, rubric_title=rubric.title, max_score=spec.max_score,
        bonus_cap=spec.bonus_cap, penalty_cap=spec.penalty_cap, decimals=spec.decimals,
        fields=[HeaderPart(code=f.code, stt=f.stt, title=f.title, max_score=f.items_max) for f in rubric.fields],
        criteria=[HeaderPart(code=c.code, stt=c.stt, title=c.title, max_score=c.items_max)
                  for f in rubric.fields for c in f.criteria],
        units=ordered,
        ranking=GroupRanking(overall=_entries(ranking.overall),
                             by_field={k: _entries(v) for k, v in ranking.by_field.items()},
                             by_criterion={k: _entries(v) for k, v in ranking.by_criterion.items()}),
    )


def _entries(rows: Sequence[Ranked]) -> list[RankEntry]:
    return [RankEntry(unit=r.unit, value=r.value, rank=r.rank) for r in rows]


def latest_submission(s: Session, unit_id: int, year: int) -> Submission | None:
    """The unit's newest checked submission for ``year`` that is not withdrawn."""
    return s.scalar(select(Submission).where(
        Submission.unit_id == unit_id, Submission.year == year, Submission.withdrawn_at.is_(None),
        Submission.status == SubmissionStatus.DONE).order_by(Submission.created_at.desc(), Submission.id.desc())
        .limit(1))


def current_cells(rows: Sequence[RoundScore]) -> dict[tuple[int, str], RoundCell]:
    """(round, code) → the current record of ``rows`` (in the order written): the newest, except that an
    appraiser's record is never displaced by a later machine proposal; a dropped one leaves no record."""
    chosen: dict[tuple[int, str], RoundScore] = {}
    for r in rows:
        key = (r.round, r.code)
        prev = chosen.get(key)
        if prev is not None and prev.source == RoundSource.APPRAISER and r.source == RoundSource.MACHINE:
            continue
        chosen[key] = r
    return {key: RoundCell(score=r.score, note=r.note, explanation_requested=r.explanation_requested,
                           source=r.source, state=r.state, by=r.by_label,
                           at=_iso(r.created_at))
            for key, r in chosen.items() if r.state != RoundState.DROPPED}


def _iso(t: dt.datetime | None) -> str:
    if t is None:
        return ""
    return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")


def _unit(s: Session, camp: Campaign, rubric: Rubric, m: CampaignUnit) -> tuple[UnitScores, IndexResult]:
    sub = latest_submission(s, m.unit_id, camp.year)
    report = Report.model_validate(sub.report) if sub is not None and sub.report else None
    claimed: dict[str, CriterionResult] = {c.code: c for c in report.criteria} if report else {}
    rounds = current_cells(s.scalars(select(RoundScore).where(
        RoundScore.campaign_id == camp.id, RoundScore.unit_id == m.unit_id).order_by(RoundScore.id)).all())
    explanations: dict[str, list[str]] = {}
    for e in s.scalars(select(Explanation).where(Explanation.campaign_id == camp.id,
                                                 Explanation.unit_id == m.unit_id).order_by(Explanation.version)):
        explanations.setdefault(e.code, []).append(e.text)
    files: dict[str, list[str]] = {}
    for f in s.scalars(select(AdditionalFile).where(AdditionalFile.campaign_id == camp.id,
                                                    AdditionalFile.unit_id == m.unit_id).order_by(AdditionalFile.id)):
        files.setdefault(f.code, []).append(f"{f.name} (phiên bản {f.version})")
    survey_rows = {x.code: x.score for x in s.scalars(select(SurveyScore).where(
        SurveyScore.campaign_id == camp.id, SurveyScore.unit_id == m.unit_id))}
    survey = survey_rows or None

    scores: dict[str, ItemScore] = {}
    pending: list[str] = []
    for _f, _c, item in rubric.subcriteria():
        if not item.self_scored:
            continue
        own = claimed.get(item.code)
        r1, r2 = rounds.get((1, item.code)), rounds.get((2, item.code))
        appraised = next((r.score for r in (r2, r1) if r is not None and r.score is not None
                          and r.state == RoundState.CONFIRMED), None)
        if any(r is not None and r.state == RoundState.PROPOSED for r in (r1, r2)):
            pending.append(item.code)
        scores[item.code] = ItemScore(self_score=own.claimed_score if own else None, appraised=appraised)
    final = compute_index(rubric, scores, survey, basis="final")
    own_index = compute_index(rubric, scores, survey, basis="self")
    values = {v.code: v for v in final.items}
    own_subs = {x.code: x for f in own_index.fields for x in (f, *f.criteria)}

    items = []
    for fa, cr, item in rubric.subcriteria():
        own = claimed.get(item.code)
        texts = explanations.get(item.code, [])
        v = values[item.code]
        items.append(ItemRow(
            code=item.code, stt=item.stt, title=item.title, role=item.role, field_code=fa.code,
            criterion_code=cr.code, max_score=item.max_score,
            self_score=own.claimed_score if own and item.self_scored else None,
            supported_score=own.supported_score if own else None, verdict=own.verdict.value if own else None,
            round1=rounds.get((1, item.code)), round2=rounds.get((2, item.code)),
            explanation=texts[-1] if texts else "", explanation_versions=len(texts), files=files.get(item.code, []),
            survey=survey.get(item.code) if survey is not None and item.role == "survey" else None,
            final=v.given, counted=v.counted,
        ))
    unit = UnitScores(
        unit=m.unit.name, submission_id=sub.id if sub else None, submitted=report is not None,
        self_total=own_index.total, self_index=own_index.index, score=final.self_assessed, bonus=final.bonus,
        penalty=final.penalty, survey=final.survey, total=final.total, attainable=final.attainable,
        index=final.index, band=final.band, band_label=final.band_label,
        fields=[_part(f, own_subs) for f in final.fields], items=items, unscored=final.unscored,
        unconfirmed=pending,
    )
    return unit, final


def _part(x: SubIndex, own: dict[str, SubIndex]) -> Part:
    mine = own.get(x.code)
    return Part(code=x.code, stt=x.stt, title=x.title, max_score=x.max_score, score=x.score, index=x.index,
                self_score=mine.score if mine else 0.0, criteria=[_part(c, own) for c in x.criteria])
