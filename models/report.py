"""Verifier output: verdicts, findings with evidence, the report of one submission."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel

from .claims import SheetIssue
from .errors import ErrorInfo
from .extraction import Signature
from .provenance import Evidence

REPORT_SCHEMA_VERSION = "1.0"


class Verdict(str, Enum):
    SUPPORTED = "SUPPORTED"
    REFUTED = "REFUTED"
    NOT_ENOUGH_EVIDENCE = "NOT_ENOUGH_EVIDENCE"
    MANUAL_REVIEW = "MANUAL_REVIEW"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class FindingCode(str, Enum):
    EVIDENCE_MISSING = "EVIDENCE_MISSING"
    DOCUMENT_NOT_FOUND = "DOCUMENT_NOT_FOUND"
    DOCUMENT_UNREADABLE = "DOCUMENT_UNREADABLE"
    WRONG_DOCUMENT_TYPE = "WRONG_DOCUMENT_TYPE"
    WRONG_ISSUER = "WRONG_ISSUER"
    WRONG_PERIOD = "WRONG_PERIOD"
    LATE = "LATE"
    REPORT_MISSING = "REPORT_MISSING"
    METRIC_NOT_FOUND = "METRIC_NOT_FOUND"
    METRIC_MISMATCH = "METRIC_MISMATCH"
    SCORE_NOT_SUPPORTED = "SCORE_NOT_SUPPORTED"
    SCORE_ABOVE_MAX = "SCORE_ABOVE_MAX"
    UNKNOWN_CRITERION = "UNKNOWN_CRITERION"
    CITATION_MISMATCH = "CITATION_MISMATCH"
    LOW_CONFIDENCE = "LOW_CONFIDENCE"
    DUPLICATE_EVIDENCE = "DUPLICATE_EVIDENCE"
    DOCUMENT_MATCHED = "DOCUMENT_MATCHED"  # info: which document was used, and how it was found
    MANUAL_CHECK = "MANUAL_CHECK"  # info: what a human must check
    SIGNATURE_MODIFIED = "SIGNATURE_MODIFIED"  # warning: a cited file changed after it was digitally signed


class Finding(BaseModel):
    code: FindingCode
    severity: Severity
    message: str  # Vietnamese, for the appraiser
    evidence: list[Evidence] = []


class PeriodState(str, Enum):
    """What the evidence shows for one required document of a document set (a periodic report)."""

    ON_TIME = "on_time"  # found, issued by its deadline
    LATE = "late"  # found, issued after its deadline
    MISSING = "missing"  # no document in the evidence fits the item
    NEEDS_REVIEW = "needs_review"  # found, its issue date not read with certainty: a human confirms it


class PeriodCheck(BaseModel):
    """One item of a document-set rule (``models.rubric.SetItem``: "Báo cáo quý I") as the evidence shows it:
    its deadline, its state and the document matched to it, with the words on the page that decided it
    (the evidence of the finding the rule wrote for the item)."""

    key: str  # the rubric item's key ("q1")
    label: str  # the rubric item's label ("Báo cáo quý I")
    short_label: str = ""  # the label without the words every item of the set shares ("Quý I")
    deadline: str  # ISO date, inclusive
    state: PeriodState
    file: str | None = None  # the matched file
    number: str | None = None  # its number as read
    issued_on: str | None = None  # its issue date as read (ISO), even when it needs review
    evidence: list[Evidence] = []


class CriterionResult(BaseModel):
    """One sub-criterion (tiêu chí thành phần), placed in the rubric's tree: its field (lĩnh vực) and its
    criterion (tiêu chí), and the numbering the unit's sheet gave each of the three (its STT column:
    "I", "1", "a"), which is not the rubric's code and is shown beside it, never renumbered."""

    code: str
    title: str
    role: str = "score"  # models.rubric.ItemRole: score | bonus | penalty (survey items are never self-scored)
    field_code: str = ""
    field_title: str = ""
    criterion_code: str = ""
    criterion_title: str = ""
    criterion_max_score: float | None = None  # the criterion's maximum: its ordinary sub-criteria's maxima
    stt: str = ""  # the unit's STT of this row as written on its sheet; "" when the sheet has none
    field_stt: str = ""  # the unit's STT of the field's row ("I")
    criterion_stt: str = ""  # the unit's STT of the criterion's row ("1")
    sheet_row: int | None = None
    max_score: float | None = None
    claimed_score: float | None = None
    supported_score: float | None = None
    verdict: Verdict
    findings: list[Finding] = []
    documents: list[str] = []  # files used as evidence for this criterion
    periods: list[PeriodCheck] = []  # document-set rules: one per required document, in the rubric's order


class FileSummary(BaseModel):
    name: str
    sha256: str = ""
    status: str = "ok"
    error: ErrorInfo | None = None
    pages: int = 0
    pages_ocr: list[int] = []
    number: str | None = None  # the document's own number, if read
    doc_type: str | None = None
    issued_on: str | None = None
    notes: list[str] = []
    kind: str = "unknown"  # models.extraction.DocumentKind: nd30 | no_header | not_a_document | unknown
    needs_review: list[str] = []  # identity fields (number, issued_on, …) a human must confirm
    signatures: list[Signature] = []  # digital signatures; trust never verified (see Signature)


