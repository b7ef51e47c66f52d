"""Rule evaluation: recompute the score the evidence supports, with findings.

One function per rule kind; each returns an :class:`Outcome`. The verdict is
decided in :mod:`verifier.verify` from the outcome and the claimed score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import assert_never

from extractors import fold
from models.claims import Claim
from models.extraction import Metric, Qualifier
from models.provenance import Evidence
from models.report import Finding, FindingCode, PeriodCheck, PeriodState, Severity
from models.rubric import (
    Band,
    DocumentRule,
    DocumentSetRule,
    DocumentSpec,
    ExistenceRule,
    ManualRule,
    MetricBandRule,
    MetricSpec,
    RatioRule,
    SetItem,
    SubCriterion,
)

from . import messages as M
from .evidence import LOW_CONFIDENCE, EvidenceFile
from .matching import (
    Match,
    MetricCandidate,
    SpecCheck,
    agree,
    check_spec,
    match_citation,
    matching_settings,
    metric_candidates,
    search,
)
from .relative_dates import resolve, vn_date
from .signatures import SignedBound, issue_bound, signature_findings


@dataclass
class Context:
    unit: str | None
    year: int
    files: list[EvidenceFile]


@dataclass
class Outcome:
    supported: float | None = None
    findings: list[Finding] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    evidence_found: bool = False  # some readable evidence was located for the claim
    decided: bool = True  # False: a human must decide (manual rule, low confidence, ambiguity)
    periods: list[PeriodCheck] = field(default_factory=list)  # document-set rules: the state of each item

    def add(self, code: FindingCode, severity: Severity, message: str, evidence=None) -> None:
        self.findings.append(Finding(code=code, severity=severity, message=message, evidence=evidence or []))

    def use(self, f: EvidenceFile) -> None:
        """``f`` is evidence of this criterion; a file changed after it was signed says so (SIGNATURE_MODIFIED)."""
        if f.name not in self.documents:
            self.documents.append(f.name)
            self.findings.extend(signature_findings(f))


# --------------------------------------------------------------------------- citations


def resolve_citations(claim: Claim, ctx: Context, out: Outcome) -> list[Match]:
    """Match every citation of the claim; record what could not be found or read."""
    matches: list[Match] = []
    for c in claim.citations:
        m = match_citation(c, ctx.files)
        if m is None:
            what = c.number or c.file_name or c.raw
            out.add(FindingCode.DOCUMENT_NOT_FOUND, Severity.ERROR,
                    f"Không tìm thấy tài liệu “{what}” được trích dẫn trong hồ sơ minh chứng.")
            continue
        f = m.file
        if not f.ok:
            err = f.ingested.error or f.extraction.error
            reason = err.message_vi or err.message if err else "lỗi không xác định"
            out.add(FindingCode.DOCUMENT_UNREADABLE, Severity.ERROR,
                    f"Không đọc được tệp {f.name}: {reason}")
            continue
        if m.how == "number_fuzzy":
            out.add(FindingCode.LOW_CONFIDENCE, Severity.WARNING,
                    f"Số hiệu “{c.number}” chỉ khớp gần đúng với văn bản {M.doc_label(f)} "
                    f"(độ khớp {m.score:.0%}); cần kiểm tra lại số hiệu.",
                    f.field_evidence("number"))
        if c.number and f.number and m.how == "file_name" and fold(c.number) != fold(f.number):
            out.add(FindingCode.CITATION_MISMATCH, Severity.WARNING,
                    f"Bảng tự đánh giá ghi số “{c.number}” nhưng tệp {f.name} là văn bản số {f.number}.",
                    f.field_evidence("number"))
        if (c.issued_on and f.issued_on and c.issued_on != f.issued_on.isoformat()
                and not f.field_needs_review("issued_on")):  # an uncertain date is LOW_CONFIDENCE's business
            out.add(FindingCode.CITATION_MISMATCH, Severity.WARNING,
                    f"Bảng tự đánh giá ghi ngày {vn_date(c.issued_on)} nhưng văn bản {M.doc_label(f)} "
                    f"ghi ngày ban hành {vn_date(f.issued_on)}.",
                    f.field_evidence("issued_on"))
        matches.append(m)
    return matches


def _report_spec_problems(check: SpecCheck, spec: DocumentSpec, ctx: Context, out: Outcome) -> None:
    f = check.file
    if check.type_ok is False:
        out.add(FindingCode.WRONG_DOCUMENT_TYPE, Severity.ERROR,
                f"Văn bản {M.doc_label(f)} là {f.extraction.document.doc_type or f.doc_type_code}, "
                f"không phải loại yêu cầu ({', '.join(spec.types)}).",
                f.field_evidence("doc_type") or f.field_evidence("number"))
    if check.issuer_ok is False:
        out.add(FindingCode.WRONG_ISSUER, Severity.ERROR,
                f"Văn bản {M.doc_label(f)} do “{M.issuer_label(f)}” ban hành, "
                f"không phải đơn vị được đánh giá ({ctx.unit}).",
                f.field_evidence("issuer"))
    if check.period_ok is False:
        when = f"năm {check.title_year}" if check.title_year else f"ngày {vn_date(f.issued_on)}"
        out.add(FindingCode.WRONG_PERIOD, Severity.ERROR,
                f"Văn bản {M.doc_label(f)} thuộc {when}, không thuộc năm đánh giá {ctx.year}.",
                f.field_evidence("title") + f.field_evidence("issued_on"))
    if check.title_ok is False and check.type_ok is not False and check.period_ok is not False:
        out.add(FindingCode.WRONG_DOCUMENT_TYPE, Severity.WARNING,
                f"Trích yếu của văn bản {M.doc_label(f)} (“{f.title}”) không phù hợp với nội dung tiêu chí.",
                f.field_evidence("title"))


def find_document(spec: DocumentSpec, matches: list[Match], ctx: Context, out: Outcome,
                  *, report_problems: bool = True) -> SpecCheck | None:
    """The cited document that fits the spec; else one found by searching all evidence."""
    checks = [check_spec(m.file, spec, ctx.unit, ctx.year) for m in matches]
    for c in checks:
        if c.ok:
            return c
    found = search(ctx.files, spec, ctx.unit, ctx.year)
    if found:
        c = found[0]
        out.add(FindingCode.DOCUMENT_MATCHED, Severity.WARNING if matches else Severity.INFO,
                f"Tài liệu trích dẫn không đáp ứng yêu cầu; đã tìm thấy trong hồ sơ văn bản phù hợp "
                f"{M.doc_label(c.file)}." if matches else
                f"Bảng tự đánh giá không trích dẫn tài liệu; đã tìm thấy trong hồ sơ văn bản phù hợp "
                f"{M.doc_label(c.file)}.",
                c.file.field_evidence("number"))
        return c
    if report_problems:
        for c in checks:
            _report_spec_problems(c, spec, ctx, out)
            out.use(c.file)
            out.evidence_found = True
    return None


def evidence_missing(out: Outcome, what: str) -> None:
    """EVIDENCE_MISSING, unless a cited document already explains the gap (not found / unreadable)."""
    explained = {FindingCode.DOCUMENT_NOT_FOUND, FindingCode.DOCUMENT_UNREADABLE}
    if any(f.code in explained for f in out.findings):
        return
    out.add(FindingCode.EVIDENCE_MISSING, Severity.ERROR, what)


def locate_document(spec: DocumentSpec, claim: Claim, ctx: Context, out: Outcome,
                    *, missing_score: float) -> SpecCheck | None:
    """Shared by the single-document rules: resolve the citations, find the fitting document
    and mark it used; when there is none, score ``missing_score`` and say why."""
    matches = resolve_citations(claim, ctx, out)
    check = find_document(spec, matches, ctx, out)
    if check is None:
        out.supported = missing_score
        if not out.evidence_found:
            evidence_missing(out, "Không có văn bản đáp ứng yêu cầu của tiêu chí trong hồ sơ minh chứng.")
        return None
    out.use(check.file)
    out.evidence_found = True
    return check


def _unsure_date(f: EvidenceFile) -> str:
    if f.issued_on is None:
        return "không đọc được ngày ban hành"
    return f"ngày ban hành đọc được ({vn_date(f.issued_on)}, độ tin cậy thấp) muộn hơn thời gian ký số"


def _scored_by_signature(rule: DocumentRule, f: EvidenceFile, bound: SignedBound, ctx: Context, out: Outcome) -> bool:
    """Score by the signing day, an upper bound of an issue date that was not read (or cannot be
    right); a human still confirms, since the signature's trust is not verified. False when the
    signature comes after the last deadline and so decides nothing."""
    score, limit = _level_score(rule.levels, bound.day, ctx.year)
    if score is None:
        return False
    out.decided = False
    out.supported = score
    out.add(FindingCode.MANUAL_CHECK, Severity.INFO,
            f"Văn bản {M.doc_label(f)}: {_unsure_date(f)}; {bound.explain()}, không muộn hơn hạn {vn_date(limit)}: "
            f"minh chứng hỗ trợ ít nhất {M.score(score)} điểm. Cần đối chiếu ngày ban hành trên văn bản.",
            f.field_evidence("issued_on") or f.field_evidence("number"))
    return True


def _level_score(levels, issued: dt.date, year: int) -> tuple[float | None, dt.date]:
    for lv in levels:
        limit = resolve(lv.until, year)
        if issued <= limit:
            return lv.score, limit
    return None, resolve(levels[-1].until, year)


# --------------------------------------------------------------------------- rule kinds


def eval_document(rule: DocumentRule, item: SubCriterion, claim: Claim, ctx: Context, out: Outcome) -> None:
    check = locate_document(rule.document, claim, ctx, out, missing_score=rule.missing_score)
    if check is None:
        return
    f = check.file
    bound = issue_bound(f)
    if bound is not None and _scored_by_signature(rule, f, bound, ctx, out):
        return
    if f.issued_on is None:
        out.decided = False
        out.add(FindingCode.LOW_CONFIDENCE, Severity.WARNING,
                f"Không đọc được ngày ban hành của văn bản {M.doc_label(f)}; cần kiểm tra trực tiếp.",
                f.field_evidence("number"))
        return
    if f.field_needs_review("issued_on"):
        out.decided = False
        out.add(FindingCode.LOW_CONFIDENCE, Severity.WARNING,
                f"Ngày ban hành {vn_date(f.issued_on)} của văn bản {M.doc_label(f)} đọc được với độ tin cậy "
                f"thấp ({f.field_confidence('issued_on'):.0%}); cần kiểm tra trực tiếp.",
                f.field_evidence("issued_on"))
    score, limit = _level_score(rule.levels, f.issued_on, ctx.year)
    first_limit = resolve(rule.levels[0].until, ctx.year)
    if score is None:
        out.supported = rule.missing_score
        out.add(FindingCode.LATE, Severity.ERROR,
                f"Văn bản {M.doc_label(f)} ban hành ngày {vn_date(f.issued_on)}, sau thời hạn cuối {vn_date(limit)}.",
                f.field_evidence("issued_on"))
        return
    out.supported = score
    if f.issued_on > first_limit:
        out.add(FindingCode.LATE, Severity.ERROR,
                f"Văn bản {M.doc_label(f)} ban hành ngày {vn_date(f.issued_on)}, sau thời hạn "
                f"{vn_date(first_limit)}: chỉ đạt {M.score(score)} điểm.",
                f.field_evidence("issued_on"))
    else:
        out.add(FindingCode.DOCUMENT_MATCHED, Severity.INFO,
                f"Văn bản {M.doc_label(f)} ban hành ngày {vn_date(f.issued_on)}, đúng thời hạn {vn_date(first_limit)}.",
                f.field_evidence("issued_on"))


def short_labels(labels: list[str]) -> list[str]:
    """The items' labels without the words all of them begin with, first letter capitalised, for a one-line
    checklist: "Báo cáo quý I", "Báo cáo 6 tháng", "Báo cáo năm" -> "Quý I", "6 tháng", "Năm". A set of one,
    labels that share nothing, and labels one of which is all shared words keep their labels (a Vietnamese
    word is often two syllables: "Báo cáo" is never cut to "cáo")."""
    words = [label.split() for label in labels]
    common = 0
    while len(words) > 1 and all(len(w) > common for w in words) and len({w[common] for w in words}) == 1:
        common += 1
    if any(len(w) == common for w in words):
        common = 0
    out = []
    for label, w in zip(labels, words, strict=True):
        rest = " ".join(w[common:]) or label
        out.append(rest[:1].upper() + rest[1:] if common else label)
    return out


def _period(it: SetItem, short: str, deadline: dt.date, state: PeriodState, f: EvidenceFile | None = None,
            evidence: list[Evidence] | None = None) -> PeriodCheck:
    return PeriodCheck(key=it.key, label=it.label, short_label=short, deadline=deadline.isoformat(), state=state,
                       file=f.name if f else None, number=f.number if f else None,
                       issued_on=f.issued_on.isoformat() if f and f.issued_on else None, evidence=evidence or [])


def eval_document_set(rule: DocumentSetRule, item: SubCriterion, claim: Claim, ctx: Context, out: Outcome) -> None:
    """Each required document with its own deadline; every item gets a ``PeriodCheck`` whose state is the one
    its finding tells (REPORT_MISSING: missing, LATE: late, MANUAL_CHECK / LOW_CONFIDENCE: needs review,
    DOCUMENT_MATCHED: on time), pointing at the same words on the page."""
    matches = resolve_citations(claim, ctx, out)
    all_ok = True
    for it, short in zip(rule.items, short_labels([it.label for it in rule.items]), strict=True):
        deadline = resolve(it.deadline, ctx.year)
        check = find_document(it.document, matches, ctx, out, report_problems=False)
        if check is None:
            all_ok = False
            out.add(FindingCode.REPORT_MISSING, Severity.ERROR,
                    f"Thiếu {it.label} năm {ctx.year} (hạn {vn_date(deadline)}) trong hồ sơ minh chứng.")
            out.periods.append(_period(it, short, deadline, PeriodState.MISSING))
            continue
        f = check.file
        out.use(f)
        out.evidence_found = True
        if f.issued_on is None or f.field_needs_review("issued_on"):
            out.decided = False
            ev = f.field_evidence("issued_on") or f.field_evidence("number")
            out.periods.append(_period(it, short, deadline, PeriodState.NEEDS_REVIEW, f, ev))
            bound = issue_bound(f)
            if bound is not None and bound.day <= deadline:  # on time whatever the unread date
                out.add(FindingCode.MANUAL_CHECK, Severity.INFO,
                        f"{it.label} {M.doc_label(f)}: {_unsure_date(f)}; {bound.explain()}, trước hạn "
                        f"{vn_date(deadline)}. Cần đối chiếu ngày ban hành trên văn bản.", ev)
                continue
            out.add(FindingCode.LOW_CONFIDENCE, Severity.WARNING,
                    f"Không đọc chắc chắn được ngày ban hành của {it.label} {M.doc_label(f)}; cần kiểm tra trực tiếp.",
                    ev)
            continue
        ev = f.field_evidence("issued_on")
        if f.issued_on > deadline:
            all_ok = False
            out.add(FindingCode.LATE, Severity.ERROR,
                    f"{it.label} {M.doc_label(f)} ban hành ngày {vn_date(f.issued_on)}, sau hạn {vn_date(deadline)}.",
                    ev)
            out.periods.append(_period(it, short, deadline, PeriodState.LATE, f, ev))
        else:
            out.add(FindingCode.DOCUMENT_MATCHED, Severity.INFO,
                    f"{it.label}: {M.doc_label(f)}, ngày {vn_date(f.issued_on)} (hạn {vn_date(deadline)}).", ev)
            out.periods.append(_period(it, short, deadline, PeriodState.ON_TIME, f, ev))
    out.supported = rule.score_all if all_ok else rule.score_otherwise


@dataclass
class MetricChoice:
    """The figure a rule reads, and why it may not decide alone.

    ``rivals``: other candidates scoring within the data file's ``rival_margin`` whose value
    disagrees (or falls in another band) — a human decides. ``weak``: the best candidate scores
    under ``min_score``. ``support``: agreeing candidates (a stated rate and its fraction)."""

    primary: MetricCandidate
    rivals: list[MetricCandidate] = field(default_factory=list)
    support: list[MetricCandidate] = field(default_factory=list)
    weak: bool = False


def find_metric(spec: MetricSpec, sources: list[EvidenceFile], pages: list[int], bands: list[Band] | None = None,
                tolerance: float = 0.5) -> MetricChoice | None:
    """The best-fitting figure for ``spec`` (see :func:`verifier.matching.metric_candidates`)."""
    cands = metric_candidates(spec, sources, pages)
    if not cands:
        return None
    cfg = matching_settings()
    best = cands[0]
    comparable = [c for c in cands[1:] if c.score >= best.score - cfg["rival_margin"]]
    rivals: list[MetricCandidate] = []
    support: list[MetricCandidate] = []
    for c in comparable:
        same_band = not bands or _band_scores(c, bands) == _band_scores(best, bands)
        (support if agree(best, c, tolerance) and same_band else rivals).append(c)
    # an agreeing stated figure is the document's own: read it rather than the rate derived from a fraction
    primary = best
    if best.fraction:
        stated = next((c for c in support if not c.fraction), None)
        if stated is not None:
            primary = stated
            support = [best] + [c for c in support if c is not stated]
    return MetricChoice(primary, rivals, support, best.score < cfg["min_score"])


def _band_scores(c: MetricCandidate, bands: list[Band]) -> set[float]:
    lo, hi = c.interval()
    eps = 1e-6
    if c.qualifier == Qualifier.GT:
        lo += eps
    elif c.qualifier == Qualifier.LT:
        hi -= eps
    return {b.score for b in _bands_in(max(lo, 0.0), min(hi, 100.0), bands)}


def _quote(c: MetricCandidate) -> str:
    what = f"“{c.metric.text}”"
    if c.fraction:
        what += f" (= {M.percent(round(c.value, 2))})"
    return f"{what} trong {M.doc_label(c.file)}, trang {c.metric.page}"


def _manual_candidates(choice: MetricChoice, bands: list[Band], out: Outcome) -> bool:
    """Conflicting or weak candidates: MANUAL_REVIEW quoting every figure (file, page, words). The
    supported score is the lowest band any of them allows. True when the rule must stop here."""
    c = choice.primary
    if choice.rivals:
        found = [c] + choice.rivals
        for x in found:
            out.use(x.file)
        out.decided = False
        scores = [b for x in found for b in _band_scores(x, bands)] if bands else []
        out.supported = min(scores) if scores else None
        out.add(FindingCode.MANUAL_CHECK, Severity.WARNING,
                "Có nhiều số liệu khác nhau có thể là số liệu của tiêu chí: "
                + "; ".join(_quote(x) for x in found)
                + ". Cần thẩm định thủ công để xác định số liệu đúng.",
                [x.file.sentence_evidence(x.metric) for x in found])
        return True
    if choice.weak:
        out.decided = False
        out.add(FindingCode.MANUAL_CHECK, Severity.WARNING,
                f"Số liệu {_quote(c)} chỉ khớp một phần với nội dung tiêu chí (độ khớp {c.score:.0%}); "
                f"cần thẩm định thủ công.", [c.file.sentence_evidence(c.metric)])
    return False


def bands_for(m: Metric, bands: list[Band]) -> list[Band]:
    """Bands the metric can fall in, given its qualifier (``trên 95%`` may be 96 or 100)."""
    eps = 1e-6
    lo, hi = m.value, m.value
    if m.qualifier == Qualifier.GT:
        lo, hi = m.value + eps, float("inf")
    elif m.qualifier == Qualifier.GE:
        lo, hi = m.value, float("inf")
    elif m.qualifier == Qualifier.LT:
        lo, hi = float("-inf"), m.value - eps
    elif m.qualifier == Qualifier.LE:
        lo, hi = float("-inf"), m.value
    elif m.qualifier == Qualifier.RANGE and m.value_max is not None:
        lo, hi = m.value, m.value_max
    if m.unit == "%":
        lo, hi = max(lo, 0.0), min(hi, 100.0)
    return _bands_in(lo, hi, bands)


def _bands_in(lo: float, hi: float, bands: list[Band]) -> list[Band]:
    found = []
    for b in bands:
        for probe in (lo, hi):
            if b.contains(probe) and b not in found:
                found.append(b)
        # a band strictly inside [lo, hi]
        inner = [x for x in (b.gt, b.ge, b.lt, b.le) if x is not None]
        if inner and any(lo < x < hi for x in inner) and b not in found:
            found.append(b)
    return found


def _sources(spec: DocumentSpec, matches: list[Match], ctx: Context, out: Outcome) -> list[EvidenceFile]:
    cited = [m.file for m in matches if check_spec(m.file, spec, ctx.unit, ctx.year).ok]
    if cited:
        return cited
    return [c.file for c in search(ctx.files, spec, ctx.unit, ctx.year)]


def _no_sources(spec: DocumentSpec, matches: list[Match], ctx: Context, out: Outcome) -> None:
    """No report fits the source spec: say what is wrong with the cited ones, or that none is there."""
    for m in matches:
        _report_spec_problems(check_spec(m.file, spec, ctx.unit, ctx.year), spec, ctx, out)
        out.use(m.file)
    if not matches:
        evidence_missing(out, "Không có báo cáo của đơn vị chứa số liệu của tiêu chí trong hồ sơ minh chứng.")
    out.evidence_found = bool(matches)
    out.supported = 0.0  # no report, no figure: the evidence supports nothing


def _metric_not_found(subjects: list[str], sources: list[EvidenceFile], matches: list[Match], out: Outcome) -> None:
    """The figure is in none of the reports. With a cited report that is METRIC_NOT_FOUND; when the
    sheet cites nothing, the claim simply has no evidence (the reports searched are named)."""
    where = ", ".join(M.doc_label(f) for f in sources)
    what = ", ".join(f"“{s}”" for s in subjects)
    out.supported = 0.0  # the figure is in no report: the evidence supports nothing
    out.evidence_found = False  # the reports were read, the figure is not in them: NOT_ENOUGH_EVIDENCE
    if matches:
        for f in sources:
            out.use(f)
        out.add(FindingCode.METRIC_NOT_FOUND, Severity.ERROR, f"Không tìm thấy số liệu {what} trong {where}.")
    else:
        evidence_missing(out, f"Bảng tự đánh giá không trích dẫn báo cáo nào; không tìm thấy số liệu {what} "
                              f"trong các báo cáo của đơn vị ({where}).")


def _consistent(m: Metric, value: float, reported: float, tolerance: float) -> bool:
    """Does the self-reported figure agree with the document's? ``trên 95%`` agrees with 96%."""
    q = m.qualifier
    if q in (Qualifier.GT, Qualifier.GE):
        return reported >= value - tolerance
    if q in (Qualifier.LT, Qualifier.LE):
        return reported <= value + tolerance
    if q == Qualifier.RANGE and m.value_max is not None:
        return value - tolerance <= reported <= m.value_max + tolerance
    return abs(reported - value) <= tolerance


