"""The states stored in the service's tables, one enum each. The values are the strings the database
holds (``models.tables``): renaming a value needs a migration, adding one does not."""

from __future__ import annotations

from enum import StrEnum


class SubmissionStatus(StrEnum):
    """``submissions.status``: queued → running → done, or failed (``error_code`` says why)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


OPEN_SUBMISSION = (SubmissionStatus.QUEUED, SubmissionStatus.RUNNING)  # not yet done or failed


class SubmissionStanding(StrEnum):
    """Where a submission stands among its unit's submissions for the same year (computed, not stored): the
    newest one not withdrawn is the latest, older ones are superseded, a withdrawn one (``withdrawn_at``) is
    kept and shown as withdrawn."""

    LATEST = "latest"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


class BatchStatus(StrEnum):
    """``batches.status``: running until every unit is verified and the summary is written (``queued`` is
    only the column's default; intake creates batches running)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"


class JobStatus(StrEnum):
    """``jobs.status``: the database row, not the broker, says whether work is done."""

    QUEUED = "queued"
    STARTED = "started"
    FINISHED = "finished"
    FAILED = "failed"


class JobKind(StrEnum):
    """``jobs.kind``: reading a blob (whole, or one page range), joining page ranges, verifying, re-checking a
    campaign unit's questioned criteria."""

    INGEST = "ingest"
    MERGE = "merge"
    VERIFY = "verify"
    RECHECK = "recheck"  # round 2: re-verify a unit's criteria that got additional files or explanations


READ_JOBS = (JobKind.INGEST, JobKind.MERGE)  # the jobs that read a blob


class FileStatus(StrEnum):
    """``submission_files.status`` and ``documents.status``: pending until read (files only), then
    ok or error (``error_code`` says why)."""

    PENDING = "pending"
    OK = "ok"
    ERROR = "error"


class DocumentState(StrEnum):
    """What ``GET /documents/{sha256}`` says of a file that is not stored yet (from its jobs)."""

    QUEUED = "queued"
    STARTED = "started"
    FAILED = "failed"


class FileState(StrEnum):
    """Where one file of a submission is, as its progress shows it: waiting, being read, read, or failed."""

    QUEUED = "queued"
    READING = "reading"
    DONE = "done"
    ERROR = "error"


class UnitStatus(StrEnum):
    """One unit's row of a batch summary: checked, or refused as a whole (``error`` says why)."""

    OK = "ok"
    ERROR = "error"


class Health(StrEnum):
    """``GET /health``: the service and each dependency it reports on."""

    OK = "ok"
    DEGRADED = "degraded"
    MISSING = "missing"


class CampaignAction(StrEnum):
    """``campaign_events.action``: what happened to a unit's step in a campaign (the audit trail)."""

    LOCK = "lock"  # the unit (or an admin) locked the step
    UNLOCK = "unlock"  # an admin opened it again, until a given time
    AUTO_LOCK = "auto_lock"  # the step's deadline passed: recorded by the reconciler's deadline sweep
    ROUND_SCORE = "round_score"  # an appraiser wrote a round record
    PROPOSED = "proposed"  # kiemchung proposed the round-1 questions from its findings
    EXPLANATION = "explanation"  # the unit wrote an explanation
    FILE_ADDED = "file_added"  # the unit added a file
    FILE_REFUSED = "file_refused"  # a file the unit sent failed its checks: refused with the reason, not kept
    RECHECKED = "rechecked"  # kiemchung re-checked a criterion with the unit's additional files (round 2)
    SURVEY_IMPORT = "survey_import"  # survey scores imported
    CREATED = "created"  # the campaign was created or updated from its file


class RoundSource(StrEnum):
    """``round_scores.source``: who wrote a round record."""

    MACHINE = "machine"
    APPRAISER = "appraiser"


class RoundState(StrEnum):
    """``round_scores.state``: a machine proposal waits (``proposed``) until an appraiser confirms or drops it;
    an appraiser's own record is confirmed."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DROPPED = "dropped"
