"""The reference search: which units cite a document number (staff only)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..service import references
from ..service.errors import forbidden
from .views import PageUser, render, runtime

router = APIRouter()


@router.get("/references", response_class=HTMLResponse)
def references_page(request: Request, p: PageUser, number: str = "") -> HTMLResponse:
    if not p.is_staff:
        raise forbidden("Chỉ thẩm định viên được tra cứu văn bản của mọi đơn vị.")
    number = number.strip()[:120]
    result = None
    error = None
    if number:
        if len(number) < 3:
            error = "Hãy nhập số, ký hiệu văn bản (ít nhất 3 ký tự), ví dụ 1143/QĐ-UBND."
        else:
            with runtime(request).db.session() as s:
                result = references.search(s, number, 200)
            result["units"] = sorted({a["unit"] or "(chưa rõ)" for r in result["documents"] + result["citing"]
                                      for a in r["attached_by"]})
    return render(request, "references.html", {"number": number, "result": result, "error": error})
