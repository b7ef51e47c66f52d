"""Running the service: `kiemchung serve` (the app, named for uvicorn: ``api.server``), `worker` (RQ
workers), `reconcile`, `db-upgrade`."""

from __future__ import annotations

import subprocess
import sys

import typer

from models.errors import EXIT_INTERNAL, EXIT_USAGE
from models.settings import get_settings

from ..jobs.reconcile import reconcile
from ..jobs.runtime import configure
from ..jobs.worker import run_worker
from ..service.store.database import get_database
from .console import err_console, out_console
from .main import app


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    embedded: bool = typer.Option(False, "--embedded", help="Run jobs in this process (no Redis needed)."),
) -> None:
    """Run the REST API (and, with --embedded or without KIEMCHUNG_REDIS_URL, the jobs too)."""
    import uvicorn

    settings = get_settings()
    if not embedded and not settings.redis_url:
        err_console.print("KIEMCHUNG_REDIS_URL is not set: running jobs in this process (--embedded).")
        embedded = True
    uvicorn.run("api.server:embedded_app" if embedded else "api.server:queued_app", factory=True, host=host,
                port=port, log_level=settings.log_level.lower(), access_log=False)


@app.command()
def worker(
    burst: bool = typer.Option(False, "--burst", help="Stop when the queue is empty."),
    count: int = typer.Option(1, "--count", min=1, help="Number of worker processes to start."),
) -> None:
    """Run RQ worker(s) on KIEMCHUNG_REDIS_URL: each reads one file at a time with one single-threaded Tesseract."""
    settings = get_settings()
    if not settings.redis_url:
        err_console.print("[red]KIEMCHUNG_REDIS_URL is not set[/]: a worker needs Redis.")
        raise typer.Exit(EXIT_USAGE)
    if count > 1:
        args = [sys.executable, "-m", "api", "worker"] + (["--burst"] if burst else [])
        procs = [subprocess.Popen(args) for _ in range(count)]
        codes = [p.wait() for p in procs]
        raise typer.Exit(max(codes))
    run_worker(settings, burst=burst)


@app.command("reconcile")
def reconcile_cmd() -> None:
    """Re-enqueue work the database says is unfinished (lost in Redis, or abandoned by a dead worker)."""
    counts = reconcile(configure())
    out_console.print(counts)
    if counts.get("stuck"):
        err_console.print(f"[red]{counts['stuck']} hồ sơ không thể tiếp tục xử lý (không còn việc nào đang chờ "
                          "hoặc đang chạy); xem nhật ký và bảng jobs.[/red]")
        raise typer.Exit(EXIT_INTERNAL)


@app.command("db-upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database schema (Alembic) at KIEMCHUNG_DATABASE_URL."""
    db = get_database()
    out_console.print(f"schema up to date: {db.engine.url.render_as_string(hide_password=True)}")
