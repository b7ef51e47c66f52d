"""Appraisal campaigns: a year's calendar and unit groups (from a data file), each unit's steps and their
locks, the appraisers' round records, the units' explanations and additional files, survey scores, and the
audit trail of all of it (``campaign_events``: who, when, what).

Locks: a unit's step (self-assessment, explanation) is locked when the unit (or an admin) locks it, or when
its deadline passes — the end of its ``closes`` day, Vietnam time. Only an admin unlocks, and always until a
stated time; the latest lock or unlock decides. Nothing a unit wrote is ever replaced: explanations and
files are versioned, round records are appended (the newest is current), and so are events.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import ingest
from models.campaign import STEP_VI, STEPS, UNIT_STEPS, CampaignSpec, Step
from models.errors import ErrorCode
from models.report import Report, Verdict
from models.tables import (
    AdditionalFile,
    Campaign,
    CampaignEvent,
    CampaignGroup,
    CampaignUnit,
    Explanation,
    Recheck,
    RoundScore,
    Submission,
    SurveyScore,
    Unit,
    utcnow,
)
from verifier.messages import VN_TZ, deadline_time, local_time, parse_score
from verifier.rubric import RubricError, load_rubric

from . import documents, round_changes
from .access import Principal
from .context import Context
from .decisions import who
from .errors import ServiceCode, ServiceError, forbidden, not_found, not_ready
from .status import CampaignAction, RoundSource, RoundState
from .store import records

QUESTIONED_VERDICTS = (Verdict.REFUTED, Verdict.NOT_ENOUGH_EVIDENCE, Verdict.MANUAL_REVIEW)
MAX_TEXT = 8000


# --------------------------------------------------------------------------- the campaign file


MAX_SPEC_BYTES = 1_000_000  # a campaign file is a few kilobytes; anything this large is not one
# the campaign file's own checks (models.campaign.CampaignSpec) as people read them
_PROBLEMS_VI: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"calendar lacks the steps (.+)"), "lịch thiếu các bước {0}"),
    (re.compile(r"calendar\.(\w+): opens after it closes"), "calendar.{0} ({1}): ngày mở sau ngày kết thúc"),
    (re.compile(r"calendar\.(\w+): closes on or before the previous step"),
     "calendar.{0} ({1}): phải kết thúc sau ngày kết thúc của bước trước"),
    (re.compile(r"calendar\.(\w+): opens before the previous step closes"),
     "calendar.{0} ({1}): mở trước khi bước trước kết thúc"),
    (re.compile(r"two groups share a code"), "hai nhóm đơn vị trùng mã"),
    (re.compile(r"a unit is listed in two groups"), "một đơn vị có tên trong hai nhóm"),
)


# pydantic's error types as people read them (the rest keep pydantic's English message)
_TYPES_VI: dict[str, str] = {
    "missing": "thiếu khoá này", "extra_forbidden": "khoá không có trong định dạng",
    "model_type": "phải là một bảng “khoá: giá trị”", "dict_type": "phải là một bảng “khoá: giá trị”",
    "list_type": "phải là một danh sách", "string_type": "phải là chữ", "int_parsing": "phải là một số nguyên",
    "int_type": "phải là một số nguyên", "date_from_datetime_parsing": "phải là một ngày (YYYY-MM-DD)",
    "date_parsing": "phải là một ngày (YYYY-MM-DD)", "date_type": "phải là một ngày (YYYY-MM-DD)",
    "string_pattern_mismatch": "chỉ gồm chữ thường không dấu, chữ số, - và _",
    "greater_than_equal": "nhỏ hơn giá trị cho phép", "less_than_equal": "lớn hơn giá trị cho phép",
    "literal_error": "không phải một bước của lịch (self_assessment, round1, explanation, round2)",
}


def _problem_vi(kind: str, msg: str) -> str:
    if kind in _TYPES_VI:
        return _TYPES_VI[kind]
    text = msg.removeprefix("Value error, ")
    for pattern, vi in _PROBLEMS_VI:
        if m := pattern.fullmatch(text):
            return vi.format(*m.groups(), *(STEP_VI.get(g, g) for g in m.groups()))
    return text


def _parse(text: str, name: str) -> CampaignSpec:
    what = f" {name}" if name else ""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SPEC_BYTES:
        raise ServiceError(ServiceCode.CAMPAIGN_INVALID, f"campaign file{what} is larger than {MAX_SPEC_BYTES} bytes",
                           f"Tệp đợt đánh giá{what} quá lớn (tối đa {MAX_SPEC_BYTES // 1000} KB).")
    try:
        aliased = any(isinstance(ev, yaml.AliasEvent) for ev in yaml.parse(text, Loader=yaml.SafeLoader))
        data = None if aliased else yaml.safe_load(text)
    except RecursionError as exc:  # "[[[[…": nested deeper than the parser goes
        raise ServiceError(ServiceCode.CAMPAIGN_INVALID, f"campaign file{what} is nested too deeply",
                           f"Tệp đợt đánh giá{what} lồng nhau quá sâu, không phải một tệp đợt đánh giá.") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"dòng {mark.line + 1}, cột {mark.column + 1}: " if mark is not None else ""
        raise ServiceError(ServiceCode.CAMPAIGN_INVALID, f"cannot read{what}: {exc}",
                           f"Không đọc được tệp đợt đánh giá{what} (YAML không hợp lệ): "
                           f"{where}{getattr(exc, 'problem', None) or exc}") from exc
    if aliased:
        raise ServiceError(ServiceCode.CAMPAIGN_INVALID, f"campaign file{what} uses YAML aliases",
                           f"Tệp đợt đánh giá{what} không được dùng neo và bí danh YAML (&tên, *tên).")
    return spec_from_data(data, name)


def spec_from_data(data: Any, name: str = "") -> CampaignSpec:
    """A campaign as data (the YAML file's, or a form's), validated; CAMPAIGN_INVALID names each problem's key,
    in Vietnamese."""
    what = f" {name}" if name else ""
    try:
        return CampaignSpec.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(x) for x in e['loc']) or '(tệp)'}: {e['msg']}" for e in exc.errors())
        problems_vi = "; ".join(
            (f"{'.'.join(str(x) for x in e['loc'])}: " if e["loc"] else "") + _problem_vi(e["type"], e["msg"])
            for e in exc.errors())
        raise ServiceError(ServiceCode.CAMPAIGN_INVALID, f"{name or 'campaign'}: {problems}",
                           f"Tệp đợt đánh giá{what} không hợp lệ: {problems_vi}") from exc


def parse_spec(text: str) -> CampaignSpec:
    """A campaign file's text (YAML), validated; CAMPAIGN_INVALID with the reason in Vietnamese when it does not
    load (not YAML, anchors or aliases, a key missing or wrong, the calendar out of order, too large)."""
    return _parse(text, "")


def load_spec(path: Path) -> CampaignSpec:
    """A campaign file (YAML), validated; CAMPAIGN_INVALID with the reason when it does not load."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ServiceError(ServiceCode.CAMPAIGN_INVALID, f"cannot read {path.name}: {exc}",
                           f"Không đọc được tệp đợt đánh giá {path.name}: {exc}") from exc
    return _parse(text, path.name)


