"""The JSON the web interface's own scripts read (not part of the public REST schema): the progress poll,
the reply to a decision recorded from the page, the reply to an upload from the page."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..service.progress import FileProgress, Progress


class SubmissionErrorOut(BaseModel):
    code: str | None = None
    message: str | None = None


class ProgressPoll(BaseModel):
    """What ``review.js`` polls while a submission is read."""

    id: str
    status: str
    status_vi: str
    unit: str | None = None
    year: int | None = None
    progress: Progress
    files: list[FileProgress]
    error: SubmissionErrorOut | None = None
    verdicts: dict[str, int] = {}


class Subtotal(BaseModel):
    appraised: float | None = None
    decided: int
    n: int
    partial: bool


class Totals(BaseModel):
    """The subtotals the review page refreshes after a decision: by field code, by criterion code, overall."""

    fields: dict[str, Subtotal]
    criteria: dict[str, Subtotal]
    appraised: float | None = None
    decided: int
    n: int
    partial: bool


class DecisionReply(BaseModel):
    decision: dict[str, Any]  # api.service.decisions.as_dict: the stored decision as the audit trail shows it
    totals: Totals


class UploadAccepted(BaseModel):
    id: str
    url: str  # the submission's page
