"""`kiemchung rubric list | validate | template`: the criteria sets, and the empty sheet of one."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from models.errors import EXIT_OK
from verifier import bundled_rubrics, load_rubric
from verifier.messages import score
from verifier.rubric import validate_rubric

from ..service.errors import ServiceError
from ..service.sheet_template import load_any_rubric, write_template
from .console import err_console, out_console
from .main import rubric_app

EXIT_PROBLEMS = 1  # `rubric validate`: the file was read and has problems
EXIT_UNREADABLE = 2  # `rubric validate`: the file cannot be read as a rubric
_ROLES = (("bonus", "mục điểm thưởng"), ("penalty", "mục điểm trừ"), ("survey", "mục điều tra xã hội học"))


@rubric_app.command("list")
def rubric_list() -> None:
    """List the bundled rubrics."""
    for name in bundled_rubrics():
        r = load_rubric(name)
        out_console.print(f"{name}: {r.title} — {len(r.of_role('score'))} tiêu chí thành phần, {score(r.max_total)} điểm",
                          markup=False, highlight=False, soft_wrap=True)


@rubric_app.command("validate")
def rubric_validate(
    file: Path = typer.Argument(..., help="Rubric YAML file or bundled name."),
    as_json: bool = typer.Option(False, "--json", help="Print the problems as JSON."),
) -> None:
    """Check a rubric: totals at every level, unique codes, caps, index bands, dates, rules.

    Exit 0 clean, 1 problems (each printed with its line, codes and a stable code), 2 unreadable file."""
    source, result = validate_rubric(str(file))
    r = result.rubric
    code = EXIT_OK if result.ok else EXIT_PROBLEMS if result.readable else EXIT_UNREADABLE
    if as_json:
        typer.echo(json.dumps({
            "file": source, "ok": result.ok, "readable": result.readable,
            "rubric": None if r is None else {
                "id": r.id, "title": r.title, "fields": len(r.fields),
                "criteria": sum(len(f.criteria) for f in r.fields),
                "items": {role: len(r.of_role(role)) for role in ("score", "bonus", "penalty", "survey")},
                "max_score": r.max_total, "index_max": r.index.max_score if r.index else None},
            "problems": [p.model_dump() for p in result.problems],
        }, ensure_ascii=False, indent=2))
        raise typer.Exit(code)
    for p in result.problems:
        err_console.print(f"{source}: {p.text_vi()}", markup=False, highlight=False, soft_wrap=True)
    if r is not None and result.ok:
        extra = ", ".join(f"{len(r.of_role(role))} {label}" for role, label in _ROLES if r.of_role(role))
        out_console.print(f"Hợp lệ: {r.id} — {len(r.fields)} lĩnh vực, {sum(len(f.criteria) for f in r.fields)} "
                          f"tiêu chí, {len(r.of_role('score'))} tiêu chí thành phần{', ' + extra if extra else ''}; "
                          f"tối đa {score(r.max_total)} điểm", markup=False, highlight=False, soft_wrap=True)
    else:
        err_console.print(f"{source}: {len(result.problems)} lỗi.", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@rubric_app.command("template")
def rubric_template(
    rubric: str = typer.Argument(..., help="Bundled rubric name or rubric YAML file."),
    out: Path = typer.Argument(..., help="The XLSX file to write."),
    year: int | None = typer.Option(None, "--year", min=2000, max=2100, help="Assessment year in the title rows."),
    unit: str | None = typer.Option(None, "--unit", help="Unit name in the title rows."),
) -> None:
    """Write an empty self-assessment sheet (XLSX) for a rubric: one row per field, criterion and
    sub-criterion with its code, title and maximum, under the header row the check reads."""
    try:
        r = load_any_rubric(rubric)
    except ServiceError as exc:
        err_console.print(f"{exc.message_vi} ({exc.code.value})")
        raise typer.Exit(exc.exit_code) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    write_template(r, out, year=year, unit=unit)
    out_console.print(f"{out}: {r.id} — {len(r.subcriteria())} tiêu chí thành phần, {r.max_total:g} điểm")
