"""Several submissions of one unit and year: the newest is the latest, older ones superseded; an appraiser can
withdraw one (kept, marked with who, when and why), a unit cannot. Real PostgreSQL, migrated by Alembic."""

from __future__ import annotations

import datetime as dt

import pytest

from api.service import decisions
from api.service.errors import ServiceCode, ServiceError
from api.service.status import SubmissionStanding
from api.service.store.database import Database
from api.service.submissions import standings, withdraw_submission
from api.service.tokens import authenticate, create_token
from models.tables import CriterionResultRow, Submission, Unit

UNIT = "Sở Tư pháp tỉnh Đồng Nai"


@pytest.fixture()
def db(pg_url):
    d = Database(pg_url)
    d.migrate()
    yield d
    d.engine.dispose()


def _submissions(db: Database) -> list[str]:
    """Three submissions of the unit for 2024 (oldest first), one for 2023, one of another unit for 2024."""
    t0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    with db.session() as s:
        unit, other = Unit(name=UNIT), Unit(name="UBND huyện Xuân Lộc")
        s.add_all([unit, other])
        s.flush()
        rows = [Submission(unit_id=unit.id, year=2024, status="done", created_at=t0 + dt.timedelta(hours=i))
                for i in range(3)]
        rows += [Submission(unit_id=unit.id, year=2023, status="done", created_at=t0),
                 Submission(unit_id=other.id, year=2024, status="done", created_at=t0)]
        s.add_all(rows)
        s.flush()
        s.add(CriterionResultRow(submission_id=rows[2].id, code="1.1.1", verdict="SUPPORTED", supported_score=1.0,
                                 max_score=1.0, data={}))
        return [r.id for r in rows]


def test_latest_superseded_and_withdrawn(db):
    ids = _submissions(db)
    appraiser = authenticate(db, create_token(db, "appraiser", label="Nguyễn Văn Thẩm"))
    unit = authenticate(db, create_token(db, "unit", UNIT))
    assert appraiser and unit

    with db.session() as s:
        got = standings(s, [s.get(Submission, i) for i in ids])
    assert got == {ids[2]: SubmissionStanding.LATEST, ids[1]: SubmissionStanding.SUPERSEDED,
                   ids[0]: SubmissionStanding.SUPERSEDED}  # lone submissions (2023, the other unit) get no mark

    with db.session() as s, pytest.raises(ServiceError) as no_reason:
        withdraw_submission(s, appraiser, ids[2], "  ")
    assert no_reason.value.code == ServiceCode.REASON_REQUIRED and "lý do" in no_reason.value.message_vi
    with db.session() as s, pytest.raises(ServiceError) as refused:
        withdraw_submission(s, unit, ids[2], "nộp nhầm")
    assert refused.value.code == ServiceCode.FORBIDDEN

    with db.session() as s:
        withdraw_submission(s, appraiser, ids[2], "Đơn vị nộp nhầm bảng năm 2023")
    with db.session() as s:
        sub = s.get(Submission, ids[2])
        assert sub is not None and sub.withdrawn_at is not None  # kept, not deleted
        first_at = sub.withdrawn_at
        assert sub.withdrawn_by == appraiser.token_id and sub.withdrawn_by_label == "Nguyễn Văn Thẩm"
        assert sub.withdrawn_reason == "Đơn vị nộp nhầm bảng năm 2023"
        got = standings(s, [s.get(Submission, i) for i in ids[:3]])
    assert got == {ids[2]: SubmissionStanding.WITHDRAWN, ids[1]: SubmissionStanding.LATEST,
                   ids[0]: SubmissionStanding.SUPERSEDED}

    with db.session() as s:  # again: the first withdrawal stands
        withdraw_submission(s, appraiser, ids[2], "lý do khác")
    with db.session() as s:
        sub = s.get(Submission, ids[2])
        assert sub.withdrawn_reason == "Đơn vị nộp nhầm bảng năm 2023" and sub.withdrawn_at == first_at
        # no decision is recorded on a withdrawn submission
        with pytest.raises(ServiceError) as late:
            decisions.record(s, appraiser, ids[2], "1.1.1", action="accept")
        assert late.value.code == ServiceCode.DECISION_INVALID and "rút" in late.value.message_vi


def test_overridden_and_accepted_decisions_are_told_apart(db):
    ids = _submissions(db)
    appraiser = authenticate(db, create_token(db, "appraiser", label="Nguyễn Văn Thẩm"))
    with db.session() as s:
        decisions.record(s, appraiser, ids[2], "1.1.1", action="accept")
        assert decisions.current(s, ids[2])["1.1.1"]["overridden"] is False
        decisions.record(s, appraiser, ids[2], "1.1.1", action="set", score=1.0)  # the machine's score, set by hand
        assert decisions.current(s, ids[2])["1.1.1"]["overridden"] is False
        decisions.record(s, appraiser, ids[2], "1.1.1", action="set", score=0.5, comment="Ban hành muộn")
        now = decisions.current(s, ids[2])["1.1.1"]
        assert now["overridden"] is True and now["comment"] == "Ban hành muộn"
