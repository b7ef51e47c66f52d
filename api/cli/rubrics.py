"""`kiemchung rubric list | validate | template`: the criteria sets, and the empty sheet of one."""

from __future__ import annotations

from pathlib import Path

import typer

from models.errors import EXIT_INPUT
from verifier import RubricError, bundled_rubrics, load_rubric

from ..service.errors import ServiceError
from ..service.sheet_template import load_any_rubric, write_template
from .console import err_console, out_console
from .main import rubric_app


@rubric_app.command("list")
def rubric_list() -> None:
    """List the bundled rubrics."""
    for name in bundled_rubrics():
        r = load_rubric(name)
        out_console.print(f"{name}: {r.title} — {len(r.subcriteria())} tiêu chí thành phần, {r.max_total:g} điểm")


@rubric_app.command("validate")
def rubric_validate(file: Path = typer.Argument(..., help="Rubric YAML file or bundled name.")) -> None:
    """Validate a rubric file; errors point at the line."""
    try:
        r = load_rubric(str(file))
    except RubricError as exc:
        err_console.print(str(exc))
        raise typer.Exit(EXIT_INPUT) from exc
    out_console.print(f"OK: {r.id} — {len(r.subcriteria())} sub-criteria, max {r.max_total:g}")


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
