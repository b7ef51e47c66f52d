"""The submissions screens: the list by unit and year, the upload form (live progress), one submission's
appraisal table, its progress as JSON for the page's script, and the report exports."""

from __future__ import annotations

from collections import OrderedDict
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from models.errors import ErrorCode
from models.tables import Submission

from ..jobs.schedule import submit_upload
from ..service import decisions, reports
from ..service.access import may_withdraw, visible_submission
from ..service.errors import ServiceCode, ServiceError, not_found
from ..service.progress import submission_progress
from ..service.sheet_headers import HeaderReport, WrongSheet
from ..service.status import OPEN_SUBMISSION
from ..service.store import records
from ..service.submissions import SubmissionFilter, filter_choices, list_submissions, standings, withdraw_submission
from .rubrics import template_url
from .schemas import ProgressPoll, UploadAccepted
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
        standing = standings(s, list(rows))
        groups: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        for r in rows:
            groups.setdefault(r.unit.name if r.unit else "(chưa rõ đơn vị)", []).append({
                "id": r.id, "year": r.year, "status": r.status, "source": r.source, "created_at": r.created_at,
                "verdicts": counts[r.id], "claimed": r.claimed_total, "supported": r.supported_total,
                "decided": decided.get(r.id, 0), "n": sum(counts[r.id].values()), "standing": standing.get(r.id),
                "progress": submission_progress(s, r).model_dump() if r.status in OPEN_SUBMISSION else None})
        units, years = filter_choices(s, p)  # a unit's filters offer only its own unit and the years it submitted
    ctx = {"groups": groups, "total": total, "page": page, "pages": max(1, -(-total // PER_PAGE)),
           "units": units, "years": years, "f": {"unit": unit or "", "year": yr or "", "status": status or ""},
           "live": any(i["status"] in OPEN_SUBMISSION for g in groups.values() for i in g)}
    return render(request, "list_rows.html" if partial else "list.html", ctx)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, p: PageUser) -> HTMLResponse:
    return render(request, "upload.html", {"rubrics": rubrics(), "error": None, "chosen": "par-reference",
                                           "template_url": template_url("par-reference")})


SHEET_CODES = (ErrorCode.NO_SHEET, ErrorCode.SHEET_INVALID)  # refusals answered with the sheet template too


@router.post("/submissions", responses={201: {"model": UploadAccepted}})
def upload(request: Request, p: PageUser,
           files: Annotated[list[UploadFile], File()],
           csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
           unit: Annotated[str, Form(max_length=300)] = "",
           year: Annotated[str, Form(max_length=10)] = "",
           rubric: Annotated[str, Form(max_length=200)] = "par-reference") -> Response:
    check_csrf(request, csrf)

    chosen = rubric if rubric in rubrics() else "par-reference"

    def fail(status: int, message_vi: str, code: ErrorCode | ServiceCode | None = None,
             headers: HeaderReport | None = None) -> Response:
        """The form again with the reason — for a sheet that could not be read, the headers found against
        those expected, and the sheet template to download (JSON for the page's script)."""
        template = template_url(chosen) if code in SHEET_CODES else None
        if wants_json(request):
            return JSONResponse({"error": {"code": code.value if code else None, "message_vi": message_vi,
                                           "sheet": headers.model_dump() if headers else None,
                                           "template_url": template}}, status_code=status)
        return render(request, "upload.html", {"rubrics": rubrics(), "error": message_vi, "sheet": headers,
                                               "error_template": template, "chosen": chosen,
                                               "template_url": template_url(chosen)}, status=status)

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
        if isinstance(exc, WrongSheet):  # the headers as a table beside the reason, not repeated in the sentence
            return fail(exc.http_status, exc.reason_vi, exc.code, exc.headers)
        return fail(exc.http_status, exc.message_vi, exc.code)
    url = f"/ui/submissions/{sub_id}"
    if wants_json(request):
        return JSONResponse(UploadAccepted(id=sub_id, url=url).model_dump(), status_code=201)
    return RedirectResponse(url, status_code=303)


@router.get("/api/submissions/{submission_id}/progress", response_model=ProgressPoll)
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
                "source": sub.source, "sheet": sub.sheet_name, "rubric": sub.rubric, "created_at": sub.created_at,
                "standing": standings(s, [sub]).get(sub.id), "withdrawn_at": sub.withdrawn_at,
                "withdrawn_by": sub.withdrawn_by_label, "withdrawn_reason": sub.withdrawn_reason}
    ctx = {"sub": info, "prog": prog, "report": report, "decided": decided, "may_withdraw": may_withdraw(p),
           "table": table_model(report, decided) if report else None}
    return render(request, "submission.html", ctx)


@router.post("/submissions/{submission_id}/withdraw")
def withdraw(request: Request, submission_id: str, p: PageUser,
             csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
             reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Withdraw the submission (the confirmation step of its page's form); it stays, shown as withdrawn."""
    check_csrf(request, csrf)
    with runtime(request).db.session() as s:
        withdraw_submission(s, p, submission_id, reason)
    return RedirectResponse(f"/ui/submissions/{submission_id}", status_code=303)


@router.get("/submissions/{submission_id}/report.{fmt}")
def export(request: Request, submission_id: str, fmt: str, p: PageUser) -> Response:
    if fmt not in reports.FORMATS:
        raise not_found("report format", "Định dạng không được hỗ trợ.")
    with runtime(request).db.session() as s:
        sub = visible_submission(p, s.get(Submission, submission_id))
        data = reports.render_report(s, reports.checked_report(sub), submission_id, fmt)
        headers = reports.download_headers(sub, fmt)
    return Response(data, media_type=reports.MEDIA_TYPES[fmt], headers=headers)
