"""What the HTML and XLSX reports show beyond a report's own fields: the running version, the
appraised total and the appraised subtotal of each field and criterion of the tree (``Report.tree``)."""

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
    return _appraised([c.code for c in report.criteria if c.field_code], decisions)


def appraised_subtotals(report: Report, decisions: dict[str, dict]) -> dict[str, Appraised]:
    """The appraised subtotal of each field and each criterion of ``report.tree()``, by its rubric code."""
    out: dict[str, Appraised] = {}
    for ft in report.tree():
        for cr in ft.criteria:
            if cr.code:
                out[cr.code] = _appraised(cr.items, decisions)
        out[ft.code] = _appraised([code for cr in ft.criteria for code in cr.items], decisions)
    return out


def _appraised(codes: list[str], decisions: dict[str, dict]) -> Appraised:
    scores = [decisions[c]["score"] for c in codes if c in decisions and decisions[c].get("score") is not None]
    return Appraised(total=sum(scores), done=len(scores), of=len(codes))
