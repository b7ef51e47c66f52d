"""One criterion beside its evidence pages (the quoted words highlighted), and the appraiser's decision."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from models.report import Report
from models.tables import Submission
from verifier.evidence import LOW_CONFIDENCE
from verifier.messages import parse_score

from ..service import decisions, reports
from ..service.access import visible_submission
from ..service.errors import ServiceCode, ServiceError, forbidden, not_found, not_ready
from ..service.submissions import sheet_claims
from .schemas import DecisionReply
from .security import CSRF_FIELD, check_csrf
from .views import (
    VERDICTS,
    PageUser,
    criterion_flags,
    evidence_items,
    load_submission,
    render,
    runtime,
    totals_json,
    wants_json,
)

router = APIRouter()


def _neighbours(report: Report, code: str, verdicts: set[str]) -> tuple[str | None, str | None]:
    codes = [c.code for c in report.criteria if not verdicts or c.verdict.value in verdicts or c.code == code]
    i = codes.index(code)
    return (codes[i - 1] if i > 0 else None), (codes[i + 1] if i + 1 < len(codes) else None)


@router.get("/submissions/{submission_id}/criteria/{code}", response_class=HTMLResponse)
def criterion_page(request: Request, submission_id: str, code: str, p: PageUser, v: str = "") -> HTMLResponse:
    info, report, files = load_submission(request, p, submission_id)
    if report is None:
        raise not_ready(info["status"])
    c = next((x for x in report.criteria if x.code == code), None)
    if c is None:
        raise not_found("criterion", "Không có tiêu chí này trong hồ sơ.")
    verdicts = {x for x in v.split(",") if x in VERDICTS}
    prev_code, next_code = _neighbours(report, code, verdicts)
    rt = runtime(request)
    docs: dict[str, dict[str, Any]] = {}
    with rt.db.session() as s:
        items = evidence_items(s, c, files, docs)
        history = decisions.history(s, submission_id, code)
    alts = {f"{it['finding']}:{it['ev']}": it["alts"] for it in items if it["kind"] == "evidence" and it["alts"]}
    claim = sheet_claims(rt, info["sheet_sha256"], info["sheet"]).get(code)
    ctx = {"sub": info, "c": c, "claim": claim, "items": items, "flags": criterion_flags(c), "history": history,
           "current": history[0] if history else None, "prev_code": prev_code, "next_code": next_code,
           "vq": ",".join(sorted(verdicts)), "files": files, "low_threshold": LOW_CONFIDENCE,
           "alts": alts, "viewer_id": "viewer", "pane_id": "claim-pane", "evidence_nav": True,
           "items_json": json.dumps(items, ensure_ascii=False).replace("</", "<\\/"),
           "docs_json": json.dumps(docs, ensure_ascii=False).replace("</", "<\\/")}
    return render(request, "criterion.html", ctx)


@router.post("/submissions/{submission_id}/criteria/{code}/decision", response_model=None,
             responses={200: {"model": DecisionReply}})
def decide(request: Request, submission_id: str, code: str, p: PageUser,
           csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
           action: Annotated[str, Form(max_length=16)] = "accept",
           score: Annotated[str, Form(max_length=20)] = "",
           comment: Annotated[str, Form(max_length=4000)] = "",
           v: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(request, csrf)
    if not p.is_staff:
        raise forbidden("Chỉ thẩm định viên được ghi kết quả thẩm định.")
    value = parse_score(score) if score.strip() else None
    with runtime(request).db.session() as s:
        sub = visible_submission(p, s.get(Submission, submission_id))
        report = reports.checked_report(sub)
        if score.strip() and value is None:
            raise ServiceError(ServiceCode.DECISION_INVALID, "score is not a number", "Điểm thẩm định phải là một số.")
        d = decisions.record(s, p, submission_id, code, action=action, score=value, comment=comment)
        out = decisions.as_dict(d)
        decided = decisions.current(s, submission_id)
    if wants_json(request):
        reply = DecisionReply.model_validate({"decision": out, "totals": totals_json(report, decided)})
        return JSONResponse(reply.model_dump(mode="json"))
    suffix = f"?v={v}" if v else ""
    return RedirectResponse(f"/ui/submissions/{submission_id}/criteria/{code}{suffix}#quyet-dinh", status_code=303)
