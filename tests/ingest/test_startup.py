"""Process start-up cost matters: every OCR worker is a fresh interpreter."""

import gc
import os
import subprocess
import sys
from pathlib import Path

from ingest.pipeline import gc_paused

ROOT = Path(__file__).resolve().parents[2]


def _modules_after_import(env_extra: dict) -> str:
    code = "import sys, ingest, pymupdf; print(sys.modules.get('pymupdf.layout', 'absent') is None)"
    env = {**os.environ, **env_extra}
    env.pop("KIEMCHUNG_PYMUPDF_LAYOUT", None) if not env_extra else None
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_import_ingest_blocks_pymupdf_layout_addon():
    assert _modules_after_import({}) == "True"


def test_layout_addon_can_be_kept():
    assert _modules_after_import({"KIEMCHUNG_PYMUPDF_LAYOUT": "1"}) == "False"


def test_gc_paused_restores_state():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
