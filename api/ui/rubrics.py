"""The criteria sets' downloads: the empty self-assessment sheet of a bundled rubric (linked from the upload
form and from the message of a sheet that could not be read)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from ..service.sheet_template import template_bytes, template_filename, template_rubric
from .views import PageUser

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_url(rubric: str) -> str:
    return f"/ui/rubrics/{rubric}/template.xlsx"


@router.get("/rubrics/{rubric}/template.xlsx")
def sheet_template(rubric: str, p: PageUser) -> Response:
    r = template_rubric(rubric)
    return Response(template_bytes(r), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{template_filename(r)}"'})
