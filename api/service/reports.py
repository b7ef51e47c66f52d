"""A checked submission's report as the files people get: report.json / .xlsx / .html written by the
CLI, and the report with the appraisers' current decisions as REST and the web interface hand it out
(the same bytes for both): JSON is report.json plus ``decisions`` (code → decision), HTML closes with
the decisions table, XLSX carries the appraised score and comment columns."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy.orm import Session

from models.report import Report
from models.tables import Submission
from verifier import write_html, write_json, write_xlsx
from verifier.messages import local_time, vn_day
from verifier.messages import score as fmt_score
from verifier.reports import render_html

from . import decisions, labels
from .errors import not_ready
from .filenames import content_disposition, report_filename
from .store.records import report_if_checked

# The HTML report's decisions section (the audit trail of the appraisers' decisions).
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
FORMATS = ("json", "html", "xlsx")
MEDIA_TYPES = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# report.html is self-contained: one inline <style>; no script, image, link, font or form. It shows
# text of uploaded files, so the browser is told to run nothing and fetch nothing, and ``sandbox`` gives
# it an opaque origin: even injected markup could not reach the signed-in interface.
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; "
              "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox")

# The filters every template uses (the web interface installs them on its environment too): scores with a
# decimal comma, local times and days as Vietnam reads them, the Vietnamese label of a code
# (``{{ f.code|label("findings") }}``, the template keeps the code as a tooltip), file names without the
# submission's folder, a criteria set's title, the labels the evidence viewer's script shows.
TEMPLATE_FILTERS: dict[str, Callable[..., Any]] = {
    "score": fmt_score, "localtime": local_time, "vn_day": vn_day, "label": labels.label,
    "shown_names": labels.shown_names, "shown_name": labels.shown_name, "short_paths": labels.short_paths,
    "rubric_title": labels.rubric_title, "viewer_labels": labels.viewer_labels,
}
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=jinja2.select_autoescape())
_env.filters.update(TEMPLATE_FILTERS)


def write_reports(report: Report, out_dir: Path, evidence_root: Path | None = None) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return {
        "json": write_json(report, out_dir / "report.json"),
        "xlsx": write_xlsx(report, out_dir / "report.xlsx", evidence_root=evidence_root),
        "html": write_html(report, out_dir / "report.html"),
    }


def checked_report(sub: Submission) -> Report:
    """The submission's report, or NOT_READY (409) while it is not checked."""
    report = report_if_checked(sub)
    if report is None:
        raise not_ready(sub.status)
    return report


def response_headers(fmt: str) -> dict[str, str]:
    """Headers that go with a report in ``fmt`` (REST and web): never kept by a shared cache (it holds a
    unit's evidence and the appraisers' decisions); the HTML report's content security policy."""
    headers = {"Cache-Control": "no-store"}
    if fmt == "html":
        headers["Content-Security-Policy"] = REPORT_CSP
    return headers


def download_headers(sub: Submission, fmt: str) -> dict[str, str]:
    """``response_headers`` plus the file name (RFC 6266, ``filenames``): the HTML report opens in the browser,
    the XLSX and JSON are saved, as 'bao-cao-Sở-Tư-pháp-tỉnh-Đồng-Nai-2024.xlsx'."""
    name = report_filename(sub.unit.name if sub.unit else None, sub.year, fmt)
    return {**response_headers(fmt), "Content-Disposition": content_disposition(name, inline=fmt == "html")}


def render_report(s: Session, report: Report, submission_id: str, fmt: str) -> bytes:
    """The report as ``fmt`` (one of FORMATS) with the decisions recorded in ``s``."""
    current = decisions.current(s, submission_id)
    if fmt == "json":
        data = report.model_dump(mode="json")
        data["decisions"] = current
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    if fmt == "html":
        html = render_html(report, decisions.for_reports(current))  # the appraised-score column
        if current:
            html = html.replace("</body>", _env.get_template("decisions_section.html").render(
                decisions=current, report=report) + "</body>", 1)
        return html.encode("utf-8")
    if fmt == "xlsx":
        with tempfile.TemporaryDirectory() as d:
            return write_xlsx(report, Path(d) / "report.xlsx",
                              decisions=decisions.for_reports(current)).read_bytes()
    raise ValueError(f"unknown report format {fmt!r}")
