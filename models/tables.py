"""Database tables (SQLAlchemy 2). SQLite embedded, PostgreSQL at scale; Alembic migrations
in ``models/migrations``. The database is the source of truth for submissions and jobs."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON}


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the secret
    prefix: Mapped[str] = mapped_column(String(16))  # first characters, to recognise a token in lists
    role: Mapped[str] = mapped_column(String(16))  # admin | appraiser | unit
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    unit: Mapped[Unit | None] = relationship()


class WebSession(Base):
    """A sign-in to the web interface. The browser's cookie holds a random secret; the row keeps only its
    SHA-256 (``id``), like API tokens. It ends at ``expires_at``, at sign-out (``revoked_at``), or when its
    token is revoked."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's secret
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    token: Mapped[ApiToken] = relationship()


class Blob(Base):
    """One stored file, by content. ``data`` is used when blobs live in the database."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    page_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Document(Base):
    """A blob read and extracted under one pipeline version (shared by every submission attaching it)."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("sha256", "pipeline_version", name="uq_documents_sha_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    pipeline_version: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # ok | error
    error_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    pages_ocr: Mapped[list[Any]] = mapped_column(JSON, default=list)
    number: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    number_key: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    doc_type: Mapped[str | None] = mapped_column(String(80), nullable=True)
    issuer: Mapped[str | None] = mapped_column(String(300), nullable=True)
    issued_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    ingested: Mapped[dict[str, Any]] = mapped_column(JSON)  # models.pages.IngestedFile without page words (see pages)
    extraction: Mapped[dict[str, Any]] = mapped_column(JSON)  # models.extraction.Extraction
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PagePart(Base):
    """The pages of one range of a long file, read by one job; merged into its Document, then deleted."""

    __tablename__ = "page_parts"
    __table_args__ = (UniqueConstraint("sha256", "pipeline_version", "first_page", name="uq_page_parts_range"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pipeline_version: Mapped[str] = mapped_column(String(32))
    first_page: Mapped[int] = mapped_column(Integer)
    last_page: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # models.pages.IngestedFile holding only these pages
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PageRow(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_pages_document_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(16))
    width: Mapped[float] = mapped_column(Float)
    height: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # models.pages.Page (words with boxes and confidences)


class ReferenceRow(Base):
    """A document number seen in a stored document: its own number (``is_identity``) or a citation."""

    __tablename__ = "doc_references"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    is_identity: Mapped[bool] = mapped_column(Boolean, default=False)
    number: Mapped[str] = mapped_column(String(120), index=True)
    number_key: Mapped[str] = mapped_column(String(120), index=True)  # exact, format-insensitive
    symbol_key: Mapped[str] = mapped_column(String(120), index=True)  # the part after the number: fuzzy candidates
    lead_key: Mapped[str] = mapped_column(String(40), index=True)  # the number itself: fuzzy candidates
    doc_type: Mapped[str | None] = mapped_column(String(80), nullable=True)
    issued_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    page: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)


class Batch(Base):
    __tablename__ = "batches"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    source: Mapped[str] = mapped_column(String(300), default="")
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rubric: Mapped[str] = mapped_column(String(200), default="par-reference")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), nullable=True)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Submission(Base):
    __tablename__ = "submissions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True, index=True)
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("batches.id"), nullable=True, index=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    rubric: Mapped[str] = mapped_column(String(200), default="par-reference")
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)  # queued|running|done|failed
    source: Mapped[str] = mapped_column(String(300), default="")
    sheet_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    sheet_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, deferred=True)
    claimed_total: Mapped[float | None] = mapped_column(Float, nullable=True)
    supported_total: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # withdrawn by an appraiser (kept, never deleted): when, by whom (token and its label then), why
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id", name="fk_submissions_withdrawn_by"),
                                                     nullable=True)
    withdrawn_by_label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    unit: Mapped[Unit | None] = relationship()
    files: Mapped[list[SubmissionFile]] = relationship(back_populates="submission", order_by="SubmissionFile.id")


