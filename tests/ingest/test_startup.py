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


def test_the_second_ocr_engine_loads_only_where_a_page_is_ocrd(tmp_path):
    """onnxruntime (the digit re-reader, ``ingest._exec.rapidocr``) is imported lazily by the OCR
    worker that reads a number crop: never by the API process, never by text-layer ingest."""
    code = f"""
import sys
from pathlib import Path
from api.server import create_app
from ingest import ingest_file
from models.settings import Settings
from tests.ingest.builders import raster_pdf, text_pdf, write
create_app()
born = text_pdf(["Số: 118/2015/NĐ-CP", "Hà Nội, ngày 14 tháng 11 năm 2015"])
tmp = Path({str(tmp_path)!r})
r = ingest_file(write(tmp, "born.pdf", born), settings=Settings(data_dir=tmp / "d1", workers=1))
print(r.pages_ocr == [], "onnxruntime" in sys.modules)
r = ingest_file(write(tmp, "scan.pdf", raster_pdf(born, dpi=250)), settings=Settings(data_dir=tmp / "d2", workers=1))
print(r.pages_ocr == [1], "onnxruntime" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False", "True", "True"], out  # the scan is read in this process (one worker)


def test_a_pool_loads_the_second_engine_once_in_the_ingesting_process(tmp_path):
    """With a pool, workers read pages and only the process that started them settles the
    numbers (``ingest.numbers.settle``): one onnxruntime session, not one per worker."""
    code = f"""
import sys
from pathlib import Path
from ingest import Entry, ingest_files
from ingest.executor import ProcessExecutor
from models.pages import FileKind
from models.settings import Settings
from tests.ingest.builders import raster_pdf, text_pdf, write
tmp = Path({str(tmp_path)!r})
scan = write(tmp, "scan.pdf", raster_pdf(text_pdf(["Số: 118/2015/NĐ-CP", "ngày 14 tháng 11 năm 2015"]), dpi=250))
with ProcessExecutor(2) as ex:
    r = ingest_files([Entry(name="scan.pdf", path=scan, kind=FileKind.PDF)], settings=Settings(data_dir=tmp / "d", workers=2),
                     executor=ex)[0]
    in_workers = [ex.submit(eval, "'onnxruntime' in __import__('sys').modules").result() for _ in range(4)]
print(r.pages_ocr == [1], "onnxruntime" in sys.modules, any(in_workers))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "False"], out


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
