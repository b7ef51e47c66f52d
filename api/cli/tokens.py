"""`kiemchung token create | list | rename | revoke`: API tokens (only their hashes are stored), each with the
display name of the person who holds it (shown in the web header, the decisions' history and the XLSX)."""

from __future__ import annotations

import sys

import typer

from models.errors import EXIT_INPUT, EXIT_OK, EXIT_USAGE

from ..service.store.database import get_database
from ..service.tokens import create_token, list_tokens, rename_token, revoke_token
from .console import err_console, out_console
from .main import token_app

STAFF_ROLES = ("admin", "appraiser")


@token_app.command("create")
def token_create(
    role: str = typer.Option(..., help="admin | appraiser | unit"),
    unit: str | None = typer.Option(None, help="The unit a 'unit' token belongs to."),
    name: str = typer.Option("", "--name", "--label",
                             help='The holder\'s display name, e.g. "Nguyễn Văn A" (required for admin and appraiser '
                                  "tokens: decisions are recorded under it)."),
) -> None:
    """Create an API token and print it once (only its hash is stored)."""
    if role in STAFF_ROLES and not name.strip():
        err_console.print(f'[red]an {role} token needs --name "…" (the person decisions are recorded under)[/]')
        raise typer.Exit(EXIT_USAGE)
    try:
        secret = create_token(get_database(), role, unit, name)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(EXIT_USAGE) from exc
    sys.stdout.write(secret + "\n")


@token_app.command("list")
def token_list() -> None:
    """List tokens (prefix, display name, role, unit; never the secret)."""
    for t in list_tokens(get_database()):
        out_console.print(t)


@token_app.command("rename")
def token_rename(
    prefix: str = typer.Argument(..., help="The token's first 10 characters."),
    name: str = typer.Argument(..., help="The holder's display name."),
) -> None:
    """Set a token's display name (decisions already recorded keep the name they were recorded under)."""
    try:
        n = rename_token(get_database(), prefix, name)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(EXIT_USAGE) from exc
    out_console.print(f"renamed {n} token(s)")
    raise typer.Exit(EXIT_OK if n else EXIT_INPUT)


@token_app.command("revoke")
def token_revoke(prefix: str = typer.Argument(..., help="The token's first 10 characters.")) -> None:
    """Revoke a token by its prefix."""
    n = revoke_token(get_database(), prefix)
    out_console.print(f"revoked {n} token(s)")
    raise typer.Exit(EXIT_OK if n else EXIT_INPUT)
