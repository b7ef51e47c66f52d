"""Submissions: stored from a folder or ZIP (the sheet read, every file's blob kept, evidence checked
before any job), and listed as people filter them. Scheduling their jobs is the job layer's part
(``api.jobs.schedule.submit``)."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

import ingest
from extractors import fold
from models.claims import Claim
from models.errors import ErrorCode
from models.tables import Submission, SubmissionFile, Unit
from verifier import RubricError, load_rubric, read_sheet

from .access import Principal, may_withdraw, visible_submission
from .context import Context
from .decisions import who
from .documents import evidence_row, store_blob, store_evidence
from .errors import ServiceCode, ServiceError, forbidden
from .intake import pick_sheet
from .status import FileStatus, SubmissionStanding, SubmissionStatus
from .store import records

log = logging.getLogger(__name__)


def create_submission(ctx: Context, source: Path, *, display: str, unit: str | None = None, year: int | None = None,
                      rubric: str = "par-reference", created_by: int | None = None, batch_id: str | None = None,
                      required_unit: str | None = None, sheet_name: str | None = None) -> str:
    """Store a submission (folder or ZIP) and its blobs. Returns the id; nothing is scheduled yet.

    Raises ServiceError when the submission as a whole cannot be read (no sheet, bad rubric) or when a
    unit token submits for another unit.
    """
    try:
        load_rubric(rubric)
    except RubricError as exc:
        raise ServiceError(ErrorCode.RUBRIC_INVALID, str(exc), exc.message_vi) from exc
    workdir = Path(tempfile.mkdtemp(prefix="kiemchung-sub-"))
    try:
        expanded = ingest.expand_submission(source, workdir, ctx.settings)
        sheet_entry, sheet = pick_sheet(expanded, sheet_name, ctx.settings)
        unit_name = unit or sheet.unit
        if required_unit is not None:
            claimed = {fold(n) for n in (unit, sheet.unit) if n}
            if claimed - {fold(required_unit)}:
                raise ServiceError(ErrorCode.UNIT_MISMATCH, f"a unit token may only submit for {required_unit}",
                                   f"Mã truy cập của đơn vị chỉ được nộp hồ sơ của {required_unit}.")
            unit_name = required_unit
        with ctx.db.session() as s:
            sub = Submission(unit=records.unit_by_name(s, unit_name), year=year or sheet.year, rubric=rubric,
                             source=display, sheet_name=sheet_entry.name, created_by=created_by, batch_id=batch_id,
                             status=SubmissionStatus.QUEUED)
            s.add(sub)
            s.flush()
            sub.sheet_sha256 = store_blob(ctx, s, sheet_entry.path, sheet_entry.kind)
            for e in expanded.entries:
                if e is sheet_entry:
                    continue
                if e.kind in ingest.EVIDENCE_KINDS:
                    s.add(evidence_row(sub.id, e.name, e.kind, *store_evidence(ctx, s, e.path, e.kind)))
                else:
                    s.add(SubmissionFile(submission_id=sub.id, name=e.name, kind=e.kind.value, status=FileStatus.ERROR,
                                         error_code=ErrorCode.UNSUPPORTED_TYPE.value,
                                         error_message="Không phải tệp minh chứng (PDF, ảnh)."))
            for r in expanded.rejected:
                s.add(SubmissionFile(submission_id=sub.id, name=r.name, kind=r.kind.value, status=FileStatus.ERROR,
                                     error_code=r.error.code.value if r.error else None,
                                     error_message=(r.error.message_vi or r.error.message) if r.error else None))
            sub_id = sub.id
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    log.info("submission created", extra={"submission": sub_id, "unit": unit_name})
    return sub_id


@dataclass(frozen=True)
class SubmissionFilter:
    """What a list of submissions is narrowed to (any of them may be unset)."""

    unit: str | None = None
    year: int | None = None
    status: str | None = None


def _visible_query(p: Principal, f: SubmissionFilter) -> Select[Any]:
    q = select(Submission).outerjoin(Unit, Submission.unit_id == Unit.id)
    if not p.is_staff:
        q = q.where(Submission.unit_id == p.unit_id)
    if f.unit:
        q = q.where(Unit.name == f.unit)
    if f.year:
        q = q.where(Submission.year == f.year)
    if f.status:
        q = q.where(Submission.status == f.status)
    return q


def list_submissions(s: Session, p: Principal, f: SubmissionFilter, *, page: int, per_page: int,
                     by_unit: bool = False) -> tuple[int, list[Submission]]:
    """(how many match, one page of them) among what ``p`` may see: newest first, or grouped by unit
    (unit name, then year and creation, newest first)."""
    q = _visible_query(p, f)
    total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
    order = ((Unit.name.asc().nulls_last(), Submission.year.desc().nulls_last(), Submission.created_at.desc())
             if by_unit else (Submission.created_at.desc(),))
    rows = s.scalars(q.order_by(*order).offset((page - 1) * per_page).limit(per_page)).all()
    return total, list(rows)


def filter_choices(s: Session, p: Principal) -> tuple[list[str], list[int]]:
    """The units and years a list can be filtered by: a unit is offered only its own unit and years."""
    uq = select(Unit.name).order_by(Unit.name)
    yq = select(Submission.year).where(Submission.year.is_not(None)).distinct().order_by(Submission.year.desc())
    if not p.is_staff:
        uq = uq.where(Unit.id == p.unit_id)
        yq = yq.where(Submission.unit_id == p.unit_id)
    return list(s.scalars(uq).all()), [y for y in s.scalars(yq).all() if y is not None]


def withdraw_submission(s: Session, p: Principal, submission_id: str, reason: str) -> Submission:
    """Withdraw a submission: kept with its files, report and decisions, marked with who withdrew it, when and
    why; it stops being its unit's latest for the year. Appraisers and admins only; a reason is required.
    Withdrawing it again changes nothing (the first withdrawal stands)."""
    if not may_withdraw(p):
        raise forbidden("Chỉ thẩm định viên hoặc quản trị được rút hồ sơ.")
    sub = visible_submission(p, s.get(Submission, submission_id))
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise ServiceError(ServiceCode.REASON_REQUIRED, "a reason is required to withdraw a submission",
                           "Hãy ghi lý do rút hồ sơ: lý do được hiển thị cùng hồ sơ đã rút.")
    if sub.withdrawn_at is None:
        sub.withdrawn_at = dt.datetime.now(dt.UTC)
        sub.withdrawn_by, sub.withdrawn_by_label, sub.withdrawn_reason = p.token_id, who(s, p), reason
        s.flush()
        log.info("submission withdrawn", extra={"submission": sub.id, "token": p.token_id})
    return sub


def standings(s: Session, subs: list[Submission]) -> dict[str, SubmissionStanding]:
    """How each of ``subs`` stands among its unit's submissions for its year: withdrawn ones are WITHDRAWN; where
    a unit has several for a year, the newest not withdrawn is LATEST and the others SUPERSEDED. A lone
    submission (or one without unit or year) gets no mark."""
    pairs = {(x.unit_id, x.year) for x in subs if x.unit_id is not None and x.year is not None}
    out: dict[str, SubmissionStanding] = {x.id: SubmissionStanding.WITHDRAWN for x in subs if x.withdrawn_at}
    if not pairs:
        return out
    rows = s.execute(select(Submission.id, Submission.unit_id, Submission.year, Submission.withdrawn_at)
                     .where(or_(*(and_(Submission.unit_id == u, Submission.year == y) for u, y in pairs)))
                     .order_by(Submission.created_at.desc(), Submission.id.desc()))
    by_pair: dict[tuple[int | None, int | None], list[tuple[str, bool]]] = {}
    for sid, unit_id, year, withdrawn_at in rows:
        by_pair.setdefault((unit_id, year), []).append((sid, withdrawn_at is not None))
    for group in by_pair.values():
        if len(group) < 2:
            continue
        live = [sid for sid, withdrawn in group if not withdrawn]
        for sid in live:
            out[sid] = SubmissionStanding.LATEST if sid == live[0] else SubmissionStanding.SUPERSEDED
    return out


_sheet_lock = threading.Lock()
_sheet_cache: OrderedDict[tuple[str, str], dict[str, Claim]] = OrderedDict()


def sheet_claims(ctx: Context, sheet_sha: str | None, sheet_name: str | None) -> dict[str, Claim]:
    """code → Claim from a submission's own sheet (cited documents, self-reported value); the last 32
    sheets read are kept, a sheet that cannot be read has none."""
    if not sheet_sha:
        return {}
    key = (sheet_sha, sheet_name or "")
    with _sheet_lock:
        if key in _sheet_cache:
            _sheet_cache.move_to_end(key)
            return _sheet_cache[key]
    try:
        sheet = read_sheet(ctx.blobs.local_path(sheet_sha), name=sheet_name)
        claims = {c.code: c for c in sheet.claims}
    except Exception:
        claims = {}
    with _sheet_lock:
        _sheet_cache[key] = claims
        while len(_sheet_cache) > 32:
            _sheet_cache.popitem(last=False)
    return claims
