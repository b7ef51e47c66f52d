"""Appraisers' decisions per criterion (admin and appraiser tokens decide; every token that sees the
submission reads them)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.decisions import DecisionIn, DecisionOut
from models.tables import CriterionResultRow, Submission

from ..service import decisions, reports
from ..service.access import Principal, visible_submission
from ..service.errors import not_found
from .deps import Auth, Rt, Staff

router = APIRouter(prefix="/submissions/{submission_id}", tags=["decisions"])


def _decidable(s: Session, p: Principal, submission_id: str, code: str | None = None) -> Submission:
    """The submission, visible to ``p`` and checked (409 before), and ``code`` one of its criteria (404)."""
    sub = visible_submission(p, s.get(Submission, submission_id))
    reports.checked_report(sub)
    if code is not None and s.scalar(select(CriterionResultRow.id).where(
            CriterionResultRow.submission_id == sub.id, CriterionResultRow.code == code).limit(1)) is None:
        raise not_found("criterion")
    return sub


@router.post("/criteria/{code}/decisions", status_code=201, response_model=DecisionOut)
def create_decision(rt: Rt, submission_id: str, code: str, body: DecisionIn, p: Staff) -> dict[str, Any]:
    """Record the appraiser's decision on one criterion (admin and appraiser tokens): `accept` the score the
    evidence supports, or `set` the appraised score (0 … the criterion's maximum; a comment is required when
    it differs from the machine's). Every decision is a new row of the audit trail; the newest is current.
    An invalid decision is `422` with a stable code (`SCORE_REQUIRED`, `SCORE_OUT_OF_RANGE`,
    `COMMENT_REQUIRED`, `NO_MACHINE_SCORE`, …) and the reason in Vietnamese."""
    with rt.db.session() as s:
        _decidable(s, p, submission_id, code)
        d = decisions.record(s, p, submission_id, code, action=body.action, score=body.score, comment=body.comment)
        return decisions.as_dict(d)


@router.get("/criteria/{code}/decisions", response_model=list[DecisionOut])
def list_criterion_decisions(rt: Rt, submission_id: str, code: str, p: Auth) -> list[dict[str, Any]]:
    """Every decision on one criterion, newest first (the audit trail); empty when none yet."""
    with rt.db.session() as s:
        _decidable(s, p, submission_id, code)
        return decisions.history(s, submission_id, code)


@router.get("/decisions", response_model=dict[str, DecisionOut])
def current_decisions(rt: Rt, submission_id: str, p: Auth) -> dict[str, dict[str, Any]]:
    """The current (newest) decision per criterion code; criteria not yet decided are absent."""
    with rt.db.session() as s:
        _decidable(s, p, submission_id)
        return decisions.current(s, submission_id)
