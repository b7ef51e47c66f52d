"""The `kiemchung` command line."""

from __future__ import annotations

import json
import sys
from importlib.metadata import PackageNotFoundError, version
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

out_console = Console()
err_console = Console(stderr=True)

VERDICT_STYLE = {
    Verdict.SUPPORTED: "green",
    Verdict.REFUTED: "bold red",
    Verdict.NOT_ENOUGH_EVIDENCE: "dark_orange",
    Verdict.MANUAL_REVIEW: "yellow",
}


def tool_version() -> str:
    try:
        return version("kiemchung")
    except PackageNotFoundError:
        return "0+unknown"


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
    table.add_row("Tổng", score(t.claimed_score), score(t.supported_score),
                  ", ".join(f"{k}: {v}" for k, v in sorted(t.by_verdict.items())), f"tối đa {score(t.max_score)}",
                  style="bold")
    out_console.print(table)
    failed = [f for f in report.files if f.status != "ok"]
    for f in failed:
        out_console.print(f"[red]Tệp lỗi[/] {f.name}: {f.error.code.value} — {f.error.message_vi or f.error.message}")
    for i in report.sheet_issues:
        where = f"dòng {i.row}" if i.row else "bảng"
        out_console.print(f"[yellow]Bảng tự đánh giá[/] ({where}{', ' + i.column if i.column else ''}): {i.message_vi}")
    if outputs:
        out_console.print("Báo cáo: " + ", ".join(str(p) for p in outputs.values()))


@app.command()
def check(
    path: Path = typer.Argument(..., exists=True, help="Submission: a folder or .zip holding one sheet (XLSX/CSV/JSON) "
                                "and evidence files (PDF, JPG, PNG, TIFF) at any depth."),
    year: Optional[int] = typer.Option(None, help="Assessment year (default: read from the sheet's title rows)."),
    unit: Optional[str] = typer.Option(None, help="Assessed unit (default: read from the sheet's title rows)."),
    rubric: str = typer.Option("par-reference", help="Bundled rubric name or path to a rubric YAML file."),
    sheet: Optional[str] = typer.Option(None, help="Which sheet to read when the submission holds several."),
    out: Path = typer.Option(Path("out"), help="Folder for report.json, report.xlsx and report.html."),
    as_json: bool = typer.Option(False, "--json", help="Print the report JSON instead of the table."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Check one unit's submission: read every file (text layer or OCR), extract, verify, write reports."""
    from .pipeline import CheckError, run_check

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


def run() -> None:  # pragma: no cover
    try:
        app()
    except SystemExit as exc:
        if exc.code not in (None, EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT, EXIT_INTERNAL):
            raise SystemExit(EXIT_USAGE)
        raise
