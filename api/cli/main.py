"""The `kiemchung` command line: the typer app, its options, and the exit codes it may end with."""

from __future__ import annotations

import typer

from models.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE
from models.settings import get_settings

from ..service import logs
from ..service.version import tool_version
from .console import out_console

app = typer.Typer(
    help="kiemchung: check the evidence of PAR Index self-assessments (Chỉ số CCHC).\n\n"
    "Exit codes: 0 all criteria supported; 1 check ran and some criteria are not supported; "
    "2 usage error; 3 the submission cannot be read (no sheet, invalid rubric); 4 internal error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rubric_app = typer.Typer(help="Criteria sets (rubrics): list and validate.", no_args_is_help=True)
app.add_typer(rubric_app, name="rubric")
token_app = typer.Typer(help="API tokens: create, list, rename, revoke.", no_args_is_help=True)
app.add_typer(token_app, name="token")
campaign_app = typer.Typer(help="Appraisal campaigns: calendar, unit groups, locks, survey scores.",
                           no_args_is_help=True)
app.add_typer(campaign_app, name="campaign")


def _version_callback(value: bool) -> None:
    if value:
        out_console.print(f"kiemchung {tool_version()}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug details to stderr."),
    version_: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                  help="Print the version and exit."),
) -> None:
    settings = get_settings()
    logs.configure("DEBUG" if verbose else settings.log_level, settings.log_json)


def run() -> None:  # pragma: no cover
    try:
        app()
    except SystemExit as exc:
        if exc.code not in (None, EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT, EXIT_INTERNAL):
            raise SystemExit(EXIT_USAGE) from exc
        raise
