"""``/documents``: read one evidence file; a stored document's extraction, pages and page images."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import Response
from sqlalchemy import select

from models.pages import Page
from models.tables import PageRow

from ..jobs.schedule import submit_upload_document
from ..service import documents
from ..service.access import require_document
from ..service.errors import not_found
from ..service.status import DocumentState
from ..service.store import records
from . import schemas
from .deps import Auth, Rt, Staff

router = APIRouter(prefix="/documents", tags=["documents"])


@router.post("", status_code=202, response_model=schemas.Accepted, response_model_exclude_none=True)
def create_document(rt: Rt, p: Staff, file: Annotated[UploadFile, File()]) -> schemas.Accepted:
    """Read one evidence file (text layer or OCR) and extract it; poll GET /documents/{sha256}."""
    sha = submit_upload_document(rt, file)
    return schemas.Accepted(id=sha, status=DocumentState.QUEUED,
                            links=schemas.Links.model_validate({"self": f"/documents/{sha}"}))


@router.get("/{sha256}", response_model=schemas.DocumentPending | schemas.DocumentOut)
def get_document(rt: Rt, sha256: str, p: Auth) -> schemas.DocumentPending | schemas.DocumentOut:
    with rt.db.session() as s:
        require_document(s, p, sha256)
        doc = records.find_document(s, sha256)
        if doc is None:
            state, done, total = documents.pending_state(s, sha256)
            return schemas.DocumentPending(id=sha256, status=state, pages_done=done, pages_total=total)
        x = records.load_extraction(doc, doc.extraction.get("file", sha256))
        return schemas.DocumentOut.model_validate({**x.model_dump(), "id": sha256, "status": doc.status,
                                                   "pages_ocr": doc.pages_ocr})


@router.get("/{sha256}/pages/{number}", response_model=Page)
def get_page(rt: Rt, sha256: str, number: int, p: Auth) -> Page:
    """One page as read: text, words as columns (text, offsets, box in points, confidence, line),
    how it was read and why."""
    with rt.db.session() as s:
        require_document(s, p, sha256)
        doc = records.find_document(s, sha256)
        if doc is None:
            raise not_found("document")
        row = s.scalar(select(PageRow).where(PageRow.document_id == doc.id, PageRow.number == number))
        if row is None:
            raise not_found("page")
        return Page.model_validate(row.data)  # (pages stored before 0.2.1 hold words as a list)


@router.get("/{sha256}/pages/{number}/image", responses={200: {"content": {"image/png": {}}}})
def get_page_image(rt: Rt, sha256: str, number: int, p: Auth,
                   dpi: Annotated[int, Query(ge=36, le=200)] = 110) -> Response:
    with rt.db.session() as s:
        require_document(s, p, sha256)
    return Response(documents.page_png(rt, sha256, number, dpi), media_type="image/png")
