"""The appraisal campaigns screens (issue #14): the campaigns a user may see with the current step's deadline as a
countdown; one campaign (staff: every unit's round state; admin: the calendar, groups, survey import and unlocks);
one unit's rounds per criterion with the appraisers' and the unit's actions. Who may see and do what is the
service's (``service.campaigns``): a unit sees only its own unit (another's is a 404 page) and writes nothing
after a lock. A refused form is shown again with the reason in Vietnamese beside it."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

import ingest
from models.campaign import STEP_VI, STEPS, UNIT_STEPS
from verifier.messages import VN_TZ, deadline_time, local_time, parse_score

from ..jobs import schedule
from ..service import campaigns, intake
from ..service.access import Principal
from ..service.campaigns import LockState
from ..service.errors import ServiceCode, ServiceError, forbidden
from ..service.filenames import EVIDENCE_MEDIA_TYPES, content_disposition
from ..service.status import CampaignAction
from .security import CSRF_FIELD, check_csrf
from .views import PageUser, render, runtime

router = APIRouter()

Csrf = Annotated[str, Form(alias=CSRF_FIELD, max_length=200)]
# the round-state filter of a unit's page: query value → label
FILTERS: dict[str, str] = {"": "Tất cả", "yeu-cau": "Yêu cầu giải trình", "da-giai-trinh": "Đã giải trình",
                           "chua-giai-trinh": "Chưa giải trình", "de-xuat": "Đề xuất chờ xác nhận"}
# what a successful form says once the page is shown again (``?ok=``)
DONE_VI: dict[str, str] = {
    "explanation": "Đã lưu giải trình.", "file": "Đã tải lên tài liệu bổ sung; tệp đang được đọc.",
    "lock-self_assessment": "Đã chốt điểm tự chấm.", "lock-explanation": "Đã chốt giải trình.",
    "propose": "Đã lấy đề xuất câu hỏi từ kết quả kiểm tra.", "confirm": "Đã xác nhận yêu cầu giải trình.",
    "drop": "Đã bỏ đề xuất.", "round": "Đã ghi kết quả thẩm định.", "survey": "Đã nhập điểm điều tra xã hội học.",
    "unlock": "Đã mở lại bước cho đơn vị.", "calendar": "Đã lưu lịch đánh giá mới.",
    "campaign": "Đã lưu đợt đánh giá từ tệp.",
}
# the audit trail's actions as people read them (``service.status.CampaignAction``)
ACTION_VI: dict[str, str] = {
    CampaignAction.LOCK: "Chốt", CampaignAction.UNLOCK: "Mở lại", CampaignAction.AUTO_LOCK: "Tự khoá khi hết hạn",
    CampaignAction.ROUND_SCORE: "Ghi kết quả thẩm định", CampaignAction.PROPOSED: "kiemchung đề xuất câu hỏi",
    CampaignAction.EXPLANATION: "Giải trình", CampaignAction.FILE_ADDED: "Bổ sung tài liệu",
    CampaignAction.SURVEY_IMPORT: "Nhập điểm điều tra", CampaignAction.CREATED: "Tạo / cập nhật đợt đánh giá",
}
LOCK_BUTTON_VI = {"self_assessment": "Chốt điểm tự chấm", "explanation": "Chốt giải trình"}
# refusals shown beside the form; any other ServiceError (not found, forbidden) is the error page
IN_PLACE = {409, 413, 415, 422}
SURVEY_PREFIX = "Không nhập được điểm điều tra: "


# --------------------------------------------------------------------------- presenting


def countdown(seconds: int) -> str:
    """Time left in words: "còn 3 ngày 4 giờ", "còn 5 giờ 12 phút", "còn 7 phút"; "đã hết hạn" at 0."""
    if seconds <= 0:
        return "đã hết hạn"
    minutes = -(-seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"còn {days} ngày" + (f" {hours} giờ" if hours else "")
    if hours:
        return f"còn {hours} giờ" + (f" {mins} phút" if mins else "")
    return f"còn {mins} phút"


def unit_href(campaign_id: str, unit: str) -> str:
    return f"/ui/campaigns/{quote(campaign_id, safe='')}/units/{quote(unit, safe='')}"


def _code_key(code: str) -> tuple[tuple[int, Any], ...]:
    """1.2.10 after 1.2.9: numbers compared as numbers, other parts as text."""
    return tuple((0, int(x)) if x.isdigit() else (1, x) for x in code.replace("-", ".").split("."))


def _lock_state(e: dict[str, Any]) -> LockState:
    return LockState(e["locked"], e["lock_reason"], e["locked_since"], e["locked_by"], e["open_until"])


def _steps(view: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for e in view["steps"]:
        item = {"step": e["step"], "title": e["title"], "opens": local_time(e["opens"]) if e["opens"] else "",
                "closes": deadline_time(e["closes"]), "deadline": deadline_time(e["deadline"]),
                "left": countdown(e["seconds_left"]), "unit_step": "locked" in e, "locked": False, "message": ""}
        if "locked" in e:
            st = _lock_state(e)
            item.update(locked=st.locked, closed=st.closed, reason=st.reason, message=st.message_vi(e["step"]),
                        open_until=local_time(st.until) if st.until and not st.locked else "")
        out.append(item)
    return out


def _round_state(c: dict[str, Any]) -> dict[str, Any]:
    """A criterion's place in the rounds: questioned (round 1 asks for an explanation, a proposal not dropped),
    answered (an explanation or a file), a machine proposal waiting for an appraiser."""
    r1 = c["rounds"].get(1)
    requested = bool(r1 and r1["explanation_requested"] and r1["state"] != "dropped")
    answered = bool(c["explanations"] or c["files"])
    return {"requested": requested, "answered": answered,
            "proposed": bool(r1 and r1["source"] == "machine" and r1["state"] == "proposed")}


def _matches(flags: dict[str, Any], wanted: str) -> bool:
    return {"": True, "yeu-cau": flags["requested"], "da-giai-trinh": flags["requested"] and flags["answered"],
            "chua-giai-trinh": flags["requested"] and not flags["answered"],
            "de-xuat": flags["proposed"]}.get(wanted, True)


def unit_summary(view: dict[str, Any]) -> dict[str, Any]:
    """What the campaign page shows of one unit: its steps' locks and the counts of its round states."""
    flags = [_round_state(c) for c in view["criteria"]]
    return {"unit": view["unit"], "href": unit_href(view["campaign"], view["unit"]),
            "steps": [s for s in _steps(view) if s["unit_step"]],
            "requested": sum(f["requested"] for f in flags),
            "answered": sum(f["requested"] and f["answered"] for f in flags),
            "proposed": sum(f["proposed"] for f in flags)}


