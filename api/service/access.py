"""Who may see what. Roles: ``admin`` (everything, token management), ``appraiser`` (reads and checks
every unit's submissions), ``unit`` (submits and reads only its own unit's submissions and documents)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.tables import Submission, SubmissionFile

from .errors import forbidden, not_found

ROLES = ("admin", "appraiser", "unit")
ROLE_VI = {"admin": "Quản trị", "appraiser": "Thẩm định viên", "unit": "Đơn vị"}  # how people see a role


@dataclass(frozen=True)
class Principal:
    token_id: int
    role: str
    unit_id: int | None
    unit_name: str | None

    @property
    def is_staff(self) -> bool:
        return self.role in ("admin", "appraiser")


def may_withdraw(p: Principal) -> bool:
    """Withdrawing a submission (it is kept, marked withdrawn) is for appraisers and admins, not for units."""
    return p.is_staff


def visible_submission(p: Principal, sub: Submission | None) -> Submission:
    """The submission if ``p`` may see it (staff: every one; a unit: its own), else NOT_FOUND / FORBIDDEN."""
    if sub is None:
        raise not_found("submission", "Không tìm thấy hồ sơ.")
    if not p.is_staff and sub.unit_id != p.unit_id:
        raise forbidden("Mã truy cập này không được xem hồ sơ của đơn vị khác.")
    return sub


def may_read_document(s: Session, p: Principal, sha256: str) -> bool:
    """Staff read every document; a unit reads the documents attached to its own submissions."""
    if p.is_staff:
        return True
    owned = s.scalar(select(SubmissionFile.id).join(Submission).where(
        SubmissionFile.sha256 == sha256, Submission.unit_id == p.unit_id).limit(1))
    return owned is not None


def require_document(s: Session, p: Principal, sha256: str) -> None:
    """FORBIDDEN unless ``p`` may read the document."""
    if not may_read_document(s, p, sha256):
        raise forbidden()
