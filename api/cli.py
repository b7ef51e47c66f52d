"""The `kiemchung` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from models.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE
from models.report import Report, Verdict
from models.settings import get_settings

from . import logs
from .version import tool_version

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
token_app = typer.Typer(help="API tokens: create, list, revoke.", no_args_is_help=True)
app.add_typer(token_app, name="token")

out_console = Console()
err_console = Console(stderr=True)

VERDICT_STYLE = {
    Verdict.SUPPORTED: "green",
    Verdict.REFUTED: "bold red",
    Verdict.NOT_ENOUGH_EVIDENCE: "dark_orange",
    Verdict.MANUAL_REVIEW: "yellow",
}


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


class _ProgressBar:
    """Drives a rich progress bar from ingest progress events (pages read so far / all pages)."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.task = progress.add_task("Đọc tài liệu", total=None)

    def __call__(self, event) -> None:
        total = event.overall_pages_total or None
        done = event.overall_pages_done
        name = event.file
        self.progress.update(self.task, total=total, completed=done, description=f"Đọc {name}"[:60])


def _print_report(report: Report, outputs: dict[str, Path]) -> None:
    table = Table(title=f"{report.unit or 'Đơn vị ?'} — năm {report.year} — {report.rubric_id}", show_lines=False)
    table.add_column("Mã", no_wrap=True)
    table.add_column("Tự đánh giá", justify="right")
    table.add_column("Minh chứng", justify="right")
    table.add_column("Kết luận", no_wrap=True)
    table.add_column("Phát hiện đầu tiên", overflow="fold")
    from verifier.messages import score

    for c in report.criteria:
        first = c.findings[0] if c.findings else None
        first_text = f"[{first.code.value}] {first.message}" if first else ""
        table.add_row(c.code, score(c.claimed_score), score(c.supported_score),
                      f"[{VERDICT_STYLE[c.verdict]}]{c.verdict.value}[/]", first_text)
    t = report.totals
    table.add_row("Tổng", score(t.claimed_score), score(t.supported_score), "", f"tối đa {score(t.max_score)}",
                  style="bold")
    out_console.print(table)
    out_console.print("Kết luận: " + ", ".join(f"{k} {v}" for k, v in sorted(t.by_verdict.items())))
    failed = [f for f in report.files if f.status != "ok"]
    for f in failed:
        out_console.print(f"[red]Tệp lỗi[/] {f.name}: {f.error.code.value} — {f.error.message_vi or f.error.message}")
    for i in report.sheet_issues:
        where = f"dòng {i.row}" if i.row else "bảng"
        out_console.print(f"[yellow]Bảng tự đánh giá[/] ({where}{', ' + i.column if i.column else ''}): {i.message_vi}")
    if outputs:
        out_console.print("Báo cáo: " + ", ".join(str(p) for p in outputs.values()))


def _assessment_year(value: Optional[int]) -> Optional[int]:
    """--year: an assessment year, in the range the REST API and the web form accept (a usage error if not)."""
    if value is not None and not 2000 <= value <= 2100:
        raise typer.BadParameter(f"Năm đánh giá phải là số từ 2000 đến 2100 (nhận được {value}).")
    return value