def spec_of(ctx: Context, campaign_id: str) -> CampaignSpec:
    """The stored campaign as its file says it: the calendar and the groups with their units (every unit that
    takes part, in the order they joined; a unit dropped from a file stays, since nothing is deleted).
    NOT_FOUND for an unknown campaign. Who may read it is the caller's: staff."""
    with ctx.db.session() as s:
        camp = _campaign(s, campaign_id)
        rows = s.execute(select(CampaignUnit.group_id, Unit.name).join(Unit, Unit.id == CampaignUnit.unit_id)
                         .where(CampaignUnit.campaign_id == camp.id).order_by(CampaignUnit.id)).all()
        return CampaignSpec.model_validate({
            "id": camp.id, "year": camp.year, "title": camp.title,
            "calendar": {step: {"opens": w.get("opens"), "closes": w["closes"]} for step, w in camp.calendar.items()},
            "groups": [{"code": g.code, "title": g.title, "rubric": g.rubric,
                        "units": [name for gid, name in rows if gid == g.id]} for g in camp.groups]})


def dump_spec(spec: CampaignSpec) -> str:
    """A campaign as its YAML file (docs/campaign-format.md), to download, edit and load again."""
    data = spec.model_dump(mode="python", exclude_none=True)
    head = (f"# Đợt đánh giá {spec.id} — tệp đợt đánh giá (docs/campaign-format.md). Sửa lịch, nhóm và đơn vị\n"
            "# rồi tải lên lại: đợt được cập nhật, mọi kết quả đã ghi được giữ nguyên.\n")
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)


def parse_upload(p: Principal, data: bytes, name: str = "") -> CampaignSpec:
    """An uploaded campaign file (UTF-8 YAML), for an admin: FORBIDDEN for anyone else before anything is read,
    then as ``parse_spec``."""
    if p.role != "admin":
        raise forbidden("Chỉ quản trị viên tạo hoặc sửa đợt đánh giá.")
    what = f" {name}" if name else ""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ServiceError(ServiceCode.CAMPAIGN_INVALID, f"campaign file{what} is not UTF-8 text",
                           f"Tệp đợt đánh giá{what} phải là văn bản UTF-8 (YAML).") from exc
    return _parse(text, name)


def save_calendar(ctx: Context, p: Principal, campaign_id: str, calendar: dict[str, dict[str, str | None]]) -> str:
    """A new calendar for a stored campaign (admins only; FORBIDDEN first): each step's ``opens`` (None or ""
    : when the previous step closes) and ``closes`` as ISO days, checked like the file's; saved through
    ``save_campaign`` with the groups and units unchanged."""
    if p.role != "admin":
        raise forbidden("Chỉ quản trị viên sửa lịch đánh giá.")
    data = spec_of(ctx, campaign_id).model_dump(mode="python")
    data["calendar"] = {step: {"opens": (w.get("opens") or "").strip() or None, "closes": (w.get("closes") or "").strip()}
                        for step, w in calendar.items()}
    return save_campaign(ctx, p, spec_from_data(data))


def save_campaign(ctx: Context, p: Principal, spec: CampaignSpec) -> str:
    """Create or update a campaign from its spec, for an admin (FORBIDDEN otherwise): ``create_campaign``, the
    one writer, so the audit trail's ``created`` event names who changed the calendar or groups and when."""
    if p.role != "admin":
        raise forbidden("Chỉ quản trị viên tạo hoặc sửa đợt đánh giá.")
    return create_campaign(ctx, spec, p)


def create_campaign(ctx: Context, spec: CampaignSpec, p: Principal | None = None) -> str:
    """Store the campaign (or update it from a new version of its file): calendar, groups, their units.
    A unit moved to another group moves; a unit no longer listed keeps its records (nothing is deleted).
    Every group's criteria set must load (CAMPAIGN_INVALID naming the group otherwise)."""
    for g in spec.groups:
        try:
            load_rubric(g.rubric)
        except RubricError as exc:
            raise ServiceError(ServiceCode.CAMPAIGN_INVALID, f"group {g.code}: rubric {g.rubric!r} does not load",
                               f"Nhóm “{g.title}”: bộ tiêu chí “{g.rubric}” không dùng được. {exc.message_vi}") from exc
    with ctx.db.session() as s:
        camp = s.get(Campaign, spec.id)
        if camp is None:
            camp = Campaign(id=spec.id, year=spec.year, title=spec.title, calendar={})
            s.add(camp)
        camp.year, camp.title = spec.year, spec.title
        camp.calendar = {step: {"opens": w.opens.isoformat() if w.opens else None, "closes": w.closes.isoformat()}
                         for step, w in spec.calendar.items()}
        s.flush()
        groups = {g.code: g for g in camp.groups}
        for g in spec.groups:
            row = groups.get(g.code)
            if row is None:
                row = CampaignGroup(campaign_id=camp.id, code=g.code, title=g.title, rubric=g.rubric)
                s.add(row)
                s.flush()
            row.title, row.rubric = g.title, g.rubric
            for name in g.units:
                unit = records.unit_by_name(s, name)
                assert unit is not None
                member = s.scalar(select(CampaignUnit).where(CampaignUnit.campaign_id == camp.id,
                                                             CampaignUnit.unit_id == unit.id))
                if member is None:
                    s.add(CampaignUnit(campaign_id=camp.id, unit_id=unit.id, group_id=row.id))
                else:
                    member.group_id = row.id
        _event(s, p, camp.id, None, "self_assessment", CampaignAction.CREATED, note=f"{len(spec.groups)} nhóm đơn vị")
    return spec.id


# --------------------------------------------------------------------------- calendar and locks


def step_bounds(camp: Campaign, step: Step) -> tuple[dt.datetime | None, dt.datetime]:
    """When a step opens and closes (UTC): from the start of its ``opens`` day (or the previous step's close)
    to the end of its ``closes`` day, Vietnam time."""
    w = camp.calendar[step]
    closes = _day_end(dt.date.fromisoformat(w["closes"]))
    if w.get("opens"):
        opens: dt.datetime | None = _day_start(dt.date.fromisoformat(w["opens"]))
    else:
        i = STEPS.index(step)
        opens = step_bounds(camp, STEPS[i - 1])[1] if i else None
    return opens, closes