def _judge_value(value_metric: Metric, f: EvidenceFile, value: float, bands: list[Band], claim: Claim,
                 tolerance: float, out: Outcome, label: str, weak: bool = False) -> None:
    ev = [f.sentence_evidence(value_metric)]
    if value_metric.needs_review or value_metric.confidence < LOW_CONFIDENCE:
        out.decided = False
        out.add(FindingCode.LOW_CONFIDENCE, Severity.WARNING,
                f"Số liệu “{value_metric.text}” trong {M.doc_label(f)} (trang {value_metric.page}) đọc được với độ "
                f"tin cậy thấp ({value_metric.confidence:.0%}); cần kiểm tra trực tiếp.", ev)
    candidates = bands_for(value_metric, bands) if label == "metric" else [b for b in bands if b.contains(value)]
    if len(candidates) != 1:
        out.decided = False
        out.add(FindingCode.LOW_CONFIDENCE, Severity.WARNING,
                f"Số liệu “{value_metric.text}” không đủ chính xác để xác định mức điểm; cần thẩm định thủ công.", ev)
        out.supported = max((b.score for b in candidates), default=None)
    else:
        out.supported = candidates[0].score
    if weak:  # a figure that only may be the one asked for proves no mismatch (MANUAL_CHECK says why)
        return
    if claim.self_reported_value is not None and not _consistent(value_metric, value, claim.self_reported_value,
                                                                 tolerance):
        # a wrong figure that does not change the band is a warning; one that lifts the band is an error
        claimed_bands = [b for b in bands if b.contains(claim.self_reported_value)]
        same_band = len(candidates) == 1 and claimed_bands == candidates
        out.add(FindingCode.METRIC_MISMATCH, Severity.WARNING if same_band else Severity.ERROR,
                f"Đơn vị tự báo cáo {M.percent(claim.self_reported_value)} nhưng {M.doc_label(f)} ghi "
                f"{M.percent(value)} (trang {value_metric.page})"
                + ("; cùng mức điểm." if same_band else "."), ev)
    else:
        out.add(FindingCode.DOCUMENT_MATCHED, Severity.INFO,
                f"Số liệu trong {M.doc_label(f)}, trang {value_metric.page}: {M.percent(value)}.", ev)


