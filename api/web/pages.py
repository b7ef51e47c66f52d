"""The appraisers' web interface: server-rendered pages (Jinja2) under /ui, a little plain JavaScript.

Screens: sign-in, submissions by unit and year, upload with live progress, the appraisal table of a
submission, one criterion with its evidence pages (highlighted words), decisions, exports, and
the reference search. Pages use the ``kc_token`` cookie, a server-side session (see ``security``);
the REST API is unchanged and keeps bearer tokens.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import func, select

import ingest
from models import PIPELINE_VERSION
from models.errors import ErrorCode
from models.extraction import Signature
from models.pages import Page
from models.report import CriterionResult, Report
from models.tables import Document, JobRow, PageRow, Submission, SubmissionFile, Unit
from verifier.evidence import LOW_CONFIDENCE
from verifier.signatures import describe as describe_signature
from verifier.messages import KIND_VI, SEVERITY_VI, VERDICT_VI

from .. import decisions as decisions_mod
from .. import exports, records
from ..auth import Principal, authenticate, may_read_document
from ..errors import ApiError
from ..templating import templates
from . import security, sessions
from .security import (
    COOKIE,
    CSRF_FIELD,
    LOGIN_COOKIE,
    api_principal,
    check_csrf,
    check_login_csrf,
    csrf_token,
    new_login_nonce,
    page_principal,
    safe_next,
)

HERE = Path(__file__).resolve().parent

router = APIRouter(prefix="/ui", include_in_schema=False)

PageUser = Annotated[Principal, Depends(page_principal)]
ApiUser = Annotated[Principal, Depends(api_principal)]

VERDICTS = ["REFUTED", "NOT_ENOUGH_EVIDENCE", "MANUAL_REVIEW", "SUPPORTED"]
STATUS_VI = {"queued": "Đang chờ", "running": "Đang xử lý", "done": "Đã kiểm tra", "failed": "Lỗi"}
ROLE_VI = {"admin": "Quản trị", "appraiser": "Thẩm định viên", "unit": "Đơn vị"}
IMAGE_DPI = 144  # page images: 2 px per point, crisp at fit-width and at 150 % zoom
# What the pages use: scripts and the stylesheet from /ui/static (no inline script, style or handler
# attributes; evidence data rides in non-executed JSON blocks), page images from /ui and the data:
# favicon, fetch() to /ui, forms posted to /ui.
UI_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


class UiError(Exception):
    def __init__(self, status: int, message_vi: str):
        self.status, self.message_vi = status, message_vi


# --------------------------------------------------------------------------- helpers

def _svc(request: Request):
    return request.app.state.svc


def _render(request: Request, name: str, ctx: dict, status: int = 200) -> HTMLResponse:
    p: Principal | None = getattr(request.state, "principal", None)
    secret = security.session_secret(request)
    base = {"user": p, "role_vi": ROLE_VI.get(p.role, p.role) if p else "", "csrf": csrf_token(secret) if secret else "",
            "VERDICT_VI": VERDICT_VI, "SEVERITY_VI": SEVERITY_VI, "STATUS_VI": STATUS_VI, "VERDICTS": VERDICTS}
    if p is not None:
        with _svc(request).db.session() as s:
            base["user_label"] = decisions_mod.who(s, p)
    resp = templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Content-Security-Policy"] = UI_CSP  # nosniff, referrer and framing: api.headers, on every response
    return resp


def _visible(p: Principal, sub: Submission | None) -> Submission:
    if sub is None:
        raise UiError(404, "Không tìm thấy hồ sơ.")
    if not p.is_staff and sub.unit_id != p.unit_id:
        raise UiError(403, "Mã truy cập này không được xem hồ sơ của đơn vị khác.")
    return sub


def _doc_visible(s, p: Principal, sha: str) -> None:
    if not may_read_document(s, p, sha):
        raise ApiError(403, "FORBIDDEN", "this token may not access this resource", "Mã truy cập không có quyền này.")


def _decided_for(s, ids: list[str]) -> dict[str, int]:
    from models.tables import Decision

    if not ids:
        return {}
    rows = s.execute(select(Decision.submission_id, func.count(func.distinct(Decision.code)))
                     .where(Decision.submission_id.in_(ids)).group_by(Decision.submission_id))
    return {sid: n for sid, n in rows}


def _report(sub: Submission) -> Report:
    if sub.status != "done" or not sub.report:
        raise UiError(409, "Hồ sơ chưa kiểm tra xong.")
    return Report.model_validate(sub.report)


def _load_submission(request: Request, p: Principal, submission_id: str):
    """(submission row detached, report or None, file name -> sha256)"""
    with _svc(request).db.session() as s:
        sub = _visible(p, s.get(Submission, submission_id))
        report = Report.model_validate(sub.report) if sub.status == "done" and sub.report else None
        files = {f.name: f.sha256 for f in sub.files if f.sha256}
        info = {"id": sub.id, "unit": sub.unit.name if sub.unit else None, "year": sub.year, "status": sub.status,
                "source": sub.source, "sheet": sub.sheet_name, "sheet_sha256": sub.sheet_sha256,
                "rubric": sub.rubric, "created_at": sub.created_at, "error_code": sub.error_code,
                "error_message": sub.error_message}
    return info, report, files


def file_progress(s, sub: Submission) -> dict:
    """Status, progress and per-file reading state (pages read, pages OCR'd, errors)."""
    files = list(sub.files)
    shas = {f.sha256 for f in files if f.sha256}
    docs = {d.sha256: d for d in s.scalars(select(Document).where(
        Document.sha256.in_(shas), Document.pipeline_version == PIPELINE_VERSION))} if shas else {}
    jobs = {j.sha256: j for j in s.scalars(select(JobRow).where(
        JobRow.sha256.in_(shas - set(docs)), JobRow.kind == "ingest"))} if shas - set(docs) else {}
    items = []
    for f in files:
        item = {"name": f.name, "kind": f.kind, "sha256": f.sha256, "pages_done": 0, "pages_total": 0,
                "pages_ocr": 0, "error": None, "notes": []}
        doc = docs.get(f.sha256) if f.sha256 else None
        if f.status == "error" and doc is None:
            item["state"] = "error"
            item["error"] = {"code": f.error_code, "message": f.error_message}
        elif doc is not None:
            item["pages_done"] = item["pages_total"] = doc.page_count
            item["pages_ocr"] = len(doc.pages_ocr or [])
            item["notes"] = list((doc.ingested or {}).get("notes") or [])
            if doc.status == "error":
                err = (doc.extraction or {}).get("error") or {}
                item["state"] = "error"
                item["error"] = {"code": doc.error_code, "message": err.get("message_vi") or doc.error_message}
            else:
                item["state"] = "done"
        else:
            job = jobs.get(f.sha256)
            item["state"] = "reading" if job is not None and job.status == "started" else "queued"
            if job is not None:
                item["pages_done"], item["pages_total"] = job.pages_done, job.pages_total
        items.append(item)
    prog = records.submission_progress(s, sub)
    prog["pages_ocr"] = sum(i["pages_ocr"] for i in items)
    return {"id": sub.id, "status": sub.status, "status_vi": STATUS_VI.get(sub.status, sub.status),
            "unit": sub.unit.name if sub.unit else None, "year": sub.year, "progress": prog, "files": items,
            "error": {"code": sub.error_code, "message": sub.error_message} if sub.error_code else None,
            "verdicts": records.verdict_counts(s, [sub.id])[sub.id]}


_sheet_lock = threading.Lock()
_sheet_cache: OrderedDict[tuple[str, str], dict] = OrderedDict()


def _claims(request: Request, sheet_sha: str | None, sheet_name: str | None) -> dict:
    """code -> Claim from the submission's own sheet (cited documents, self-reported value)."""
    if not sheet_sha:
        return {}
    key = (sheet_sha, sheet_name or "")
    with _sheet_lock:
        if key in _sheet_cache:
            _sheet_cache.move_to_end(key)
            return _sheet_cache[key]
    from verifier import read_sheet

    try:
        sheet = read_sheet(_svc(request).blobs.local_path(sheet_sha), name=sheet_name)
        claims = {c.code: c for c in sheet.claims}
    except Exception:
        claims = {}
    with _sheet_lock:
        _sheet_cache[key] = claims
        while len(_sheet_cache) > 32:
            _sheet_cache.popitem(last=False)
    return claims


def _pct(box, w: float, h: float) -> dict:
    return {"x": round(100 * box.x0 / w, 3), "y": round(100 * box.y0 / h, 3),
            "w": round(100 * (box.x1 - box.x0) / w, 3), "h": round(100 * (box.y1 - box.y0) / h, 3)}


def _page(s, sha: str, number: int, cache: dict) -> tuple[Page | None, int]:
    key = (sha, number)
    if key not in cache:
        doc = records.find_document(s, sha)
        row = s.scalar(select(PageRow).where(PageRow.document_id == doc.id, PageRow.number == number)) if doc else None
        cache[key] = (Page.model_validate(row.data) if row is not None else None, doc.page_count if doc else 0)
    return cache[key]


def highlight_boxes(page: Page, start: int, end: int, fallback) -> list[dict]:
    """One box per line of the words inside [start, end) (percent of the page), else the span's box."""
    from models.provenance import Box

    boxes = []
    if end > start:
        lines: OrderedDict[int, list] = OrderedDict()
        for w in page.words:
            if w.start < end and w.end > start:
                lines.setdefault(w.line, []).append(w)
        for words in lines.values():
            b = Box.union([w.box for w in words])
            conf = min(w.confidence for w in words)
            boxes.append({**_pct(b, page.width, page.height), "conf": round(conf, 2),
                          "low": conf < LOW_CONFIDENCE, "text": " ".join(w.text for w in words)})
    if not boxes and fallback is not None:
        boxes.append({**_pct(fallback, page.width, page.height), "conf": None, "low": False, "text": ""})
    return boxes


def evidence_items(s, c: CriterionResult, files: dict[str, str]) -> list[dict]:
    """Every piece of evidence of the criterion's findings (then the documents used), for the viewer."""
    cache: dict = {}
    items: list[dict] = []
    for fi, f in enumerate(c.findings):
        for ei, e in enumerate(f.evidence):
            sha = e.sha256 or files.get(e.file)
            if not sha:
                continue
            page, count = _page(s, sha, e.page, cache)
            boxes = highlight_boxes(page, e.start, e.end, e.box) if page else []
            items.append({"kind": "evidence", "finding": fi, "ev": ei, "code": f.code.value, "severity": f.severity.value,
                          "message": f.message, "file": e.file, "sha256": sha, "page": e.page, "pages": count,
                          "text": e.text, "confidence": round(e.confidence, 2),
                          "low": e.confidence < LOW_CONFIDENCE or any(b["low"] for b in boxes), "boxes": boxes,
                          "method": page.method.value if page else None})
    shown = {i["file"] for i in items}
    for name in c.documents:
        sha = files.get(name)
        if sha and name not in shown:
            _, count = _page(s, sha, 1, cache)
            items.append({"kind": "document", "finding": None, "code": "", "severity": "info",
                          "message": "Tài liệu được dùng cho tiêu chí này", "file": name, "sha256": sha, "page": 1,
                          "pages": count, "text": "", "confidence": 1.0, "low": False, "boxes": [], "method": None})
    return items


def criterion_flags(c: CriterionResult) -> dict:
    sev = sorted({f.severity.value for f in c.findings})
    low = any(f.code.value == "LOW_CONFIDENCE" for f in c.findings) or any(
        e.confidence < LOW_CONFIDENCE for f in c.findings for e in f.evidence)
    main = next((f for f in c.findings if f.severity.value == "error"), None) or \
        next((f for f in c.findings if f.severity.value == "warning"), None) or (c.findings[0] if c.findings else None)
    return {"severities": sev, "low": low, "main": main}


def table_model(report: Report, decided: dict[str, dict]) -> dict:
    """The appraisal table: fields with their criteria, field and overall totals (incl. appraised)."""
    by_field: dict[str, list] = {}
    for c in report.criteria:
        by_field.setdefault(c.field_code or "", []).append(c)
    fields = []
    for ft in report.totals.by_field:
        crit = by_field.get(ft.code, [])
        fields.append({"code": ft.code, "title": ft.title, "max": ft.max_score, "claimed": ft.claimed_score,
                       "supported": ft.supported_score, "criteria": [(c, criterion_flags(c)) for c in crit],
                       "appraised": sum(decided[c.code]["score"] or 0 for c in crit if c.code in decided),
                       "decided": sum(1 for c in crit if c.code in decided), "n": len(crit)})
    if by_field.get(""):
        crit = by_field[""]
        fields.append({"code": "", "title": "Tiêu chí ngoài bộ tiêu chí", "max": None, "claimed": None,
                       "supported": None, "criteria": [(c, criterion_flags(c)) for c in crit],
                       "appraised": sum(decided[c.code]["score"] or 0 for c in crit if c.code in decided),
                       "decided": sum(1 for c in crit if c.code in decided), "n": len(crit)})
    return {"fields": fields, "appraised": sum(d["score"] or 0 for d in decided.values()),
            "decided": len(decided), "n": len(report.criteria)}


def totals_json(report: Report, decided: dict[str, dict]) -> dict:
    m = table_model(report, decided)
    return {"fields": {f["code"]: {"appraised": f["appraised"], "decided": f["decided"], "n": f["n"]}
                       for f in m["fields"]},
            "appraised": m["appraised"], "decided": m["decided"], "n": m["n"]}


# --------------------------------------------------------------------------- sign-in

@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, error: str | None = None):
    nonce = new_login_nonce()
    resp = _render(request, "login.html", {"nonce": nonce, "next": safe_next(next), "error": error},
                   status=401 if error else 200)
    resp.set_cookie(LOGIN_COOKIE, nonce, max_age=1800, httponly=True, samesite="strict", path="/ui/login",
                    secure=request.url.scheme == "https")
    return resp