class _Extras(BaseModel):
    """Bonus (điểm thưởng) and penalty (điểm trừ) points, kept apart from the ordinary items' subtotal: each
    item counted within 0 .. its cap. At a field or criterion they are not capped together (the rubric's
    overall caps apply to the whole index, ``Totals``)."""

    bonus_claimed: float = 0
    bonus_supported: float = 0
    penalty_claimed: float = 0  # points the unit itself says it loses
    penalty_supported: float = 0  # points the evidence says it loses


class CriterionTotal(_Extras):
    """A criterion (tiêu chí) of a field: its maximum and the subtotals of its ordinary sub-criteria, its bonus
    and penalty points apart (their caps are not part of the maximum)."""

    code: str  # "" for sub-criteria that came without one (reports stored before the tree)
    title: str = ""
    stt: str = ""  # the unit's STT of the criterion's row
    max_score: float = 0
    claimed_score: float = 0
    supported_score: float = 0
    items: list[str] = []  # codes of its sub-criteria (``Report.criteria``), in the rubric's order


class FieldTotal(_Extras):
    """A field (lĩnh vực): its maximum, the subtotals of its ordinary sub-criteria, its bonus and penalty
    points apart, and its criteria."""

    code: str
    title: str
    max_score: float
    claimed_score: float
    supported_score: float
    stt: str = ""  # the unit's STT of the field's row
    criteria: list[CriterionTotal] = []


def criterion_totals(items: list[CriterionResult]) -> list[CriterionTotal]:
    """The criteria of one field's sub-criteria (in their order), each with its maximum and subtotals."""
    out: dict[str, CriterionTotal] = {}
    for r in items:
        node = out.get(r.criterion_code)
        if node is None:
            node = out[r.criterion_code] = CriterionTotal(code=r.criterion_code, title=r.criterion_title,
                                                          stt=r.criterion_stt)
        if r.role == "bonus":
            node.bonus_claimed += within_cap(r.claimed_score, r.max_score)
            node.bonus_supported += within_cap(r.supported_score, r.max_score)
        elif r.role == "penalty":
            node.penalty_claimed += within_cap(r.claimed_score, r.max_score)
            node.penalty_supported += within_cap(r.supported_score, r.max_score)
        else:
            node.max_score += r.max_score or 0
            node.claimed_score += r.claimed_score or 0
            node.supported_score += r.supported_score or 0
        node.items.append(r.code)
    return list(out.values())


def within_cap(value: float | None, cap: float | None) -> float:
    """A bonus or penalty item's points held within 0 .. its cap (None counts 0)."""
    if value is None:
        return 0.0
    value = max(value, 0.0)
    return min(value, cap) if cap is not None else value


class Totals(BaseModel):
    """A submission's totals. ``max_score`` is the ordinary items' maximum (the self-assessed part: bonus and
    penalty caps are not part of it, survey items are never in a submission); ``claimed_score`` and
    ``supported_score`` are the net totals ``score_* + bonus_* − penalty_*``, bonus and penalty within their
    items' caps and the rubric's overall caps (``index.bonus_cap`` / ``penalty_cap``)."""

    max_score: float = 0
    claimed_score: float = 0
    supported_score: float = 0
    by_verdict: dict[str, int] = {}
    by_field: list[FieldTotal] = []
    score_claimed: float = 0  # the ordinary items only
    score_supported: float = 0
    bonus_claimed: float = 0  # bonus points, capped
    bonus_supported: float = 0
    penalty_claimed: float = 0  # penalty points, capped
    penalty_supported: float = 0
    bonus_cap: float | None = None  # the rubric's cap on all bonus points together (None: their items' caps)
    penalty_cap: float | None = None
    survey_max: float = 0  # the survey part's weight (imported per unit in a campaign, never in a submission)
    attainable_max: float = 0  # the index's attainable maximum: the self-assessed part + the survey part


class Report(BaseModel):
    schema_version: str = REPORT_SCHEMA_VERSION
    tool_version: str = ""
    generated_at: str = ""
    unit: str | None = None
    year: int | None = None
    rubric_id: str = ""
    rubric_title: str = ""
    sheet: str | None = None
    sheet_issues: list[SheetIssue] = []
    files: list[FileSummary] = []
    criteria: list[CriterionResult] = []
    totals: Totals = Totals()

    def tree(self) -> list[FieldTotal]:
        """Fields -> criteria -> sub-criteria with maxima and subtotals at each level: ``totals.by_field`` as
        stored, its criteria grouped from ``criteria`` when the report was stored without them."""
        by_field: dict[str, list[CriterionResult]] = {}
        for c in self.criteria:
            if c.field_code:
                by_field.setdefault(c.field_code, []).append(c)
        return [ft if ft.criteria else ft.model_copy(update={"criteria": criterion_totals(by_field.get(ft.code, []))})
                for ft in self.totals.by_field]