def _report_sources(source: DocumentSpec, claim: Claim, ctx: Context, out: Outcome):
    """The unit's reports to read figures from, and the pages the sheet points at; None when there are none."""
    matches = resolve_citations(claim, ctx, out)
    sources = _sources(source, matches, ctx, out)
    if not sources:
        _no_sources(source, matches, ctx, out)
        return None
    return matches, sources, [p for m in matches for p in (m.citation.pages if m.citation else [])]


def eval_metric_band(rule: MetricBandRule, item: SubCriterion, claim: Claim, ctx: Context, out: Outcome) -> None:
    found_sources = _report_sources(rule.source, claim, ctx, out)
    if found_sources is None:
        return
    matches, sources, pages = found_sources
    choice = find_metric(rule.metric, sources, pages, rule.bands, rule.tolerance)
    if choice is None:
        _metric_not_found([rule.metric.subjects[0]], sources, matches, out)
        return
    c = choice.primary
    metric, f = c.metric, c.file
    out.use(f)
    out.evidence_found = True
    if _manual_candidates(choice, rule.bands, out):
        return
    if pages and metric.page not in pages:
        out.add(FindingCode.CITATION_MISMATCH, Severity.WARNING,
                f"Bảng tự đánh giá chỉ dẫn trang {', '.join(map(str, sorted(set(pages))))} nhưng số liệu nằm ở "
                f"trang {metric.page} của {f.name}.", [f.sentence_evidence(metric)])
    for d in [c] + choice.support:
        if d.fraction:  # the rate derived from "27/30 nhiệm vụ": both the fraction and the percent shown
            num, den = d.fraction
            out.add(FindingCode.DOCUMENT_MATCHED, Severity.INFO,
                    f"Tỷ lệ tính từ “{d.metric.text}” trong {M.doc_label(d.file)}, trang {d.metric.page}: "
                    f"{M.score(num)}/{M.score(den)} = {M.percent(round(d.value, 2))}.",
                    [d.file.sentence_evidence(d.metric)])
    _judge_value(c.as_metric(), f, c.value, rule.bands, claim, rule.tolerance, out, "metric", weak=choice.weak)


