"""``/campaigns``: appraisal campaigns — the calendar, a unit's rounds, locks, explanations and files, the
appraisers' round records and the machine's proposed questions, survey import, and the audit trail.

Who may do what is the service's (``service.campaigns``): a unit token sees and changes only its own unit
(another unit's, or a campaign it takes no part in, is ``404 NOT_FOUND``) and writes nothing after a lock
(``409 STEP_LOCKED``); admin and appraiser tokens read every unit; admin-only actions refuse others (``403``).
Every time is ISO 8601 in UTC, with the Vietnam-time reading beside it (``*_local``)."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field

import ingest
from models.campaign import STEP_VI
from verifier.messages import VN_TZ, local_time

from ..jobs import schedule
from ..service import campaigns, intake
from ..service.campaigns import MAX_TEXT, LockState
from ..service.filenames import EVIDENCE_MEDIA_TYPES, content_disposition
from ..service.tokens import as_utc
from .deps import Auth, Rt, Staff

YAML = "text/yaml; charset=utf-8"

router = APIRouter(prefix="/campaigns", tags=["campaigns"])

UnitStep = Literal["self_assessment", "explanation"]  # models.campaign.UNIT_STEPS
Round = Annotated[int, PathParam(ge=1, le=2, description="the appraisal round, 1 or 2")]
FileId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


# --------------------------------------------------------------------------- response and request models


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GroupSummary(BaseModel):
    code: str
    title: str
    rubric: str
    units: int = Field(description="how many units the group has")


class CampaignItem(BaseModel):
    id: str
    year: int
    title: str
    step: str | None = Field(None, description="the step the calendar is in now; null outside it")
    step_title: str | None = None
    groups: list[GroupSummary]


class StepOut(BaseModel):
    step: str
    title: str
    opens: str | None = Field(None, description="ISO 8601, UTC; null: when the previous step closes")
    closes: str = Field(description="ISO 8601, UTC: the end of the `closes` day, Vietnam time")
    opens_local: str
    closes_local: str
    seconds_left: int = Field(description="seconds until the step closes; 0 once it has")


class GroupOut(BaseModel):
    code: str
    title: str
    rubric: str
    units: list[str] = Field(description="staff: every unit of the group; a unit: itself")


class CampaignOut(BaseModel):
    id: str
    year: int
    title: str
    step: str | None = None
    step_title: str | None = None
    calendar: list[StepOut]
    groups: list[GroupOut]


class UnitStepOut(StepOut):
    """A step of one unit: the self-assessment and explanation steps carry the unit's lock."""

    deadline: str = Field(description="when it locks by itself: its close, or the end of an admin's unlock")
    deadline_local: str
    locked: bool | None = Field(None, description="null for the appraisers' steps")
    lock_reason: str | None = Field(None, description="`` (open), `unit`, `admin`, `deadline` or `not_open`")
    locked_since: str | None = None
    locked_by: str | None = None
    open_until: str | None = Field(None, description="the end of an admin's unlock, while it runs")
    message_vi: str | None = None


class RoundOut(BaseModel):
    round: int
    code: str
    score: float | None = None
    note: str
    explanation_requested: bool
    source: str = Field(description="`machine` (proposed from kiemchung's findings) or `appraiser`")
    state: str = Field(description="`proposed`, `confirmed` or `dropped`")
    by: str
    at: str


class ExplanationOut(BaseModel):
    version: int
    text: str
    by: str
    at: str


class FileOut(BaseModel):
    id: int
    name: str
    version: int = Field(description="files keep every version: a name used again is a new version beside the old")
    sha256: str
    by: str
    at: str
    href: str


class Question(BaseModel):
    """Round 1's "explanation requested" (yêu cầu giải trình) and its message."""

    requested: bool
    message: str
    state: str
    source: str


class CriterionOut(BaseModel):
    code: str
    title: str = ""
    max_score: float | None = None
    self_score: float | None = Field(None, description="the unit's own score, from its latest checked submission")
    verdict: str | None = Field(None, description="kiemchung's verdict on that submission")
    supported_score: float | None = None
    rounds: dict[str, RoundOut] = Field(description="round number (`1`, `2`) → its current record")
    question: Question | None = None
    explanations: list[ExplanationOut]
    files: list[FileOut]
    recheck: RecheckOut | None = None
    changes: ChangesOut


class MachineRound(BaseModel):
    verdict: str | None = None
    score: float | None = None
    at: str | None = None


