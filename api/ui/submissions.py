"""The submissions screens: the list by unit and year, the upload form (live progress), one submission's
appraisal table, its progress as JSON for the page's script, and the report exports."""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from models.errors import ErrorCode
from models.tables import Submission

from ..jobs.schedule import submit_upload
from ..service import decisions, reports
from ..service.access import visible_submission
from ..service.errors import ServiceCode, ServiceError, not_found
from ..service.progress import submission_progress
from ..service.status import OPEN_SUBMISSION
from ..service.store import records
from ..service.submissions import SubmissionFilter, filter_choices, list_submissions
from .security import CSRF_FIELD, check_csrf
from .views import STATUS_VI, ApiUser, PageUser, file_progress, render, rubrics, runtime, table_model, wants_json

router = APIRouter()
PER_PAGE = 50


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def submissions_page(request: Request, p: PageUser, unit: str | None = None, year: str | None = None,
                     status: str | None = None, page: Annotated[int, Query(ge=1, le=100000)] = 1,
                     partial: bool = False) -> HTMLResponse:
    yr = int(year) if year and year.isdigit() and 2000 <= int(year) <= 2100 else None
    wanted = SubmissionFilter(unit=unit or None, year=yr, status=status if status in STATUS_VI else None)
    with runtime(request).db.session() as s:
        total, rows = list_submissions(s, p, wanted, page=page, per_page=PER_PAGE, by_unit=True)
        ids = [r.id for r in rows]
        counts, decided = records.verdict_counts(s, ids), decisions.decided_counts(s, ids)
        groups: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        for r in rows:
            groups.setdefault(r.unit.name if r.unit else "(chưa rõ đơn vị)", []).append({
                "id": r.id, "year": r.year, "status": r.status, "source": r.source, "created_at": r.created_at,
                "verdicts": counts[r.id], "claimed": r.claimed_total, "supported": r.supported_total,
                "decided": decided.get(r.id, 0), "n": sum(counts[r.id].values()),
                "progress": submission_progress(s, r).model_dump() if r.status in OPEN_SUBMISSION else None})
        units, years = filter_choices(s, p)  # a unit's filters offer only its own unit and the years it submitted
    ctx = {"groups": groups, "total": total, "page": page, "pages": max(1, -(-total // PER_PAGE)),
           "units": units, "years": years, "f": {"unit": unit or "", "year": yr or "", "status": status or ""},
           "live": any(i["status"] in OPEN_SUBMISSION for g in groups.values() for i in g)}
    return render(request, "list_rows.html" if partial else "list.html", ctx)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, p: PageUser) -> HTMLResponse:
    return render(request, "upload.html", {"rubrics": rubrics(), "error": None})


@router.post("/submissions")
def upload(request: Request, p: PageUser,
           files: Annotated[list[UploadFile], File()],
           csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
           unit: Annotated[str, Form(max_length=300)] = "",
           year: Annotated[str, Form(max_length=10)] = "",
           rubric: Annotated[str, Form(max_length=200)] = "par-reference") -> Response:
    check_csrf(request, csrf)

    def fail(status: int, message_vi: str, code: ErrorCode | ServiceCode | None = None) -> Response:
        """The form again with the reason (JSON for the page's script)."""
        if wants_json(request):
            return JSONResponse({"error": {"code": code.value if code else None, "message_vi": message_vi}},
                                status_code=status)
        return render(request, "upload.html", {"rubrics": rubrics(), "error": message_vi}, status=status)

    files = [f for f in files if f.filename]
    if not files:
        return fail(422, "Chưa chọn tệp nào.")
    yr = None
    if year.strip():
        if not year.strip().isdigit() or not 2000 <= int(year) <= 2100:
            return fail(422, "Năm đánh giá phải là số từ 2000 đến 2100.")
        yr = int(year)
    try:
        sub_id = submit_upload(runtime(request), p, list(files), unit=unit, year=yr, rubric=rubric)
    except ServiceError as exc:  # the archive's or the sheet's own reason (ZIP_BOMB, CORRUPT_ARCHIVE, …)
        return fail(exc.http_status, exc.message_vi, exc.code)
    url = f"/ui/submissions/{sub_id}"
    if wants_json(request):
        return JSONResponse({"id": sub_id, "url": url}, status_code=201)
    return RedirectResponse(url, status_code=303)


@router.get("/api/submissions/{submission_id}/progress")
def progress_json(request: Request, submission_id: str, p: ApiUser) -> dict[str, Any]:
    with runtime(request).db.session() as s:
        sub = s.get(Submission, submission_id)
        if sub is None or (not p.is_staff and sub.unit_id != p.unit_id):  # another unit's: as if absent
            raise not_found("submission", "Không tìm thấy hồ sơ.")
        return file_progress(s, sub)


@router.get("/submissions/{submission_id}", response_class=HTMLResponse)
def submission_page(request: Request, submission_id: str, p: PageUser) -> HTMLResponse:
    with runtime(request).db.session() as s:
        sub = visible_submission(p, s.get(Submission, submission_id))
        prog = file_progress(s, sub)
        report = records.report_if_checked(sub)
        decided = decisions.current(s, sub.id) if report else {}
        info = {"id": sub.id, "unit": sub.unit.name if sub.unit else None, "year": sub.year, "status": sub.status,
                "source": sub.source, "sheet": sub.sheet_name, "rubric": sub.rubric, "created_at": sub.created_at}
    ctx = {"sub": info, "prog": prog, "report": report, "decided": decided,
           "table": table_model(report, decided) if report else None}
    return render(request, "submission.html", ctx)


@router.get("/submissions/{submission_id}/report.{fmt}")
def export(request: Request, submission_id: str, fmt: str, p: PageUser) -> Response:
    if fmt not in reports.FORMATS:
        raise not_found("report format", "Định dạng không được hỗ trợ.")
    with runtime(request).db.session() as s:
        sub = visible_submission(p, s.get(Submission, submission_id))
        data = reports.render_report(s, reports.checked_report(sub), submission_id, fmt)
        base = re.sub(r"[^\w.-]+", "-", f"bao-cao-{sub.unit.name if sub.unit else 'don-vi'}-{sub.year or ''}",
                      flags=re.ASCII).strip("-") or "bao-cao"
    how = "inline" if fmt == "html" else "attachment"
    return Response(data, media_type=reports.MEDIA_TYPES[fmt],
                    headers={**reports.response_headers(fmt), "Content-Disposition": f'{how}; filename="{base}.{fmt}"'})
