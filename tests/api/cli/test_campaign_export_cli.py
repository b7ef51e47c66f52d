"""`kiemchung campaign export` in a real process on a real PostgreSQL: a staff token writes the council's
files and prints their paths; without a token, or with a unit's, or with an unknown format, nothing is written."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from api.service.context import open_context
from api.service.tokens import create_token
from models.settings import Settings
from tests.api.cli.test_campaign_cli import _run
from tests.council_example import CAMPAIGN, A, build


def test_export(tmp_path, pg_url):
    ctx = open_context(Settings(data_dir=tmp_path / "d", database_url=pg_url))
    build(ctx, tmp_path)
    appraiser = create_token(ctx.db, "appraiser", label="Lê Thị Thẩm")
    unit = create_token(ctx.db, "unit", A, "Nguyễn Văn A")
    ctx.db.engine.dispose()
    out = tmp_path / "hoi-dong"

    assert _run(tmp_path, pg_url, "export", CAMPAIGN, "--out", str(out)).returncode == 2
    proc = _run(tmp_path, pg_url, "export", CAMPAIGN, "--out", str(out), token=unit)
    assert proc.returncode == 3 and "FORBIDDEN" in proc.stderr
    proc = _run(tmp_path, pg_url, "export", CAMPAIGN, "--out", str(out), "--format", "xlsx,pdf", token=appraiser)
    assert proc.returncode == 2 and "pdf" in proc.stderr
    assert not out.exists()
    proc = _run(tmp_path, pg_url, "export", "khong-co", "--out", str(out), token=appraiser)
    assert proc.returncode == 3 and "NOT_FOUND" in proc.stderr

    proc = _run(tmp_path, pg_url, "export", CAMPAIGN, "--out", str(out), "--format", "xlsx,json", token=appraiser)
    assert proc.returncode == 0, proc.stderr
    printed = proc.stdout.split()
    assert printed == [str(out / f"hoi-dong-{CAMPAIGN}.xlsx"), str(out / f"hoi-dong-{CAMPAIGN}.json")]
    data = json.loads((out / f"hoi-dong-{CAMPAIGN}.json").read_text(encoding="utf-8"))
    assert [(u["unit"], u["index"], u["rank"]) for u in data["groups"][0]["units"]][0] == (A, 80.0, 1)
    assert "Xếp hạng so_nganh" in load_workbook(out / f"hoi-dong-{CAMPAIGN}.xlsx").sheetnames