class MachineChanges(BaseModel):
    round1: MachineRound = Field(description="kiemchung's verdict and supported score on the unit's submission")
    round2: MachineRound | None = Field(None, description="its newest re-check with the additional files")
    changed: bool = Field(description="the re-check's verdict or score differs from round 1's")


class Added(BaseModel):
    files: int = Field(description="additional files (every version counted)")
    explanations: int = Field(description="explanations (every version counted)")


class AppraiserScores(BaseModel):
    round1: float | None = Field(None, description="the confirmed round-1 score; null while undecided")
    round2: float | None = None


class ChangesOut(BaseModel):
    """What changed for the criterion between the rounds."""

    machine: MachineChanges
    added: Added
    appraiser: AppraiserScores
    summary_vi: str = Field(description="one line, e.g. “Vòng 1: Không khớp (0,5) → Vòng 2: Khớp minh chứng (1) · "
                                        "thêm 1 tệp, 1 giải trình”")


class RecheckOut(BaseModel):
    """kiemchung's newest re-check of the criterion with the unit's additional files (round 2)."""

    verdict: str
    supported_score: float | None = None
    note: str
    files: int = Field(description="distinct additional files read")
    explanations: int
    at: str


class EventOut(BaseModel):
    id: int
    unit: str | None = None
    step: str
    action: str
    code: str
    note: str
    by: str = Field(description="the token holder's display name; `hệ thống` for the system")
    role: str
    at: str
    at_local: str
    until: str | None = None


class UnitViewOut(BaseModel):
    campaign: str
    year: int
    title: str
    unit: str
    group: str
    rubric: str
    submission: str | None = None
    steps: list[UnitStepOut]
    criteria: list[CriterionOut]
    survey: dict[str, float]
    events: list[EventOut]


class LockIn(_In):
    note: str = Field("", max_length=MAX_TEXT, description="kept with the lock in the audit trail")


class UnlockIn(_In):
    until: dt.datetime = Field(description="open until then (ISO 8601; without an offset: Vietnam time)")
    reason: str = Field("", max_length=MAX_TEXT, description="why it is opened again; required")


class LockOut(BaseModel):
    campaign: str
    unit: str
    step: str
    locked: bool
    reason: str
    since: str | None = None
    by: str
    until: str | None = None
    message_vi: str


class ExplanationIn(_In):
    text: str = Field(max_length=MAX_TEXT, description="the unit's explanation (giải trình)")


class RoundIn(_In):
    score: float | None = Field(None, description="0 … the item's maximum in the group's criteria set")
    note: str = Field("", max_length=MAX_TEXT)
    explanation_requested: bool = Field(False, description="round 1: the unit is asked to explain")


class QuestionIn(_In):
    action: Literal["confirm", "drop"]


class ProposeOut(BaseModel):
    submission: str
    proposed: int = Field(description="how many criteria were proposed for an explanation")


class SurveyOut(BaseModel):
    imported: int


# --------------------------------------------------------------------------- presenting


def _iso(t: dt.datetime | None) -> str | None:
    return as_utc(t).astimezone(dt.UTC).isoformat() if t is not None else None


def _step_out(e: dict[str, Any]) -> dict[str, Any]:
    return {"step": e["step"], "title": e["title"], "opens": _iso(e["opens"]), "closes": _iso(e["closes"]),
            "opens_local": local_time(e["opens"]), "closes_local": local_time(e["closes"]),
            "seconds_left": e["seconds_left"]}


def _round_out(rnd: int, code: str, r: dict[str, Any]) -> RoundOut:
    return RoundOut(round=rnd, code=code, score=r["score"], note=r["note"],
                    explanation_requested=r["explanation_requested"], source=r["source"], state=r["state"],
                    by=r["by"], at=_iso(r["at"]) or "")


def _event_out(e: dict[str, Any]) -> EventOut:
    return EventOut(id=e["id"], unit=e["unit"], step=e["step"], action=e["action"], code=e["code"], note=e["note"],
                    by=e["by"], role=e["role"], at=_iso(e["at"]) or "", at_local=local_time(e["at"]),
                    until=_iso(e["until"]))


def _lock_out(campaign_id: str, unit: str, step: str, st: LockState) -> LockOut:
    return LockOut(campaign=campaign_id, unit=unit, step=step, locked=st.locked, reason=st.reason,
                   since=_iso(st.since), by=st.by, until=_iso(st.until), message_vi=st.message_vi(step))


