"""`kiemchung campaign create | list | show | lock | unlock | survey | export`: appraisal campaigns from the command line.

Every change is recorded with who made it, so the commands that change a campaign act as a token's holder:
``--token`` or ``KIEMCHUNG_TOKEN`` (an admin's, or for ``lock`` the unit's own). ``export`` writes what the
council receives (``verifier.reports.council_files``) and needs a staff token."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer

from models.campaign import STEP_VI, UNIT_STEPS, Step
from models.errors import EXIT_USAGE
from models.settings import get_settings
from verifier.messages import VN_TZ, local_time
from verifier.reports import council_files

from ..service import campaigns, council
from ..service.access import Principal
from ..service.context import Context, open_context
from ..service.errors import ServiceError
from ..service.tokens import authenticate
from .console import err_console, out_console
from .main import campaign_app

TOKEN_HELP = "Your API token (or KIEMCHUNG_TOKEN): changes are recorded under its holder's name."


def _principal(ctx: Context, token: str | None) -> Principal:
    p = authenticate(ctx.db, token) if token else None
    if p is None:
        err_console.print("[red]Cần mã truy cập hợp lệ (--token hoặc KIEMCHUNG_TOKEN): mọi thay đổi được ghi "
                          "kèm tên người thực hiện.[/]")
        raise typer.Exit(EXIT_USAGE)
    return p


def _fail(exc: ServiceError) -> typer.Exit:
    err_console.print(f"[red]{exc.message_vi}[/] ({exc.code.value})")
    return typer.Exit(exc.exit_code)


def _step(value: str) -> Step:
    if value not in UNIT_STEPS:
        err_console.print(f"[red]Bước “{value}” không chốt được; dùng một trong: {', '.join(UNIT_STEPS)}.[/]")
        raise typer.Exit(EXIT_USAGE)
    return value


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


@campaign_app.command("create")
def campaign_create(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="The campaign file (YAML): "
                                "docs/campaign-format.md."),
    token: str | None = typer.Option(None, envvar="KIEMCHUNG_TOKEN", help=TOKEN_HELP),
) -> None:
    """Create a campaign from its file, or update it from a new version (calendar, groups, units)."""
    ctx = open_context(get_settings())
    p = _principal(ctx, token)
    if p.role != "admin":
        err_console.print("[red]Chỉ quản trị viên tạo hoặc sửa đợt đánh giá.[/]")
        raise typer.Exit(EXIT_USAGE)
    try:
        spec = campaigns.load_spec(file)
        cid = campaigns.create_campaign(ctx, spec, p)
    except ServiceError as exc:
        raise _fail(exc) from exc
    units = sum(len(g.units) for g in spec.groups)
    out_console.print(f"Đợt đánh giá {cid}: {spec.title} — {len(spec.groups)} nhóm, {units} đơn vị.")


@campaign_app.command("list")
def campaign_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The campaigns, newest year first, with the step each is in."""
    rows = campaigns.list_campaigns(open_context(get_settings()))
    if as_json:
        out_console.print_json(json.dumps(rows, ensure_ascii=False, default=_json_default))
        return
    for c in rows:
        step = STEP_VI.get(c["step"] or "", "ngoài lịch")
        groups = ", ".join(f"{g['title']} ({g['units']})" for g in c["groups"])
        out_console.print(f"{c['id']} — {c['year']} — {c['title']} — đang ở: {step} — {groups}")


