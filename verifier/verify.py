"""Verify a self-assessment: every claim against the rubric and the evidence → a Report."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Collection
from typing import TypedDict

from models.claims import Claim, Sheet, SheetIssue
from models.report import (
    CriterionResult,
    FieldTotal,
    FileSummary,
    Finding,
    FindingCode,
    Report,
    Severity,
    Totals,
    Verdict,
    criterion_totals,
    within_cap,
)
from models.rubric import Rubric, SubCriterion

from . import messages as M
from .evidence import EvidenceFile
from .index import index_spec
from .rules import Context, Outcome, evaluate

log = logging.getLogger(__name__)
_EPS = 1e-9
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
# Within one severity, the cause comes before the summary.
_SUMMARY_CODES = {FindingCode.SCORE_NOT_SUPPORTED, FindingCode.DOCUMENT_MATCHED, FindingCode.MANUAL_CHECK}


class _Placement(TypedDict):
    """The fields of a ``CriterionResult`` that come from the rubric: which criterion, where it sits."""

    code: str
    title: str
    role: str
    field_code: str
    field_title: str
    field_stt: str
    criterion_code: str
    criterion_title: str
    criterion_max_score: float
    criterion_stt: str
    max_score: float


def verify(sheet: Sheet, rubric: Rubric, files: list[EvidenceFile], *, unit: str | None = None,
           year: int | None = None, tool_version: str = "", only: Collection[str] | None = None) -> Report:
    """Every self-scored item of ``rubric`` against the sheet's claim and the evidence. ``only``: evaluate just
    these item codes (a round-2 re-check of the questioned criteria); the report then holds those criteria and
    totals over them alone."""
    unit = unit or sheet.unit
    year = year or sheet.year
    issues = list(sheet.issues)
    if year is None:
        year = dt.date.today().year
        issues.append(SheetIssue(message=f"assessment year not found; assuming {year}",
                                 message_vi=f"Không xác định được năm đánh giá; tạm dùng năm {year}."))
    if not unit:
        issues.append(SheetIssue(message="unit not found; issuer checks skipped",
                                 message_vi="Không xác định được đơn vị; bỏ qua kiểm tra cơ quan ban hành."))
    ctx = Context(unit=unit, year=year, files=files)

    group_codes = {f.code for f in rubric.fields} | {c.code for f in rubric.fields for c in f.criteria}
    claims: dict[str, Claim] = {}
    unknown: list[Claim] = []
    group_stt: dict[str, str] = {}  # the unit's STT of its field and criterion rows, by rubric code
    for claim in sheet.claims:
        if claim.code in group_codes:
            if claim.stt:
                group_stt.setdefault(claim.code, claim.stt)
            continue
        found = rubric.find(claim.code)
        if found is None:
            if claim.claimed_score is not None or claim.citations:
                unknown.append(claim)
            continue
        if not found.self_scored:  # a survey item: its score is imported per unit, a unit's own is not counted
            if claim.claimed_score is not None:
                issues.append(SheetIssue(
                    row=claim.row, column="Điểm tự đánh giá",
                    message=f"{claim.code} is a survey item (not self-scored); the sheet's score is not counted",
                    message_vi=f"Tiêu chí {claim.code} là điểm điều tra xã hội học, không do đơn vị tự chấm: "
                               f"điểm {M.score(claim.claimed_score)} ở dòng {claim.row} không được tính."))
            continue
        if claim.code in claims:
            issues.append(SheetIssue(row=claim.row, column="Mã tiêu chí",
                                     message=f"duplicate criterion {claim.code}; first row kept",
                                     message_vi=f"Tiêu chí {claim.code} bị lặp; dùng dòng {claims[claim.code].row}."))
            continue
        claims[claim.code] = claim

    results: list[CriterionResult] = []
    for fa, cr, item in rubric.subcriteria():
        if not item.self_scored:
            continue  # survey items (điều tra xã hội học) are imported per unit, never self-scored or checked
        if only is not None and item.code not in only:
            continue
        base = _Placement(code=item.code, title=item.title, role=item.role, field_code=fa.code,
                          field_title=fa.title, field_stt=group_stt.get(fa.code, ""), criterion_code=cr.code,
                          criterion_title=cr.title,
                          criterion_max_score=sum(s.max_score for s in cr.items if s.role == "score"),
                          criterion_stt=group_stt.get(cr.code, ""), max_score=item.max_score)
        sheet_claim = claims.get(item.code)
        if sheet_claim is None:
            out = Outcome()
            out.add(FindingCode.EVIDENCE_MISSING, Severity.WARNING,
                    "Tiêu chí không có trong bảng tự đánh giá của đơn vị.")
            results.append(CriterionResult(**base, verdict=Verdict.NOT_ENOUGH_EVIDENCE, findings=out.findings))
            continue
        results.append(_evaluate(sheet_claim, item, ctx, base))

    for claim in unknown if only is None else [c for c in unknown if c.code in only]:
        results.append(CriterionResult(
            code=claim.code, title=claim.title, sheet_row=claim.row, stt=claim.stt,
            claimed_score=claim.claimed_score, max_score=claim.max_score, verdict=Verdict.MANUAL_REVIEW,
            findings=[_finding(FindingCode.UNKNOWN_CRITERION, Severity.ERROR,
                               f"Mã tiêu chí {claim.code} (dòng {claim.row}) không có trong bộ tiêu chí "
                               f"“{rubric.title or rubric.id}”.")],
        ))

    return Report(
        tool_version=tool_version,
        generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        unit=unit, year=year, rubric_id=rubric.id, rubric_title=rubric.title,
        sheet=sheet.file, sheet_issues=issues,
        files=[_file_summary(f) for f in files],
        criteria=results,
        totals=_totals(rubric, results, group_stt),
    )


def _evaluate(claim: Claim, item: SubCriterion, ctx: Context, base: _Placement) -> CriterionResult:
    out = Outcome()
    if claim.claimed_score is not None and claim.claimed_score > item.max_score + _EPS:
        out.add(FindingCode.SCORE_ABOVE_MAX, Severity.ERROR,
                f"Điểm tự đánh giá {M.score(claim.claimed_score)} vượt điểm tối đa {M.score(item.max_score)}.")
    try:
        evaluate(item, claim, ctx, out)
    except Exception:  # a bug in one rule must not lose the other criteria
        log.exception("rule evaluation failed", extra={"criterion": item.code})
        out.decided = False
        out.add(FindingCode.MANUAL_CHECK, Severity.WARNING,
                "Lỗi nội bộ khi đánh giá tiêu chí này; cần thẩm định thủ công.")
    claimed = claim.claimed_score
    supported = None if out.supported is None else min(out.supported, item.max_score)

    if not out.decided:
        verdict = Verdict.MANUAL_REVIEW
    elif claimed is not None and claimed <= _EPS and not any(f.severity == Severity.ERROR for f in out.findings):
        verdict = Verdict.SUPPORTED  # nothing claimed, nothing to prove
    elif supported is None or not out.evidence_found:
        verdict = Verdict.NOT_ENOUGH_EVIDENCE
    elif claimed is None:
        verdict = Verdict.MANUAL_REVIEW
        out.add(FindingCode.MANUAL_CHECK, Severity.WARNING,
                f"Đơn vị chưa ghi điểm tự đánh giá; minh chứng hỗ trợ {M.score(supported)} điểm.")
    elif claimed <= supported + _EPS and not any(f.code == FindingCode.SCORE_ABOVE_MAX for f in out.findings):
        verdict = Verdict.SUPPORTED
    else:
        verdict = Verdict.REFUTED
        out.add(FindingCode.SCORE_NOT_SUPPORTED, Severity.ERROR,
                f"Điểm tự đánh giá {M.score(claimed)} không được minh chứng hỗ trợ; "
                f"minh chứng chỉ hỗ trợ {M.score(supported)} điểm.")
    findings = sort_findings(out.findings)
    return CriterionResult(**base, sheet_row=claim.row, stt=claim.stt, claimed_score=claimed,
                           supported_score=supported, verdict=verdict, findings=findings, documents=out.documents,
                           periods=out.periods)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then information; within one severity, causes before summaries."""
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.code in _SUMMARY_CODES))


