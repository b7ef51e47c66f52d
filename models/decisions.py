"""Appraisers' decisions on criteria: the REST request body and the stored audit row."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DecisionIn(BaseModel):
    """One decision on one criterion (REST request body)."""

    model_config = ConfigDict(extra="forbid")
    action: Literal["accept", "set"] = Field(
        description="`accept`: take the score the evidence supports (the machine's); `set`: the appraised score")
    score: float | None = Field(
        default=None, allow_inf_nan=False,
        description="required for `set`: 0 … the criterion's maximum; ignored for `accept`")
    comment: str = Field(
        default="", max_length=4000,
        description="the appraiser's opinion; required for `set` when the score differs from the machine's")


class DecisionOut(BaseModel):
    """A stored decision (one row of the audit trail)."""

    id: int
    code: str = Field(description="criterion code")
    action: Literal["accept", "set"]
    score: float | None = Field(description="the appraised score")
    machine_score: float | None = Field(description="the score the evidence supported when decided")
    overridden: bool = Field(False, description="the appraised score differs from the machine's")
    verdict: str = Field(description="the machine's verdict when decided")
    comment: str
    by: str = Field(description="who decided: token label (role)")
    token_id: int | None
    at: str = Field(description="when, Vietnam time (dd/mm/yyyy hh:mm)")
    at_iso: str = Field(description="when, ISO 8601")
