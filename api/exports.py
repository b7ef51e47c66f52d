"""A checked submission's report with the appraisers' current decisions, as the file a person downloads.

One function for the REST API (``GET /submissions/{id}/report?format=``) and the web interface
(``/ui/submissions/{id}/report.{fmt}``), so both hand out the same bytes: JSON is report.json
plus ``decisions`` (code → decision), HTML closes with the decisions table, XLSX carries the
appraised score and comment columns.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from models.report import Report

from verifier.reports import render_html, write_xlsx

from . import decisions
from .templating import templates

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


def response_headers(fmt: str) -> dict[str, str]:
    """Headers that go with a report in ``fmt`` (REST and web): never kept by a shared cache (it holds a
    unit's evidence and the appraisers' decisions); the HTML report's content security policy."""
    headers = {"Cache-Control": "no-store"}
    if fmt == "html":
        headers["Content-Security-Policy"] = REPORT_CSP
    return headers


def render_report(s: Session, report: Report, submission_id: str, fmt: str) -> bytes:
    """The report as ``fmt`` (one of FORMATS) with the decisions recorded in ``s``."""
    if fmt == "json":
        data = report.model_dump(mode="json")
        data["decisions"] = decisions.current(s, submission_id)
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    if fmt == "html":
        html = render_html(report)
        current = decisions.current(s, submission_id)
        if current:
            html = html.replace("</body>", templates.get_template("decisions_section.html").render(
                decisions=current, report=report) + "</body>", 1)
        return html.encode("utf-8")
    if fmt == "xlsx":
        with tempfile.TemporaryDirectory() as d:
            return write_xlsx(report, Path(d) / "report.xlsx",
                              decisions=decisions.for_xlsx(s, submission_id)).read_bytes()
    raise ValueError(f"unknown report format {fmt!r}")
