"""`kiemchung campaign …` in real processes on a real PostgreSQL: an admin creates the example campaign, a unit
locks its self-assessment, an admin reopens it; a command without a token changes nothing (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from api.service.store.database import Database
from api.service.tokens import create_token

EXAMPLE = Path(__file__).parents[3] / "examples" / "campaign-2026.yaml"
UNIT = "Sở Tư pháp tỉnh Đồng Nai"


def _run(tmp_path, pg_url, *args, token=None):
    env = dict(os.environ, KIEMCHUNG_DATA_DIR=str(tmp_path / "d"), KIEMCHUNG_DATABASE_URL=pg_url, COLUMNS="200")
    env.pop("KIEMCHUNG_TOKEN", None)
    if token:
        env["KIEMCHUNG_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "api", "campaign", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def test_campaign_commands(tmp_path, pg_url):
    db = Database(pg_url)
    db.migrate()
    admin = create_token(db, "admin", label="Trần Văn Quản")
    unit = create_token(db, "unit", UNIT, "Nguyễn Văn A")
    db.engine.dispose()

    assert _run(tmp_path, pg_url, "create", str(EXAMPLE)).returncode == 2  # who would it be recorded under?
    proc = _run(tmp_path, pg_url, "create", str(EXAMPLE), token=unit)
    assert proc.returncode == 2 and "quản trị" in proc.stderr
    proc = _run(tmp_path, pg_url, "create", str(EXAMPLE), token=admin)
    assert proc.returncode == 0 and "2 nhóm, 3 đơn vị" in proc.stdout, proc.stderr
    [c] = json.loads(_run(tmp_path, pg_url, "list", "--json").stdout)
    assert c["id"] == "vi-du-2026" and [g["units"] for g in c["groups"]] == [2, 1]

    proc = _run(tmp_path, pg_url, "lock", "vi-du-2026", UNIT, "self_assessment", token=unit)
    assert proc.returncode == 0 and "Đã chốt" in proc.stdout, proc.stderr
    proc = _run(tmp_path, pg_url, "lock", "vi-du-2026", UNIT, "self_assessment", token=unit)
    assert proc.returncode == 3 and "STEP_LOCKED" in proc.stderr
    proc = _run(tmp_path, pg_url, "unlock", "vi-du-2026", UNIT, "self_assessment", "--until", "2027-01-10T17:00",
                "--reason", "Đơn vị xin sửa điểm tiêu chí 1.1.1", token=admin)
    assert proc.returncode == 0 and "10/01/2027 17:00" in proc.stdout, proc.stderr

    view = json.loads(_run(tmp_path, pg_url, "show", "vi-du-2026", UNIT, "--json", token=unit).stdout)
    step = {s["step"]: s for s in view["steps"]}["self_assessment"]
    assert step["locked"] is False and step["open_until"].startswith("2027-01-10T10:00")
    assert [(e["action"], e["by"]) for e in view["events"]] == [("lock", "Nguyễn Văn A"), ("unlock", "Trần Văn Quản")]
    other = _run(tmp_path, pg_url, "show", "vi-du-2026", "Sở Y tế tỉnh Đồng Nai", token=unit)
    assert other.returncode == 3 and "NOT_FOUND" in other.stderr  # another unit's is not shown at all