# --------------------------------------------------------------------------- the campaigns


def _campaigns_page(request: Request, p: Principal, *, error: dict[str, Any] | None = None,
                    status: int = 200) -> HTMLResponse:
    rt = runtime(request)
    items = []
    for c in campaigns.list_campaigns(rt, p):
        detail = campaigns.campaign_detail(rt, p, c["id"])
        step = next((e for e in detail["calendar"] if e["step"] == c["step"]), None)
        items.append({"id": c["id"], "year": c["year"], "title": c["title"], "groups": c["groups"],
                      "step": STEP_VI.get(c["step"] or "", ""),
                      "deadline": deadline_time(step["closes"]) if step else "",
                      "left": countdown(step["seconds_left"]) if step else "",
                      "own": unit_href(c["id"], p.unit_name) if p.role == "unit" and p.unit_name else ""})
    return render(request, "campaigns.html", {"items": items, "error": error}, status=status)


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns_page(request: Request, p: PageUser) -> HTMLResponse:
    return _campaigns_page(request, p)


@router.post("/campaigns", response_model=None)
def save_campaign(request: Request, p: PageUser, csrf: Csrf = "",
                  file: Annotated[UploadFile | None, File()] = None,
                  back: Annotated[str, Form(alias="from", max_length=80)] = "") -> Response:
    """An admin creates a campaign from its file or updates one from a new version; a refused file is shown
    again with the reason beside the form (on the campaign's page when it came from there)."""
    check_csrf(request, csrf)
    rt = runtime(request)
    try:
        if p.role != "admin":
            raise forbidden("Chỉ quản trị viên tạo hoặc sửa đợt đánh giá.")
        if file is None or not file.filename:
            raise ServiceError(ServiceCode.VALIDATION, "no file", "Chưa chọn tệp đợt đánh giá (YAML).")
        spec = campaigns.parse_upload(p, file.file.read(campaigns.MAX_SPEC_BYTES + 1), file.filename)
        cid = campaigns.save_campaign(rt, p, spec)
    except ServiceError as exc:
        if exc.http_status not in IN_PLACE:
            raise
        error = {"where": "file", "message": exc.message_vi, "rows": []}
        if back:
            return _campaign_page(request, p, back, error=error, status=exc.http_status)
        return _campaigns_page(request, p, error=error, status=exc.http_status)
    return RedirectResponse(f"/ui/campaigns/{quote(cid, safe='')}?ok=campaign", status_code=303)