def _campaign_out(c: dict[str, Any]) -> CampaignOut:
    return CampaignOut(id=c["id"], year=c["year"], title=c["title"], step=c["step"],
                       step_title=STEP_VI.get(c["step"] or ""),
                       calendar=[StepOut.model_validate(_step_out(e)) for e in c["calendar"]],
                       groups=[GroupOut(**g) for g in c["groups"]])


def _unit_view_out(view: dict[str, Any]) -> UnitViewOut:
    base = f"/campaigns/{view['campaign']}/units/{view['unit']}"
    steps = []
    for e in view["steps"]:
        out = _step_out(e)
        out.update(deadline=_iso(e["deadline"]), deadline_local=local_time(e["deadline"]))
        if "locked" in e:
            st = LockState(e["locked"], e["lock_reason"], e["locked_since"], e["locked_by"], e["open_until"])
            out.update(locked=st.locked, lock_reason=st.reason, locked_since=_iso(st.since), locked_by=st.by,
                       open_until=_iso(st.until), message_vi=st.message_vi(e["step"]))
        steps.append(UnitStepOut.model_validate(out))
    criteria = []
    for c in view["criteria"]:
        r1 = c["rounds"].get(1)
        criteria.append(CriterionOut(
            code=c["code"], title=c["title"], max_score=c["max_score"], self_score=c["self_score"],
            verdict=c["verdict"], supported_score=c["supported_score"],
            rounds={str(n): _round_out(n, c["code"], r) for n, r in sorted(c["rounds"].items())},
            question=Question(requested=r1["explanation_requested"] and r1["state"] != "dropped", message=r1["note"],
                              state=r1["state"], source=r1["source"]) if r1 else None,
            explanations=[ExplanationOut(version=x["version"], text=x["text"], by=x["by"], at=_iso(x["at"]) or "")
                          for x in c["explanations"]],
            files=[FileOut(id=f["id"], name=f["name"], version=f["version"], sha256=f["sha256"], by=f["by"],
                           at=_iso(f["at"]) or "", href=f"{base}/criteria/{c['code']}/files/{f['id']}")
                   for f in c["files"]],
            recheck=RecheckOut(**{**c["recheck"], "at": _iso(c["recheck"]["at"]) or ""}) if c["recheck"] else None,
            changes=_changes_out(c["changes"])))
    return UnitViewOut(campaign=view["campaign"], year=view["year"], title=view["title"], unit=view["unit"],
                       group=view["group"], rubric=view["rubric"], submission=view["submission"], steps=steps,
                       criteria=criteria, survey=view["survey"], events=[_event_out(e) for e in view["events"]])


def _changes_out(ch: dict[str, Any]) -> ChangesOut:
    m = ch["machine"]
    r2 = m["round2"]
    return ChangesOut(
        machine=MachineChanges(round1=MachineRound(**m["round1"]), changed=m["changed"],
                               round2=MachineRound(verdict=r2["verdict"], score=r2["score"], at=_iso(r2["at"]))
                               if r2 else None),
        added=Added(**ch["added"]), appraiser=AppraiserScores(**ch["appraiser"]), summary_vi=ch["summary_vi"])


def _saved(upload: UploadFile, folder: Path) -> Path:
    [path] = intake.save_uploads([upload], folder)
    return path


# --------------------------------------------------------------------------- routes


@router.get("", response_model=list[CampaignItem])
def list_campaigns(rt: Rt, p: Auth) -> list[CampaignItem]:
    """The campaigns, newest year first, with the step each is in (staff: all; a unit: those it takes part in)."""
    return [CampaignItem(id=c["id"], year=c["year"], title=c["title"], step=c["step"],
                         step_title=STEP_VI.get(c["step"] or ""), groups=[GroupSummary(**g) for g in c["groups"]])
            for c in campaigns.list_campaigns(rt, p)]


@router.post("", status_code=201, response_model=CampaignOut)
def save_campaign(rt: Rt, p: Auth,
                  file: Annotated[UploadFile, File(description="the campaign file (YAML, UTF-8): "
                                                               "docs/campaign-format.md")]) -> CampaignOut:
    """Create a campaign from its file, or update it from a new version (admins only): the calendar and groups
    are replaced, units added or moved, nothing recorded is deleted; the audit trail's `created` event names
    who and when. A file that does not load is `422 CAMPAIGN_INVALID` with the reason in `message_vi`."""
    spec = campaigns.parse_upload(p, file.file.read(campaigns.MAX_SPEC_BYTES + 1), file.filename or "")
    return _campaign_out(campaigns.campaign_detail(rt, p, campaigns.save_campaign(rt, p, spec)))


