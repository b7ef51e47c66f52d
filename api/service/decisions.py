"""Appraisers' decisions per criterion: accept the machine's score, or set the appraised score.

Every change is a new ``decisions`` row (who, when, what): the audit trail. The newest row per
(submission, criterion) is the current decision; ``current`` gives them in the shape
``verifier.reports.write_xlsx(decisions=...)`` takes. The REST shapes are ``models.decisions``
(``POST``/``GET /submissions/{id}/criteria/{code}/decisions``, ``GET /submissions/{id}/decisions``).
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.tables import ApiToken, CriterionResultRow, Decision, Submission
from verifier.messages import local_time

from .access import ROLE_VI, Principal
from .errors import ServiceCode, ServiceError
from .tokens import display_name

ACTIONS = ("accept", "set")


def who(s: Session, p: Principal) -> str:
    """The display name of the token's holder (``tokens.display_name``), as decisions record it."""
    tok = s.get(ApiToken, p.token_id)
    return display_name(tok) if tok else f"Tài khoản số {p.token_id}"


def record(s: Session, p: Principal, submission_id: str, code: str, *, action: str, score: float | None = None,
           comment: str = "") -> Decision:
    """Store one decision (a new row). Raises ServiceError on an invalid one."""
    row = s.scalar(select(CriterionResultRow).where(CriterionResultRow.submission_id == submission_id,
                                                    CriterionResultRow.code == code))
    if row is None:
        raise ServiceError(ServiceCode.CRITERION_NOT_FOUND, "no such criterion in this submission",
                           "Không có tiêu chí này trong hồ sơ.")
    sub = s.get(Submission, submission_id)
    if sub is not None and sub.withdrawn_at is not None:
        raise ServiceError(ServiceCode.DECISION_INVALID, "the submission was withdrawn",
                           "Hồ sơ đã được rút: không ghi kết quả thẩm định.")
    comment = (comment or "").strip()[:4000]
    if action not in ACTIONS:
        raise ServiceError(ServiceCode.ACTION_INVALID, "action must be accept or set", "Thao tác không hợp lệ.")
    if action == "accept":
        if row.supported_score is None:
            raise ServiceError(ServiceCode.NO_MACHINE_SCORE, "the machine has no score to accept for this criterion",
                               "Máy chưa có điểm cho tiêu chí này; hãy nhập điểm thẩm định.")
        score = row.supported_score
    else:
        if score is None:
            raise ServiceError(ServiceCode.SCORE_REQUIRED, "a score is required", "Hãy nhập điểm thẩm định.")
        if not math.isfinite(score):
            raise ServiceError(ServiceCode.SCORE_INVALID, "score is not a number", "Điểm thẩm định phải là một số.")
        if score < 0 or (row.max_score is not None and score > row.max_score + 1e-9):
            raise ServiceError(ServiceCode.SCORE_OUT_OF_RANGE, "score out of range",
                               f"Điểm thẩm định phải từ 0 đến {_fmt(row.max_score)}.")
        if (row.supported_score is None or abs(score - row.supported_score) > 1e-9) and not comment:
            raise ServiceError(ServiceCode.COMMENT_REQUIRED,
                               "a comment is required when the score differs from the machine's",
                               "Hãy ghi ý kiến thẩm định khi điểm khác điểm theo minh chứng.")
    d = Decision(submission_id=submission_id, code=code, action=action, score=score,
                 machine_score=row.supported_score, verdict=row.verdict, comment=comment, token_id=p.token_id,
                 by_label=who(s, p), by_role=p.role)
    s.add(d)
    s.flush()
    return d


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def overridden(d: Decision) -> bool:
    """Whether the appraised score differs from the machine's (accepting it, or setting the same score, keeps it)."""
    if d.action == "accept":
        return False
    return d.machine_score is None or d.score is None or abs(d.score - d.machine_score) > 1e-9


def as_dict(d: Decision) -> dict[str, Any]:
    role = ROLE_VI.get(d.by_role, d.by_role).lower()
    return {"id": d.id, "code": d.code, "action": d.action, "score": d.score, "machine_score": d.machine_score,
            "overridden": overridden(d),
            "verdict": d.verdict, "comment": d.comment, "by": f"{d.by_label} ({role})", "token_id": d.token_id,
            "at": local_time(d.created_at), "at_iso": d.created_at.isoformat()}


def current(s: Session, submission_id: str) -> dict[str, dict[str, Any]]:
    """code -> the newest decision, as {score, comment, by, at, ...} (write_xlsx's ``decisions``)."""
    out: dict[str, dict[str, Any]] = {}
    for d in s.scalars(select(Decision).where(Decision.submission_id == submission_id).order_by(Decision.id)):
        out[d.code] = as_dict(d)
    return out


def history(s: Session, submission_id: str, code: str) -> list[dict[str, Any]]:
    """Every decision on one criterion, newest first."""
    rows = s.scalars(select(Decision).where(Decision.submission_id == submission_id, Decision.code == code)
                     .order_by(Decision.id.desc()))
    return [as_dict(d) for d in rows]


def for_reports(decided: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The current decisions (``current``) as the XLSX and HTML reports take them (code -> score, comment, by,
    at): the comment also says who decided and when."""
    out: dict[str, dict[str, Any]] = {}
    for code, d in decided.items():
        what = d["comment"] or ("Chấp nhận điểm theo minh chứng" if d["action"] == "accept" else "")
        out[code] = {"score": d["score"], "comment": f"{what} — {d['by']}, {d['at']}".strip(" —"),
                     "by": d["by"], "at": d["at"]}
    return out


def decided_counts(s: Session, ids: list[str]) -> dict[str, int]:
    """``{submission id: criteria decided}`` in one query (submissions without decisions are absent)."""
    if not ids:
        return {}
    rows = s.execute(select(Decision.submission_id, func.count(func.distinct(Decision.code)))
                     .where(Decision.submission_id.in_(ids)).group_by(Decision.submission_id))
    return {sid: n for sid, n in rows}