def _campaign_page(request: Request, p: Principal, campaign_id: str, *, error: dict[str, Any] | None = None,
                   ok: str = "", status: int = 200) -> HTMLResponse:
    rt = runtime(request)
    detail = campaigns.campaign_detail(rt, p, campaign_id)
    calendar = [{"title": e["title"], "opens": local_time(e["opens"]) if e["opens"] else "",
                 "closes": deadline_time(e["closes"]), "left": countdown(e["seconds_left"]),
                 "now": e["step"] == detail["step"]} for e in detail["calendar"]]
    groups = []
    for g in detail["groups"]:
        units = [unit_summary(campaigns.unit_view(rt, p, campaign_id, name)) for name in g["units"]]
        groups.append({**g, "unit_rows": units})
    names = [n for g in detail["groups"] for n in g["units"]]
    edit: list[dict[str, str]] = []
    if p.role == "admin":
        spec = campaigns.spec_of(rt, campaign_id)
        sent = (error or {}).get("calendar") or {}
        for step in STEPS:
            w = spec.calendar[step]
            edit.append({"step": step, "title": STEP_VI[step],
                         "opens": sent.get(step, {}).get("opens", w.opens.isoformat() if w.opens else ""),
                         "closes": sent.get(step, {}).get("closes", w.closes.isoformat())})
    ctx = {"edit": edit, "c": detail, "calendar": calendar, "groups": groups, "unit_names": names, "error": error,
           "ok": DONE_VI.get(ok, ""), "unit_steps": [(s, STEP_VI[s]) for s in UNIT_STEPS],
           "step_now": STEP_VI.get(detail["step"] or "", ""), "base": f"/ui/campaigns/{quote(campaign_id, safe='')}",
           "default_until": (dt.datetime.now(VN_TZ) + dt.timedelta(days=3)).strftime("%Y-%m-%dT17:00")}
    return render(request, "campaign.html", ctx, status=status)


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
def campaign_page(request: Request, campaign_id: str, p: PageUser, ok: str = "") -> HTMLResponse:
    return _campaign_page(request, p, campaign_id, ok=ok)


