"""What the appraisal council receives for a campaign (``kiemchung campaign export``): per unit group, each
unit's score table with every round — self-score, round-1 and round-2 scores and notes per sub-criterion,
bonus, penalty, survey, total, index %, sub-indices per field and criterion, band — and the rankings of the
group's units overall, by field and by criterion (ties share a rank: 1, 2, 2, 4).

Pure data: ``api.service.council`` fills it from the database (``verifier.index`` computes the numbers), the
writers in ``verifier.reports.council_*`` print it, and ``council.json`` is this model dumped for other systems.
"""

from __future__ import annotations

from pydantic import BaseModel

COUNCIL_SCHEMA_VERSION = "1.0"


class RoundCell(BaseModel):
    """One appraisal round's current record for a sub-criterion. A dropped machine proposal is no record;
    an appraiser's confirmed record wins over a machine proposal of the same round."""

    score: float | None = None
    note: str = ""
    explanation_requested: bool = False  # yêu cầu giải trình (round 1)
    source: str = "appraiser"  # machine | appraiser
    state: str = "confirmed"  # proposed (a machine proposal nobody confirmed yet) | confirmed
    by: str = ""
    at: str = ""  # ISO time (UTC)


class ItemRow(BaseModel):
    """One sub-criterion (or bonus, penalty, survey item) of a unit's score table."""

    code: str
    stt: str = ""
    title: str
    role: str = "score"  # score | bonus | penalty | survey
    field_code: str
    criterion_code: str
    max_score: float  # a bonus or penalty item's cap; a survey item's weight
    self_score: float | None = None  # the unit's own (never for survey items)
    supported_score: float | None = None  # what kiemchung found the evidence supports
    verdict: str | None = None  # kiemchung's verdict on the submission (SUPPORTED, REFUTED, ...)
    round1: RoundCell | None = None
    round2: RoundCell | None = None
    explanation: str = ""  # the unit's latest explanation (giải trình), if any
    explanation_versions: int = 0
    files: list[str] = []  # the unit's additional files: "name (phiên bản n)"
    survey: float | None = None  # a survey item's imported value
    final: float | None = None  # the score that counts: round 2's confirmed, else round 1's, else the self-score
    # (survey: imported; a machine proposal not yet confirmed never counts)
    counted: float = 0  # what it adds (a penalty's, what it takes), within 0 .. max_score


class Part(BaseModel):
    """A criterion's or a field's sub-index and its rank in the group (None: no maximum to rank on)."""

    code: str
    stt: str = ""
    title: str
    max_score: float
    score: float
    index: float | None  # percent of its maximum, rounded as published
    self_score: float = 0  # its ordinary items' self-scores
    rank: int | None = None
    criteria: list[Part] = []


class UnitScores(BaseModel):
    """One unit's totals (final: round 2 → round 1 → self-score per item) and its ranks."""

    unit: str
    submission_id: str | None = None  # the latest non-withdrawn checked submission for the campaign's year
    submitted: bool = False
    self_total: float = 0  # the index's total on the self-scores
    self_index: float | None = None
    score: float = 0  # ordinary items
    bonus: float = 0  # capped
    penalty: float = 0  # capped
    survey: float | None = None  # None: no survey imported for the unit
    total: float = 0  # score + survey + bonus − penalty, within 0 .. attainable
    attainable: float = 0
    index: float | None = None  # percent of ``attainable``, rounded to the rubric's decimals
    band: str | None = None
    band_label: str = ""
    rank: int | None = None
    fields: list[Part] = []
    items: list[ItemRow] = []
    unscored: list[str] = []  # item codes with no score at all
    unconfirmed: list[str] = []  # item codes with a machine proposal no appraiser confirmed or dropped (not counted)


class RankEntry(BaseModel):
    unit: str
    value: float | None
    rank: int | None


class GroupRanking(BaseModel):
    overall: list[RankEntry] = []
    by_field: dict[str, list[RankEntry]] = {}  # field code -> ranking on its sub-index
    by_criterion: dict[str, list[RankEntry]] = {}  # criterion code -> ranking on its sub-index


class HeaderPart(BaseModel):
    """A field or criterion of the group's criteria set, for table headers."""

    code: str
    stt: str = ""
    title: str
    max_score: float


class CouncilGroup(BaseModel):
    code: str
    title: str
    rubric_id: str
    rubric_title: str
    max_score: float  # the index's attainable maximum
    bonus_cap: float | None = None
    penalty_cap: float | None = None
    decimals: int = 2
    fields: list[HeaderPart] = []
    criteria: list[HeaderPart] = []
    units: list[UnitScores] = []  # in ranking order
    ranking: GroupRanking = GroupRanking()


class CouncilExport(BaseModel):
    schema_version: str = COUNCIL_SCHEMA_VERSION
    campaign_id: str
    year: int
    title: str
    generated_at: str = ""  # ISO time (UTC); the writers print it in Vietnam time
    groups: list[CouncilGroup] = []
