"""The status enums hold the strings the tables store: comparing a loaded row with an enum member, and
storing a member, work on both databases without a migration."""

from __future__ import annotations

from api.service.status import BatchStatus, FileStatus, JobKind, JobStatus, SubmissionStatus
from api.service.store.database import Database
from models.tables import Batch, JobRow, Submission, SubmissionFile


def test_table_defaults_are_members():
    assert Submission.__table__.c.status.default.arg == SubmissionStatus.QUEUED
    assert Batch.__table__.c.status.default.arg == BatchStatus.QUEUED
    assert SubmissionFile.__table__.c.status.default.arg == FileStatus.PENDING
    assert JobRow.__table__.c.status.default.arg == JobStatus.QUEUED


def test_members_are_stored_as_their_values(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'k.db'}")
    db.migrate()
    with db.session() as s:
        s.add(JobRow(key="verify:x:1", kind=JobKind.VERIFY, status=JobStatus.STARTED, attempts=1, timeout=60))
    with db.session() as s:
        row = s.query(JobRow).one()
        raw = s.execute(JobRow.__table__.select()).mappings().one()
    assert type(raw["status"]) is str and raw["status"] == "started" and raw["kind"] == "verify"
    assert row.status == JobStatus.STARTED and row.status in (JobStatus.QUEUED, JobStatus.STARTED)