def current_step(camp: Campaign, now: dt.datetime | None = None) -> Step | None:
    """The step whose window holds ``now``; None before the first opens or after the last closes."""
    now = now or utcnow()
    for step in STEPS:
        opens, closes = step_bounds(camp, step)
        if (opens is None or opens <= now) and now < closes:
            return step
    return None


def results_locked(camp: Campaign, now: dt.datetime | None = None) -> bool:
    """Results lock when round 2 closes: no round record, decision or proposal after it."""
    return (now or utcnow()) >= step_bounds(camp, "round2")[1]


def require_results_open(camp: Campaign, now: dt.datetime | None = None) -> None:
    """STEP_LOCKED once the results are locked (``results_locked``)."""
    if results_locked(camp, now):
        closes = step_bounds(camp, "round2")[1]
        raise ServiceError(ServiceCode.STEP_LOCKED, f"round 2 closed at {closes.isoformat()}: results are locked",
                           f"Thẩm định lần 2 đã kết thúc ({deadline_time(closes)}): kết quả đã khoá, không ghi thêm được.")


@dataclass(frozen=True)
class LockState:
    locked: bool
    reason: str  # "" (open) | "unit" | "admin" | "deadline" | "not_open"
    since: dt.datetime | None = None
    by: str = ""
    until: dt.datetime | None = None  # an admin's unlock: open until then

    @property
    def closed(self) -> bool:
        """Locked after it was open (by the unit, an admin or the deadline) — not merely not open yet."""
        return self.locked and self.reason != "not_open"

    def message_vi(self, step: str) -> str:
        name = STEP_VI.get(step, step)
        if self.reason == "deadline":
            return f"Đã hết hạn {name.lower()} ({deadline_time(self.since)}); chỉ quản trị viên mở lại được."
        if self.reason in ("unit", "admin"):
            return f"Bước {name.lower()} đã chốt lúc {local_time(self.since)} ({self.by}); chỉ quản trị viên mở lại được."
        if self.reason == "not_open":
            return f"Bước {name.lower()} chưa mở (từ {local_time(self.since)})."
        return ""


LOCK_ACTIONS = (CampaignAction.LOCK, CampaignAction.UNLOCK)  # the events that decide whether a step is locked


def lock_state(s: Session, camp: Campaign, unit_id: int, step: Step, now: dt.datetime | None = None) -> LockState:
    last = s.scalar(select(CampaignEvent).where(
        CampaignEvent.campaign_id == camp.id, CampaignEvent.unit_id == unit_id, CampaignEvent.step == step,
        CampaignEvent.action.in_(LOCK_ACTIONS)).order_by(CampaignEvent.id.desc()).limit(1))
    return state_after(camp, step, last, now)


def state_after(camp: Campaign, step: Step, last: CampaignEvent | None, now: dt.datetime | None = None) -> LockState:
    """A unit's step as its latest lock or unlock event (``last``, None when there is none) and the calendar
    leave it at ``now``."""
    now = now or utcnow()
    opens, closes = step_bounds(camp, step)
    if last is not None and last.action == CampaignAction.LOCK:
        return LockState(True, "admin" if last.by_role == "admin" else "unit", _aware(last.created_at), last.by_label)
    if last is not None and last.action == CampaignAction.UNLOCK:
        until = _aware(last.until)
        if until is not None and now < until:
            return LockState(False, "", until=until, by=last.by_label)
        return LockState(True, "deadline", until or closes)
    if opens is not None and now < opens:
        return LockState(True, "not_open", opens)
    if now >= closes:
        return LockState(True, "deadline", closes)
    return LockState(False, "")


def require_open(s: Session, camp: Campaign, unit_id: int, step: Step, now: dt.datetime | None = None) -> None:
    state = lock_state(s, camp, unit_id, step, now)
    if state.locked:
        code = ServiceCode.STEP_NOT_OPEN if state.reason == "not_open" else ServiceCode.STEP_LOCKED
        raise ServiceError(code, f"{step} is {'not open' if state.reason == 'not_open' else 'locked'} "
                           f"({state.reason})", state.message_vi(step))


def lock(ctx: Context, p: Principal, campaign_id: str, unit: str, step: Step, note: str = "") -> LockState:
    """The unit locks its own step (chốt); an admin may lock any unit's. Locking a locked step is refused."""
    _unit_step(step)
    with ctx.db.session() as s:
        camp, member = _visible(s, p, campaign_id, unit)
        if p.role not in ("admin", "unit"):
            raise forbidden("Chỉ đơn vị (hoặc quản trị viên) chốt được bước của đơn vị.")
        require_open(s, camp, member.unit_id, step)
        _event(s, p, camp.id, member.unit_id, step, CampaignAction.LOCK, note=_text(note, "note"))
        s.flush()
        return lock_state(s, camp, member.unit_id, step)


def unlock(ctx: Context, p: Principal, campaign_id: str, unit: str, step: Step, until: dt.datetime,
           note: str) -> LockState:
    """An admin opens a unit's step again until ``until`` (after which it locks by itself). A reason is required."""
    _unit_step(step)
    if p.role != "admin":
        raise forbidden("Chỉ quản trị viên mở lại được bước đã chốt.")
    if not note.strip():
        raise ServiceError(ServiceCode.REASON_REQUIRED, "an unlock needs a reason",
                           "Cần ghi lý do mở lại.")
    until = _aware(until) or until
    if until <= utcnow():
        raise ServiceError(ServiceCode.VALIDATION, "until is in the past", "Thời hạn mở lại phải ở tương lai.")
    with ctx.db.session() as s:
        camp, member = _member(s, campaign_id, unit)
        _event(s, p, camp.id, member.unit_id, step, CampaignAction.UNLOCK, until=until, note=_text(note, "note"))
        s.flush()
        return lock_state(s, camp, member.unit_id, step)


