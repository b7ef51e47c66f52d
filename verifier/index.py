"""The index (Chỉ số CCHC) of a unit from its items' scores, and rankings of units.

Pure functions on a rubric and numbers; nothing is read or stored here.

- Each ordinary item counts its score, held within 0 .. its maximum.
- Survey items (điều tra xã hội học) count the value imported for the unit. When the unit has no
  survey (``survey=None``) the rubric's ``index.survey_absent`` decides: ``zero`` counts the survey
  part as 0 of its weight; ``rescale`` (Hà Nội) leaves it out of the maximum, so the index is the
  percent of what was assessed.
- Bonus items add, penalty items subtract, each held within 0 .. its cap, and all bonus (penalty)
  items together within ``index.bonus_cap`` (``penalty_cap``) when stated.
- The total stays within 0 .. the attainable maximum (``index.cap_total``); the index is
  ``100 × total / attainable``, rounded to ``index.decimals`` as published; the band is the
  ``index.bands`` entry holding the rounded index.
- Sub-indices per field and per criterion: the percent of their maximum from their ordinary and
  survey items (bonus and penalty stand apart, at the index level).

Ranks are standard competition ranks: equal values share a rank and the next rank skips (1, 2, 2, 4).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel

from models.rubric import IndexSpec, Rubric, SubCriterion

Basis = Literal["final", "self"]
_EPS = 1e-9


class ItemScore(BaseModel):
    """One item's scores for one unit: the unit's own and the appraised one (None: not yet)."""

    self_score: float | None = None
    appraised: float | None = None

    def on(self, basis: Basis) -> float | None:
        """``self``: the self-score; ``final``: the appraised score, else the self-score."""
        if basis == "self":
            return self.self_score
        return self.appraised if self.appraised is not None else self.self_score


class ItemValue(BaseModel):
    code: str
    role: str
    max_score: float
    given: float | None  # the score as given (None: no score)
    counted: float  # what it adds (a penalty's is the amount it takes), within 0 .. max
    capped: bool = False  # the given score was above the item's maximum or cap


class SubIndex(BaseModel):
    """A field's or a criterion's points and percent of its maximum."""

    code: str
    title: str
    stt: str = ""
    max_score: float
    score: float
    percent: float | None  # None when its maximum is 0 (only bonus/penalty items, or survey left out)
    index: float | None  # percent rounded as published
    criteria: list[SubIndex] = []


class IndexResult(BaseModel):
    rubric_id: str
    basis: Basis
    self_assessed: float  # the ordinary items' points
    survey: float | None  # the survey items' points; None: no survey for the unit
    survey_present: bool
    bonus_raw: float  # bonus items' points before the overall cap
    bonus: float
    penalty_raw: float
    penalty: float
    total: float  # self_assessed + survey + bonus − penalty, within 0 .. attainable when cap_total
    attainable: float  # the maximum this unit's index is a percent of (without the survey when rescaled)
    percent: float | None
    index: float | None  # percent rounded to the rubric's decimals: the published figure
    band: str | None  # the band code (A, B, ...) holding ``index``; None when there are no bands
    band_label: str = ""
    fields: list[SubIndex]
    items: list[ItemValue]
    unscored: list[str] = []  # codes with no score on this basis (ordinary, bonus, penalty, or survey when present)


def index_spec(rubric: Rubric) -> IndexSpec:
    """The rubric's index block; without one, the maximum is the sum of its items and no caps or bands."""
    return rubric.index or IndexSpec(max_score=rubric.max_total)


def _clamp(value: float, hi: float) -> float:
    return min(max(value, 0.0), hi)


def _percent(score: float, maximum: float) -> float | None:
    return 100 * score / maximum if maximum > _EPS else None


def _item_value(item: SubCriterion, given: float | None) -> ItemValue:
    counted = _clamp(given, item.max_score) if given is not None else 0.0
    return ItemValue(code=item.code, role=item.role, max_score=item.max_score, given=given, counted=counted,
                     capped=given is not None and given > item.max_score + _EPS)


