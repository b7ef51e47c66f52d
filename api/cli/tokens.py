"""`kiemchung token create | list | revoke`: API tokens (only their hashes are stored)."""

from __future__ import annotations

import sys

import typer

from models.errors import EXIT_INPUT, EXIT_OK, EXIT_USAGE

from ..service.store.database import get_database
from ..service.tokens import create_token, list_tokens, revoke_token
from .console import err_console, out_console
from .main import token_app


@token_app.command("create")
def token_create(
    role: str = typer.Option(..., help="admin | appraiser | unit"),
    unit: str | None = typer.Option(None, help="The unit a 'unit' token belongs to."),
    label: str = typer.Option("", help="A note to recognise the token."),
) -> None:
    """Create an API token and print it once (only its hash is stored)."""
    try:
        secret = create_token(get_database(), role, unit, label)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(EXIT_USAGE) from exc
    sys.stdout.write(secret + "\n")


@token_app.command("list")
def token_list() -> None:
    """List tokens (prefix, role, unit; never the secret)."""
    for t in list_tokens(get_database()):
        out_console.print(t)


@token_app.command("revoke")
def token_revoke(prefix: str = typer.Argument(..., help="The token's first 10 characters.")) -> None:
    """Revoke a token by its prefix."""
    n = revoke_token(get_database(), prefix)
    out_console.print(f"revoked {n} token(s)")
    raise typer.Exit(EXIT_OK if n else EXIT_INPUT)