def sweep_deadlines(ctx: Context, now: dt.datetime | None = None) -> int:
    """Record an automatic lock for each unit step whose deadline (or unlock's end) has passed without a lock
    on record: the audit trail says when each step locked, even when nobody locked it. Returns the events
    written. Run by the reconciler on every tick; harmless to repeat. Four queries whatever the number of
    campaigns and units: the campaigns, those with an ended unlock, the units and the lock, unlock and
    automatic-lock events of the campaigns with a step past its deadline."""
    now = now or utcnow()
    n = 0
    with ctx.db.session() as s:
        camps = {c.id: c for c in s.scalars(select(Campaign)).all()}
        unlocked = set(s.scalars(select(CampaignEvent.campaign_id).where(
            CampaignEvent.action == CampaignAction.UNLOCK, CampaignEvent.until <= now).distinct()).all())
        due = [cid for cid, c in camps.items()
               if cid in unlocked or any(now >= step_bounds(c, step)[1] for step in UNIT_STEPS)]
        if not due:
            return 0
        members = s.execute(select(CampaignUnit.campaign_id, CampaignUnit.unit_id).where(
            CampaignUnit.campaign_id.in_(due))).all()
        last: dict[tuple[str, int | None, str], CampaignEvent] = {}
        swept: dict[tuple[str, int | None, str], int] = {}  # the newest automatic lock's id
        for e in s.scalars(select(CampaignEvent).where(
                CampaignEvent.campaign_id.in_(due),
                CampaignEvent.action.in_((*LOCK_ACTIONS, CampaignAction.AUTO_LOCK))).order_by(CampaignEvent.id)):
            key = (e.campaign_id, e.unit_id, e.step)
            if e.action == CampaignAction.AUTO_LOCK:
                swept[key] = e.id
            else:
                last[key] = e
        for cid, unit_id in members:
            for step in UNIT_STEPS:
                key = (cid, unit_id, step)
                decisive = last.get(key)
                state = state_after(camps[cid], step, decisive, now)
                # recorded already: an automatic lock after the lock or unlock that decides the state
                if state.reason != "deadline" or swept.get(key, 0) > (decisive.id if decisive else 0):
                    continue
                _event(s, None, cid, unit_id, step, CampaignAction.AUTO_LOCK,
                       note=f"hết hạn {local_time(state.since)}")
                n += 1
    return n


# --------------------------------------------------------------------------- rounds


def propose_questions(ctx: Context, campaign_id: str, unit: str, report: Report, p: Principal | None = None) -> int:
    """Round 1's machine proposals: every criterion kiemchung REFUTED, could not find enough evidence for, or
    left to manual review becomes a proposed "explanation requested" with its findings as the message. An
    appraiser confirms or drops each (``decide_question``). Criteria already recorded in round 1 are left alone.
    ``p``: who asked for the proposals (the audit trail names them; the system when None)."""
    with ctx.db.session() as s:
        camp, member = _member(s, campaign_id, unit)
        require_results_open(camp)
        done = set(s.scalars(select(RoundScore.code).where(
            RoundScore.campaign_id == camp.id, RoundScore.unit_id == member.unit_id, RoundScore.round == 1)).all())
        n = 0
        for c in report.criteria:
            if c.verdict not in QUESTIONED_VERDICTS or c.code in done:
                continue
            note = " ".join(f.message for f in c.findings if f.severity.value != "info") or \
                " ".join(f.message for f in c.findings)
            s.add(RoundScore(campaign_id=camp.id, unit_id=member.unit_id, round=1, code=c.code,
                             score=c.supported_score, note=note[:MAX_TEXT], explanation_requested=True,
                             source=RoundSource.MACHINE, state=RoundState.PROPOSED, by_label="kiemchung"))
            n += 1
        if n:
            _event(s, p, camp.id, member.unit_id, "round1", CampaignAction.PROPOSED,
                   note=f"{n} tiêu chí đề nghị giải trình")
    return n


def record_round(ctx: Context, p: Principal, campaign_id: str, unit: str, round_no: int, code: str, *,
                 score: float | None, note: str = "", explanation_requested: bool = False,
                 state: RoundState = RoundState.CONFIRMED, max_score: float | None = None) -> RoundScore:
    """An appraiser's round record for one criterion (a new row; the newest is current). Round 2 waits for the
    units' explanations to lock; dropping a machine proposal is a record with ``state=dropped``."""
    if not p.is_staff:
        raise forbidden("Chỉ thẩm định viên ghi kết quả thẩm định.")
    if round_no not in (1, 2):
        raise ServiceError(ServiceCode.VALIDATION, "round is 1 or 2", "Vòng thẩm định là 1 hoặc 2.")
    if score is not None and not math.isfinite(score):
        raise ServiceError(ServiceCode.SCORE_OUT_OF_RANGE, "score is not a finite number", "Điểm phải là một số.")
    with ctx.db.session() as s:
        camp, member = _member(s, campaign_id, unit)
        require_results_open(camp)
        top = criterion_max(member.group.rubric, code) if max_score is None else max_score
        if score is not None and (score < 0 or (top is not None and score > top)):
            raise ServiceError(ServiceCode.SCORE_OUT_OF_RANGE, f"score {score} out of range 0..{top}",
                               f"Điểm {score:g} nằm ngoài khoảng cho phép (0 … {top if top is not None else '—'}).")
        if round_no == 2 and not lock_state(s, camp, member.unit_id, "explanation").closed:
            raise ServiceError(ServiceCode.STEP_NOT_OPEN, "round 2 waits for the explanation step to lock",
                               "Thẩm định lần 2 bắt đầu khi đơn vị đã chốt giải trình (hoặc hết hạn giải trình).")
        row = RoundScore(campaign_id=camp.id, unit_id=member.unit_id, round=round_no, code=code, score=score,
                         note=_text(note, "note"), explanation_requested=explanation_requested and round_no == 1,
                         source=RoundSource.APPRAISER, state=state, token_id=p.token_id, by_label=who(s, p))
        s.add(row)
        _event(s, p, camp.id, member.unit_id, f"round{round_no}", CampaignAction.ROUND_SCORE, code=code,
               note=f"{state.value}: {score if score is not None else '—'}")
        s.flush()
        s.expunge(row)
        return row


QUESTION_ACTIONS = {"confirm": RoundState.CONFIRMED, "drop": RoundState.DROPPED}


