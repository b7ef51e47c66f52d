"""report.html: one self-contained page (inline CSS, no scripts, no network), readable offline."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from models.report import Report

from ..messages import SEVERITY_VI, VERDICT_VI, file_notes, score
from ..signatures import describe as describe_signature

_env = Environment(loader=PackageLoader("verifier.reports", "templates"), autoescape=select_autoescape(["html", "j2"]))
_env.filters["score"] = score
_env.filters["signature"] = describe_signature
_env.globals["file_notes"] = file_notes


def render_html(report: Report) -> str:
    by_field: dict[str, list] = {}
    for c in report.criteria:
        by_field.setdefault(c.field_code or "", []).append(c)
    return _env.get_template("report.html.j2").render(
        r=report, by_field=by_field, VERDICT_VI=VERDICT_VI, SEVERITY_VI=SEVERITY_VI,
    )


def write_html(report: Report, path: Path) -> Path:
    path.write_text(render_html(report), encoding="utf-8")
    return path
