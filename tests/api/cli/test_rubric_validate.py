"""`kiemchung rubric validate FILE [--json]` (#14 item 3) in a real process: exit 0 clean, 1 problems (each in
Vietnamese with its line, rubric codes and stable code), 2 a file that cannot be read as a rubric."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.verifier.test_rubric_check import GOOD


def _run(tmp_path, *args):
    return subprocess.run([sys.executable, "-m", "api", "rubric", "validate", *args], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, KIEMCHUNG_DATA_DIR=str(tmp_path / "d"), COLUMNS="200"))


def test_clean_bundled_sets_exit_0(tmp_path):
    proc = _run(tmp_path, "example-province")
    assert proc.returncode == 0, proc.stderr
    assert "Hợp lệ: example-province — 8 lĩnh vực, 37 tiêu chí, 88 tiêu chí thành phần" in proc.stdout
    path = tmp_path / "t.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert _run(tmp_path, str(path)).returncode == 0


def test_problems_exit_1_with_line_codes_and_json(tmp_path):
    path = tmp_path / "sai.yaml"
    path.write_text(GOOD.replace("    max_score: 10\n    criteria:", "    max_score: 11\n    criteria:")
                    .replace("types: [KH]", "types: [KHX]"), encoding="utf-8")
    proc = _run(tmp_path, str(path))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "dòng 18 · 1: Lĩnh vực 1 ghi điểm tối đa 11" in proc.stderr and "[FIELD_MAX_MISMATCH]" in proc.stderr
    assert "1 › 1.1 › 1.1.1" in proc.stderr and "[RULE_UNKNOWN_TYPE]" in proc.stderr and "2 lỗi." in proc.stderr
    proc = _run(tmp_path, str(path), "--json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert not data["ok"] and data["readable"] and data["rubric"]["id"] == "t"
    assert [(p["code"], p["line"]) for p in data["problems"]] == [("FIELD_MAX_MISMATCH", 18), ("RULE_UNKNOWN_TYPE", 31)]


def test_unreadable_file_exits_2(tmp_path):
    assert _run(tmp_path, str(tmp_path / "khong-co.yaml")).returncode == 2
    broken = tmp_path / "hong.yaml"
    broken.write_text("id: x\nfields: [\n", encoding="utf-8")
    proc = _run(tmp_path, str(broken), "--json")
    assert proc.returncode == 2 and json.loads(proc.stdout)["problems"][0]["code"] == "YAML_SYNTAX"
    binary = tmp_path / "nhi-phan.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    proc = _run(tmp_path, str(binary))
    assert proc.returncode == 2 and "[FILE_UNREADABLE]" in proc.stderr