def _finding(code: FindingCode, severity: Severity, message: str) -> Finding:
    return Finding(code=code, severity=severity, message=message)


def _file_summary(f: EvidenceFile) -> FileSummary:
    doc = f.extraction.document
    return FileSummary(
        name=f.name, sha256=f.ingested.sha256, status=f.ingested.status if f.ingested.status != "ok" else f.extraction.status,
        error=f.ingested.error or f.extraction.error, pages=f.ingested.page_count or len(f.ingested.pages),
        pages_ocr=f.ingested.pages_ocr, number=doc.number, doc_type=doc.doc_type, issued_on=doc.issued_on,
        notes=f.ingested.notes, signatures=f.extraction.signatures, kind=doc.kind.value,
        needs_review=[name for name, field in doc.fields.items() if field.needs_review],
    )


def _totals(rubric: Rubric, results: list[CriterionResult], group_stt: dict[str, str]) -> Totals:
    """The overall total and the tree's subtotals: each field, and each criterion of it (``criterion_totals``).
    Ordinary items make the maximum and the subtotals; bonus and penalty points stand apart, each within its
    item's cap and all together within the rubric's caps; the net total is ordinary + bonus − penalty."""
    by_code = {r.code: r for r in results}
    fields = []
    for fa in rubric.fields:
        items = [by_code[s.code] for c in fa.criteria for s in c.items if s.code in by_code]
        crits = criterion_totals(items)
        fields.append(FieldTotal(
            code=fa.code, title=fa.title, stt=group_stt.get(fa.code, ""),
            max_score=sum(s.max_score for c in fa.criteria for s in c.items if s.role == "score"),
            claimed_score=sum(c.claimed_score for c in crits), supported_score=sum(c.supported_score for c in crits),
            bonus_claimed=sum(c.bonus_claimed for c in crits), bonus_supported=sum(c.bonus_supported for c in crits),
            penalty_claimed=sum(c.penalty_claimed for c in crits),
            penalty_supported=sum(c.penalty_supported for c in crits),
            criteria=crits,
        ))
    spec = index_spec(rubric)
    score_claimed = sum(f.claimed_score for f in fields)
    score_supported = sum(f.supported_score for f in fields)
    bonus_claimed = within_cap(sum(f.bonus_claimed for f in fields), spec.bonus_cap)
    bonus_supported = within_cap(sum(f.bonus_supported for f in fields), spec.bonus_cap)
    penalty_claimed = within_cap(sum(f.penalty_claimed for f in fields), spec.penalty_cap)
    penalty_supported = within_cap(sum(f.penalty_supported for f in fields), spec.penalty_cap)
    return Totals(
        max_score=sum(f.max_score for f in fields),
        claimed_score=score_claimed + bonus_claimed - penalty_claimed,
        supported_score=score_supported + bonus_supported - penalty_supported,
        by_verdict=dict(Counter(r.verdict.value for r in results)),
        by_field=fields,
        score_claimed=score_claimed, score_supported=score_supported,
        bonus_claimed=bonus_claimed, bonus_supported=bonus_supported,
        penalty_claimed=penalty_claimed, penalty_supported=penalty_supported,
        bonus_cap=spec.bonus_cap, penalty_cap=spec.penalty_cap,
        survey_max=sum(s.max_score for s in rubric.of_role("survey")), attainable_max=spec.max_score,
    )
