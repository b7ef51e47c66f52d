"""The council's export as files people download over REST and the web (``build_council`` gives the data):
JSON, XLSX, DOCX and a self-contained HTML page with the charts inline, each written by the same
``verifier.reports.council_*`` writers as ``kiemchung campaign export``, named like the CLI's files
(``hoi-dong-<campaign>.xlsx``; one group: ``hoi-dong-<campaign>-<group title>.xlsx``), and one group's
chart as SVG for the web page."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from models.council import CouncilExport
from verifier.reports.charts import charts, field_chart, index_chart
from verifier.reports.council_docx import write_council_docx
from verifier.reports.council_html import write_council_html
from verifier.reports.council_json import write_council_json
from verifier.reports.council_xlsx import write_council_xlsx

from .errors import not_found
from .filenames import content_disposition, safe_filename
from .reports import REPORT_CSP

FORMATS = ("json", "xlsx", "docx", "html")
MEDIA_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "svg": "image/svg+xml",
}
CHARTS = {"chi-so": "Chỉ số CCHC của từng đơn vị, tô màu theo xếp loại",
          "linh-vuc": "Chỉ số thành phần theo lĩnh vực: trung bình, thấp nhất – cao nhất"}


def one_group(export: CouncilExport, group: str | None) -> CouncilExport:
    """``export`` with only the group ``group`` (its code), or whole when ``group`` is None."""
    if group is None:
        return export
    chosen = [g for g in export.groups if g.code == group]
    if not chosen:
        raise not_found("group", "Đợt đánh giá không có nhóm đơn vị này.")
    return export.model_copy(update={"groups": chosen})


def council_filename(export: CouncilExport, fmt: str, group: str | None = None) -> str:
    """'hoi-dong-vi-du-2026.xlsx'; one group's export (``group``: its code) adds the group's title
    ('hoi-dong-vi-du-2026-Sở-ban-ngành.xlsx': punctuation dropped)."""
    parts = ["hoi-dong", export.campaign_id]
    parts += [re.sub(r"[^\w\s-]", " ", g.title) for g in export.groups if group is not None and g.code == group]
    return f"{safe_filename('-'.join(parts), 'hoi-dong')}.{fmt}"


def render_council(export: CouncilExport, fmt: str) -> bytes:
    """The export as ``fmt`` (one of FORMATS), written by the CLI's writers."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown council format {fmt!r}")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"council.{fmt}"
        if fmt == "json":
            write_council_json(export, path)
        elif fmt == "xlsx":
            write_council_xlsx(export, path)
        elif fmt == "docx":
            write_council_docx(export, path)
        else:
            svgs = {g.code: {name: data.decode("utf-8") for name, data in charts(g, "svg").items()}
                    for g in export.groups}
            write_council_html(export, path, svgs)
        return path.read_bytes()


def download_headers(export: CouncilExport, fmt: str, group: str | None = None) -> dict[str, str]:
    """Never kept by a shared cache (every unit's scores); the HTML page opens in the browser under the
    reports' content security policy (inline style, nothing run or fetched); the others are saved."""
    headers = {"Cache-Control": "no-store",
               "Content-Disposition": content_disposition(council_filename(export, fmt, group), inline=fmt == "html")}
    if fmt == "html":
        headers["Content-Security-Policy"] = REPORT_CSP
    return headers


def group_chart(export: CouncilExport, group: str, name: str) -> bytes:
    """One group's chart ``name`` (a key of CHARTS) as SVG."""
    if name not in CHARTS:
        raise not_found("chart", "Không có biểu đồ này.")
    g = one_group(export, group).groups[0]
    return index_chart(g, "svg") if name == "chi-so" else field_chart(g, "svg")
