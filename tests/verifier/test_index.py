"""The index of a unit, computed by hand and by ``verifier.index``; ranks shared on ties (#14 "Totals")."""

from __future__ import annotations

import pytest

from verifier.index import ItemScore, compute_index, rank, rank_units
from verifier.rubric import parse_rubric

HAND = """\
id: hand
title: Bộ tính tay
index:
  max_score: 20
  self_assessed_max: 14
  survey_max: 6
  bonus_cap: 1.5
  penalty_cap: 2
  survey_absent: rescale
  bands:
    - {code: A, label: Xuất sắc, ge: 90}
    - {code: B, label: Tốt, ge: 80, lt: 90}
    - {code: C, ge: 50, lt: 80}
    - {code: D, lt: 50}
fields:
  - code: "1"
    stt: I
    title: Lĩnh vực một
    max_score: 10
    criteria:
      - code: "1.1"
        title: Tiêu chí 1.1
        max_score: 6
        items:
          - {code: "1.1.1", title: A, max_score: 4, rule: {kind: manual}}
          - {code: "1.1.2", title: B, max_score: 2, rule: {kind: manual}}
          - {code: "1.1.3", title: Thưởng, role: bonus, cap: 1, rule: {kind: manual}}
      - code: "1.2"
        title: Tiêu chí 1.2 (điều tra)
        max_score: 4
        items:
          - {code: "1.2.1", title: Điều tra, role: survey, max_score: 4}
  - code: "2"
    stt: II
    title: Lĩnh vực hai
    max_score: 10
    criteria:
      - code: "2.1"
        title: Tiêu chí 2.1
        max_score: 8
        items:
          - {code: "2.1.1", title: C, max_score: 5, rule: {kind: manual}}
          - {code: "2.1.2", title: D, max_score: 3, rule: {kind: manual}}
          - {code: "2.1.3", title: Trừ một, role: penalty, cap: 1.5, rule: {kind: manual}}
          - {code: "2.1.4", title: Trừ hai, role: penalty, cap: 1, rule: {kind: manual}}
      - code: "2.2"
        title: Tiêu chí 2.2
        max_score: 2
        items:
          - {code: "2.2.1", title: Điều tra, role: survey, max_score: 2}
          - {code: "2.2.2", title: Thưởng hai, role: bonus, cap: 1, rule: {kind: manual}}
"""

SCORES = {
    "1.1.1": ItemScore(self_score=4, appraised=3.5),
    "1.1.2": ItemScore(self_score=2),  # not appraised yet: the final score is the self-score
    "1.1.3": ItemScore(self_score=1, appraised=1),
    "2.1.1": ItemScore(self_score=5, appraised=4),
    "2.1.2": ItemScore(self_score=3, appraised=2.5),
    "2.1.3": ItemScore(self_score=0, appraised=2),  # above its cap 1.5
    "2.1.4": ItemScore(self_score=0.5, appraised=1),
    "2.2.2": ItemScore(self_score=0.5, appraised=0.75),
}
SURVEY = {"1.2.1": 3, "2.2.1": 1.5}


@pytest.fixture(scope="module")
def rubric():
    return parse_rubric(HAND, "hand.yaml")


def test_hand_computed_index_with_survey(rubric):
    """Final scores (appraised, else the self-score), survey present.

    ordinary  = 3,5 (1.1.1) + 2 (1.1.2, self) + 4 (2.1.1) + 2,5 (2.1.2)   = 12
    survey    = 3 (1.2.1) + 1,5 (2.2.1)                                    = 4,5
    bonus     = 1 (1.1.3) + 0,75 (2.2.2) = 1,75 → bonus_cap 1,5            = 1,5
    penalty   = min(2, cap 1,5) (2.1.3) + 1 (2.1.4) = 2,5 → penalty_cap 2  = 2
    total     = 12 + 4,5 + 1,5 − 2 = 16 of 20 → index 80% → band B (80 ≤ x < 90)
    field 1   = 3,5 + 2 + 3 = 8,5 of 10 = 85%;  1.1: 5,5/6 = 91,67%;  1.2: 3/4 = 75%
    field 2   = 4 + 2,5 + 1,5 = 8 of 10 = 80%;  2.1: 6,5/8 = 81,25%;  2.2: 1,5/2 = 75%
    """
    r = compute_index(rubric, SCORES, SURVEY)
    assert (r.self_assessed, r.survey, r.bonus_raw, r.bonus, r.penalty_raw, r.penalty) == (12, 4.5, 1.75, 1.5, 2.5, 2)
    assert (r.total, r.attainable, r.percent, r.index, r.band, r.band_label) == (16, 20, 80, 80, "B", "Tốt")
    assert r.survey_present and r.unscored == []
    capped = {v.code: (v.given, v.counted) for v in r.items if v.capped}
    assert capped == {"2.1.3": (2, 1.5)}
    f1, f2 = r.fields
    assert (f1.stt, f1.score, f1.max_score, f1.index) == ("I", 8.5, 10, 85)
    assert [(c.code, c.score, c.max_score, c.index) for c in f1.criteria] == [("1.1", 5.5, 6, 91.67), ("1.2", 3, 4, 75)]
    assert (f2.score, f2.max_score, f2.index) == (8, 10, 80)
    assert [(c.code, c.index) for c in f2.criteria] == [("2.1", 81.25), ("2.2", 75)]


