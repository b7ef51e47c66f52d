"""`kiemchung check` on a batch: one folder per unit → a report per unit and a summary."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys

import openpyxl

from tests.conftest import EXAMPLE


def _unit_copy(dest, unit_name: str) -> None:
    shutil.copytree(EXAMPLE, dest)
    sheet = dest / "00-bang-tu-danh-gia-2024.xlsx"
    wb = openpyxl.load_workbook(sheet)
    for row in wb.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("Đơn vị:"):
                cell.value = f"Đơn vị: {unit_name}"
    wb.save(sheet)


def _copied_plan() -> bytes:
    """Sở Tư pháp's 2024 plan with the unit's name changed: a copy passed off as Sở Tài chính's own."""
    sys.path.insert(0, str(EXAMPLE.parent))
    from build_example import DOC1

    from tests.support.docgen import render_pdf

    copy = dataclasses.replace(
        DOC1, issuer="SỞ TÀI CHÍNH", number="15/KH-STC", title=DOC1.title.replace("Sở Tư pháp", "Sở Tài chính"),
        body=[p.replace("Sở Tư pháp", "Sở Tài chính") for p in DOC1.body])
    return render_pdf(copy)


def test_batch_folder(tmp_path, session_settings):
    batch = tmp_path / "tinh-dong-nai"
    batch.mkdir()
    shutil.copytree(EXAMPLE, batch / "so-tu-phap")
    _unit_copy(batch / "so-tai-chinh", "Sở Tài chính tỉnh Đồng Nai")
    (batch / "so-tai-chinh" / "01-KH-CCHC-2024.pdf").write_bytes(_copied_plan())
    (batch / "so-trong").mkdir()  # a unit folder without a sheet is not a unit submission
    (batch / "hong.zip").write_bytes(b"PK\x03\x04 broken")  # a unit ZIP that cannot be read
    out = tmp_path / "out"
    env = dict(os.environ, KIEMCHUNG_DATA_DIR=str(session_settings.data_dir))
    proc = subprocess.run([sys.executable, "-m", "api", "check", str(batch), "--json", "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 1, proc.stderr
    summary = json.loads(proc.stdout)
    rows = {r.get("unit"): r for r in summary["units"]}
    assert rows["Sở Tư pháp tỉnh Đồng Nai"]["refuted"] == 4
    assert rows["Sở Tư pháp tỉnh Đồng Nai"]["supported_total"] == 8.5
    other = rows["Sở Tài chính tỉnh Đồng Nai"]
    assert other["status"] == "ok" and other["supported_total"] < 8.5  # its evidence was issued by another unit
    assert rows["hong"]["status"] == "error" and rows["hong"]["error_code"] == "CORRUPT_ARCHIVE"  # its own reason
    assert rows["hong"]["error"].startswith("Tệp hong.zip")  # the sentence for people, not "CODE: …"
    # the copied plan is flagged in both units, on the criterion that uses it
    assert other["duplicate_findings"] >= 1 and rows["Sở Tư pháp tỉnh Đồng Nai"]["duplicate_findings"] >= 1
    report = json.loads((out / "so-tai-chinh" / "report.json").read_text(encoding="utf-8"))
    c111 = next(c for c in report["criteria"] if c["code"] == "1.1.1")
    dup = next(f for f in c111["findings"] if f["code"] == "DUPLICATE_EVIDENCE")
    assert "Sở Tư pháp" in dup["message"]
    assert (out / "so-tu-phap" / "report.json").is_file() and (out / "so-tai-chinh" / "report.xlsx").is_file()
    wb = openpyxl.load_workbook(out / "summary.xlsx")
    units = [r[0] for r in wb.active.iter_rows(min_row=2, values_only=True)]
    assert "Sở Tài chính tỉnh Đồng Nai" in units and len(units) == 3
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert len(data["units"]) == 3
