"""`kiemchung check`: one unit's submission, or a batch (one folder or ZIP per unit), checked in this
process; the table (or JSON) printed, the reports written."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from models.errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK
from models.report import Report, Verdict
from models.settings import get_settings
from verifier.messages import label, score

from ..jobs.check import run_batch, run_check
from ..service.errors import ServiceError
from ..service.intake import is_batch
from ..service.status import FileStatus, UnitStatus
from ..service.version import tool_version
from .console import VERDICT_STYLE, ProgressBar, err_console, out_console, page_progress
from .main import app


def _print_report(report: Report, outputs: dict[str, Path]) -> None:
    table = Table(title=f"{report.unit or 'Đơn vị ?'} — năm {report.year} — {report.rubric_title or report.rubric_id}",
                  show_lines=False)
    table.add_column("Mã", no_wrap=True)
    table.add_column("Tự đánh giá", justify="right")
    table.add_column("Minh chứng", justify="right")
    table.add_column("Kết luận", no_wrap=True)
    table.add_column("Phát hiện đầu tiên", overflow="fold")
    for c in report.criteria:
        first = c.findings[0] if c.findings else None
        first_text = f"{label('findings', first.code)}: {first.message}" if first else ""
        table.add_row(c.code, score(c.claimed_score), score(c.supported_score),
                      f"[{VERDICT_STYLE[c.verdict]}]{label('verdicts', c.verdict)}[/]", first_text)
    t = report.totals
    table.add_row("Tổng", score(t.claimed_score), score(t.supported_score), "", f"tối đa {score(t.max_score)}",
                  style="bold")
    out_console.print(table)
    out_console.print("Kết luận: " + ", ".join(f"{label('verdicts', k)} {v}" for k, v in sorted(t.by_verdict.items())))
    for f in report.files:
        if f.status != FileStatus.OK:
            code, reason = (f.error.code.value, f.error.message_vi or f.error.message) if f.error else ("?", "")
            out_console.print(f"[red]Tệp lỗi[/] {f.name}: {code} — {reason}")
    for i in report.sheet_issues:
        where = f"dòng {i.row}" if i.row else "bảng"
        out_console.print(f"[yellow]Bảng tự đánh giá[/] ({where}{', ' + i.column if i.column else ''}): {i.message_vi}")
    if outputs:
        out_console.print("Báo cáo: " + ", ".join(str(p) for p in outputs.values()))


def _assessment_year(value: int | None) -> int | None:
    """--year: an assessment year, in the range the REST API and the web form accept (a usage error if not)."""
    if value is not None and not 2000 <= value <= 2100:
        raise typer.BadParameter(f"Năm đánh giá phải là số từ 2000 đến 2100 (nhận được {value}).")
    return value


def _quiet(quiet: bool, as_json: bool) -> bool:
    return quiet or as_json or not err_console.is_terminal


@app.command()
def check(
    path: Path = typer.Argument(..., exists=True, help="Submission: a folder or .zip holding one sheet (XLSX/CSV/JSON) "
                                "and evidence files (PDF, JPG, PNG, TIFF) at any depth."),
    year: int | None = typer.Option(None, callback=_assessment_year,
                                       help="Assessment year, 2000-2100 (default: read from the sheet's title rows)."),
    unit: str | None = typer.Option(None, help="Assessed unit (default: read from the sheet's title rows)."),
    rubric: str = typer.Option("par-reference", help="Bundled rubric name or path to a rubric YAML file."),
    sheet: str | None = typer.Option(None, help="Which sheet to read when the submission holds several."),
    out: Path = typer.Option(Path("out"), help="Folder for report.json, report.xlsx and report.html."),
    as_json: bool = typer.Option(False, "--json", help="Print the report JSON instead of the table."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Check one unit's submission — or a batch (one folder or ZIP per unit): read every file
    (text layer or OCR), extract, verify, write reports (and summary.xlsx/json for a batch)."""
    if is_batch(path):
        _check_batch(path, year=year, rubric=rubric, out=out, as_json=as_json, quiet=quiet)
        return
    try:
        if _quiet(quiet, as_json):
            result = run_check(path, year=year, unit=unit, rubric=rubric, sheet_name=sheet, out_dir=out,
                               tool_version=tool_version())
        else:
            with page_progress() as p:
                result = run_check(path, year=year, unit=unit, rubric=rubric, sheet_name=sheet, out_dir=out,
                                   progress=ProgressBar(p), tool_version=tool_version())
    except ServiceError as exc:
        err_console.print(f"[red]Lỗi ({exc.code.value}):[/] {exc.message_vi}")
        raise typer.Exit(exc.exit_code) from exc
    except Exception as exc:  # pragma: no cover - reported, never hidden
        err_console.print_exception()
        err_console.print(f"[red]Internal error:[/] {exc}")
        raise typer.Exit(EXIT_INTERNAL) from exc
    report = result.report
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        _print_report(report, result.outputs)
    all_ok = all(c.verdict == Verdict.SUPPORTED for c in report.criteria)
    raise typer.Exit(EXIT_OK if all_ok else EXIT_FINDINGS)


def _print_summary(path: Path, summary: dict[str, Any], files: dict[str, Path]) -> None:
    table = Table(title=f"Lô hồ sơ: {path.name} — {len(summary['units'])} đơn vị")
    for col in ("Đơn vị", "Tự đánh giá", "Minh chứng", "Không khớp", "Thiếu MC", "Thủ công", "Trùng lặp", "Tệp lỗi"):
        table.add_column(col)
    for u in summary["units"]:
        if u["status"] != UnitStatus.OK:
            table.add_row(u["unit"], "", "", "", "", "", "", f"[red]{u['error']}[/]")
            continue
        table.add_row(u["unit"], score(u["claimed_total"]), score(u["supported_total"]), str(u["refuted"]),
                      str(u["not_enough_evidence"]), str(u["manual_review"]), str(u["duplicate_findings"]),
                      str(len(u["files_failed"])))
    out_console.print(table)
    out_console.print("Tổng hợp: " + ", ".join(str(p) for p in files.values()))


def _check_batch(path: Path, *, year: int | None, rubric: str, out: Path, as_json: bool, quiet: bool) -> None:
    settings = get_settings()
    if _quiet(quiet, as_json):
        summary, files = run_batch(path, out_dir=out, settings=settings, rubric=rubric, year=year,
                                   tool_version=tool_version())
    else:
        with page_progress() as p:
            summary, files = run_batch(path, out_dir=out, settings=settings, rubric=rubric, year=year,
                                       progress=ProgressBar(p), tool_version=tool_version())
    if as_json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_summary(path, summary, files)
    ok = all(u["status"] == UnitStatus.OK and u["refuted"] == 0 and u["not_enough_evidence"] == 0
             and u["manual_review"] == 0 for u in summary["units"])
    raise typer.Exit(EXIT_OK if ok else EXIT_FINDINGS)
