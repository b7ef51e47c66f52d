"""A stored document's page with a span highlighted (from the reference search), page images (thumbnails at a
low dpi), and the original file as the unit sent it (opened in the browser or downloaded)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.extraction import Signature
from models.pages import FileKind
from models.tables import Blob, Submission, SubmissionFile
from verifier.messages import KIND_VI
from verifier.signatures import describe as describe_signature

from ..service import documents
from ..service.access import Principal, may_read_document, require_document
from ..service.errors import not_found
from ..service.filenames import EVIDENCE_MEDIA_TYPES, content_disposition
from ..service.status import FileStatus
from ..service.store import records
from .views import (
    IMAGE_DPI,
    ApiUser,
    PageUser,
    alternatives_of,
    highlight_boxes,
    method_label,
    page_of,
    render,
    runtime,
    viewer_doc,
)

router = APIRouter()

# The original's extension by its kind from its content (``Blob.kind``, detected at intake); its media type is
# ``EVIDENCE_MEDIA_TYPES``'s, and a kind without a viewer is a download.
EXTENSIONS = {FileKind.PDF.value: ".pdf", FileKind.JPEG.value: ".jpg", FileKind.PNG.value: ".png",
              FileKind.TIFF.value: ".tif"}


def _original_name(s: Session, p: Principal, sha256: str, kind: str) -> str:
    """The file's name as a unit sent it (without its folder in the submission): from the principal's own
    submissions for a unit, any submission for staff; a neutral name with the kind's extension otherwise."""
    q = select(SubmissionFile.name).where(SubmissionFile.sha256 == sha256)
    if not p.is_staff:
        q = q.join(Submission).where(Submission.unit_id == p.unit_id)
    name = s.scalar(q.order_by(SubmissionFile.id).limit(1))
    base = name.replace("\\", "/").rsplit("/", 1)[-1] if name else ""
    return base or f"tai-lieu{EXTENSIONS.get(kind, '')}"


@router.get("/documents/{sha256}/original")
def original_file(request: Request, sha256: str, p: ApiUser, download: bool = False) -> Response:
    """The evidence file as it was sent (the same bytes), inline for the browser's own viewer or as a download,
    named as the unit named it (RFC 6266). NOT_FOUND for a file the principal may not read: a unit learns
    nothing of another unit's files."""
    rt = runtime(request)
    with rt.db.session() as s:
        blob = s.get(Blob, sha256) if len(sha256) == 64 else None
        if blob is None or not may_read_document(s, p, sha256):
            raise not_found("document", "Không tìm thấy tệp.")
        kind = blob.kind
        name = _original_name(s, p, sha256, kind)
    try:
        path = rt.blobs.local_path(sha256)
    except FileNotFoundError as exc:
        raise not_found("document", "Không tìm thấy tệp.") from exc
    media = EVIDENCE_MEDIA_TYPES.get(kind)
    inline = media is not None and not download
    return FileResponse(path, media_type=media or "application/octet-stream", headers={
        "Content-Disposition": content_disposition(name, inline=inline), "Cache-Control": "private, no-store"})


@router.get("/documents/{sha256}/pages/{number}/image")
def page_image(request: Request, sha256: str, number: int, p: ApiUser,
               dpi: Annotated[int, Query(ge=36, le=200)] = IMAGE_DPI) -> Response:
    rt = runtime(request)
    with rt.db.session() as s:
        require_document(s, p, sha256)
    png = documents.page_png(rt, sha256, number, dpi)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.get("/documents/{sha256}/pages/{number}", response_class=HTMLResponse)
def document_page(request: Request, sha256: str, number: int, p: PageUser,
                  start: Annotated[int, Query(ge=0)] = 0, end: Annotated[int, Query(ge=0)] = 0,
                  q: str = "") -> HTMLResponse:
    """One page of a stored document, with a span highlighted (from the reference search)."""
    with runtime(request).db.session() as s:
        require_document(s, p, sha256)
        doc = records.find_document(s, sha256)
        if doc is None:
            raise not_found("document", "Không tìm thấy tài liệu.")
        page, count = page_of(s, sha256, number, {})
        if page is None:
            raise not_found("page", "Không tìm thấy trang.")
        names = s.scalars(select(SubmissionFile.name).where(SubmissionFile.sha256 == sha256).limit(1)).all()
        docs: dict[str, dict[str, Any]] = {}
        viewer_doc(s, sha256, docs)
        err = (doc.extraction or {}).get("error") or {}
        title = {"number": doc.number, "title": doc.title, "doc_type": doc.doc_type, "issuer": doc.issuer,
                 "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
                 "notes": list((doc.ingested or {}).get("notes") or []),
                 "kind": KIND_VI.get(((doc.extraction or {}).get("document") or {}).get("kind", ""), "")
                 if doc.status == FileStatus.OK else "",
                 "signatures": [describe_signature(Signature.model_validate(g))
                                for g in (doc.extraction or {}).get("signatures") or []],
                 "error": (err.get("message_vi") or doc.error_message) if doc.status == FileStatus.ERROR else None}
    boxes = highlight_boxes(page, start, end, None)
    quote = page.text[start:end] if end > start else ""
    item = {"kind": "evidence" if boxes else "document", "finding": None, "code": "", "severity": "info",
            "message": f"Trích dẫn: {quote}" if quote else "", "file": names[0] if names else sha256[:12],
            "sha256": sha256, "page": number, "pages": count, "text": quote,
            "confidence": min([b["conf"] for b in boxes if b["conf"] is not None] or [1.0]),
            "low": any(b["low"] for b in boxes), "boxes": boxes, "alts": alternatives_of(boxes),
            "method": page.method.value}
    ctx = {"doc": title, "item": item, "q": q, "read_as": method_label(page.method.value, page.ocr_confidence),
           "viewer_id": "viewer", "pane_id": "doc-pane", "evidence_nav": False,
           "items_json": json.dumps([item], ensure_ascii=False).replace("</", "<\\/"),
           "docs_json": json.dumps(docs, ensure_ascii=False).replace("</", "<\\/")}
    return render(request, "document.html", ctx)