def compute_index(rubric: Rubric, scores: Mapping[str, ItemScore], survey: Mapping[str, float] | None = None,
                  *, basis: Basis = "final") -> IndexResult:
    """One unit's index: ``scores`` by item code (ordinary, bonus, penalty), ``survey`` by survey item code
    (None when the unit has no survey)."""
    spec = index_spec(rubric)
    present = survey is not None
    leave_out = not present and spec.survey_absent == "rescale"
    values: dict[str, ItemValue] = {}
    unscored: list[str] = []
    for _f, _c, item in rubric.subcriteria():
        if item.role == "survey":
            given = survey.get(item.code) if survey is not None else None
            if present and given is None:
                unscored.append(item.code)
        else:
            given = scores[item.code].on(basis) if item.code in scores else None
            if given is None:
                unscored.append(item.code)
        values[item.code] = _item_value(item, given)

    def total_of(role: str) -> float:
        return math.fsum(v.counted for v in values.values() if v.role == role)

    ordinary = total_of("score")
    survey_points = total_of("survey") if present else None
    bonus_raw, penalty_raw = total_of("bonus"), total_of("penalty")
    bonus = min(bonus_raw, spec.bonus_cap) if spec.bonus_cap is not None else bonus_raw
    penalty = min(penalty_raw, spec.penalty_cap) if spec.penalty_cap is not None else penalty_raw
    survey_weight = math.fsum(s.max_score for s in rubric.of_role("survey"))
    attainable = spec.max_score - survey_weight if leave_out else spec.max_score
    total = ordinary + (survey_points or 0.0) + bonus - penalty
    if spec.cap_total:
        total = _clamp(total, attainable)
    percent = _percent(total, attainable)
    index = round(percent, spec.decimals) if percent is not None else None
    band = next((b for b in spec.bands if index is not None and b.contains(index)), None)

    fields = []
    for f in rubric.fields:
        crits = []
        for c in f.criteria:
            counted = [s for s in c.items if s.counted and not (leave_out and s.role == "survey")]
            maximum = math.fsum(s.max_score for s in counted)
            score = math.fsum(values[s.code].counted for s in counted)
            crits.append(_sub(c.code, c.title, c.stt, maximum, score, spec.decimals))
        fields.append(_sub(f.code, f.title, f.stt, math.fsum(c.max_score for c in crits),
                           math.fsum(c.score for c in crits), spec.decimals, crits))
    return IndexResult(
        rubric_id=rubric.id, basis=basis, self_assessed=ordinary, survey=survey_points, survey_present=present,
        bonus_raw=bonus_raw, bonus=bonus, penalty_raw=penalty_raw, penalty=penalty, total=total,
        attainable=attainable, percent=percent, index=index, band=band.code if band else None,
        band_label=band.label if band else "", fields=fields, items=list(values.values()), unscored=unscored,
    )


def _sub(code: str, title: str, stt: str, maximum: float, score: float, decimals: int,
         criteria: list[SubIndex] | None = None) -> SubIndex:
    percent = _percent(score, maximum)
    return SubIndex(code=code, title=title, stt=stt, max_score=maximum, score=score, percent=percent,
                    index=round(percent, decimals) if percent is not None else None, criteria=criteria or [])


class Ranked(BaseModel):
    unit: str
    value: float | None
    rank: int | None  # None: no value (e.g. a field with no maximum), listed last


class Ranking(BaseModel):
    overall: list[Ranked]
    by_field: dict[str, list[Ranked]]  # field code -> ranking on its sub-index
    by_criterion: dict[str, list[Ranked]]  # criterion code -> ranking on its sub-index


def rank(values: Mapping[str, float | None]) -> list[Ranked]:
    """Highest first; equal values share a rank and the next rank skips (1, 2, 2, 4); ties keep the input order."""
    order = sorted(values.items(), key=lambda kv: (kv[1] is None, -(kv[1] or 0.0)))
    out: list[Ranked] = []
    for pos, (unit, value) in enumerate(order, start=1):
        if value is None:
            out.append(Ranked(unit=unit, value=None, rank=None))
        elif out and out[-1].value is not None and abs(out[-1].value - value) <= _EPS:
            out.append(Ranked(unit=unit, value=value, rank=out[-1].rank))
        else:
            out.append(Ranked(unit=unit, value=value, rank=pos))
    return out


def rank_units(results: Mapping[str, IndexResult]) -> Ranking:
    """Rank units (name -> result, all on one rubric) by their published index, by field and by criterion."""
    field_codes: dict[str, None] = {}
    crit_codes: dict[str, None] = {}
    by_unit_field: dict[str, dict[str, float | None]] = {}
    by_unit_crit: dict[str, dict[str, float | None]] = {}
    for unit, r in results.items():
        by_unit_field[unit] = {f.code: f.index for f in r.fields}
        by_unit_crit[unit] = {c.code: c.index for f in r.fields for c in f.criteria}
        field_codes.update(dict.fromkeys(by_unit_field[unit]))
        crit_codes.update(dict.fromkeys(by_unit_crit[unit]))
    return Ranking(
        overall=rank({u: r.index for u, r in results.items()}),
        by_field={code: rank({u: by_unit_field[u].get(code) for u in results}) for code in field_codes},
        by_criterion={code: rank({u: by_unit_crit[u].get(code) for u in results}) for code in crit_codes},
    )