def decide_question(ctx: Context, p: Principal, campaign_id: str, unit: str, code: str, action: str) -> RoundScore:
    """An appraiser confirms (``confirm``) or drops (``drop``) the machine's proposed "explanation requested"
    for one criterion: a new round-1 record with the proposal's score and message, in state confirmed or
    dropped, and an event naming the appraiser. Only a proposal still waiting is decided."""
    if not p.is_staff:
        raise forbidden("Chỉ thẩm định viên xác nhận hoặc bỏ đề nghị giải trình.")
    state = QUESTION_ACTIONS.get(action)
    if state is None:
        raise ServiceError(ServiceCode.ACTION_INVALID, f"action is one of {', '.join(QUESTION_ACTIONS)}",
                           "Thao tác phải là “confirm” (xác nhận) hoặc “drop” (bỏ).")
    with ctx.db.session() as s:
        camp, member = _member(s, campaign_id, unit)
        require_results_open(camp)
        current = current_rounds(s, camp.id, member.unit_id).get((1, code))
        if current is None or current.source != RoundSource.MACHINE:
            raise not_found("proposal", f"Không có đề nghị giải trình nào của kiemchung cho tiêu chí {code}.")
        if current.state != RoundState.PROPOSED:
            raise ServiceError(ServiceCode.ACTION_INVALID, f"the proposal for {code} is already {current.state}",
                               f"Đề nghị giải trình tiêu chí {code} đã được "
                               f"{'xác nhận' if current.state == RoundState.CONFIRMED else 'bỏ'} trước đó.")
        row = RoundScore(campaign_id=camp.id, unit_id=member.unit_id, round=1, code=code, score=current.score,
                         note=current.note, explanation_requested=state == RoundState.CONFIRMED,
                         source=RoundSource.MACHINE, state=state, token_id=p.token_id, by_label=who(s, p))
        s.add(row)
        _event(s, p, camp.id, member.unit_id, "round1", CampaignAction.ROUND_SCORE, code=code,
               note=f"{state.value}: đề nghị giải trình của kiemchung "
                    f"{'được xác nhận' if state == RoundState.CONFIRMED else 'bị bỏ'}")
        s.flush()
        s.expunge(row)
        return row


def propose_from_latest(ctx: Context, p: Principal, campaign_id: str, unit: str) -> tuple[str, int]:
    """Round 1's machine proposals (``propose_questions``) from the unit's latest checked submission for the
    campaign's year (withdrawn ones do not count). Staff only. Returns the submission and the proposals made."""
    if not p.is_staff:
        raise forbidden("Chỉ thẩm định viên lấy đề nghị giải trình từ kết quả kiểm tra.")
    with ctx.db.session() as s:
        camp, member = _member(s, campaign_id, unit)
        sub = latest_submission(s, member.unit_id, camp.year)
        if sub is None:
            raise not_found("submission", f"Đơn vị chưa có hồ sơ năm {camp.year} (chưa nộp hoặc đã rút).")
        report = records.report_if_checked(sub)
        if report is None:
            raise not_ready(sub.status)
        sub_id = sub.id
    return sub_id, propose_questions(ctx, campaign_id, unit, report, p)


def latest_submission(s: Session, unit_id: int, year: int) -> Submission | None:
    """The unit's newest submission for ``year`` that is not withdrawn."""
    return s.scalar(select(Submission).where(Submission.unit_id == unit_id, Submission.year == year,
                                             Submission.withdrawn_at.is_(None))
                    .order_by(Submission.created_at.desc(), Submission.id.desc()).limit(1))


def criterion_max(rubric: str, code: str) -> float | None:
    """The maximum of item ``code`` in the criteria set ``rubric``; CRITERION_NOT_FOUND when the set has no such
    item, RUBRIC_INVALID when the set does not load."""
    try:
        item = load_rubric(rubric).find(code)
    except RubricError as exc:
        raise ServiceError(ErrorCode.RUBRIC_INVALID, str(exc), exc.message_vi) from exc
    if item is None:
        raise ServiceError(ServiceCode.CRITERION_NOT_FOUND, f"no item {code} in {rubric}",
                           f"Bộ tiêu chí {rubric} không có tiêu chí {code}.")
    return item.max_score


def current_rounds(s: Session, campaign_id: str, unit_id: int) -> dict[tuple[int, str], RoundScore]:
    """(round, code) → the newest record."""
    rows = s.scalars(select(RoundScore).where(RoundScore.campaign_id == campaign_id, RoundScore.unit_id == unit_id)
                     .order_by(RoundScore.id)).all()
    return {(r.round, r.code): r for r in rows}


def questioned(s: Session, campaign_id: str, unit_id: int) -> set[str]:
    """Criteria the unit is asked to explain: round 1's current record requests it and is not a dropped proposal
    (a proposal still waiting counts: the unit sees what may be asked)."""
    return {code for (rnd, code), r in current_rounds(s, campaign_id, unit_id).items()
            if rnd == 1 and r.explanation_requested and r.state != RoundState.DROPPED}


# --------------------------------------------------------------------------- the unit's explanations and files


def add_explanation(ctx: Context, p: Principal, campaign_id: str, unit: str, code: str, text: str) -> Explanation:
    """The unit's explanation of a questioned criterion, while its explanation step is open: a new version."""
    text = _text(text, "explanation")
    if not text:
        raise ServiceError(ServiceCode.COMMENT_REQUIRED, "empty explanation", "Nội dung giải trình không được để trống.")
    with ctx.db.session() as s:
        camp, member = _answering(s, p, campaign_id, unit, code)
        version = _next_version(s, Explanation.version, Explanation.campaign_id == camp.id,
                                Explanation.unit_id == member.unit_id, Explanation.code == code)
        row = Explanation(campaign_id=camp.id, unit_id=member.unit_id, code=code, version=version, text=text,
                          token_id=p.token_id, by_label=who(s, p))
        s.add(row)
        _event(s, p, camp.id, member.unit_id, "explanation", CampaignAction.EXPLANATION, code=code,
               note=f"phiên bản {version}")
        s.flush()
        s.expunge(row)
        return row


def add_file(ctx: Context, p: Principal, campaign_id: str, unit: str, code: str, path: Path,
             name: str) -> AdditionalFile:
    """A file the unit adds for a questioned criterion, checked like any evidence file and stored by content. A
    file that is not a PDF or image, or fails its checks (corrupt, encrypted, oversized), is refused with its
    reason: the refusal is in the audit trail (``file_refused``, with the reason) and its bytes are not kept —
    nothing orphaned, nothing lost silently. A name used before becomes a new version beside the old one. The
    jobs layer schedules its reading (``api.jobs.schedule.add_file``)."""
    refused: ServiceError | None = None
    with ctx.db.session() as s:
        camp, member = _answering(s, p, campaign_id, unit, code)
        kind = ingest.detect_kind(path)
        if kind not in ingest.EVIDENCE_KINDS:
            refused = ServiceError(ErrorCode.UNSUPPORTED_TYPE, "not a PDF or image by its content",
                                   f"Tệp {name} không phải PDF hoặc ảnh (theo nội dung).")
        else:
            check = documents.preflight(ctx, path, kind)
            if not check.ok:
                err = check.error
                refused = (ServiceError(err.code, err.message, f"{name}: {err.message_vi or err.message}")
                           if err is not None else
                           ServiceError(ErrorCode.INTERNAL, "preflight failed", f"{name}: Không kiểm tra được tệp."))
        if refused is not None:
            _event(s, p, camp.id, member.unit_id, "explanation", CampaignAction.FILE_REFUSED, code=code,
                   note=f"{name[:500]}: {refused.message_vi}"[:MAX_TEXT])
        else:
            sha = documents.store_blob(ctx, s, path, kind, check.page_count)
            version = _next_version(s, AdditionalFile.version, AdditionalFile.campaign_id == camp.id,
                                    AdditionalFile.unit_id == member.unit_id, AdditionalFile.code == code,
                                    AdditionalFile.name == name)
            row = AdditionalFile(campaign_id=camp.id, unit_id=member.unit_id, code=code, name=name[:500],
                                 version=version, sha256=sha, token_id=p.token_id, by_label=who(s, p))
            s.add(row)
            _event(s, p, camp.id, member.unit_id, "explanation", CampaignAction.FILE_ADDED, code=code,
                   note=f"{name} (phiên bản {version})")
            s.flush()
            s.expunge(row)
    if refused is not None:  # raised once the refusal is on record
        raise refused
    return row