@campaign_app.command("show")
def campaign_show(
    campaign_id: str = typer.Argument(..., help="The campaign's id."),
    unit: str = typer.Argument(..., help="The unit's name."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    token: str | None = typer.Option(None, envvar="KIEMCHUNG_TOKEN", help=TOKEN_HELP),
) -> None:
    """One unit's campaign: its steps and locks, round records, explanations, files and audit trail."""
    ctx = open_context(get_settings())
    p = _principal(ctx, token)
    try:
        view = campaigns.unit_view(ctx, p, campaign_id, unit)
    except ServiceError as exc:
        raise _fail(exc) from exc
    if as_json:
        out_console.print_json(json.dumps(view, ensure_ascii=False, default=_json_default))
        return
    out_console.print(f"[bold]{view['title']}[/] — {view['unit']} ({view['group']}, {view['rubric']})")
    for st in view["steps"]:
        lock = ""
        if "locked" in st:
            lock = " — đã chốt" if st["locked"] else " — đang mở"
        out_console.print(f"  {st['title']}: {local_time(st['opens'])} → {local_time(st['closes'])}{lock}")
    for c in view["criteria"]:
        r1 = c["rounds"].get(1)
        ask = " · yêu cầu giải trình" if r1 and r1["explanation_requested"] else ""
        out_console.print(f"  {c['code']}: lần 1 {r1['score'] if r1 else '—'}{ask}; "
                          f"{len(c['explanations'])} giải trình; {len(c['files'])} tệp bổ sung")
    for e in view["events"]:
        out_console.print(f"  {local_time(e['at'])} {e['by']}: {e['action']} {e['step']} {e['code']} {e['note']}")


@campaign_app.command("lock")
def campaign_lock(
    campaign_id: str = typer.Argument(...),
    unit: str = typer.Argument(...),
    step: str = typer.Argument(..., help="self_assessment | explanation"),
    note: str = typer.Option("", help="A note kept with the lock."),
    token: str | None = typer.Option(None, envvar="KIEMCHUNG_TOKEN", help=TOKEN_HELP),
) -> None:
    """Lock a unit's step (chốt): the unit's own token, or an admin's."""
    ctx = open_context(get_settings())
    p = _principal(ctx, token)
    try:
        state = campaigns.lock(ctx, p, campaign_id, unit, _step(step), note)
    except ServiceError as exc:
        raise _fail(exc) from exc
    out_console.print(f"Đã chốt {STEP_VI[step].lower()} của {unit} lúc {local_time(state.since)}.")


@campaign_app.command("unlock")
def campaign_unlock(
    campaign_id: str = typer.Argument(...),
    unit: str = typer.Argument(...),
    step: str = typer.Argument(..., help="self_assessment | explanation"),
    until: dt.datetime = typer.Option(..., help="Open until (local time, e.g. 2025-01-05T17:00)."),
    reason: str = typer.Option(..., help="Why it is opened again (kept in the audit trail)."),
    token: str | None = typer.Option(None, envvar="KIEMCHUNG_TOKEN", help=TOKEN_HELP),
) -> None:
    """Open a unit's locked step again until a given time (admins only)."""
    ctx = open_context(get_settings())
    p = _principal(ctx, token)
    local_until = until if until.tzinfo else until.replace(tzinfo=VN_TZ)
    try:
        state = campaigns.unlock(ctx, p, campaign_id, unit, _step(step), local_until, reason)
    except ServiceError as exc:
        raise _fail(exc) from exc
    out_console.print(f"Đã mở lại {STEP_VI[step].lower()} của {unit} đến {local_time(state.until)}.")


@campaign_app.command("survey")
def campaign_survey(
    campaign_id: str = typer.Argument(...),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or XLSX: Đơn vị | Mã | Điểm."),
    token: str | None = typer.Option(None, envvar="KIEMCHUNG_TOKEN", help=TOKEN_HELP),
) -> None:
    """Import the survey scores (điều tra xã hội học) of the campaign's units (admins only)."""
    ctx = open_context(get_settings())
    p = _principal(ctx, token)
    try:
        n = campaigns.import_survey(ctx, p, campaign_id, file)
    except ServiceError as exc:
        raise _fail(exc) from exc
    out_console.print(f"Đã nhập {n} điểm điều tra xã hội học.")


@campaign_app.command("export")
def campaign_export(
    campaign_id: str = typer.Argument(..., help="The campaign's id."),
    out: Path = typer.Option(..., "--out", file_okay=False, help="The folder to write into (created if needed)."),
    formats: str = typer.Option(",".join(council_files.FORMATS), "--format",
                                help="Comma-separated: xlsx, docx, json, svg (svg: the charts and an HTML page)."),
    token: str | None = typer.Option(None, envvar="KIEMCHUNG_TOKEN", help=TOKEN_HELP),
) -> None:
    """What the council receives: rankings, per-unit score tables with every round, charts (admins, appraisers)."""
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in council_files.FORMATS]
    if unknown or not wanted:
        err_console.print(f"[red]Định dạng không hỗ trợ: {', '.join(unknown) or '(trống)'}; dùng: "
                          f"{', '.join(council_files.FORMATS)}.[/]")
        raise typer.Exit(EXIT_USAGE)
    ctx = open_context(get_settings())
    p = _principal(ctx, token)
    try:
        export = council.build_council(ctx, p, campaign_id)
    except ServiceError as exc:
        raise _fail(exc) from exc
    for path in council_files.write_council(export, out, wanted):
        out_console.print(str(path), markup=False, highlight=False, soft_wrap=True)