@router.get("/{campaign_id}", response_model=CampaignOut)
def get_campaign(rt: Rt, campaign_id: str, p: Auth) -> CampaignOut:
    """One campaign: the calendar (UTC and Vietnam time, seconds left per step) and its unit groups."""
    return _campaign_out(campaigns.campaign_detail(rt, p, campaign_id))


@router.get("/{campaign_id}/spec", response_class=Response, responses={200: {"content": {YAML: {}}}})
def get_spec(rt: Rt, campaign_id: str, p: Staff) -> Response:
    """The campaign as its file (YAML; admin and appraiser tokens): download, edit the calendar, groups or
    units, and `POST /campaigns` it again."""
    text = campaigns.dump_spec(campaigns.spec_of(rt, campaign_id))
    return Response(text, media_type=YAML, headers={"Content-Disposition": content_disposition(f"{campaign_id}.yaml"),
                                                    "Cache-Control": "no-store"})


@router.get("/{campaign_id}/events", response_model=list[EventOut])
def get_events(rt: Rt, campaign_id: str, p: Auth,
               unit: Annotated[str | None, Query(max_length=300, description="one unit's events")] = None,
               ) -> list[EventOut]:
    """The audit trail, oldest first: who, when, what, on which step and criterion, and why (staff: the whole
    campaign or one unit; a unit: its own)."""
    return [_event_out(e) for e in campaigns.events(rt, p, campaign_id, unit)]


@router.get("/{campaign_id}/units/{unit}", response_model=UnitViewOut)
def get_unit(rt: Rt, campaign_id: str, unit: str, p: Auth) -> UnitViewOut:
    """A unit's campaign: per criterion the self-score, the round-1 and round-2 records, the question and its
    message, the explanations and files (every version); its step locks with the seconds left to each
    deadline; survey scores; its audit trail."""
    return _unit_view_out(campaigns.unit_view(rt, p, campaign_id, unit))


@router.post("/{campaign_id}/units/{unit}/steps/{step}/lock", response_model=LockOut)
def lock_step(rt: Rt, campaign_id: str, unit: str, step: UnitStep, p: Auth, body: LockIn | None = None) -> LockOut:
    """Lock a unit's step (chốt): the unit itself or an admin. A locked step is `409 STEP_LOCKED`, one not
    open yet `409 STEP_NOT_OPEN`."""
    st = campaigns.lock(rt, p, campaign_id, unit, step, body.note if body else "")
    return _lock_out(campaign_id, unit, step, st)


@router.post("/{campaign_id}/units/{unit}/steps/{step}/unlock", response_model=LockOut)
def unlock_step(rt: Rt, campaign_id: str, unit: str, step: UnitStep, body: UnlockIn, p: Auth) -> LockOut:
    """Open a unit's step again until a given time, with a reason (admins only; `REASON_REQUIRED` without
    one). At that time it locks by itself."""
    until = body.until if body.until.tzinfo else body.until.replace(tzinfo=VN_TZ)
    st = campaigns.unlock(rt, p, campaign_id, unit, step, until, body.reason)
    return _lock_out(campaign_id, unit, step, st)


@router.post("/{campaign_id}/units/{unit}/criteria/{code}/explanations", status_code=201,
             response_model=ExplanationOut)
def add_explanation(rt: Rt, campaign_id: str, unit: str, code: str, body: ExplanationIn, p: Auth) -> ExplanationOut:
    """The unit's explanation of a questioned criterion while its explanation step is open: a new version
    (the old ones stay); the criterion is re-checked in the background. `NOT_QUESTIONED` for a criterion nobody
    asked about."""
    row = schedule.add_explanation(rt, p, campaign_id, unit, code, body.text)
    return ExplanationOut(version=row.version, text=row.text, by=row.by_label, at=_iso(row.created_at) or "")


