"""``/campaigns/{id}/council``: what the appraisal council receives (``service.council``), as ``kiemchung
campaign export`` writes it — JSON (``CouncilExport``), XLSX, DOCX, or one self-contained HTML page with the
ranking and the charts inline — for the whole campaign or one unit group; and one group's chart as SVG.

Staff only (admin and appraiser tokens): the council's tables show every unit, so a unit token is
``403 FORBIDDEN``, as the CLI refuses it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import Response

from models.council import CouncilExport

from ..service import council, council_downloads
from ..service.council_downloads import MEDIA_TYPES
from .deps import Auth, Rt

router = APIRouter(prefix="/campaigns", tags=["council"])

Format = Literal["json", "xlsx", "docx", "html"]  # council_downloads.FORMATS
Group = Annotated[str | None, Query(max_length=200, description="one unit group's code; all groups without it")]
Chart = Literal["chi-so", "linh-vuc"]  # council_downloads.CHARTS

_FILES = {fmt: {"schema": {"type": "string", "format": "binary"}} for fmt in ("xlsx", "docx")}


@router.get("/{campaign_id}/council", response_model=CouncilExport, responses={200: {"content": {
    MEDIA_TYPES["xlsx"]: _FILES["xlsx"], MEDIA_TYPES["docx"]: _FILES["docx"],
    "text/html": {"schema": {"type": "string"}}}}})
def get_council(rt: Rt, campaign_id: str, p: Auth, format: Format = "json", group: Group = None) -> Response:
    """What the council receives: per group the ranking (overall, by field, by criterion; ties share a rank)
    and every unit's score table with both rounds. `format`: `json` (the `CouncilExport` of `council.json`),
    `xlsx`, `docx`, or `html` (the ranking and the charts inline, opened in the browser). The file is named
    `hoi-dong-<campaign>.<format>` (one group: `hoi-dong-<campaign>-<group title>.<format>`)."""
    export = council_downloads.one_group(council.build_council(rt, p, campaign_id), group)
    return Response(council_downloads.render_council(export, format), media_type=MEDIA_TYPES[format],
                    headers=council_downloads.download_headers(export, format, group))


@router.get("/{campaign_id}/council/{group}/charts/{name}.svg", response_class=Response,
            responses={200: {"content": {MEDIA_TYPES["svg"]: {"schema": {"type": "string"}}}}})
def get_council_chart(rt: Rt, campaign_id: str, group: Annotated[str, PathParam(max_length=200)], name: Chart,
                      p: Auth) -> Response:
    """One group's chart as SVG: `chi-so` (each unit's index, coloured by band) or `linh-vuc` (each field's
    sub-index across the group: mean, lowest–highest)."""
    export = council.build_council(rt, p, campaign_id)
    return Response(council_downloads.group_chart(export, group, name), media_type=MEDIA_TYPES["svg"],
                    headers={"Cache-Control": "no-store"})
