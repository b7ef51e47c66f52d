"""`kiemchung rubric template RUBRIC OUT.xlsx` (#15 item 5): a real process writes the empty sheet, which the
check reads back; an unknown rubric exits 3 with its reason."""

from __future__ import annotations

import os
import subprocess
import sys

from verifier import load_rubric, read_sheet


def _run(tmp_path, *args):
    return subprocess.run([sys.executable, "-m", "api", "rubric", "template", *args], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, KIEMCHUNG_DATA_DIR=str(tmp_path / "d"), COLUMNS="200"))


def test_cli_writes_the_template(tmp_path):
    out = tmp_path / "ra" / "mau.xlsx"
    proc = _run(tmp_path, "par-reference", str(out), "--year", "2024", "--unit", "UBND huyện Xuân Lộc")
    assert proc.returncode == 0, proc.stderr
    sheet = read_sheet(out)
    codes = {c.code for c in sheet.claims}
    assert {s.code for _f, _c, s in load_rubric("par-reference").subcriteria()} <= codes
    assert (sheet.unit, sheet.year) == ("UBND huyện Xuân Lộc", 2024)


def test_cli_unknown_rubric_exits_3(tmp_path):
    proc = _run(tmp_path, "khong-co", str(tmp_path / "x.xlsx"))
    assert proc.returncode == 3 and "RUBRIC_INVALID" in proc.stderr and not (tmp_path / "x.xlsx").exists()