def eval_ratio(rule: RatioRule, item: SubCriterion, claim: Claim, ctx: Context, out: Outcome) -> None:
    found_sources = _report_sources(rule.source, claim, ctx, out)
    if found_sources is None:
        return
    matches, sources, pages = found_sources
    num = find_metric(rule.numerator, sources, pages)
    den = find_metric(rule.denominator, sources, pages)
    if num is None or den is None:
        missing = [s.subjects[0] for s, v in ((rule.numerator, num), (rule.denominator, den)) if v is None]
        _metric_not_found(missing, sources, matches, out)
        return
    (nm, nf), (dm, df) = (num.primary.metric, num.primary.file), (den.primary.metric, den.primary.file)
    out.use(nf)
    out.use(df)
    out.evidence_found = True
    if _manual_candidates(num, [], out) | _manual_candidates(den, [], out):
        return
    if dm.value <= 0:
        out.decided = False
        out.add(FindingCode.LOW_CONFIDENCE, Severity.WARNING, "Mẫu số bằng 0; không tính được tỷ lệ.",
                [df.sentence_evidence(dm)])
        return
    ratio = 100.0 * nm.value / dm.value
    conf = min(nm.confidence, dm.confidence)
    synthetic = nm.model_copy(update={"value": ratio, "unit": "%", "confidence": conf,
                                      "needs_review": nm.needs_review or dm.needs_review,
                                      "qualifier": Qualifier.EQ})
    out.add(FindingCode.DOCUMENT_MATCHED, Severity.INFO,
            f"Tỷ lệ tính từ báo cáo: {M.score(nm.value)}/{M.score(dm.value)} = {M.percent(round(ratio, 2))}.",
            [nf.sentence_evidence(nm), df.sentence_evidence(dm)])
    _judge_value(synthetic, nf, ratio, rule.bands, claim, rule.tolerance, out, "ratio", weak=num.weak or den.weak)


