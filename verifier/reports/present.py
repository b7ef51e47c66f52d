"""What the HTML and XLSX reports show beyond a report's own fields: the running version and the
appraised total."""

from __future__ import annotations

from dataclasses import dataclass

from models import PIPELINE_VERSION
from models.report import Report


def running_version() -> str:
    """The version of the running kiemchung, the one ``GET /health`` reports (``models.PIPELINE_VERSION``)."""
    return PIPELINE_VERSION


@dataclass(frozen=True)
class Appraised:
    total: float  # the sum of the appraisers' scores so far
    done: int  # criteria with a decision
    of: int  # criteria of the rubric (those under a field)


def appraised_total(report: Report, decisions: dict[str, dict]) -> Appraised:
    """The appraised score of the criteria decided so far; ``done < of`` marks it partial."""
    codes = [c.code for c in report.criteria if c.field_code]
    scores = [decisions[c]["score"] for c in codes if c in decisions and decisions[c].get("score") is not None]
    return Appraised(total=sum(scores), done=len(scores), of=len(codes))
