"""A report's totals keep ordinary, bonus and penalty points apart (the example set: maximum 70, not 74,5 with
the bonus and penalty caps added in), bonus and penalty within their items' and the set's caps, the net total
ordinary + bonus − penalty; the published schema carries the new fields."""

from __future__ import annotations

from models.claims import Claim, Sheet
from models.report import CriterionResult, Verdict, criterion_totals
from verifier import load_rubric, verify

CLAIMS = {"1.1.1": 1, "1.5.3": 1, "3.3.5": 0.5, "7.2.4": 0.5, "1.2.4": 0.5, "3.3.6": 1, "5.5.4": 1}


def test_example_set_totals():
    rubric = load_rubric("example-province")
    sheet = Sheet(file="s.xlsx", unit="Sở Tư pháp", year=2026,
                  claims=[Claim(row=i, code=c, claimed_score=v) for i, (c, v) in enumerate(CLAIMS.items(), 7)])
    t = verify(sheet, rubric, [], unit="Sở Tư pháp", year=2026).totals
    assert t.max_score == 70 and t.attainable_max == 100 and t.survey_max == 30
    assert (t.score_claimed, t.bonus_claimed, t.penalty_claimed) == (1, 1.5, 2)  # 2 → cap 1,5; 2,5 → cap 2
    assert t.claimed_score == 0.5 and (t.bonus_cap, t.penalty_cap) == (1.5, 2)
    first = t.by_field[0]
    assert first.max_score == 10 and (first.claimed_score, first.bonus_claimed, first.penalty_claimed) == (1, 1, 0.5)
    crit = next(c for c in first.criteria if c.code == "1.2")
    assert crit.penalty_claimed == 0.5 and crit.max_score == sum(
        s.max_score for s in rubric.fields[0].criteria[1].items if s.role == "score")
    assert sum(f.max_score for f in t.by_field) == 70


def test_criterion_totals_by_role():
    items = [CriterionResult(code="a", title="a", role="score", criterion_code="1", max_score=2, claimed_score=2,
                             supported_score=1, verdict=Verdict.REFUTED),
             CriterionResult(code="b", title="b", role="bonus", criterion_code="1", max_score=1, claimed_score=3,
                             supported_score=0.5, verdict=Verdict.REFUTED),
             CriterionResult(code="c", title="c", role="penalty", criterion_code="1", max_score=1, claimed_score=0.5,
                             supported_score=None, verdict=Verdict.MANUAL_REVIEW),
             CriterionResult(code="d", title="d", criterion_code="1", max_score=1, verdict=Verdict.SUPPORTED)]
    [c] = criterion_totals(items)
    assert (c.max_score, c.claimed_score, c.supported_score) == (3, 2, 1)
    assert (c.bonus_claimed, c.bonus_supported, c.penalty_claimed, c.penalty_supported) == (1, 0.5, 0.5, 0)
    assert c.items == ["a", "b", "c", "d"]


def test_a_survey_score_in_the_sheet_is_not_counted_and_the_sheet_is_told():
    rubric = load_rubric("example-province")
    survey = rubric.of_role("survey")[0]
    sheet = Sheet(file="s.xlsx", unit="Sở Tư pháp", year=2026,
                  claims=[Claim(row=7, code="1.1.1", claimed_score=1), Claim(row=8, code=survey.code, claimed_score=3)])
    report = verify(sheet, rubric, [], unit="Sở Tư pháp", year=2026)
    assert survey.code not in {c.code for c in report.criteria}  # never self-scored or checked
    assert report.totals.claimed_score == 1
    [issue] = [i for i in report.sheet_issues if i.row == 8]
    assert "điều tra xã hội học" in issue.message_vi and "không được tính" in issue.message_vi
