"""A criteria set (rubric) as data: fields -> criteria -> sub-criteria, each with a rule.

Dates in rules are written relative to the assessment year ``Y``:
``"31/01/Y"``, ``"31/12/Y-1"``. The YAML format is documented in
``docs/rubric-format.md``; the loader lives in ``verifier.rubric``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


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


class SubCriterion(_Strict):
    code: str
    title: str
    max_score: float
    rule: Rule


class Criterion(_Strict):
    code: str
    title: str
    items: list[SubCriterion]


class FieldArea(_Strict):
    """A field (lĩnh vực) of the index."""

    code: str
    title: str
    criteria: list[Criterion]


class Rubric(_Strict):
    id: str
    title: str
    source: str = ""  # the decision that issued the set, if any
    fields: list[FieldArea]

    def subcriteria(self) -> list[tuple[FieldArea, Criterion, SubCriterion]]:
        return [(f, c, s) for f in self.fields for c in f.criteria for s in c.items]

    def find(self, code: str) -> SubCriterion | None:
        for _f, _c, s in self.subcriteria():
            if s.code == code:
                return s
        return None

    @property
    def max_total(self) -> float:
        return sum(s.max_score for _f, _c, s in self.subcriteria())
