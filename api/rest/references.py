"""``/references``: which stored documents carry a number and which cite it (staff only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ..service import references
from . import schemas
from .deps import Rt, Staff

router = APIRouter(prefix="/references", tags=["references"])


@router.get("", response_model=schemas.ReferenceSearch)
def get_references(rt: Rt, p: Staff, number: Annotated[str, Query(min_length=3, max_length=120)],
                   limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    """Which stored documents are that document, and which cite it — exact and OCR-tolerant, scored."""
    with rt.db.session() as s:
        return references.search(s, number, limit)


@router.get("/graph", response_model=schemas.ReferenceGraph)
def reference_graph(rt: Rt, p: Staff, number: Annotated[str, Query(min_length=3, max_length=120)],
                    depth: Annotated[int, Query(ge=1, le=3)] = 1) -> dict[str, Any]:
    """Follow citations outward from the documents with this number."""
    with rt.db.session() as s:
        return references.graph(s, references.canonical(number), depth)
