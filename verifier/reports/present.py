"""What the HTML and XLSX reports show beyond a report's own fields: the running version, the
appraised total and the appraised subtotal of each field and criterion of the tree (``Report.tree``),
the per-period checklist of a document-set criterion."""

from __future__ import annotations

from dataclasses import dataclass

from models import PIPELINE_VERSION
from models.report import PeriodCheck, PeriodState, Report

from ..messages import label, vn_day


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
    return appraised_of(report, [c.code for c in report.criteria if c.field_code], decisions)


def appraised_subtotals(report: Report, decisions: dict[str, dict]) -> dict[str, Appraised]:
    """The appraised subtotal of each field and each criterion of ``report.tree()``, by its rubric code."""
    out: dict[str, Appraised] = {}
    for ft in report.tree():
        for cr in ft.criteria:
            if cr.code:
                out[cr.code] = appraised_of(report, cr.items, decisions)
        out[ft.code] = appraised_of(report, [code for cr in ft.criteria for code in cr.items], decisions)
    return out


def appraised_of(report: Report, codes: list[str], decisions: dict[str, dict]) -> Appraised:
    """The appraised score of ``codes`` as the report's totals count a score: ordinary and bonus points add,
    penalty points subtract, bonus and penalty held within the criteria set's caps (``Totals.bonus_cap``)."""
    role = {c.code: c.role for c in report.criteria}
    part = {"score": 0.0, "bonus": 0.0, "penalty": 0.0}
    done = 0
    for code in codes:
        score = decisions.get(code, {}).get("score")
        if score is not None:
            part[role.get(code, "score") if role.get(code) in part else "score"] += score
            done += 1
    bonus, penalty = part["bonus"], part["penalty"]
    if report.totals.bonus_cap is not None:
        bonus = min(bonus, report.totals.bonus_cap)
    if report.totals.penalty_cap is not None:
        penalty = min(penalty, report.totals.penalty_cap)
    return Appraised(total=part["score"] + bonus - penalty, done=done, of=len(codes))


def has_bonus_or_penalty(report: Report) -> bool:
    """Whether the criteria set scores bonus or penalty items (the totals then show them on their own lines)."""
    return any(c.role in ("bonus", "penalty") for c in report.criteria)


def period_mark(p: PeriodCheck) -> str:
    """The mark of a period's state (``period_marks`` in labels_vi.yaml: ✓ ✗ ?), always shown beside text."""
    return label("period_marks", p.state)


def period_item(p: PeriodCheck) -> str:
    """One period of the checklist line: 'Quý I ✓'; a period not on time also says why: 'Quý III ✗ không có'."""
    text = f"{p.short_label or p.label} {period_mark(p)}"
    if p.state != PeriodState.ON_TIME:
        state = label("periods", p.state)
        text += f" {state[:1].lower()}{state[1:]}"
    return text


def period_count(periods: list[PeriodCheck]) -> str:
    """How many periods are on time: 'Đúng hạn 3/4'."""
    on_time = sum(p.state == PeriodState.ON_TIME for p in periods)
    return f"{label('periods', PeriodState.ON_TIME)} {on_time}/{len(periods)}"


def period_line(periods: list[PeriodCheck]) -> str:
    """The checklist of a document-set criterion on one line, as appraisers write it:
    'Đúng hạn 3/4: Quý I ✓ · 6 tháng ✓ · Quý III ✗ không có · Năm ✓'; '' for other criteria."""
    if not periods:
        return ""
    return f"{period_count(periods)}: " + " · ".join(map(period_item, periods))


def period_title(p: PeriodCheck) -> str:
    """A period's tooltip: its label, deadline, state (and the code), the document matched."""
    doc = f" — {p.number or 'không rõ số'} ({p.file}), ngày {vn_day(p.issued_on) or 'không rõ'}" if p.file else ""
    return f"{p.label}, hạn {vn_day(p.deadline)}: {label('periods', p.state)} [{p.state.value}]{doc}"
