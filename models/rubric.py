"""A criteria set (rubric) as data: fields -> criteria -> sub-criteria, each with a rule.

Items have a role (ordinary, bonus, penalty, survey); an optional ``index`` block says how the
index percent and its band are computed (``verifier.index``). Dates in rules are written relative
to the assessment year ``Y``:
``"31/01/Y"``, ``"31/12/Y-1"``. The YAML format is documented in
``docs/rubric-format.md``; the loader lives in ``verifier.rubric``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DocumentSpec(_Strict):
    """Which document satisfies a rule."""

    types: list[str] = []  # type codes from the symbol or type line: KH, QĐ, BC ...; empty = any
    issuer: str = "unit"  # "unit" (the assessed unit), "any", or an issuer name
    title_any: list[str] = []  # at least one phrase must occur in the title (accent-insensitive)
    title_all: list[str] = []  # every phrase must occur in the title
    title_none: list[str] = []  # none of these may occur in the title
    title_year: str | None = None  # "Y": the title must name the assessment year
    issued_from: str | None = None  # relative date, inclusive
    issued_to: str | None = None  # relative date, inclusive


class Level(_Strict):
    until: str  # relative date, inclusive
    score: float


class Band(_Strict):
    """A score band with explicit ends; an end that is absent is unbounded."""

    score: float
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None

    def contains(self, value: float) -> bool:
        if self.gt is not None and not value > self.gt:
            return False
        if self.ge is not None and not value >= self.ge:
            return False
        if self.lt is not None and not value < self.lt:
            return False
        if self.le is not None and not value <= self.le:
            return False
        return True


class MetricSpec(_Strict):
    subjects: list[str]  # phrases that describe the metric's subject (accent-insensitive)
    unit: str = "%"  # "%" or a counted noun


class DocumentRule(_Strict):
    kind: Literal["document"]
    document: DocumentSpec
    levels: list[Level]
    missing_score: float = 0


class SetItem(_Strict):
    key: str
    label: str  # Vietnamese label shown to appraisers ("Báo cáo quý I")
    document: DocumentSpec
    deadline: str  # relative date, inclusive


class DocumentSetRule(_Strict):
    kind: Literal["document_set"]
    items: list[SetItem]
    score_all: float
    score_otherwise: float = 0


class MetricBandRule(_Strict):
    kind: Literal["metric_band"]
    source: DocumentSpec
    metric: MetricSpec
    bands: list[Band]
    tolerance: float = 0.5  # allowed gap between the self-reported and the document's value


class RatioRule(_Strict):
    kind: Literal["ratio"]
    source: DocumentSpec
    numerator: MetricSpec
    denominator: MetricSpec
    bands: list[Band]  # on the ratio in percent
    tolerance: float = 0.5


class ExistenceRule(_Strict):
    kind: Literal["existence"]
    document: DocumentSpec
    score: float
    review_note: str = ""  # what the appraiser must check in the content (Vietnamese)


class ManualRule(_Strict):
    kind: Literal["manual"]
    review_note: str = ""


Rule = Annotated[
    DocumentRule | DocumentSetRule | MetricBandRule | RatioRule | ExistenceRule | ManualRule,
    Field(discriminator="kind"),
]


ItemRole = Literal["score", "bonus", "penalty", "survey"]
COUNTED_ROLES = ("score", "survey")  # the roles whose maxima add up to a criterion's, a field's and the index's
SURVEY_NOTE = "Điểm điều tra xã hội học: nhập từ kết quả điều tra, đơn vị không tự chấm."


class SubCriterion(_Strict):
    """A sub-criterion (tiêu chí thành phần) or a bonus, penalty or survey item.

    ``role``: ``score`` (ordinary, self-scored), ``bonus`` (điểm thưởng: adds up to ``cap``),
    ``penalty`` (điểm trừ: subtracts up to ``cap``), ``survey`` (điều tra xã hội học: never
    self-scored, its value imported per unit; ``max_score`` is its weight). A bonus or penalty
    item's ``max_score`` is its cap (written once, as ``cap``); a survey item needs no rule.
    """

    code: str
    title: str
    stt: str = ""  # the unit's numbering as the decision prints it (a, b, ...)
    role: ItemRole = "score"
    max_score: float
    cap: float | None = None  # bonus / penalty only: the most the item adds or takes
    rule: Rule

    @model_validator(mode="before")
    @classmethod
    def _fill_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        role = data.get("role", "score")
        if role in ("bonus", "penalty") and "max_score" not in data and isinstance(data.get("cap"), (int, float)):
            data = {**data, "max_score": data["cap"]}
        if role == "survey" and "rule" not in data:
            data = {**data, "rule": {"kind": "manual", "review_note": SURVEY_NOTE}}
        return data

    @property
    def counted(self) -> bool:
        """Whether the item's maximum belongs to the attainable maximum (ordinary and survey items)."""
        return self.role in COUNTED_ROLES

    @property
    def self_scored(self) -> bool:
        return self.role != "survey"


