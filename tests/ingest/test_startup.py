"""Process start-up cost matters: every OCR worker is a fresh interpreter."""

import gc
import subprocess
import sys
from pathlib import Path

from ingest.pipeline import gc_paused

ROOT = Path(__file__).resolve().parents[2]


def test_an_ocr_worker_loads_no_ml_runtime():
    """What a spawned worker imports to run a page job: no ONNX runtime or layout models.

    (PyMuPDF 2.0 requires and imports pymupdf4llm, which loads onnxruntime: ~55 MB and
    ~0.5 s per process; pyproject pins pymupdf < 2.)
    """
    # resident size now (VmRSS): ru_maxrss would carry over the forking pytest's peak on Linux
    code = ("import sys, re; from ingest.ocr import run_page_job; "
            "heavy = sorted(m for m in ('onnxruntime', 'pymupdf4llm', 'pymupdf.layout', 'torch', 'spacy', "
            "'underthesea', 'fastapi', 'sqlalchemy') if sys.modules.get(m)); "
            "rss = int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read()).group(1)); "
            "print(heavy, rss // 1024)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == "[]", out
    assert int(out[-1]) < 150, f"a worker takes {out[-1]} MB after imports"


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
