"""report.html: one self-contained page (inline CSS, no scripts, no network), readable offline and in print.

Codes never show: verdicts, findings, file states and errors read as their Vietnamese labels
(``messages.label``), the code kept in a ``title=`` tooltip. The table is the criteria set's tree
(``Report.tree``): a row per field (lĩnh vực) and per criterion (tiêu chí), labelled with the level's
name, with maximum and subtotals, then its sub-criteria (tiêu chí thành phần); the unit's STT in the
first column beside the rubric's code; a document-set criterion (the four periodic reports) opens its
findings with its checklist, one mark and word per period ("Quý I ✓ · Quý III ✗ không có"). Times are
Vietnam's local time with the offset; the version is the running one (``present.running_version``). ``decisions``
(code -> {score, ...}, as for ``write_xlsx``) fill the appraised-score column.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from models.report import Report

from ..messages import file_notes, label, local_time, score, vn_day
from ..signatures import describe as describe_signature
from .present import (
    appraised_subtotals,
    appraised_total,
    has_bonus_or_penalty,
    period_count,
    period_item,
    period_title,
    running_version,
)

_env = Environment(loader=PackageLoader("verifier.reports", "templates"), autoescape=select_autoescape(["html", "j2"]))
_env.filters["score"] = score
_env.filters["signature"] = describe_signature
_env.filters["local_time"] = local_time
_env.filters["vn_day"] = vn_day
_env.globals["file_notes"] = file_notes
_env.globals["label"] = label
_env.globals.update(period_count=period_count, period_item=period_item, period_title=period_title)


def render_html(report: Report, decisions: dict[str, dict] | None = None) -> str:
    decisions = decisions or {}
    return _env.get_template("report.html.j2").render(
        r=report, tree=report.tree(), by_code={c.code: c for c in report.criteria}, decisions=decisions,
        appraised=appraised_total(report, decisions), subtotals=appraised_subtotals(report, decisions),
        parts=has_bonus_or_penalty(report),
        version=running_version(),
    )


def write_html(report: Report, path: Path, decisions: dict[str, dict] | None = None) -> Path:
    path.write_text(render_html(report, decisions), encoding="utf-8")
    return path