class Criterion(_Strict):
    code: str
    title: str
    stt: str = ""  # the unit's numbering (1, 2, ...)
    max_score: float | None = None  # as the decision's annex states it; checked against the items
    items: list[SubCriterion]

    @property
    def items_max(self) -> float:
        """The sum of its ordinary and survey items' maxima (bonus and penalty items stand apart)."""
        return sum(s.max_score for s in self.items if s.counted)


class FieldArea(_Strict):
    """A field (lĩnh vực) of the index."""

    code: str
    title: str
    stt: str = ""  # the unit's numbering (I, II, ...)
    max_score: float | None = None  # as stated; checked against its criteria
    criteria: list[Criterion]

    @property
    def items_max(self) -> float:
        return sum(c.items_max for c in self.criteria)


class IndexBand(_Strict):
    """A result band of the index in percent (``{code: A, ge: 90}``); ends as in :class:`Band`."""

    code: str
    label: str = ""  # Vietnamese: "Xuất sắc", "Tốt", ...
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None

    def contains(self, value: float) -> bool:
        return Band(score=0, gt=self.gt, ge=self.ge, lt=self.lt, le=self.le).contains(value)


class IndexSpec(_Strict):
    """How the index is computed from the items' scores: the attainable maximum, caps, survey, bands."""

    max_score: float  # the attainable maximum: self-assessed part + survey part (e.g. 100)
    self_assessed_max: float | None = None  # stated part: the ordinary items' maxima
    survey_max: float | None = None  # stated part: the survey items' weights
    bonus_cap: float | None = None  # the most all bonus items add together (None: the sum of their caps)
    penalty_cap: float | None = None  # the most all penalty items take together
    survey_absent: Literal["zero", "rescale"] = "zero"  # rescale: percent of the maximum without the survey
    cap_total: bool = True  # the total stays within 0 .. the attainable maximum
    decimals: int = Field(default=2, ge=0, le=6)  # the published index is rounded to this; bands and ranks use it
    bands: list[IndexBand] = []


class Rubric(_Strict):
    id: str
    title: str
    source: str = ""  # the decision that issued the set, if any
    applies_to: list[str] = []  # which unit kinds the set is for (free text: so_nganh, ubnd_xa, ...)
    index: IndexSpec | None = None
    fields: list[FieldArea]

    def subcriteria(self) -> list[tuple[FieldArea, Criterion, SubCriterion]]:
        return [(f, c, s) for f in self.fields for c in f.criteria for s in c.items]

    def find(self, code: str) -> SubCriterion | None:
        for _f, _c, s in self.subcriteria():
            if s.code == code:
                return s
        return None

    def of_role(self, role: str) -> list[SubCriterion]:
        return [s for _f, _c, s in self.subcriteria() if s.role == role]

    @property
    def max_total(self) -> float:
        """The attainable maximum as the items give it: ordinary and survey items (bonus and penalty apart)."""
        return sum(f.items_max for f in self.fields)
