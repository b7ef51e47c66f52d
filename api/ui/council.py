"""The council's results on the web (issue #14): for staff, a page per campaign with each unit group's ranking
(overall, by field; ties share a rank) and its two charts, and the downloads ``kiemchung campaign export``
writes (XLSX, DOCX, JSON; the same files as ``GET /campaigns/{id}/council``). Numbers read the Vietnamese way
(``91,67``). A unit is refused (``service.council``: 403, the error page), as the CLI and REST refuse it."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from models.council import CouncilExport, CouncilGroup, UnitScores
from verifier.reports.council_table import fmt, generated_line

from ..service import council, council_downloads
from ..service.council_downloads import CHARTS, MEDIA_TYPES
from .views import PageUser, render, runtime

router = APIRouter()

DOWNLOADS = (("xlsx", "Bảng tính Excel (XLSX)"), ("docx", "Văn bản Word (DOCX)"), ("json", "Dữ liệu JSON"))


def _base(campaign_id: str) -> str:
    return f"/ui/campaigns/{quote(campaign_id, safe='')}/council"


def download_links(campaign_id: str) -> list[dict[str, str]]:
    """The campaign page's and the council page's download links: format, label, URL."""
    return [{"format": f, "label": label, "href": f"{_base(campaign_id)}/download?format={f}"}
            for f, label in DOWNLOADS]


def _pct(value: float | None) -> str:
    return f"{fmt(value)} %" if value is not None else "—"


def _unit_row(campaign_id: str, u: UnitScores) -> dict[str, Any]:
    return {"rank": fmt(u.rank), "unit": u.unit,
            "href": f"/ui/campaigns/{quote(campaign_id, safe='')}/units/{quote(u.unit, safe='')}",
            "submitted": u.submitted, "unconfirmed": len(u.unconfirmed),
            "self_total": fmt(u.self_total), "score": fmt(u.score), "bonus": fmt(u.bonus), "penalty": fmt(u.penalty),
            "survey": fmt(u.survey) if u.survey is not None else "—", "total": fmt(u.total),
            "attainable": fmt(u.attainable), "index": _pct(u.index),
            "band": f"{u.band} – {u.band_label}" if u.band and u.band_label else (u.band or "—")}


def _field_rows(group: CouncilGroup) -> list[dict[str, Any]]:
    """Per unit (ranking order): each field's sub-index and rank in the group."""
    out = []
    for u in group.units:
        parts = {f.code: f for f in u.fields}
        cells = []
        for h in group.fields:
            part = parts.get(h.code)
            cells.append({"index": _pct(part.index if part else None),
                          "rank": fmt(part.rank) if part and part.rank is not None else "—"})
        out.append({"unit": u.unit, "cells": cells})
    return out


def _group(export: CouncilExport, g: CouncilGroup) -> dict[str, Any]:
    base = _base(export.campaign_id)
    return {"code": g.code, "title": g.title, "rubric_title": g.rubric_title, "max_score": fmt(g.max_score),
            "rows": [_unit_row(export.campaign_id, u) for u in g.units],
            "fields": [{"label": f"{h.stt or h.code}. {h.title}", "max": fmt(h.max_score)} for h in g.fields],
            "field_rows": _field_rows(g),
            "charts": [{"name": name, "alt": f"{alt} — {g.title}",
                        "src": f"{base}/{quote(g.code, safe='')}/charts/{name}.svg"} for name, alt in CHARTS.items()]}


@router.get("/campaigns/{campaign_id}/council", response_class=HTMLResponse)
def council_page(request: Request, campaign_id: str, p: PageUser) -> HTMLResponse:
    export = council.build_council(runtime(request), p, campaign_id)
    return render(request, "council.html", {
        "x": export, "groups": [_group(export, g) for g in export.groups],
        "generated": generated_line(export.generated_at), "downloads": download_links(campaign_id),
        "campaign_href": f"/ui/campaigns/{quote(campaign_id, safe='')}"})


@router.get("/campaigns/{campaign_id}/council/download")
def council_download(request: Request, campaign_id: str, p: PageUser,
                     format: Annotated[Literal["json", "xlsx", "docx", "html"], Query()] = "xlsx",
                     group: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """The council's file, as ``GET /campaigns/{id}/council`` gives it."""
    export = council_downloads.one_group(council.build_council(runtime(request), p, campaign_id), group)
    return Response(council_downloads.render_council(export, format), media_type=MEDIA_TYPES[format],
                    headers=council_downloads.download_headers(export, format, group))


@router.get("/campaigns/{campaign_id}/council/{group}/charts/{name}.svg")
def council_chart(request: Request, campaign_id: str, p: PageUser,
                  group: Annotated[str, PathParam(max_length=200)],
                  name: Literal["chi-so", "linh-vuc"]) -> Response:
    export = council.build_council(runtime(request), p, campaign_id)
    return Response(council_downloads.group_chart(export, group, name), media_type=MEDIA_TYPES["svg"],
                    headers={"Cache-Control": "no-store"})