@router.post("/campaigns/{campaign_id}/survey", response_model=None)
def import_survey(request: Request, campaign_id: str, p: PageUser, csrf: Csrf = "",
                  file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Survey scores from CSV or XLSX (admins): all rows or none; a refusal lists the rows refused."""
    check_csrf(request, csrf)
    tmp = Path(tempfile.mkdtemp(prefix="kiemchung-dtxhh-"))
    try:
        if file is None or not file.filename:
            raise ServiceError(ServiceCode.VALIDATION, "no file", "Chưa chọn tệp điểm điều tra.")
        [path] = intake.save_uploads([file], tmp)
        campaigns.import_survey(runtime(request), p, campaign_id, path)
    except ServiceError as exc:
        if exc.http_status not in IN_PLACE:
            raise
        msg = exc.message_vi
        rows = msg.removeprefix(SURVEY_PREFIX).split("; ") if msg.startswith(SURVEY_PREFIX) else []
        return _campaign_page(request, p, campaign_id, status=exc.http_status,
                              error={"where": "survey", "message": SURVEY_PREFIX.rstrip(": ") + "." if rows else msg,
                                     "rows": rows})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return RedirectResponse(f"/ui/campaigns/{quote(campaign_id, safe='')}?ok=survey#nhap-diem", status_code=303)


@router.post("/campaigns/{campaign_id}/calendar", response_model=None)
def save_calendar(request: Request, campaign_id: str, p: PageUser, csrf: Csrf = "",
                  opens_self_assessment: Annotated[str, Form(max_length=20)] = "",
                  closes_self_assessment: Annotated[str, Form(max_length=20)] = "",
                  opens_round1: Annotated[str, Form(max_length=20)] = "",
                  closes_round1: Annotated[str, Form(max_length=20)] = "",
                  opens_explanation: Annotated[str, Form(max_length=20)] = "",
                  closes_explanation: Annotated[str, Form(max_length=20)] = "",
                  opens_round2: Annotated[str, Form(max_length=20)] = "",
                  closes_round2: Annotated[str, Form(max_length=20)] = "") -> Response:
    """An admin's new calendar (a date per step's opening and closing): a new version of the campaign, its
    groups unchanged; a refused calendar is shown again as sent, the reason beside it."""
    check_csrf(request, csrf)
    sent: dict[str, dict[str, str | None]] = {
        "self_assessment": {"opens": opens_self_assessment, "closes": closes_self_assessment},
        "round1": {"opens": opens_round1, "closes": closes_round1},
        "explanation": {"opens": opens_explanation, "closes": closes_explanation},
        "round2": {"opens": opens_round2, "closes": closes_round2}}
    try:
        campaigns.save_calendar(runtime(request), p, campaign_id, sent)
    except ServiceError as exc:
        if exc.http_status not in IN_PLACE:
            raise
        return _campaign_page(request, p, campaign_id, status=exc.http_status,
                              error={"where": "calendar", "message": exc.message_vi, "rows": [], "calendar": sent})
    return RedirectResponse(f"/ui/campaigns/{quote(campaign_id, safe='')}?ok=calendar#sua-lich", status_code=303)


@router.get("/campaigns/{campaign_id}/spec")
def get_spec(request: Request, campaign_id: str, p: PageUser) -> Response:
    """The campaign's file (YAML) to download, edit (groups, units) and upload again (admins and appraisers)."""
    if not p.is_staff:
        raise forbidden("Chỉ quản trị viên và thẩm định viên tải được tệp đợt đánh giá.")
    text = campaigns.dump_spec(campaigns.spec_of(runtime(request), campaign_id))
    return Response(text, media_type="text/yaml; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(f"{campaign_id}.yaml"),
                             "Cache-Control": "no-store"})


def _until(value: str) -> dt.datetime:
    """A ``datetime-local`` field, read as Vietnam time."""
    try:
        t = dt.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ServiceError(ServiceCode.VALIDATION, "until is not a date and time",
                           "Thời hạn mở lại phải là ngày giờ (dd/mm/yyyy HH:MM).") from exc
    return t if t.tzinfo else t.replace(tzinfo=VN_TZ)


@router.post("/campaigns/{campaign_id}/unlock", response_model=None)
def unlock(request: Request, campaign_id: str, p: PageUser, csrf: Csrf = "",
           unit: Annotated[str, Form(max_length=300)] = "", step: Annotated[str, Form(max_length=40)] = "",
           until: Annotated[str, Form(max_length=40)] = "",
           reason: Annotated[str, Form(max_length=campaigns.MAX_TEXT)] = "") -> Response:
    """An admin opens a unit's step again until a time, with a reason."""
    check_csrf(request, csrf)
    try:
        if step not in UNIT_STEPS:
            raise ServiceError(ServiceCode.VALIDATION, "unknown step", "Chọn bước tự đánh giá hoặc giải trình.")
        campaigns.unlock(runtime(request), p, campaign_id, unit, step, _until(until), reason)
    except ServiceError as exc:
        if exc.http_status not in IN_PLACE:
            raise
        return _campaign_page(request, p, campaign_id, status=exc.http_status,
                              error={"where": "unlock", "message": exc.message_vi, "rows": []})
    return RedirectResponse(f"/ui/campaigns/{quote(campaign_id, safe='')}?ok=unlock#mo-lai", status_code=303)


# --------------------------------------------------------------------------- one unit's rounds


