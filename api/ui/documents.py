"""A stored document's page with a span highlighted (from the reference search), and page images."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from models.extraction import Signature
from models.tables import SubmissionFile
from verifier.messages import KIND_VI
from verifier.signatures import describe as describe_signature

from ..service import documents
from ..service.access import require_document
from ..service.errors import not_found
from ..service.status import FileStatus
from ..service.store import records
from .views import IMAGE_DPI, ApiUser, PageUser, highlight_boxes, page_of, render, runtime

router = APIRouter()


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
            "low": any(b["low"] for b in boxes), "boxes": boxes, "method": page.method.value}
    ctx = {"doc": title, "item": item, "q": q, "items_json": json.dumps([item], ensure_ascii=False).replace("</", "<\\/")}
    return render(request, "document.html", ctx)