def eval_existence(rule: ExistenceRule, item: SubCriterion, claim: Claim, ctx: Context, out: Outcome) -> None:
    check = locate_document(rule.document, claim, ctx, out, missing_score=0.0)
    if check is None:
        return
    f = check.file
    out.supported = rule.score
    out.decided = False
    out.add(FindingCode.MANUAL_CHECK, Severity.INFO,
            f"Đã có văn bản {M.doc_label(f)}"
            f"{', ngày ' + vn_date(f.issued_on) if f.issued_on else ''}. "
            f"{rule.review_note or 'Nội dung cần thẩm định thủ công.'}",
            f.field_evidence("title") or f.field_evidence("number"))


def eval_manual(rule: ManualRule, item: SubCriterion, claim: Claim, ctx: Context, out: Outcome) -> None:
    matches = resolve_citations(claim, ctx, out)
    for m in matches:
        out.use(m.file)
    out.evidence_found = bool(matches)
    out.decided = False
    out.supported = None
    docs = ", ".join(M.doc_label(m.file) for m in matches) or "không có tài liệu kèm theo"
    out.add(FindingCode.MANUAL_CHECK, Severity.INFO,
            f"Tiêu chí cần thẩm định thủ công. {rule.review_note} Tài liệu: {docs}.",
            [e for m in matches for e in m.file.field_evidence("title")])


def evaluate(item: SubCriterion, claim: Claim, ctx: Context, out: Outcome) -> None:
    """Run the evaluator of ``item``'s rule kind on the claim, into ``out``."""
    match item.rule:
        case DocumentRule() as rule:
            eval_document(rule, item, claim, ctx, out)
        case DocumentSetRule() as rule:
            eval_document_set(rule, item, claim, ctx, out)
        case MetricBandRule() as rule:
            eval_metric_band(rule, item, claim, ctx, out)
        case RatioRule() as rule:
            eval_ratio(rule, item, claim, ctx, out)
        case ExistenceRule() as rule:
            eval_existence(rule, item, claim, ctx, out)
        case ManualRule() as rule:
            eval_manual(rule, item, claim, ctx, out)
        case _ as rule:
            assert_never(rule)