def _unit_page(request: Request, p: Principal, campaign_id: str, unit: str, *, state: str = "",
               error: dict[str, Any] | None = None, ok: str = "", status: int = 200) -> HTMLResponse:
    view = campaigns.unit_view(runtime(request), p, campaign_id, unit)
    steps = _steps(view)
    by_step = {s["step"]: s for s in steps}
    expl_open = not by_step["explanation"]["locked"]
    wanted = state if state in FILTERS else ""
    criteria, counts = [], dict.fromkeys(FILTERS, 0)
    for c in sorted(view["criteria"], key=lambda x: _code_key(x["code"])):
        flags = _round_state(c)
        for key in FILTERS:
            counts[key] += _matches(flags, key)
        if _matches(flags, wanted):
            criteria.append({**c, **flags, "r1": c["rounds"].get(1), "r2": c["rounds"].get(2), "anchor": _cid(c["code"]),
                             "answerable": p.role == "unit" and expl_open and flags["requested"]})
    where = (error or {}).get("where", "")
    if error and where.split("-", 1)[0] in ("expl", "file", "lock") and error.get("code") in (
            ServiceCode.STEP_LOCKED, ServiceCode.STEP_NOT_OPEN):
        error = {**error, "where": "top"}  # the form it came from is gone: the reason stands at the top
    ctx = {"v": view, "steps": steps, "criteria": criteria, "counts": counts, "filters": FILTERS, "state": wanted,
           "href": unit_href(campaign_id, view["unit"]), "campaign_href": f"/ui/campaigns/{quote(campaign_id, safe='')}",
           "error": error, "ok": DONE_VI.get(ok, ""), "is_unit": p.role == "unit", "is_staff": p.is_staff,
           "lockable": [s for s in steps if s["unit_step"] and not s["locked"] and p.role == "unit"],
           "lock_button": LOCK_BUTTON_VI, "expl_open": expl_open, "results_locked": view["results_locked"],
           "round2_open": by_step["explanation"]["closed"],
           "events": [{**e, "what": ACTION_VI.get(e["action"], e["action"]), "step_vi": STEP_VI.get(e["step"], e["step"])}
                      for e in reversed(view["events"])]}
    return render(request, "campaign_unit.html", ctx, status=status)


@router.get("/campaigns/{campaign_id}/units/{unit}", response_class=HTMLResponse)
def unit_page(request: Request, campaign_id: str, unit: str, p: PageUser, state: str = "",
              ok: str = "") -> HTMLResponse:
    return _unit_page(request, p, campaign_id, unit, state=state, ok=ok)


def _after(request: Request, p: Principal, campaign_id: str, unit: str, where: str, done: str, action: Callable[[], object],
           anchor: str = "", state: str = "") -> Response:
    """Run a form's action; on success back to the unit's page (the filter kept) saying what was done, on a
    refusal the page again with the reason beside the form (``where``)."""
    try:
        action()
    except ServiceError as exc:
        if exc.http_status not in IN_PLACE:
            raise
        return _unit_page(request, p, campaign_id, unit, state=state, status=exc.http_status,
                          error={"where": where, "message": exc.message_vi, "code": exc.code})
    query = f"?ok={done}" + (f"&state={quote(state)}" if state in FILTERS and state else "")
    return RedirectResponse(unit_href(campaign_id, unit) + query + (f"#{anchor}" if anchor else ""), status_code=303)


def _cid(code: str) -> str:
    """A criterion's code as an element id."""
    return "tc-" + "".join(ch if ch.isalnum() else "-" for ch in code)


@router.post("/campaigns/{campaign_id}/units/{unit}/propose", response_model=None)
def propose(request: Request, campaign_id: str, unit: str, p: PageUser, csrf: Csrf = "",
            state: Annotated[str, Form(max_length=40)] = "") -> Response:
    check_csrf(request, csrf)
    return _after(request, p, campaign_id, unit, "propose", "propose",
                  lambda: campaigns.propose_from_latest(runtime(request), p, campaign_id, unit), state=state)


@router.post("/campaigns/{campaign_id}/units/{unit}/questions/{code}", response_model=None)
def decide_question(request: Request, campaign_id: str, unit: str, code: str, p: PageUser, csrf: Csrf = "",
                    action: Annotated[str, Form(max_length=16)] = "",
                    state: Annotated[str, Form(max_length=40)] = "") -> Response:
    check_csrf(request, csrf)
    done = action if action in ("confirm", "drop") else "confirm"
    return _after(request, p, campaign_id, unit, f"q-{code}", done,
                  lambda: campaigns.decide_question(runtime(request), p, campaign_id, unit, code, action),
                  _cid(code), state)


def _score(raw: str) -> float | None:
    if not raw.strip():
        return None
    value = parse_score(raw)
    if value is None:
        raise ServiceError(ServiceCode.SCORE_OUT_OF_RANGE, "score is not a number", "Điểm phải là một số.")
    return value


