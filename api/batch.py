"""Batches: a folder or ZIP with one submission (folder or ZIP) per unit.

`kiemchung check` on a batch (``api.check.run_batch``) checks unit after unit — OCR is shared across units by the
blob cache, and only one unit's pages are in memory at a time — then writes one report
folder per unit and a summary (summary.json, summary.xlsx).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

import ingest
from models.pages import FileKind
from models.report import Report, Verdict
from verifier.reports import write_row

log = logging.getLogger(__name__)
_SHEET_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".json"}


def _has_sheet(folder: Path, depth_zero_only: bool = False) -> bool:
    it = folder.iterdir() if depth_zero_only else folder.rglob("*")
    return any(p.is_file() and p.suffix.lower() in _SHEET_SUFFIXES and not p.name.startswith(".") for p in it)


def find_units(root: Path) -> list[tuple[str, Path]]:
    """The unit submissions of a batch folder: subfolders holding a sheet, and ZIP files."""
    units = []
    for child in sorted(root.iterdir()):
        if child.name.startswith(".") or child.name == "__MACOSX":
            continue
        if child.is_dir() and _has_sheet(child):
            units.append((child.name, child))
        elif child.is_file() and ingest.detect_kind(child) == FileKind.ZIP:
            units.append((child.stem, child))
    return units


def is_batch(path: Path) -> bool:
    """A folder with no sheet of its own and at least two unit submissions inside."""
    return path.is_dir() and not _has_sheet(path, depth_zero_only=True) and len(find_units(path)) >= 2


def summary_row(name: str, report: Report | None, error: str | None = None) -> dict:
    if report is None:
        return {"unit": name, "status": "error", "error": error}
    counts = {v.value: 0 for v in Verdict}
    for c in report.criteria:
        counts[c.verdict.value] += 1
    return {
        "unit": report.unit or name,
        "folder": name,
        "status": "ok",
        "year": report.year,
        "claimed_total": report.totals.claimed_score,
        "supported_total": report.totals.supported_score,
        "max_total": report.totals.max_score,
        "refuted": counts["REFUTED"],
        "not_enough_evidence": counts["NOT_ENOUGH_EVIDENCE"],
        "manual_review": counts["MANUAL_REVIEW"],
        "supported": counts["SUPPORTED"],
        "files_failed": [f.name for f in report.files if f.status != "ok"],
        "duplicate_findings": sum(1 for c in report.criteria for f in c.findings if f.code.value == "DUPLICATE_EVIDENCE"),
    }


def summarise(reports: list[Report], names: list[str] | None = None) -> dict:
    names = names or [r.unit or "?" for r in reports]
    return {"units": [summary_row(n, r) for n, r in zip(names, reports)]}


def write_summary(summary: dict, out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    jpath = out_dir / "summary.json"
    jpath.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    header = ["Đơn vị", "Thư mục", "Điểm tự đánh giá", "Điểm theo minh chứng", "Điểm tối đa", "Không khớp",
              "Thiếu minh chứng", "Cần thẩm định thủ công", "Khớp minh chứng", "Tệp lỗi", "Minh chứng trùng lặp",
              "Lỗi"]
    for c in write_row(ws, 1, header):
        c.font = Font(bold=True)
    for r, row in enumerate(summary["units"], start=2):  # unit and file names are the units' own text
        write_row(ws, r, [row.get("unit"), row.get("folder"), row.get("claimed_total"), row.get("supported_total"),
                          row.get("max_total"), row.get("refuted"), row.get("not_enough_evidence"),
                          row.get("manual_review"), row.get("supported"), "\n".join(row.get("files_failed") or []),
                          row.get("duplicate_findings"), row.get("error")])
    for col, width in zip("ABCDEFGHIJKL", [36, 24, 12, 12, 10, 10, 10, 12, 10, 30, 12, 40]):
        ws.column_dimensions[col].width = width
    xpath = out_dir / "summary.xlsx"
    wb.save(xpath)
    return {"json": jpath, "xlsx": xpath}


def safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "unit"