@router.post("/login")
def login(request: Request, token: Annotated[str, Form(max_length=500)] = "",
          csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
          next: Annotated[str, Form(max_length=500)] = "/ui/"):
    if not check_login_csrf(request, csrf):
        return login_page(request, next, "Phiên đăng nhập đã hết hạn hoặc yêu cầu không hợp lệ; hãy thử lại.")
    svc = _svc(request)
    secret = token.strip()
    p = authenticate(svc.db, secret) if secret else None
    if p is None:
        return login_page(request, next, "Mã truy cập không hợp lệ hoặc đã bị thu hồi.")
    previous = security.session_secret(request)
    if previous:  # a new sign-in replaces the browser's session (never keep a session id set before sign-in)
        sessions.close_session(svc.db, previous)
    hours = svc.settings.session_hours
    resp = RedirectResponse(safe_next(next), status_code=303)
    resp.set_cookie(COOKIE, sessions.open_session(svc.db, p, hours), max_age=int(hours * 3600), httponly=True,
                    samesite="strict", path="/", secure=request.url.scheme == "https")
    resp.delete_cookie(LOGIN_COOKIE, path="/ui/login")
    return resp


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = ""):
    secret = security.session_secret(request)
    if secret:
        check_csrf(request, csrf)
        sessions.close_session(_svc(request).db, secret)  # a copy of the cookie dies with it
    resp = RedirectResponse("/ui/login", status_code=303)
    resp.delete_cookie(COOKIE, path="/")
    return resp


