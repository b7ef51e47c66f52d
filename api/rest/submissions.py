"""``/submissions``: submit one unit's self-assessment, list, status and progress, the report, one criterion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from models.report import CriterionResult, Report
from models.tables import Submission

from ..jobs.schedule import submit_upload
from ..service import reports
from ..service.access import Principal, visible_submission
from ..service.errors import not_found
from ..service.progress import submission_progress
from ..service.status import SubmissionStatus
from ..service.store import records
from ..service.submissions import SubmissionFilter, list_submissions, standings, withdraw_submission
from ..service.tokens import as_utc
from . import schemas
from .deps import Auth, Rt, Staff

router = APIRouter(prefix="/submissions", tags=["submissions"])


def withdrawal(sub: Submission) -> schemas.Withdrawal | None:
    """Who withdrew ``sub``, when and why; None while it stands."""
    if sub.withdrawn_at is None:
        return None
    return schemas.Withdrawal(withdrawn_at=as_utc(sub.withdrawn_at).isoformat(), withdrawn_by=sub.withdrawn_by_label or "",
                              reason=sub.withdrawn_reason or "")


def submission_out(s: Session, sub: Submission) -> schemas.SubmissionOut:
    return schemas.SubmissionOut(
        standing=standings(s, [sub]).get(sub.id), withdrawal=withdrawal(sub),
        id=sub.id, unit=sub.unit.name if sub.unit else None, year=sub.year, rubric=sub.rubric, status=sub.status,
        source=sub.source, sheet=sub.sheet_name, batch_id=sub.batch_id, created_at=sub.created_at.isoformat(),
        updated_at=sub.updated_at.isoformat(), progress=submission_progress(s, sub),
        totals=schemas.Totals(claimed=sub.claimed_total, supported=sub.supported_total),
        verdicts=records.verdict_counts(s, [sub.id])[sub.id],
        error=schemas.Problem(code=sub.error_code, message=sub.error_message) if sub.error_code else None,
        files=[schemas.SubmissionFileOut(
            name=f.name, kind=f.kind, sha256=f.sha256, status=f.status,
            error=schemas.Problem(code=f.error_code, message=f.error_message) if f.error_code else None)
            for f in sub.files])


@router.post("", status_code=202, response_model=schemas.Accepted, response_model_exclude_none=True)
def create_submission(
    rt: Rt,
    p: Auth,
    files: Annotated[list[UploadFile], File(description="One ZIP, or a sheet (XLSX/CSV/JSON) plus evidence files")],
    unit: Annotated[str | None, Form()] = None,
    year: Annotated[int | None, Form(ge=2000, le=2100)] = None,
    rubric: Annotated[str, Form()] = "par-reference",
) -> schemas.Accepted:
    """Submit one unit's self-assessment; the check runs in the background (poll GET /submissions/{id})."""
    sub_id = submit_upload(rt, p, list(files), unit=unit, year=year, rubric=rubric)
    return schemas.Accepted(id=sub_id, status=SubmissionStatus.QUEUED,
                            links=schemas.Links.model_validate({"self": f"/submissions/{sub_id}",
                                                                "report": f"/submissions/{sub_id}/report"}))


@router.get("", response_model=schemas.SubmissionList)
def get_submissions(
    rt: Rt,
    p: Auth,
    unit: str | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    status: str | None = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> schemas.SubmissionList:
    with rt.db.session() as s:
        total, rows = list_submissions(s, p, SubmissionFilter(unit=unit, year=year, status=status), page=page,
                                       per_page=per_page)
        counts = records.verdict_counts(s, [r.id for r in rows])
        standing = standings(s, rows)  # the web list's computation, over the page's rows
        items = [schemas.SubmissionItem(
            id=r.id, unit=r.unit.name if r.unit else None, year=r.year, status=r.status,
            created_at=r.created_at.isoformat(), verdicts=counts[r.id],
            totals=schemas.Totals(claimed=r.claimed_total, supported=r.supported_total),
            standing=standing.get(r.id), withdrawal=withdrawal(r)) for r in rows]
    return schemas.SubmissionList(items=items, page=page, per_page=per_page, total=total)


@router.get("/{submission_id}", response_model=schemas.SubmissionOut)
def get_submission(rt: Rt, submission_id: str, p: Auth) -> schemas.SubmissionOut:
    with rt.db.session() as s:
        return submission_out(s, visible_submission(p, s.get(Submission, submission_id)))


def _report(rt: Rt, submission_id: str, p: Principal) -> Report:
    with rt.db.session() as s:
        return reports.checked_report(visible_submission(p, s.get(Submission, submission_id)))


@router.get("/{submission_id}/report")
def get_report(rt: Rt, submission_id: str, p: Auth,
               format: Annotated[str, Query(pattern="^(json|xlsx|html)$")] = "json") -> Response:
    """The report with the appraisers' current decisions, as the web interface exports it: JSON (report.json
    plus `decisions`, code → decision), XLSX (appraised score and comment columns) or HTML."""
    with rt.db.session() as s:
        sub = visible_submission(p, s.get(Submission, submission_id))
        data = reports.render_report(s, reports.checked_report(sub), submission_id, format)
        headers = reports.download_headers(sub, format)  # the web's name: bao-cao-<unit>-<year>.<format>
    return Response(data, media_type=reports.MEDIA_TYPES[format], headers=headers)


@router.get("/{submission_id}/criteria/{code}", response_model=CriterionResult)
def get_criterion(rt: Rt, submission_id: str, code: str, p: Auth) -> CriterionResult:
    for c in _report(rt, submission_id, p).criteria:
        if c.code == code:
            return c
    raise not_found("criterion")


class WithdrawIn(BaseModel):
    """Why a submission is withdrawn (REST request body). A blank or missing reason is refused with
    `REASON_REQUIRED` (422)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field("", max_length=2000, description="why it is withdrawn (shown with it); required")


class WithdrawnOut(schemas.Withdrawal):
    """A withdrawn submission: kept, with who withdrew it, when and why."""

    id: str
    standing: str = Field(description="`withdrawn`")


@router.post("/{submission_id}/withdraw", response_model=WithdrawnOut)
def withdraw(rt: Rt, submission_id: str, body: WithdrawIn, p: Staff) -> WithdrawnOut:
    """Withdraw a submission (admin and appraiser tokens): it is kept with its files, report and decisions,
    marked withdrawn with who, when and why, and no longer counts as its unit's latest for the year; no
    decision can be recorded on it. Withdrawing it again keeps the first withdrawal."""
    with rt.db.session() as s:
        sub = withdraw_submission(s, p, submission_id, body.reason)
        done = withdrawal(sub)
        assert done is not None
        return WithdrawnOut(id=sub.id, standing=standings(s, [sub])[sub.id], **done.model_dump())