class SubmissionFile(Base):
    __tablename__ = "submission_files"
    __table_args__ = (UniqueConstraint("submission_id", "name", name="uq_submission_files_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | ok | error
    error_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    submission: Mapped[Submission] = relationship(back_populates="files")


class CriterionResultRow(Base):
    __tablename__ = "criteria_results"
    __table_args__ = (UniqueConstraint("submission_id", "code", name="uq_criteria_results_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    verdict: Mapped[str] = mapped_column(String(24), index=True)
    claimed_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    supported_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # models.report.CriterionResult


class FindingRow(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    criterion_result_id: Mapped[int] = mapped_column(ForeignKey("criteria_results.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Decision(Base):
    """An appraiser's decision on one criterion of a submission. Every change is a new row (the
    audit trail); the newest row (highest id) per (submission, code) is the current decision."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(16))  # accept (the machine's score) | set (the appraiser's)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)  # the appraised score
    machine_score: Mapped[float | None] = mapped_column(Float, nullable=True)  # supported score when decided
    verdict: Mapped[str] = mapped_column(String(24), default="")  # machine verdict when decided
    comment: Mapped[str] = mapped_column(Text, default="")
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), nullable=True)
    by_label: Mapped[str] = mapped_column(String(200), default="")  # token label (or prefix) at the time
    by_role: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class JobRow(Base):
    """A unit of work. ``key`` is derived from content + pipeline version, so duplicate work is
    not enqueued; the row, not Redis, says whether the work is done."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)  # ingest | verify
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)  # queued|started|finished|failed
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    submission_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    rq_id: Mapped[str | None] = mapped_column(String(240), nullable=True)
    timeout: Mapped[int] = mapped_column(Integer, default=180)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    enqueued_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Campaign(Base):
    """An appraisal campaign (a year, a calendar, unit groups): ``models.campaign.CampaignSpec`` as loaded."""

    __tablename__ = "campaigns"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(300))
    calendar: Mapped[dict[str, Any]] = mapped_column(JSON)  # step -> {"opens": ISO date | None, "closes": ISO date}
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    groups: Mapped[list[CampaignGroup]] = relationship(back_populates="campaign", order_by="CampaignGroup.id",
                                                       cascade="all, delete-orphan")


class CampaignGroup(Base):
    """A group of units of a campaign, assessed on one criteria set."""

    __tablename__ = "campaign_groups"
    __table_args__ = (UniqueConstraint("campaign_id", "code", name="uq_campaign_groups_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    rubric: Mapped[str] = mapped_column(String(200))
    campaign: Mapped[Campaign] = relationship(back_populates="groups")


class CampaignUnit(Base):
    """A unit taking part in a campaign, in one of its groups."""

    __tablename__ = "campaign_units"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", name="uq_campaign_units_unit"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("campaign_groups.id", ondelete="CASCADE"))
    unit: Mapped[Unit] = relationship()
    group: Mapped[CampaignGroup] = relationship()


class CampaignEvent(Base):
    """The campaign's audit trail, append-only: a lock or unlock of a unit's step (by the unit, by an admin,
    or automatic at the deadline), and every other change made to a unit's rounds — who, when, what."""

    __tablename__ = "campaign_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True, index=True)
    step: Mapped[str] = mapped_column(String(24))  # models.campaign.STEPS
    action: Mapped[str] = mapped_column(String(24))  # api.service.status.CampaignAction
    code: Mapped[str] = mapped_column(String(40), default="")  # the criterion, when the event is about one
    until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)  # an unlock's end
    note: Mapped[str] = mapped_column(Text, default="")
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), nullable=True)
    by_label: Mapped[str] = mapped_column(String(200), default="")  # who, as named then ("" for the system)
    by_role: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RoundScore(Base):
    """An appraisal round's record for one criterion of a unit: the score, the note, and whether the unit is
    asked to explain. Append-only like ``decisions``: the newest row per (campaign, unit, round, code) is current.
    ``source`` says who wrote it: ``machine`` (a question proposed from kiemchung's findings, to be confirmed or
    dropped) or ``appraiser``."""

    __tablename__ = "round_scores"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)  # 1 | 2
    code: Mapped[str] = mapped_column(String(40))
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    explanation_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16), default="appraiser")  # machine | appraiser
    state: Mapped[str] = mapped_column(String(16), default="confirmed")  # proposed | confirmed | dropped
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), nullable=True)
    by_label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Recheck(Base):
    """kiemchung's second reading of one questioned criterion after the unit added files or explanations (round
    2's machine help): the evidence was the submission's files and the criterion's additional files.
    ``basis`` fingerprints what was read (the submission, the files' contents, the explanations' texts): a
    criterion whose basis has not changed since its newest recheck is not read again. ``round_score_id``: the
    round-2 proposal written, None when an appraiser's round-2 record stood (never overwritten)."""

    __tablename__ = "rechecks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submissions.id", ondelete="SET NULL"),
                                                      nullable=True)
    basis: Mapped[str] = mapped_column(String(64))
    files: Mapped[int] = mapped_column(Integer, default=0)  # additional files read (distinct contents)
    explanations: Mapped[int] = mapped_column(Integer, default=0)  # explanation versions at the time
    verdict: Mapped[str] = mapped_column(String(24))  # models.report.Verdict
    supported_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")  # the finding messages
    round_score_id: Mapped[int | None] = mapped_column(ForeignKey("round_scores.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Explanation(Base):
    """A unit's explanation (giải trình) of one criterion. Versioned: a new text is a new row, the old stays."""

    __tablename__ = "explanations"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "code", "version", name="uq_explanations_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), nullable=True)
    by_label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AdditionalFile(Base):
    """A file a unit adds for one criterion in the explanation step (tài liệu bổ sung). Versioned by name: a file
    with a name already used is a new version beside the old one, never a silent replacement."""

    __tablename__ = "additional_files"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "code", "name", "version",
                                       name="uq_additional_files_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), nullable=True)
    by_label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SurveyScore(Base):
    """A unit's survey score (điều tra xã hội học) for one survey item, imported from a file, never self-scored.
    Re-importing replaces the value; the import is in the audit trail."""

    __tablename__ = "survey_scores"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "code", name="uq_survey_scores_item"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300), default="")  # the imported file's name and row
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


Index("ix_submissions_unit_year", Submission.unit_id, Submission.year)
Index("ix_doc_references_symbol_lead", ReferenceRow.symbol_key, ReferenceRow.lead_key)
Index("ix_decisions_submission_code", Decision.submission_id, Decision.code, Decision.id)
Index("ix_round_scores_current", RoundScore.campaign_id, RoundScore.unit_id, RoundScore.round, RoundScore.code,
      RoundScore.id)
Index("ix_rechecks_current", Recheck.campaign_id, Recheck.unit_id, Recheck.code, Recheck.id)
