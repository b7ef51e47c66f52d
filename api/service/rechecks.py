"""Round 2's machine help: when a unit adds files or explanations for the criteria the appraisers questioned,
kiemchung verifies those criteria again — only those whose additions changed since their newest re-check — with
the evidence = the unit's latest checked submission's files + that criterion's additional files. Each result is
recorded (``rechecks``) and becomes a round-2 machine proposal (``round_scores``: round 2, source machine, state
proposed, the verdict, supported score and finding messages as its note), unless an appraiser's round-2 record
is current for the criterion: that one is never displaced.

What a criterion's re-check read is its ``basis``: a fingerprint of the submission, the contents of its
additional files (a file sent twice is one content) and the texts of its explanations. It reads what is stored
and writes the results; it schedules nothing (``api.jobs`` does, once every additional file is read)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.errors import ErrorCode, ErrorInfo
from models.extraction import Extraction
from models.pages import FileKind, IngestedFile
from models.report import CriterionResult, Finding, FindingCode, Severity, Verdict
from models.tables import (
    AdditionalFile,
    Blob,
    Campaign,
    CampaignEvent,
    Explanation,
    Recheck,
    RoundScore,
    Submission,
    utcnow,
)
from verifier import EvidenceFile, RubricError, SheetError, load_rubric, read_sheet, verify
from verifier import messages as M

from . import campaigns, verification
from .context import Context
from .status import CampaignAction, FileStatus, RoundSource, RoundState
from .store import records
from .version import tool_version

log = logging.getLogger(__name__)


@dataclass
class Criterion:
    """One criterion's additions: the files (content → the unit's name for it), the explanation texts."""

    files: dict[str, str] = field(default_factory=dict)
    versions: int = 0  # file rows (every version counted)
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Pending:
    """What a unit's re-check would do now: the unit's latest checked submission (None: nothing to re-check
    against), the criteria whose basis changed since their newest re-check (code → new basis) and, of their
    additional files, the contents not read yet."""

    submission_id: str | None
    touched: dict[str, str]
    unread: frozenset[str]

    @property
    def digest(self) -> str:
        """The fingerprint of this re-check's work: the same additions give the same job."""
        text = "|".join(f"{code}={b}" for code, b in sorted(self.touched.items()))
        return hashlib.sha256(f"{self.submission_id}|{text}".encode()).hexdigest()[:32]


def basis(submission_id: str, c: Criterion) -> str:
    h = hashlib.sha256(f"submission:{submission_id}\n".encode())
    for sha in sorted(c.files):
        h.update(f"file:{sha}\n".encode())
    for text in sorted(hashlib.sha256(t.encode()).hexdigest() for t in c.texts):
        h.update(f"explanation:{text}\n".encode())
    return h.hexdigest()


def additions(s: Session, campaign_id: str, unit_id: int) -> dict[str, Criterion]:
    """Per criterion, what the unit added: files and explanations (all versions)."""
    out: dict[str, Criterion] = {}
    for f in s.scalars(select(AdditionalFile).where(AdditionalFile.campaign_id == campaign_id,
                                                    AdditionalFile.unit_id == unit_id).order_by(AdditionalFile.id)):
        c = out.setdefault(f.code, Criterion())
        c.files.setdefault(f.sha256, f.name)
        c.versions += 1
    for e in s.scalars(select(Explanation).where(Explanation.campaign_id == campaign_id,
                                                 Explanation.unit_id == unit_id).order_by(Explanation.id)):
        out.setdefault(e.code, Criterion()).texts.append(e.text)
    return out


def last_bases(s: Session, campaign_id: str, unit_id: int) -> dict[str, str]:
    """code → the basis of its newest re-check."""
    rows = s.execute(select(Recheck.code, Recheck.basis).where(
        Recheck.campaign_id == campaign_id, Recheck.unit_id == unit_id).order_by(Recheck.id)).all()
    return {code: b for code, b in rows}


def pending(s: Session, campaign_id: str, unit_id: int) -> Pending:
    camp = s.get(Campaign, campaign_id)
    sub = campaigns.latest_submission(s, unit_id, camp.year) if camp is not None else None
    if sub is None or records.report_if_checked(sub) is None:
        return Pending(None, {}, frozenset())
    added = additions(s, campaign_id, unit_id)
    last = last_bases(s, campaign_id, unit_id)
    touched = {code: b for code, c in added.items() if (b := basis(sub.id, c)) != last.get(code)}
    shas = {sha for code in touched for sha in added[code].files}
    unread = frozenset(sha for sha in shas if records.find_document(s, sha) is None)
    return Pending(sub.id, touched, unread)


def units_with_additions(s: Session) -> list[tuple[str, int]]:
    """(campaign, unit) pairs with any additional file or explanation: the candidates for a re-check."""
    pairs = set(s.execute(select(AdditionalFile.campaign_id, AdditionalFile.unit_id).distinct()).all())
    pairs |= set(s.execute(select(Explanation.campaign_id, Explanation.unit_id).distinct()).all())
    return sorted((str(c), int(u)) for c, u in pairs)


def units_of_file(s: Session, sha256: str) -> list[tuple[str, int]]:
    """(campaign, unit) pairs that added the file ``sha256``."""
    rows = s.execute(select(AdditionalFile.campaign_id, AdditionalFile.unit_id)
                     .where(AdditionalFile.sha256 == sha256).distinct()).all()
    return sorted((str(c), int(u)) for c, u in rows)


# --------------------------------------------------------------------------- the re-check


