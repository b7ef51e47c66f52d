"""An appraisal campaign as a province defines it, in a data file (``kiemchung campaign create FILE``):
the year, the calendar of its steps, and its unit groups — each group assessed on its own criteria set.

A campaign's steps run in this order (``STEPS``): the units score themselves and attach evidence
(``self_assessment``), the appraisers' first round (``round1``), the units' explanations and additional
files for the criteria questioned (``explanation``), the second round (``round2``). A step's window closes
at the end of its ``closes`` day, local time; what a unit writes in a step is locked then, or earlier
when the unit locks it itself. The format: docs/campaign-format.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Step = Literal["self_assessment", "round1", "explanation", "round2"]
STEPS: tuple[Step, ...] = ("self_assessment", "round1", "explanation", "round2")
UNIT_STEPS: tuple[Step, ...] = ("self_assessment", "explanation")  # the steps a unit writes in and locks
STEP_VI: dict[str, str] = {
    "self_assessment": "Tự đánh giá", "round1": "Thẩm định lần 1", "explanation": "Giải trình, bổ sung",
    "round2": "Thẩm định lần 2",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Window(_Strict):
    """One step's dates, both inclusive, as local (Vietnam) days."""

    opens: dt.date | None = None  # None: when the previous step closes
    closes: dt.date


class GroupSpec(_Strict):
    """A group of units assessed on one criteria set (sở, ban, ngành; UBND cấp xã …)."""

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    title: str
    rubric: str  # a bundled rubric name or a path to a rubric file
    units: list[str] = []  # unit names, as their tokens and sheets name them


class CampaignSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    year: int = Field(ge=2000, le=2100)
    title: str
    calendar: dict[Step, Window]
    groups: list[GroupSpec]

    @model_validator(mode="after")
    def _consistent(self) -> CampaignSpec:
        missing = [s for s in STEPS if s not in self.calendar]
        if missing:
            raise ValueError(f"calendar lacks the steps {', '.join(missing)}")
        last: dt.date | None = None
        for step in STEPS:
            w = self.calendar[step]
            if w.opens is not None and w.opens > w.closes:
                raise ValueError(f"calendar.{step}: opens after it closes")
            if last is not None and w.closes <= last:
                raise ValueError(f"calendar.{step}: closes on or before the previous step")
            if last is not None and w.opens is not None and w.opens <= last:
                raise ValueError(f"calendar.{step}: opens before the previous step closes")
            last = w.closes
        codes = [g.code for g in self.groups]
        if len(set(codes)) != len(codes):
            raise ValueError("two groups share a code")
        units = [u for g in self.groups for u in g.units]
        if len(set(units)) != len(units):
            raise ValueError("a unit is listed in two groups")
        return self