def test_hand_computed_index_self_scores(rubric):
    """Self-scores only: ordinary 4 + 2 + 5 + 3 = 14; survey 4,5; bonus 1 + 0,5 = 1,5 (at the cap, not over);
    penalty 0 + 0,5 = 0,5. Total 14 + 4,5 + 1,5 − 0,5 = 19,5 of 20 = 97,5% → A."""
    r = compute_index(rubric, SCORES, SURVEY, basis="self")
    assert (r.self_assessed, r.bonus, r.penalty, r.total, r.index, r.band) == (14, 1.5, 0.5, 19.5, 97.5, "A")


def test_hand_computed_index_without_survey_rescales(rubric):
    """No survey, ``survey_absent: rescale`` (Hà Nội): the survey's 6 points leave the maximum.

    total = 12 + 1,5 − 2 = 11,5 of 20 − 6 = 14 → 82,142857…% → 82,14 → B
    field 1: 5,5 of 6 (1.2 has no maximum left: no sub-index) = 91,67%; field 2: 6,5 of 8 = 81,25%
    """
    r = compute_index(rubric, SCORES, None)
    assert not r.survey_present and r.survey is None
    assert (r.total, r.attainable) == (11.5, 14)
    assert r.percent == pytest.approx(100 * 11.5 / 14) and (r.index, r.band) == (82.14, "B")
    f1, f2 = r.fields
    assert (f1.max_score, f1.index) == (6, 91.67) and f1.criteria[1].percent is None
    assert (f2.max_score, f2.index) == (8, 81.25)


def test_without_survey_counted_as_zero(rubric):
    """``survey_absent: zero``: 11,5 of 20 = 57,5% → C; field 1: 5,5 of 10 = 55%."""
    zero = rubric.model_copy(update={"index": rubric.index.model_copy(update={"survey_absent": "zero"})})
    r = compute_index(zero, SCORES, None)
    assert (r.total, r.attainable, r.index, r.band) == (11.5, 20, 57.5, "C")
    assert r.fields[0].index == 55


def test_total_stays_within_the_maximum(rubric):
    """Every item at its maximum plus 1,5 bonus: 14 + 6 + 1,5 = 21,5 → held at 20 = 100%."""
    full = {s.code: ItemScore(self_score=s.max_score) for _f, _c, s in rubric.subcriteria() if s.role in ("score", "bonus")}
    r = compute_index(rubric, full, {"1.2.1": 4, "2.2.1": 2})
    assert (r.total, r.index, r.band) == (20, 100, "A")


def test_missing_scores_are_listed(rubric):
    r = compute_index(rubric, {"1.1.1": ItemScore(self_score=4)}, {"1.2.1": 4})
    assert r.unscored == ["1.1.2", "1.1.3", "2.1.1", "2.1.2", "2.1.3", "2.1.4", "2.2.1", "2.2.2"]
    assert r.total == 8 and r.index == 40 and r.band == "D"


def test_standard_competition_ranking():
    ranked = rank({"a": 90, "b": 85, "c": 85, "d": 70, "e": None})
    assert [(x.unit, x.rank) for x in ranked] == [("a", 1), ("b", 2), ("c", 2), ("d", 4), ("e", None)]


def test_rank_units_overall_by_field_and_by_criterion(rubric):
    a = compute_index(rubric, SCORES, SURVEY)  # 80; field 1 85; 1.2 75
    b = compute_index(rubric, SCORES, None)  # 82,14; field 1 91,67; 1.2 none
    ranking = rank_units({"Sở A": a, "Sở B": b, "Sở C": a.model_copy()})
    assert [(x.unit, x.rank) for x in ranking.overall] == [("Sở B", 1), ("Sở A", 2), ("Sở C", 2)]
    assert [(x.unit, x.rank) for x in ranking.by_field["1"]] == [("Sở B", 1), ("Sở A", 2), ("Sở C", 2)]
    assert [(x.unit, x.value, x.rank) for x in ranking.by_criterion["1.2"]] == [
        ("Sở A", 75, 1), ("Sở C", 75, 1), ("Sở B", None, None)]
