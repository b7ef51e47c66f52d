"""`kiemchung token create --name` in a real process: staff tokens need the holder's name; `token list` shows it."""

from __future__ import annotations

import os
import subprocess
import sys


def _run(tmp_path, pg_url, *args):
    env = dict(os.environ, KIEMCHUNG_DATA_DIR=str(tmp_path / "d"), KIEMCHUNG_DATABASE_URL=pg_url, COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "api", "token", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def test_token_create_with_a_name(tmp_path, pg_url):
    assert _run(tmp_path, pg_url, "create", "--role", "appraiser").returncode == 2  # whose decisions would they be?
    proc = _run(tmp_path, pg_url, "create", "--role", "appraiser", "--name", "Nguyễn Văn A")
    assert proc.returncode == 0 and proc.stdout.strip().startswith("kc_"), proc.stderr
    listed = _run(tmp_path, pg_url, "list")
    assert listed.returncode == 0 and "Nguyễn Văn A" in listed.stdout, listed.stderr