# --------------------------------------------------------------------------- submissions list

@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def submissions_page(request: Request, p: PageUser, unit: str | None = None, year: str | None = None,
                     status: str | None = None, page: Annotated[int, Query(ge=1, le=100000)] = 1,
                     partial: bool = False):
    per_page = 50
    yr = int(year) if year and year.isdigit() and 2000 <= int(year) <= 2100 else None
    with _svc(request).db.session() as s:
        q = select(Submission).outerjoin(Unit, Submission.unit_id == Unit.id)
        if not p.is_staff:
            q = q.where(Submission.unit_id == p.unit_id)
        if unit:
            q = q.where(Unit.name == unit)
        if yr:
            q = q.where(Submission.year == yr)
        if status in STATUS_VI:
            q = q.where(Submission.status == status)
        total = s.scalar(select(func.count()).select_from(q.subquery()))
        rows = s.scalars(q.order_by(Unit.name.asc().nulls_last(), Submission.year.desc().nulls_last(),
                                    Submission.created_at.desc())
                         .offset((page - 1) * per_page).limit(per_page)).all()
        ids = [r.id for r in rows]
        counts, decided = records.verdict_counts(s, ids), _decided_for(s, ids)
        groups: OrderedDict[str, list] = OrderedDict()
        for r in rows:
            groups.setdefault(r.unit.name if r.unit else "(chưa rõ đơn vị)", []).append({
                "id": r.id, "year": r.year, "status": r.status, "source": r.source, "created_at": r.created_at,
                "verdicts": counts[r.id], "claimed": r.claimed_total, "supported": r.supported_total,
                "decided": decided.get(r.id, 0), "n": sum(counts[r.id].values()),
                "progress": records.submission_progress(s, r) if r.status in ("queued", "running") else None})
        uq = select(Unit.name).order_by(Unit.name)
        yq = select(Submission.year).where(Submission.year.is_not(None)).distinct().order_by(Submission.year.desc())
        if not p.is_staff:  # a unit's filters offer only its own unit and the years it submitted
            uq = uq.where(Unit.id == p.unit_id)
            yq = yq.where(Submission.unit_id == p.unit_id)
        units = s.scalars(uq).all()
        years = s.scalars(yq).all()
    ctx = {"groups": groups, "total": total, "page": page, "pages": max(1, -(-total // per_page)),
           "units": units, "years": years, "f": {"unit": unit or "", "year": yr or "", "status": status or ""},
           "live": any(i["status"] in ("queued", "running") for g in groups.values() for i in g)}
    return _render(request, "list_rows.html" if partial else "list.html", ctx)


# --------------------------------------------------------------------------- upload

def _rubrics() -> list[str]:
    from verifier.rubric import bundled_rubrics

    return bundled_rubrics()


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, p: PageUser):
    return _render(request, "upload.html", {"rubrics": _rubrics(), "error": None})


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


@router.post("/submissions")
def upload(request: Request, p: PageUser,
           files: Annotated[list[UploadFile], File()],
           csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
           unit: Annotated[str, Form(max_length=300)] = "",
           year: Annotated[str, Form(max_length=10)] = "",
           rubric: Annotated[str, Form(max_length=200)] = "par-reference"):
    from ..uploads import UploadShapeError, save_uploads, submission_root
    from ..pipeline import CheckError
    from ..submissions import create_submission

    check_csrf(request, csrf)

    def fail(status: int, message_vi: str, code: ErrorCode | None = None):
        if _wants_json(request):
            return JSONResponse({"error": {"code": code.value if code else None, "message_vi": message_vi}},
                                status_code=status)
        return _render(request, "upload.html", {"rubrics": _rubrics(), "error": message_vi}, status=status)

    files = [f for f in files if f.filename]
    if not files:
        return fail(422, "Chưa chọn tệp nào.")
    if rubric not in _rubrics():  # the web form offers bundled rubrics only (never a server path)
        return fail(422, "Bộ tiêu chí không hợp lệ.")
    yr = None
    if year.strip():
        if not year.strip().isdigit() or not 2000 <= int(year) <= 2100:
            return fail(422, "Năm đánh giá phải là số từ 2000 đến 2100.")
        yr = int(year)
    unit_name = unit.strip() or None
    if not p.is_staff and unit_name and unit_name != p.unit_name:
        return fail(403, "Mã truy cập của đơn vị chỉ được nộp hồ sơ của đơn vị mình.")
    tmp = Path(tempfile.mkdtemp(prefix="kiemchung-ui-"))
    try:
        try:
            root = submission_root(save_uploads(files, tmp), tmp)
        except UploadShapeError as exc:  # one file alone: what was wrong with it (a lone PDF, bytes named .zip)
            return fail(exc.status, exc.message_vi, exc.info.code)
        try:
            sub_id = create_submission(_svc(request), root, display=", ".join(f.filename or "" for f in files)[:300],
                                       unit=unit_name if p.is_staff else p.unit_name, year=yr, rubric=rubric,
                                       created_by=p.token_id, required_unit=None if p.is_staff else p.unit_name)
        except CheckError as exc:  # the archive's or the sheet's own reason (ZIP_BOMB, CORRUPT_ARCHIVE, …)
            return fail(403 if exc.info.code == ErrorCode.UNIT_MISMATCH else 422, exc.info.message_vi, exc.info.code)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    url = f"/ui/submissions/{sub_id}"
    if _wants_json(request):
        return JSONResponse({"id": sub_id, "url": url}, status_code=201)
    return RedirectResponse(url, status_code=303)


# --------------------------------------------------------------------------- one submission

@router.get("/api/submissions/{submission_id}/progress")
def progress_json(request: Request, submission_id: str, p: ApiUser):
    with _svc(request).db.session() as s:
        sub = s.get(Submission, submission_id)
        if sub is None or (not p.is_staff and sub.unit_id != p.unit_id):
            raise ApiError(404, "NOT_FOUND", "submission not found", "Không tìm thấy hồ sơ.")
        return file_progress(s, sub)


@router.get("/submissions/{submission_id}", response_class=HTMLResponse)
def submission_page(request: Request, submission_id: str, p: PageUser):
    svc = _svc(request)
    with svc.db.session() as s:
        sub = _visible(p, s.get(Submission, submission_id))
        prog = file_progress(s, sub)
        report = Report.model_validate(sub.report) if sub.status == "done" and sub.report else None
        decided = decisions_mod.current(s, sub.id) if report else {}
        info = {"id": sub.id, "unit": sub.unit.name if sub.unit else None, "year": sub.year, "status": sub.status,
                "source": sub.source, "sheet": sub.sheet_name, "rubric": sub.rubric, "created_at": sub.created_at}
    ctx = {"sub": info, "prog": prog, "report": report, "decided": decided,
           "table": table_model(report, decided) if report else None}
    return _render(request, "submission.html", ctx)


def _neighbours(report: Report, code: str, verdicts: set[str]) -> tuple[str | None, str | None]:
    codes = [c.code for c in report.criteria if not verdicts or c.verdict.value in verdicts or c.code == code]
    i = codes.index(code)
    return (codes[i - 1] if i > 0 else None), (codes[i + 1] if i + 1 < len(codes) else None)


@router.get("/submissions/{submission_id}/criteria/{code}", response_class=HTMLResponse)
def criterion_page(request: Request, submission_id: str, code: str, p: PageUser, v: str = ""):
    info, report, files = _load_submission(request, p, submission_id)
    if report is None:
        raise UiError(409, "Hồ sơ chưa kiểm tra xong.")
    c = next((x for x in report.criteria if x.code == code), None)
    if c is None:
        raise UiError(404, "Không có tiêu chí này trong hồ sơ.")
    verdicts = {x for x in v.split(",") if x in VERDICTS}
    prev_code, next_code = _neighbours(report, code, verdicts)
    with _svc(request).db.session() as s:
        items = evidence_items(s, c, files)
        history = decisions_mod.history(s, submission_id, code)
    claim = _claims(request, info["sheet_sha256"], info["sheet"]).get(code)
    ctx = {"sub": info, "c": c, "claim": claim, "items": items, "flags": criterion_flags(c), "history": history,
           "current": history[0] if history else None, "prev_code": prev_code, "next_code": next_code,
           "vq": ",".join(sorted(verdicts)), "files": files, "low_threshold": LOW_CONFIDENCE,
           "items_json": json.dumps(items, ensure_ascii=False).replace("</", "<\\/")}
    return _render(request, "criterion.html", ctx)


@router.post("/submissions/{submission_id}/criteria/{code}/decision")
def decide(request: Request, submission_id: str, code: str, p: PageUser,
           csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
           action: Annotated[str, Form(max_length=16)] = "accept",
           score: Annotated[str, Form(max_length=20)] = "",
           comment: Annotated[str, Form(max_length=4000)] = "",
           v: Annotated[str, Form(max_length=200)] = ""):
    check_csrf(request, csrf)
    if not p.is_staff:
        raise UiError(403, "Chỉ thẩm định viên được ghi kết quả thẩm định.")
    value = None
    if score.strip():
        try:
            value = float(score.strip().replace(",", "."))
        except ValueError:
            value = float("nan")
    with _svc(request).db.session() as s:
        sub = _visible(p, s.get(Submission, submission_id))
        report = _report(sub)
        try:
            if value is not None and value != value:
                raise decisions_mod.DecisionError("score is not a number", "Điểm thẩm định phải là một số.")
            d = decisions_mod.record(s, p, submission_id, code, action=action, score=value, comment=comment)
        except decisions_mod.DecisionError as exc:
            s.rollback()
            if _wants_json(request):
                return JSONResponse({"error": {"message_vi": exc.message_vi}}, status_code=422)
            raise UiError(422, exc.message_vi) from exc
        out = decisions_mod.as_dict(d)
        decided = decisions_mod.current(s, submission_id)
    if _wants_json(request):
        return {"decision": out, "totals": totals_json(report, decided)}
    suffix = f"?v={v}" if v else ""
    return RedirectResponse(f"/ui/submissions/{submission_id}/criteria/{code}{suffix}#quyet-dinh", status_code=303)


@router.get("/submissions/{submission_id}/report.{fmt}")
def export(request: Request, submission_id: str, fmt: str, p: PageUser):
    if fmt not in exports.FORMATS:
        raise UiError(404, "Định dạng không được hỗ trợ.")
    with _svc(request).db.session() as s:
        sub = _visible(p, s.get(Submission, submission_id))
        data = exports.render_report(s, _report(sub), submission_id, fmt)
        base = re.sub(r"[^\w.-]+", "-", f"bao-cao-{sub.unit.name if sub.unit else 'don-vi'}-{sub.year or ''}",
                      flags=re.ASCII).strip("-") or "bao-cao"
    how = "inline" if fmt == "html" else "attachment"
    return Response(data, media_type=exports.MEDIA_TYPES[fmt],
                    headers={**exports.response_headers(fmt), "Content-Disposition": f'{how}; filename="{base}.{fmt}"'})


# --------------------------------------------------------------------------- documents

@router.get("/documents/{sha256}/pages/{number}/image")
def page_image(request: Request, sha256: str, number: int, p: ApiUser,
               dpi: Annotated[int, Query(ge=36, le=200)] = IMAGE_DPI):
    from ..submissions import _pdf_lock

    svc = _svc(request)
    with svc.db.session() as s:
        _doc_visible(s, p, sha256)
        doc = records.find_document(s, sha256)
        if doc is None or number < 1 or number > max(doc.page_count, 1):
            raise ApiError(404, "NOT_FOUND", "page not found", "Không tìm thấy trang.")
    try:
        with _pdf_lock:
            png = ingest.render_page_png(Path(svc.blobs.local_path(sha256)), number, dpi=dpi, settings=svc.settings)
    except Exception as exc:
        raise ApiError(422, "RENDER_FAILED", str(exc), "Không hiển thị được trang này.") from exc
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.get("/documents/{sha256}/pages/{number}", response_class=HTMLResponse)
def document_page(request: Request, sha256: str, number: int, p: PageUser,
                  start: Annotated[int, Query(ge=0)] = 0, end: Annotated[int, Query(ge=0)] = 0, q: str = ""):
    """One page of a stored document, with a span highlighted (from the reference search)."""
    with _svc(request).db.session() as s:
        try:
            _doc_visible(s, p, sha256)
        except ApiError as exc:
            raise UiError(403, exc.message_vi) from exc
        doc = records.find_document(s, sha256)
        if doc is None:
            raise UiError(404, "Không tìm thấy tài liệu.")
        page, count = _page(s, sha256, number, {})
        if page is None:
            raise UiError(404, "Không tìm thấy trang.")
        names = s.scalars(select(SubmissionFile.name).where(SubmissionFile.sha256 == sha256).limit(1)).all()
        err = (doc.extraction or {}).get("error") or {}
        title = {"number": doc.number, "title": doc.title, "doc_type": doc.doc_type, "issuer": doc.issuer,
                 "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
                 "notes": list((doc.ingested or {}).get("notes") or []),
                 "kind": KIND_VI.get(((doc.extraction or {}).get("document") or {}).get("kind", ""), "")
                 if doc.status == "ok" else "",
                 "signatures": [describe_signature(Signature.model_validate(g))
                                for g in (doc.extraction or {}).get("signatures") or []],
                 "error": (err.get("message_vi") or doc.error_message) if doc.status == "error" else None}
    boxes = highlight_boxes(page, start, end, None)
    quote = page.text[start:end] if end > start else ""
    item = {"kind": "evidence" if boxes else "document", "finding": None, "code": "", "severity": "info",
            "message": f"Trích dẫn: {quote}" if quote else "", "file": names[0] if names else sha256[:12],
            "sha256": sha256, "page": number, "pages": count, "text": quote,
            "confidence": min([b["conf"] for b in boxes if b["conf"] is not None] or [1.0]),
            "low": any(b["low"] for b in boxes), "boxes": boxes, "method": page.method.value}
    ctx = {"doc": title, "item": item, "q": q, "items_json": json.dumps([item], ensure_ascii=False).replace("</", "<\\/")}
    return _render(request, "document.html", ctx)


# --------------------------------------------------------------------------- references

@router.get("/references", response_class=HTMLResponse)
def references_page(request: Request, p: PageUser, number: str = ""):
    if not p.is_staff:
        raise UiError(403, "Chỉ thẩm định viên được tra cứu văn bản của mọi đơn vị.")
    number = number.strip()[:120]
    result = None
    error = None
    if number:
        if len(number) < 3:
            error = "Hãy nhập số, ký hiệu văn bản (ít nhất 3 ký tự), ví dụ 1143/QĐ-UBND."
        else:
            from extractors import canonical_number

            from .. import references

            canon = canonical_number(number) or number
            with _svc(request).db.session() as s:
                result = {"canonical": canon, **references.lookup(s, canon, 200)}
            units = sorted({a["unit"] or "(chưa rõ)" for r in result["documents"] + result["citing"]
                            for a in r["attached_by"]})
            result["units"] = units
    return _render(request, "references.html", {"number": number, "result": result, "error": error})


# --------------------------------------------------------------------------- install

def install(app) -> None:
    """Mount the web interface on the app: routes, static files, redirects to sign-in."""
    from fastapi.staticfiles import StaticFiles

    app.include_router(router)
    app.mount("/ui/static", StaticFiles(directory=str(HERE / "static")), name="ui-static")

    @app.get("/", include_in_schema=False)
    def _root():
        return RedirectResponse("/ui/", status_code=307)

    @app.exception_handler(security.LoginRequired)
    async def _login_required(request: Request, exc: security.LoginRequired):
        from urllib.parse import quote

        return RedirectResponse(f"/ui/login?next={quote(exc.next_url, safe='/')}", status_code=303)

    def error_page(request: Request, status: int, message_vi: str):
        return _render(request, "error.html", {"status": status, "message": message_vi}, status=status)

    app.state.error_page = error_page  # used by the app's catch-all for unexpected errors under /ui

    @app.exception_handler(UiError)
    async def _ui_error(request: Request, exc: UiError):
        return error_page(request, exc.status, exc.message_vi)