@router.post("/campaigns/{campaign_id}/units/{unit}/rounds/{code}", response_model=None)
def record_round(request: Request, campaign_id: str, unit: str, code: str, p: PageUser, csrf: Csrf = "",
                 round_no: Annotated[str, Form(alias="round", max_length=2)] = "1",
                 score: Annotated[str, Form(max_length=20)] = "",
                 note: Annotated[str, Form(max_length=campaigns.MAX_TEXT)] = "",
                 requested: Annotated[str, Form(max_length=4)] = "",
                 state: Annotated[str, Form(max_length=40)] = "") -> Response:
    check_csrf(request, csrf)
    return _after(request, p, campaign_id, unit, f"round-{code}", "round",
                  lambda: campaigns.record_round(runtime(request), p, campaign_id, unit,
                                                 int(round_no) if round_no.isdigit() else 0, code,
                                                 score=_score(score), note=note, explanation_requested=bool(requested)),
                  _cid(code), state)


@router.post("/campaigns/{campaign_id}/units/{unit}/explanations/{code}", response_model=None)
def add_explanation(request: Request, campaign_id: str, unit: str, code: str, p: PageUser, csrf: Csrf = "",
                    text: Annotated[str, Form(max_length=campaigns.MAX_TEXT)] = "",
                    state: Annotated[str, Form(max_length=40)] = "") -> Response:
    check_csrf(request, csrf)
    return _after(request, p, campaign_id, unit, f"expl-{code}", "explanation",
                  lambda: schedule.add_explanation(runtime(request), p, campaign_id, unit, code, text),
                  _cid(code), state)


@router.post("/campaigns/{campaign_id}/units/{unit}/files/{code}", response_model=None)
def add_file(request: Request, campaign_id: str, unit: str, code: str, p: PageUser, csrf: Csrf = "",
             file: Annotated[UploadFile | None, File()] = None,
             state: Annotated[str, Form(max_length=40)] = "") -> Response:
    """A file for a questioned criterion: checked like any evidence file, stored as a new version, then read."""
    check_csrf(request, csrf)
    rt = runtime(request)

    def store() -> None:
        if file is None or not file.filename:
            raise ServiceError(ServiceCode.VALIDATION, "no file", "Chưa chọn tệp.")
        tmp = Path(tempfile.mkdtemp(prefix="kiemchung-bs-"))
        try:
            [path] = intake.save_uploads([file], tmp)
            schedule.add_file(rt, p, campaign_id, unit, code, path, path.name)  # read, then re-checked
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    return _after(request, p, campaign_id, unit, f"file-{code}", "file", store, _cid(code), state)


@router.post("/campaigns/{campaign_id}/units/{unit}/lock", response_model=None)
def lock(request: Request, campaign_id: str, unit: str, p: PageUser, csrf: Csrf = "",
         step: Annotated[str, Form(max_length=40)] = "", confirm: Annotated[str, Form(max_length=4)] = "") -> Response:
    """The unit locks its step ("chốt") after confirming on the form."""
    check_csrf(request, csrf)

    def act() -> None:
        if step not in UNIT_STEPS:
            raise ServiceError(ServiceCode.VALIDATION, "unknown step", "Chỉ chốt được bước tự đánh giá hoặc giải trình.")
        if not confirm:
            raise ServiceError(ServiceCode.VALIDATION, "not confirmed", "Hãy đánh dấu ô xác nhận trước khi chốt.")
        campaigns.lock(runtime(request), p, campaign_id, unit, step)

    return _after(request, p, campaign_id, unit, f"lock-{step}", f"lock-{step}", act, "cac-buoc")


@router.get("/campaigns/{campaign_id}/units/{unit}/files/{file_id}")
def get_file(request: Request, campaign_id: str, unit: str, file_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
             p: PageUser) -> FileResponse:
    """One version of an additional file, served as its content is (never as its name says)."""
    name, path = campaigns.additional_file(runtime(request), p, campaign_id, unit, file_id)
    media = EVIDENCE_MEDIA_TYPES.get(ingest.detect_kind(path).value, "application/octet-stream")
    return FileResponse(path, media_type=media, headers={"Content-Disposition": content_disposition(name),
                                                         "Cache-Control": "no-store"})
