"""`kiemchung extract` (read files, print what was found in each) and `kiemchung schema`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

import ingest
from models.errors import EXIT_INPUT, EXIT_OK
from models.settings import get_settings
from verifier.reports import report_schema

from ..service.documents import extract_file
from ..service.status import FileStatus
from .console import out_console
from .main import app


@app.command()
def extract(
    files: list[Path] = typer.Argument(..., exists=True, help="Evidence files (PDF, JPG, PNG, TIFF)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per file (JSON Lines)."),
) -> None:
    """Read files and print each document's identity, references, dates and metrics."""
    settings = get_settings()
    entries = [ingest.Entry(name=str(f), path=f, kind=ingest.detect_kind(f)) for f in files]
    results = ingest.ingest_files(entries, settings=settings)
    failed = False
    for f in results:
        x = extract_file(f)
        x.pages_ocr = f.pages_ocr
        failed = failed or x.status != FileStatus.OK
        if as_json:
            sys.stdout.write(x.model_dump_json() + "\n")
            continue
        d = x.document
        out_console.rule(f"{x.file}")
        if x.status != FileStatus.OK:
            code, reason = (x.error.code.value, x.error.message_vi or x.error.message) if x.error else ("?", "")
            out_console.print(f"[red]{code}[/]: {reason}")
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
    sys.stdout.write(json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n")
