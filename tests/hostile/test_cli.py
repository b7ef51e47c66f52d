"""Hostile inputs through `kiemchung check` embedded: the real CLI as a subprocess, under a timeout (a hang
fails its case instead of hanging the suite), its own data dir and temporary folder per case."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from models.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK

from .checks import check_report, check_xlsx_text, jobs_for, sha256_of
from .corpus import CASES

KIEMCHUNG = os.path.join(os.path.dirname(sys.executable), "kiemchung")
TIMEOUT = 120  # seconds; a healthy case takes ~3 s (born-digital files, no OCR)


def _tail(text: str, n: int = 1500) -> str:
    return text[-n:]


def _run(case, jail, submission) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIEMCHUNG_")}  # embedded: SQLite, no Redis
    env.update(KIEMCHUNG_DATA_DIR=str(jail.data), TMPDIR=str(jail.tmp), COLUMNS="400", **case.env)
    cmd = [KIEMCHUNG, "check", str(submission), "--out", str(jail.out), "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"{case.name}: `kiemchung check` hung (no result after {TIMEOUT} s); stderr: {_tail(err)}")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_check_cli(case, jail):
    submission = case.build(jail.input)
    jail.start()
    run = _run(case, jail, submission)
    jail.assert_untouched()
    assert "Traceback" not in run.stderr, f"{case.name}: {_tail(run.stderr)}"
    if not case.done:
        assert run.returncode == EXIT_INPUT, f"{case.name}: exit {run.returncode}, expected {EXIT_INPUT}; " \
                                             f"{_tail(run.stderr)}"
        m = re.search(r"Lỗi \(([A-Z_]+)\)", run.stderr)
        seen = m.group(1) if m else None
        assert seen in case.codes, f"{case.name}: expected {sorted(case.codes)}, saw {seen}: {_tail(run.stderr, 300)}"
        return
    assert run.returncode in (EXIT_OK, EXIT_FINDINGS), f"{case.name}: exit {run.returncode}; {_tail(run.stderr)}"
    report = json.loads(run.stdout)
    assert json.loads((jail.out / "report.json").read_text(encoding="utf-8"))["files"] == report["files"]
    check_report(case, report)
    if case.jobless:
        engine = create_engine(f"sqlite:///{jail.data / 'kiemchung.db'}")
        try:
            with Session(engine) as s:
                jobs = jobs_for(s, sha256_of(submission / case.jobless))
        finally:
            engine.dispose()
        assert not jobs, f"{case.name}: {case.jobless} was rejected up front, yet jobs were made for it: {jobs}"
    if case.xlsx_text:
        check_xlsx_text((jail.out / "report.xlsx").read_bytes(), case.xlsx_text)