@router.post("/{campaign_id}/units/{unit}/criteria/{code}/files", status_code=201, response_model=FileOut)
def add_file(rt: Rt, campaign_id: str, unit: str, code: str, p: Auth,
             file: Annotated[UploadFile, File(description="a PDF or image (tài liệu bổ sung)")]) -> FileOut:
    """A file the unit adds for a questioned criterion, checked like any evidence file (a corrupt, encrypted or
    oversized one is refused with its reason, kept in the audit trail, and its bytes are not kept) and read in
    the background (a content read before costs nothing); once the unit's additional files are read, the
    criteria they touched are re-checked (round 2's machine proposals). A name used before becomes a new
    version beside the old one."""
    tmp = Path(tempfile.mkdtemp(prefix="kiemchung-bs-"))
    try:
        path = _saved(file, tmp)
        row = schedule.add_file(rt, p, campaign_id, unit, code, path, path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return FileOut(id=row.id, name=row.name, version=row.version, sha256=row.sha256, by=row.by_label,
                   at=_iso(row.created_at) or "",
                   href=f"/campaigns/{campaign_id}/units/{unit}/criteria/{code}/files/{row.id}")


@router.get("/{campaign_id}/units/{unit}/criteria/{code}/files/{file_id}",
            responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}}})
def get_file(rt: Rt, campaign_id: str, unit: str, code: str, file_id: FileId, p: Auth) -> FileResponse:
    """Download one version of an additional file (served as its content is, never as its name says)."""
    name, path = campaigns.additional_file(rt, p, campaign_id, unit, file_id, code)
    media = EVIDENCE_MEDIA_TYPES.get(ingest.detect_kind(path).value, "application/octet-stream")
    return FileResponse(path, media_type=media, headers={"Content-Disposition": content_disposition(name),
                                                         "Cache-Control": "no-store"})


@router.post("/{campaign_id}/units/{unit}/rounds/{round_no}/criteria/{code}", status_code=201,
             response_model=RoundOut)
def record_round(rt: Rt, campaign_id: str, unit: str, round_no: Round, code: str, body: RoundIn,
                 p: Staff) -> RoundOut:
    """An appraiser's round record for one criterion (admin and appraiser tokens): score, note and, in round 1,
    whether the unit is asked to explain. Round 2 waits for the unit's explanation step to lock
    (`409 STEP_NOT_OPEN`). Every record is a new row of the audit trail; the newest is current."""
    row = campaigns.record_round(rt, p, campaign_id, unit, round_no, code, score=body.score, note=body.note,
                                 explanation_requested=body.explanation_requested)
    return RoundOut(round=row.round, code=row.code, score=row.score, note=row.note,
                    explanation_requested=row.explanation_requested, source=row.source, state=row.state,
                    by=row.by_label, at=_iso(row.created_at) or "")


@router.post("/{campaign_id}/units/{unit}/questions/{code}", response_model=RoundOut)
def decide_question(rt: Rt, campaign_id: str, unit: str, code: str, body: QuestionIn, p: Staff) -> RoundOut:
    """Confirm or drop kiemchung's proposed "explanation requested" for one criterion (admin and appraiser
    tokens). Only a proposal still waiting is decided (`ACTION_INVALID` otherwise)."""
    row = campaigns.decide_question(rt, p, campaign_id, unit, code, body.action)
    return RoundOut(round=row.round, code=row.code, score=row.score, note=row.note,
                    explanation_requested=row.explanation_requested, source=row.source, state=row.state,
                    by=row.by_label, at=_iso(row.created_at) or "")


@router.post("/{campaign_id}/units/{unit}/propose", response_model=ProposeOut)
def propose(rt: Rt, campaign_id: str, unit: str, p: Staff) -> ProposeOut:
    """Round 1's machine proposals from the unit's latest checked submission for the campaign's year: each
    REFUTED, NOT_ENOUGH_EVIDENCE or MANUAL_REVIEW criterion becomes a proposed question with its findings as
    the message (criteria already recorded in round 1 are left alone). `409 NOT_READY` while it is checked."""
    sub, n = campaigns.propose_from_latest(rt, p, campaign_id, unit)
    return ProposeOut(submission=sub, proposed=n)


@router.post("/{campaign_id}/survey", response_model=SurveyOut)
def import_survey(rt: Rt, campaign_id: str, p: Auth,
                  file: Annotated[UploadFile, File(description="CSV or XLSX: Đơn vị | Mã | Điểm")]) -> SurveyOut:
    """Import the survey scores (điều tra xã hội học) of the campaign's units (admins only): every row or
    none (`SURVEY_INVALID` lists the rows refused)."""
    tmp = Path(tempfile.mkdtemp(prefix="kiemchung-dtxhh-"))
    try:
        return SurveyOut(imported=campaigns.import_survey(rt, p, campaign_id, _saved(file, tmp)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