# --------------------------------------------------------------------------- survey scores


SURVEY_HEADERS = {"unit": ("đơn vị", "don vi", "unit"), "code": ("mã", "ma", "code", "tiêu chí", "tieu chi"),
                  "score": ("điểm", "diem", "score")}


def import_survey(ctx: Context, p: Principal, campaign_id: str, path: Path) -> int:
    """Survey scores from a CSV or XLSX file with the columns Đơn vị | Mã | Điểm (one row per unit and survey
    item). Every row must name a unit of the campaign and a number (decimal comma or point); otherwise nothing
    is imported and SURVEY_INVALID lists the rows refused. Returns the rows imported."""
    if p.role != "admin":
        raise forbidden("Chỉ quản trị viên nhập điểm điều tra xã hội học.")
    rows = _survey_rows(path)
    with ctx.db.session() as s:
        camp = _campaign(s, campaign_id)
        members = {m.unit.name.casefold(): m.unit_id for m in
                   s.scalars(select(CampaignUnit).where(CampaignUnit.campaign_id == camp.id)).all()}
        problems, parsed = [], []
        for line, unit, code, raw in rows:
            unit_id = members.get(unit.strip().casefold())
            value = parse_score(raw)
            if unit_id is None:
                problems.append(f"dòng {line}: đơn vị “{unit}” không thuộc đợt đánh giá")
            elif not code.strip():
                problems.append(f"dòng {line}: thiếu mã tiêu chí")
            elif value is None or value < 0:
                problems.append(f"dòng {line}: điểm “{raw}” không phải là số hợp lệ")
            else:
                parsed.append((line, unit_id, code.strip(), value))
        if problems or not parsed:
            problems = problems or ["tệp không có dòng điểm nào"]
            raise ServiceError(ServiceCode.SURVEY_INVALID, f"{len(problems)} rows refused",
                               "Không nhập được điểm điều tra: " + "; ".join(problems[:20]))
        for line, unit_id, code, value in parsed:
            row = s.scalar(select(SurveyScore).where(SurveyScore.campaign_id == camp.id,
                                                     SurveyScore.unit_id == unit_id, SurveyScore.code == code))
            if row is None:
                row = SurveyScore(campaign_id=camp.id, unit_id=unit_id, code=code, score=value)
                s.add(row)
            row.score, row.source, row.imported_at = value, f"{path.name}:{line}", utcnow()
        _event(s, p, camp.id, None, "round2", CampaignAction.SURVEY_IMPORT, note=f"{path.name}: {len(parsed)} dòng")
    return len(parsed)


def _survey_rows(path: Path) -> list[tuple[int, str, str, str]]:
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            wb = load_workbook(path, read_only=True, data_only=True)
            table = [["" if v is None else str(v) for v in r] for r in wb.active.iter_rows(values_only=True)]
        else:
            text = path.read_bytes().decode("utf-8-sig")
            table = list(csv.reader(io.StringIO(text), dialect=csv.Sniffer().sniff(text[:2048], delimiters=",;\t")))
    except Exception as exc:
        raise ServiceError(ServiceCode.SURVEY_INVALID, f"cannot read {path.name}: {exc}",
                           f"Không đọc được tệp điểm điều tra {path.name} (cần CSV hoặc XLSX).") from exc
    if not table:
        raise ServiceError(ServiceCode.SURVEY_INVALID, "empty file", "Tệp điểm điều tra trống.")
    header = [h.strip().casefold() for h in table[0]]
    cols: dict[str, int] = {}
    for key, names in SURVEY_HEADERS.items():
        for i, h in enumerate(header):
            if h in names:
                cols[key] = i
                break
    if len(cols) < 3:
        found = ", ".join(h for h in table[0] if h) or "(không có)"
        raise ServiceError(ServiceCode.SURVEY_INVALID, f"headers found: {found}",
                           f"Tệp điểm điều tra cần các cột Đơn vị | Mã | Điểm; tìm thấy: {found}.")
    out = []
    for n, r in enumerate(table[1:], start=2):
        cells = [*r, "", "", ""]
        if not any(c.strip() for c in r):
            continue
        out.append((n, cells[cols["unit"]], cells[cols["code"]], cells[cols["score"]]))
    return out


# --------------------------------------------------------------------------- what a unit's campaign holds


