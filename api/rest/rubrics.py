"""``/rubrics``: the bundled criteria sets, and the empty self-assessment sheet of each."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from verifier import bundled_rubrics

from ..service.sheet_template import template_bytes, template_filename, template_rubric
from .deps import Auth

router = APIRouter(prefix="/rubrics", tags=["rubrics"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RubricItem(BaseModel):
    id: str
    title: str
    subcriteria: int
    max_total: float
    template: str


@router.get("", response_model=list[RubricItem])
def get_rubrics(p: Auth) -> list[RubricItem]:
    items = []
    for rid in bundled_rubrics():
        r = template_rubric(rid)
        items.append(RubricItem(id=r.id, title=r.title, subcriteria=len(r.subcriteria()), max_total=r.max_total,
                                template=f"/rubrics/{rid}/template"))
    return items


@router.get("/{rubric_id}/template", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "The empty self-assessment sheet (XLSX)"}})
def get_template(rubric_id: str, p: Auth) -> Response:
    """The empty self-assessment sheet of a bundled rubric: title rows, the header row, one row per field,
    criterion and sub-criterion with its code, title and maximum."""
    r = template_rubric(rubric_id)
    return Response(template_bytes(r), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{template_filename(r)}"'})