@app.command()
def check(
    path: Path = typer.Argument(..., exists=True, help="Submission: a folder or .zip holding one sheet (XLSX/CSV/JSON) "
                                "and evidence files (PDF, JPG, PNG, TIFF) at any depth."),
    year: Optional[int] = typer.Option(None, callback=_assessment_year,
                                       help="Assessment year, 2000-2100 (default: read from the sheet's title rows)."),
    unit: Optional[str] = typer.Option(None, help="Assessed unit (default: read from the sheet's title rows)."),
    rubric: str = typer.Option("par-reference", help="Bundled rubric name or path to a rubric YAML file."),
    sheet: Optional[str] = typer.Option(None, help="Which sheet to read when the submission holds several."),
    out: Path = typer.Option(Path("out"), help="Folder for report.json, report.xlsx and report.html."),
    as_json: bool = typer.Option(False, "--json", help="Print the report JSON instead of the table."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Check one unit's submission — or a batch (one folder or ZIP per unit): read every file
    (text layer or OCR), extract, verify, write reports (and summary.xlsx/json for a batch)."""
    from .batch import is_batch
    from .check import run_check
    from .pipeline import CheckError

    if is_batch(path) or (path.is_file() and _zip_is_batch(path)):
        _check_batch(path, year=year, rubric=rubric, out=out, as_json=as_json, quiet=quiet)
        return
    try:
        if quiet or as_json or not err_console.is_terminal:
            result = run_check(path, year=year, unit=unit, rubric=rubric, sheet_name=sheet, out_dir=out,
                               tool_version=tool_version())
        else:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("trang"), TimeElapsedColumn(), console=err_console, transient=True) as p:
                result = run_check(path, year=year, unit=unit, rubric=rubric, sheet_name=sheet, out_dir=out,
                                   progress=_ProgressBar(p), tool_version=tool_version())
    except CheckError as exc:
        err_console.print(f"[red]Lỗi ({exc.info.code.value}):[/] {exc.info.message_vi}")
        raise typer.Exit(EXIT_INPUT)
    except Exception as exc:  # pragma: no cover - reported, never hidden
        err_console.print_exception()
        err_console.print(f"[red]Internal error:[/] {exc}")
        raise typer.Exit(EXIT_INTERNAL)
    report = result.report
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        _print_report(report, result.outputs)
    all_ok = all(c.verdict == Verdict.SUPPORTED for c in report.criteria)
    raise typer.Exit(EXIT_OK if all_ok else EXIT_FINDINGS)


def _zip_is_batch(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/") and not n.startswith("__MACOSX")]
    except (zipfile.BadZipFile, OSError):
        return False
    top_sheets = [n for n in names if "/" not in n and n.lower().endswith((".xlsx", ".xlsm", ".csv", ".json"))]
    units = {n.split("/", 1)[0] for n in names if "/" in n} | {n for n in names if "/" not in n and n.lower().endswith(".zip")}
    return not top_sheets and len(units) >= 2


def _check_batch(path: Path, *, year, rubric, out: Path, as_json: bool, quiet: bool) -> None:
    from .check import run_batch

    settings = get_settings()
    if quiet or as_json or not err_console.is_terminal:
        summary, files = run_batch(path, out_dir=out, settings=settings, rubric=rubric, year=year,
                                   tool_version=tool_version())
    else:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("trang"), TimeElapsedColumn(), console=err_console, transient=True) as p:
            summary, files = run_batch(path, out_dir=out, settings=settings, rubric=rubric, year=year,
                                       progress=_ProgressBar(p), tool_version=tool_version())
    if as_json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    else:
        from verifier.messages import score

        table = Table(title=f"Lô hồ sơ: {path.name} — {len(summary['units'])} đơn vị")
        for col in ("Đơn vị", "Tự đánh giá", "Minh chứng", "Không khớp", "Thiếu MC", "Thủ công", "Trùng lặp", "Tệp lỗi"):
            table.add_column(col)
        for u in summary["units"]:
            if u["status"] != "ok":
                table.add_row(u["unit"], "", "", "", "", "", "", f"[red]{u['error']}[/]")
                continue
            table.add_row(u["unit"], score(u["claimed_total"]), score(u["supported_total"]), str(u["refuted"]),
                          str(u["not_enough_evidence"]), str(u["manual_review"]), str(u["duplicate_findings"]),
                          str(len(u["files_failed"])))
        out_console.print(table)
        out_console.print("Tổng hợp: " + ", ".join(str(p) for p in files.values()))
    ok = all(u["status"] == "ok" and u["refuted"] == 0 and u["not_enough_evidence"] == 0 and u["manual_review"] == 0
             for u in summary["units"])
    raise typer.Exit(EXIT_OK if ok else EXIT_FINDINGS)


@app.command()
def extract(
    files: list[Path] = typer.Argument(..., exists=True, help="Evidence files (PDF, JPG, PNG, TIFF)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per file (JSON Lines)."),
) -> None:
    """Read files and print each document's identity, references, dates and metrics."""
    import ingest

    from .pipeline import extract_file

    settings = get_settings()
    entries = [ingest.Entry(name=str(f), path=f, kind=ingest.detect_kind(f)) for f in files]
    results = ingest.ingest_files(entries, settings=settings)
    failed = False
    for f in results:
        x = extract_file(f)
        x.pages_ocr = f.pages_ocr
        failed = failed or x.status != "ok"
        if as_json:
            sys.stdout.write(x.model_dump_json() + "\n")
            continue
        d = x.document
        out_console.rule(f"{x.file}")
        if x.status != "ok":
            out_console.print(f"[red]{x.error.code.value}[/]: {x.error.message_vi or x.error.message}")
            continue
        out_console.print(f"Số: {d.number}  Loại: {d.doc_type}  Cơ quan: {d.issuer} ({d.parent_issuer})")
        out_console.print(f"Ngày: {d.issued_on}  Nơi: {d.place}  Trích yếu: {d.title}")
        out_console.print(f"Ký: {d.signing_mode or ''} {d.signer or ''}  Trang OCR: {x.pages_ocr}")
        out_console.print(f"{len(x.references)} trích dẫn, {len(x.dates)} ngày, {len(x.metrics)} số liệu")
        for r in x.references[:20]:
            out_console.print(f"  → {r.number} ({r.doc_type or '?'}) {r.issued_on or ''} trang {r.page}"
                              + (" [yellow]cần kiểm tra[/]" if r.needs_review else ""))
        for m in x.metrics[:20]:
            out_console.print(f"  # {m.qualifier.value} {m.value} {m.unit} — {m.subject} (trang {m.page})"
                              + (" [yellow]cần kiểm tra[/]" if m.needs_review else ""))
    raise typer.Exit(EXIT_INPUT if failed else EXIT_OK)


@app.command()
def schema() -> None:
    """Print the JSON Schema of report.json."""
    from verifier.reports import report_schema

    sys.stdout.write(json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n")


@rubric_app.command("list")
def rubric_list() -> None:
    """List the bundled rubrics."""
    from verifier import bundled_rubrics, load_rubric

    for name in bundled_rubrics():
        r = load_rubric(name)
        out_console.print(f"{name}: {r.title} — {len(r.subcriteria())} tiêu chí thành phần, {r.max_total:g} điểm")


@rubric_app.command("validate")
def rubric_validate(file: Path = typer.Argument(..., help="Rubric YAML file or bundled name.")) -> None:
    """Validate a rubric file; errors point at the line."""
    from verifier import RubricError, load_rubric

    try:
        r = load_rubric(str(file))
    except RubricError as exc:
        err_console.print(str(exc))
        raise typer.Exit(EXIT_INPUT)
    out_console.print(f"OK: {r.id} — {len(r.subcriteria())} sub-criteria, max {r.max_total:g}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    embedded: bool = typer.Option(False, "--embedded", help="Run jobs in this process (no Redis needed)."),
) -> None:
    """Run the REST API (and, with --embedded or without KIEMCHUNG_REDIS_URL, the jobs too)."""
    import uvicorn

    from .app import create_app

    settings = get_settings()
    if not embedded and not settings.redis_url:
        err_console.print("KIEMCHUNG_REDIS_URL is not set: running jobs in this process (--embedded).")
        embedded = True
    uvicorn.run(create_app(embedded=embedded), host=host, port=port, log_level=settings.log_level.lower(),
                access_log=False)


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
        import subprocess

        args = [sys.executable, "-m", "api", "worker"] + (["--burst"] if burst else [])
        procs = [subprocess.Popen(args) for _ in range(count)]
        codes = [p.wait() for p in procs]
        raise typer.Exit(max(codes))
    from .worker import run_worker

    run_worker(settings, burst=burst)


@app.command("reconcile")
def reconcile_cmd() -> None:
    """Re-enqueue work the database says is unfinished (lost in Redis, or abandoned by a dead worker)."""
    from .jobs import reconcile
    from .service import configure

    counts = reconcile(configure())
    out_console.print(counts)
    if counts.get("stuck"):
        err_console.print(f"[red]{counts['stuck']} hồ sơ không thể tiếp tục xử lý (không còn việc nào đang chờ "
                          "hoặc đang chạy); xem nhật ký và bảng jobs.[/red]")
        raise typer.Exit(EXIT_INTERNAL)


@app.command("db-upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database schema (Alembic) at KIEMCHUNG_DATABASE_URL."""
    from .db import get_database

    db = get_database()
    out_console.print(f"schema up to date: {db.engine.url.render_as_string(hide_password=True)}")


@token_app.command("create")
def token_create(
    role: str = typer.Option(..., help="admin | appraiser | unit"),
    unit: Optional[str] = typer.Option(None, help="The unit a 'unit' token belongs to."),
    label: str = typer.Option("", help="A note to recognise the token."),
) -> None:
    """Create an API token and print it once (only its hash is stored)."""
    from .auth import create_token
    from .db import get_database

    try:
        secret = create_token(get_database(), role, unit, label)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(EXIT_USAGE)
    sys.stdout.write(secret + "\n")


@token_app.command("list")
def token_list() -> None:
    """List tokens (prefix, role, unit; never the secret)."""
    from .auth import list_tokens
    from .db import get_database

    for t in list_tokens(get_database()):
        out_console.print(t)


@token_app.command("revoke")
def token_revoke(prefix: str = typer.Argument(..., help="The token's first 10 characters.")) -> None:
    """Revoke a token by its prefix."""
    from .auth import revoke_token
    from .db import get_database

    n = revoke_token(get_database(), prefix)
    out_console.print(f"revoked {n} token(s)")
    raise typer.Exit(EXIT_OK if n else EXIT_INPUT)


def run() -> None:  # pragma: no cover
    try:
        app()
    except SystemExit as exc:
        if exc.code not in (None, EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT, EXIT_INTERNAL):
            raise SystemExit(EXIT_USAGE)
        raise