def unit_view(ctx: Context, p: Principal, campaign_id: str, unit: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """A unit's campaign as its reader may see it: steps with their windows, locks and the seconds left to
    their deadlines; per criterion the self-score and the machine's verdict (from the unit's latest checked
    submission for the year), the current round records, explanations and files (all versions), kiemchung's
    newest re-check with the additional files (``recheck``) and what changed between the rounds (``changes``:
    machine verdict and score in round 1 and 2, files and explanations added, the appraisers' scores, and
    ``summary_vi``, one line); the survey scores and the audit trail. A unit sees only its own (another unit's is NOT_FOUND); staff see every unit's."""
    now = now or utcnow()
    with ctx.db.session() as s:
        camp, member = _visible(s, p, campaign_id, unit)
        steps = []
        for step in STEPS:
            opens, closes = step_bounds(camp, step)
            entry: dict[str, Any] = {"step": step, "title": STEP_VI[step], "opens": opens, "closes": closes,
                                     "deadline": closes, "seconds_left": _seconds(now, closes)}
            if step in UNIT_STEPS:
                st = lock_state(s, camp, member.unit_id, step, now)
                deadline = st.until or closes
                entry.update(locked=st.locked, lock_reason=st.reason, locked_since=st.since, locked_by=st.by,
                             open_until=st.until, deadline=deadline,
                             seconds_left=0 if st.locked else _seconds(now, deadline))
            steps.append(entry)
        criteria: dict[str, dict[str, Any]] = {}

        def node(code: str) -> dict[str, Any]:
            return criteria.setdefault(code, {"code": code, "title": "", "max_score": None, "self_score": None,
                                              "verdict": None, "supported_score": None, "rounds": {},
                                              "explanations": [], "files": [], "recheck": None})

        sub = latest_submission(s, member.unit_id, camp.year)
        report = records.report_if_checked(sub) if sub is not None else None
        for c in report.criteria if report else []:
            node(c.code).update(title=c.title, max_score=c.max_score, self_score=c.claimed_score,
                                verdict=c.verdict.value, supported_score=c.supported_score)
        for (rnd, code), r in current_rounds(s, camp.id, member.unit_id).items():
            node(code)["rounds"][rnd] = {"score": r.score, "note": r.note,
                                         "explanation_requested": r.explanation_requested, "source": r.source,
                                         "state": r.state, "by": r.by_label, "at": r.created_at}
        for e in s.scalars(select(Explanation).where(Explanation.campaign_id == camp.id,
                                                     Explanation.unit_id == member.unit_id).order_by(Explanation.id)):
            node(e.code)["explanations"].append({"version": e.version, "text": e.text, "by": e.by_label,
                                                 "at": e.created_at})
        for f in s.scalars(select(AdditionalFile).where(AdditionalFile.campaign_id == camp.id,
                                                        AdditionalFile.unit_id == member.unit_id)
                           .order_by(AdditionalFile.id)):
            node(f.code)["files"].append({"id": f.id, "name": f.name, "version": f.version, "sha256": f.sha256,
                                          "by": f.by_label, "at": f.created_at})
        for rc in s.scalars(select(Recheck).where(Recheck.campaign_id == camp.id, Recheck.unit_id == member.unit_id)
                            .order_by(Recheck.id)):
            node(rc.code)["recheck"] = {"verdict": rc.verdict, "supported_score": rc.supported_score, "note": rc.note,
                                        "files": rc.files, "explanations": rc.explanations, "at": rc.created_at}
        for n in criteria.values():
            n["changes"] = round_changes.changes(
                (n["verdict"], n["supported_score"]), n["recheck"], len(n["files"]), len(n["explanations"]),
                (round_changes.appraised(n["rounds"].get(1)), round_changes.appraised(n["rounds"].get(2))))
        survey = {x.code: x.score for x in s.scalars(select(SurveyScore).where(
            SurveyScore.campaign_id == camp.id, SurveyScore.unit_id == member.unit_id))}
        events = [_event_dict(e, member.unit.name) for e in s.scalars(select(CampaignEvent).where(
            CampaignEvent.campaign_id == camp.id, CampaignEvent.unit_id == member.unit_id).order_by(CampaignEvent.id))]
        return {"campaign": camp.id, "year": camp.year, "title": camp.title, "unit": member.unit.name,
                "group": member.group.code, "rubric": member.group.rubric, "submission": sub.id if sub else None,
                "steps": steps, "criteria": [criteria[k] for k in sorted(criteria)], "survey": survey,
                "events": events, "results_locked": results_locked(camp, now)}


def list_campaigns(ctx: Context, p: Principal | None = None) -> list[dict[str, Any]]:
    """The campaigns, newest year first, with their current step and groups (units counted). A unit's
    principal sees only the campaigns its unit takes part in; without a principal (the CLI), all."""
    with ctx.db.session() as s:
        q = select(Campaign).order_by(Campaign.year.desc(), Campaign.id)
        if p is not None and p.role == "unit":
            q = q.where(Campaign.id.in_(select(CampaignUnit.campaign_id).where(CampaignUnit.unit_id == p.unit_id)))
        camps = s.scalars(q).all()
        counts = dict(s.execute(select(CampaignUnit.group_id, func.count()).where(
            CampaignUnit.campaign_id.in_([c.id for c in camps])).group_by(CampaignUnit.group_id)).all())
        return [{"id": camp.id, "year": camp.year, "title": camp.title, "step": current_step(camp),
                 "groups": [{"code": g.code, "title": g.title, "rubric": g.rubric, "units": counts.get(g.id, 0)}
                            for g in camp.groups]} for camp in camps]


def campaign_detail(ctx: Context, p: Principal, campaign_id: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """One campaign: its calendar (each step's window in UTC, the current step, seconds left) and its groups.
    Staff see every group's units; a unit (only of a campaign it takes part in) sees its own group."""
    now = now or utcnow()
    with ctx.db.session() as s:
        camp = _campaign_for(s, p, campaign_id)
        members = s.scalars(select(CampaignUnit).where(CampaignUnit.campaign_id == camp.id)
                            .order_by(CampaignUnit.id)).all()
        calendar = []
        for step in STEPS:
            opens, closes = step_bounds(camp, step)
            calendar.append({"step": step, "title": STEP_VI[step], "opens": opens, "closes": closes,
                             "seconds_left": _seconds(now, closes)})
        own = {m.group_id for m in members if m.unit_id == p.unit_id}
        groups = [{"code": g.code, "title": g.title, "rubric": g.rubric,
                   "units": [m.unit.name for m in members if m.group_id == g.id]}
                  for g in camp.groups if p.is_staff or g.id in own]
        if not p.is_staff:
            for g in groups:
                g["units"] = [n for n in g["units"] if n == p.unit_name]
        return {"id": camp.id, "year": camp.year, "title": camp.title, "step": current_step(camp, now),
                "calendar": calendar, "groups": groups}


def events(ctx: Context, p: Principal, campaign_id: str, unit: str | None = None) -> list[dict[str, Any]]:
    """The campaign's audit trail, oldest first: who, when, what, on which step and criterion, why. Staff read
    all of it (or one unit's); a unit reads its own unit's events only."""
    with ctx.db.session() as s:
        if unit is not None or not p.is_staff:
            camp, member = _visible(s, p, campaign_id, unit if unit is not None else (p.unit_name or ""))
            where = [CampaignEvent.campaign_id == camp.id, CampaignEvent.unit_id == member.unit_id]
        else:
            camp = _campaign(s, campaign_id)
            where = [CampaignEvent.campaign_id == camp.id]
        rows = s.execute(select(CampaignEvent, Unit.name).outerjoin(Unit, Unit.id == CampaignEvent.unit_id)
                         .where(*where).order_by(CampaignEvent.id)).all()
        return [_event_dict(e, name) for e, name in rows]


def additional_file(ctx: Context, p: Principal, campaign_id: str, unit: str, file_id: int,
                    code: str | None = None) -> tuple[str, Path]:
    """An additional file of a unit (for criterion ``code`` when given): its name and where its bytes are, for
    whoever may see the unit."""
    with ctx.db.session() as s:
        camp, member = _visible(s, p, campaign_id, unit)
        row = s.get(AdditionalFile, file_id)
        if row is None or row.campaign_id != camp.id or row.unit_id != member.unit_id or \
                (code is not None and row.code != code):
            raise not_found("file", "Không tìm thấy tệp bổ sung.")
        name, sha = row.name, row.sha256
    try:
        return name, ctx.blobs.local_path(sha)
    except FileNotFoundError as exc:
        raise not_found("file", "Không tìm thấy nội dung tệp bổ sung.") from exc


def _event_dict(e: CampaignEvent, unit: str | None) -> dict[str, Any]:
    return {"id": e.id, "unit": unit, "step": e.step, "action": e.action, "code": e.code, "note": e.note,
            "by": e.by_label or "hệ thống", "role": e.by_role, "at": _aware(e.created_at), "until": _aware(e.until)}


def _seconds(now: dt.datetime, deadline: dt.datetime) -> int:
    """Whole seconds from ``now`` to ``deadline``; 0 once it has passed."""
    return max(0, int((deadline - now).total_seconds()))


# --------------------------------------------------------------------------- helpers


def _day_start(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(0, 0), VN_TZ).astimezone(dt.UTC)


def _day_end(d: dt.date) -> dt.datetime:
    return _day_start(d + dt.timedelta(days=1))


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    if t is not None and t.tzinfo is None:
        return t.replace(tzinfo=dt.UTC)
    return t


def _next_version(s: Session, column: Any, *where: Any) -> int:
    """The version a new explanation or file gets: one past the highest of the rows ``where`` selects."""
    return 1 + (s.scalar(select(func.max(column)).where(*where)) or 0)


def _unit_step(step: str) -> None:
    if step not in UNIT_STEPS:
        raise ServiceError(ServiceCode.VALIDATION, f"only {', '.join(UNIT_STEPS)} are locked per unit",
                           "Chỉ bước tự đánh giá và bước giải trình được chốt theo đơn vị.")


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT or "\x00" in value:
        raise ServiceError(ServiceCode.VALIDATION, f"{what} too long or invalid",
                           f"Nội dung quá dài (tối đa {MAX_TEXT} ký tự) hoặc có ký tự không hợp lệ.")
    return value


def _campaign(s: Session, campaign_id: str) -> Campaign:
    camp = s.get(Campaign, campaign_id)
    if camp is None:
        raise not_found("campaign", "Không tìm thấy đợt đánh giá.")
    return camp


def _name_key(name: str) -> str:
    """A unit's name as people type it: Unicode-normalised, case and spacing ignored (SQLite's lower() folds
    ASCII only, so the comparison is made here, not in SQL)."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _find_member(s: Session, camp: Campaign, unit: str) -> CampaignUnit | None:
    key = _name_key(unit)
    rows = s.execute(select(CampaignUnit, Unit.name).join(Unit, Unit.id == CampaignUnit.unit_id)
                     .where(CampaignUnit.campaign_id == camp.id)).all()
    return next((m for m, name in rows if _name_key(name) == key), None)


def _member(s: Session, campaign_id: str, unit: str) -> tuple[Campaign, CampaignUnit]:
    camp = _campaign(s, campaign_id)
    member = _find_member(s, camp, unit)
    if member is None:
        raise ServiceError(ServiceCode.NOT_IN_CAMPAIGN, f"unit {unit!r} is not in campaign {campaign_id}",
                           f"Đơn vị “{unit}” không tham gia đợt đánh giá này.")
    return camp, member


def _campaign_for(s: Session, p: Principal, campaign_id: str) -> Campaign:
    """The campaign if ``p`` may see it: staff every one, a unit only one it takes part in (else NOT_FOUND)."""
    camp = _campaign(s, campaign_id)
    if not p.is_staff and s.scalar(select(CampaignUnit.id).where(
            CampaignUnit.campaign_id == camp.id, CampaignUnit.unit_id == p.unit_id).limit(1)) is None:
        raise not_found("campaign", "Không tìm thấy đợt đánh giá.")
    return camp


def _visible(s: Session, p: Principal, campaign_id: str, unit: str) -> tuple[Campaign, CampaignUnit]:
    """The member if ``p`` may see it: staff every unit of the campaign, a unit only itself — another unit's
    is NOT_FOUND, whether or not that unit takes part (nothing tells a unit which others take part)."""
    if p.is_staff:
        return _member(s, campaign_id, unit)
    camp = _campaign_for(s, p, campaign_id)
    member = _find_member(s, camp, unit)
    if member is None or member.unit_id != p.unit_id:
        raise not_found("unit", "Không tìm thấy đơn vị này trong đợt đánh giá.")
    return camp, member


def _own(s: Session, p: Principal, campaign_id: str, unit: str) -> tuple[Campaign, CampaignUnit]:
    """The member if ``p`` is that unit (a unit token writes only its own): another unit is NOT_FOUND, staff
    are FORBIDDEN (the unit writes its explanations itself)."""
    camp, member = _visible(s, p, campaign_id, unit)
    if p.role != "unit":
        raise forbidden("Chỉ đơn vị được đánh giá mới ghi giải trình và bổ sung tài liệu của mình.")
    return camp, member


def _answering(s: Session, p: Principal, campaign_id: str, unit: str, code: str) -> tuple[Campaign, CampaignUnit]:
    """The unit ``p`` answering a questioned criterion while its explanation step is open, else why not."""
    camp, member = _own(s, p, campaign_id, unit)
    require_open(s, camp, member.unit_id, "explanation")
    if code not in questioned(s, camp.id, member.unit_id):
        raise ServiceError(ServiceCode.NOT_QUESTIONED, f"criterion {code} was not questioned",
                           f"Tiêu chí {code} không được yêu cầu giải trình.")
    return camp, member


def _event(s: Session, p: Principal | None, campaign_id: str, unit_id: int | None, step: str, action: CampaignAction,
           *, code: str = "", until: dt.datetime | None = None, note: str = "") -> None:
    s.add(CampaignEvent(campaign_id=campaign_id, unit_id=unit_id, step=step, action=action, code=code, until=until,
                        note=note, token_id=p.token_id if p else None, by_label=who(s, p) if p else "",
                        by_role=p.role if p else "", created_at=utcnow()))