def recheck(ctx: Context, campaign_id: str, unit_id: int, *, unreadable: Collection[str] = ()) -> list[str]:
    """Verify again the unit's criteria whose additions changed since their newest re-check, each with the
    submission's files and its own additional files, and record the results. A criterion with a file not read
    yet waits (unless its content is in ``unreadable``: given up for good, reported as unreadable). Returns the
    codes evaluated, in order."""
    with ctx.db.session() as s:
        now = pending(s, campaign_id, unit_id)
        if now.submission_id is None:
            return []
        added = additions(s, campaign_id, unit_id)
        codes = sorted(code for code in now.touched
                       if not (set(added[code].files) & now.unread) - set(unreadable))
        if not codes:
            return []
        sub = records.submission(s, now.submission_id)
        results = _verify(ctx, s, sub, {code: added[code] for code in codes})
        current = campaigns.current_rounds(s, campaign_id, unit_id)
        for code in codes:
            _record(s, campaign_id, unit_id, sub.id, code, now.touched[code], added[code], results[code],
                    current.get((2, code)))
        log.info("rechecked", extra={"campaign": campaign_id, "unit_id": unit_id, "codes": codes})
        return codes


def _verify(ctx: Context, s: Session, sub: Submission, todo: dict[str, Criterion]) \
        -> dict[str, CriterionResult]:
    """Each criterion of ``todo`` verified alone (``verify(only=…)``) on the submission's files and its own
    additional files. When the criteria set or the sheet no longer loads, each is left to the appraiser."""
    try:
        rubric = load_rubric(sub.rubric)
        sheet = read_sheet(ctx.blobs.local_path(sub.sheet_sha256 or ""), name=sub.sheet_name, settings=ctx.settings)
    except (RubricError, SheetError) as exc:
        reason = exc.message_vi
        return {code: CriterionResult(code=code, title=code, verdict=Verdict.MANUAL_REVIEW, findings=[
            _manual(f"Không kiểm tra lại được: {reason}")]) for code in todo}
    base = verification.evidence_files(s, sub)
    have = {f.ingested.sha256 for f in base}
    unit = sub.unit.name if sub.unit else None
    out: dict[str, CriterionResult] = {}
    for code, c in todo.items():
        extra = [_additional(s, sha, name) for sha, name in c.files.items() if sha not in have]
        report = verify(sheet, rubric, base + extra, unit=unit, year=sub.year, tool_version=tool_version(),
                        only={code})
        found = next((r for r in report.criteria if r.code == code), None)
        out[code] = found or CriterionResult(code=code, title=code, verdict=Verdict.MANUAL_REVIEW, findings=[
            _manual(f"Bộ tiêu chí {sub.rubric} không có tiêu chí {code}; cần thẩm định thủ công.")])
    return out


def _manual(message: str) -> Finding:
    return Finding(code=FindingCode.MANUAL_CHECK, severity=Severity.WARNING, message=message)


def _additional(s: Session, sha: str, name: str) -> EvidenceFile:
    """One additional file as the verifier sees it; a file never read (given up) is unreadable evidence."""
    doc = records.find_document(s, sha)
    if doc is not None:
        return EvidenceFile(records.load_ingested(s, doc, name), records.load_extraction(doc, name))
    blob = s.get(Blob, sha)
    err = ErrorInfo(code=ErrorCode.INTERNAL, message="not read", message_vi="Không đọc được tệp bổ sung.")
    kind = FileKind(blob.kind) if blob is not None and blob.kind in FileKind._value2member_map_ else FileKind.UNKNOWN
    ing = IngestedFile(name=name, sha256=sha, kind=kind, status=FileStatus.ERROR, error=err)
    return EvidenceFile(ing, Extraction(file=name, status=FileStatus.ERROR, error=err))


def note_of(result: CriterionResult) -> str:
    """The proposal's note: the verdict, the supported score and the finding messages (problems first)."""
    head = f"Kiểm tra lại với tài liệu bổ sung: {M.label('verdicts', result.verdict)}"
    if result.supported_score is not None:
        head += f" ({M.score(result.supported_score)} điểm)"
    messages = [f.message for f in result.findings if f.severity != Severity.INFO] or \
        [f.message for f in result.findings]
    return (head + ". " + " ".join(messages)).strip()[:campaigns.MAX_TEXT]


def _record(s: Session, campaign_id: str, unit_id: int, submission_id: str, code: str, b: str, c: Criterion,
            result: CriterionResult, current: RoundScore | None) -> None:
    note = note_of(result)
    proposal = None
    camp = s.get(Campaign, campaign_id)
    results_open = camp is not None and not campaigns.results_locked(camp)
    # an appraiser's round 2 is never displaced, and nothing is proposed once the results are locked
    if results_open and (current is None or current.source == RoundSource.MACHINE):
        proposal = RoundScore(campaign_id=campaign_id, unit_id=unit_id, round=2, code=code,
                              score=result.supported_score, note=note, source=RoundSource.MACHINE,
                              state=RoundState.PROPOSED, by_label="kiemchung")
        s.add(proposal)
        s.flush()
    s.add(Recheck(campaign_id=campaign_id, unit_id=unit_id, code=code, submission_id=submission_id, basis=b,
                  files=len(c.files), explanations=len(c.texts), verdict=result.verdict.value,
                  supported_score=result.supported_score, note=note,
                  round_score_id=proposal.id if proposal is not None else None))
    kept = "" if proposal is not None else (" (giữ kết quả thẩm định lần 2 đã ghi)" if results_open
                                            else " (kết quả đã khoá: không đề xuất)")
    s.add(CampaignEvent(campaign_id=campaign_id, unit_id=unit_id, step="round2", action=CampaignAction.RECHECKED,
                        code=code, note=f"{M.label('verdicts', result.verdict)} "
                                        f"({M.score(result.supported_score)}){kept}",
                        by_label="kiemchung", created_at=utcnow()))

