"""`kiemchung rubric list | validate`: the criteria sets."""

from __future__ import annotations

from pathlib import Path

import typer

from models.errors import EXIT_INPUT
from verifier import RubricError, bundled_rubrics, load_rubric

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
