"""Result cache and memory: re-ingest of a processed 50-page scan; peak RSS on a 200-page scan.

Input: five half-page law excerpts (``corpus_dir()/laws``) rendered with ``render_text_pdf``
and scanned with ``rasterize_scan`` (docgen defaults: 200 dpi, ~0.6° skew, noise, JPEG q70);
the five image pages are repeated to 50 and to 200 pages (``insert_pdf``: each copy is its
own image object, as in a real scan).

Cache: first ``ingest_file`` (2 workers, every page OCR'd) vs a second ``ingest_file`` of the
same bytes under another name (sha256 + cached JSON).  RSS: the 200-page scan is ingested
in a fresh interpreter with a 2-process pool while this process samples the memory of that
interpreter plus all its children (workers, Tesseract) every 100 ms.  Two figures: the peak
sum of PSS (shared library pages split between the processes that map them: the memory the
ingest really holds) and the peak sum of RSS (each process's shared pages counted again:
an overstatement), plus the ingesting process's own RSS.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pymupdf

from bench.common import ROOT, corpus_dir, target

DISTINCT = 5
LAWS = ["Luat-68-2020-QH14-cu-tru-435315.txt", "Luat-08-2017-QH14-Thuy-loi-2017-322933.txt",
        "Luat-66-2011-QH12-phong-chong-mua-ban-nguoi-122148.txt", "Luat-67-2011-QH12-kiem-toan-doc-lap-122184.txt",
        "Bo-Luat-lao-dong-2019-333670.txt"]
CHILD = """
import json, sys, time, resource
from pathlib import Path
import ingest
from ingest.archive import Entry
from models.pages import FileKind
from models.settings import Settings
path, data = Path(sys.argv[1]), Path(sys.argv[2])
t0 = time.perf_counter()
r = ingest.ingest_files([Entry(name=path.name, path=path, kind=FileKind.PDF)],
                        settings=Settings(data_dir=data, workers=2))[0]
print(json.dumps({"status": r.status, "pages": r.page_count, "ocr_pages": len(r.pages_ocr),
                  "words": sum(len(p.words) for p in r.pages), "seconds": time.perf_counter() - t0,
                  "main_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def distinct_scan(workdir: Path) -> Path:
    from tests.support.docgen import rasterize_scan, render_text_pdf

    out = pymupdf.open()
    for i, name in enumerate(LAWS[:DISTINCT]):
        text = (corpus_dir() / "laws" / name).read_text(encoding="utf-8")[:2500]
        src = pymupdf.open(stream=render_text_pdf(text), filetype="pdf")
        one = pymupdf.open()
        one.insert_pdf(src, to_page=0)
        scan = pymupdf.open(stream=rasterize_scan(one.tobytes(), seed=i), filetype="pdf")
        out.insert_pdf(scan)
        for d in (src, one, scan):
            d.close()
    path = workdir / "distinct.pdf"
    out.save(path, garbage=3, deflate=True)
    out.close()
    return path


def repeated(distinct: Path, pages: int, path: Path) -> Path:
    src = pymupdf.open(distinct)
    out = pymupdf.open()
    while out.page_count < pages:
        out.insert_pdf(src, to_page=min(src.page_count, pages - out.page_count) - 1)
    out.save(path, garbage=1, deflate=True)
    out.close()
    src.close()
    return path


def tree_memory(proc: psutil.Process) -> tuple[int, int, int]:
    """(sum of RSS, sum of PSS, RSS of the ingesting process itself) over the process tree."""
    rss = pss = 0
    own = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += info.pss
        if p.pid == proc.pid:
            own = info.rss
    return rss, pss, own


def run(workdir: Path) -> dict:
    import ingest
    from models.settings import Settings

    distinct = distinct_scan(workdir)
    scan50 = repeated(distinct, 50, workdir / "scan-50.pdf")
    scan200 = repeated(distinct, 200, workdir / "scan-200.pdf")

    # cache: first ingest vs re-ingest of the same bytes under another name
    data = workdir / "data"
    shutil.rmtree(data, ignore_errors=True)
    settings = Settings(data_dir=data, workers=2)
    t0 = time.perf_counter()
    first = ingest.ingest_file(scan50, "scan-50.pdf", settings=settings)
    first_s = time.perf_counter() - t0
    copy = workdir / "scan-50-copy.pdf"
    shutil.copyfile(scan50, copy)
    hits = []
    for _ in range(5):
        t0 = time.perf_counter()
        again = ingest.ingest_file(copy, "nop-lai/scan-50.pdf", settings=settings)
        hits.append(time.perf_counter() - t0)
        assert again.from_cache and again.pages == first.pages
    hit_s = min(hits)
    words50 = sum(len(p.words) for p in first.pages)
    ocr50 = len(first.pages_ocr)
    del first, again

    # peak RSS of a fresh interpreter (plus workers and Tesseract) ingesting 200 pages
    data200 = workdir / "data-200"
    shutil.rmtree(data200, ignore_errors=True)
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(scan200), str(data200)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak_rss = peak_pss = peak_main = 0
    samples = 0
    while proc.poll() is None:
        rss, pss, own = tree_memory(ps)
        peak_rss, peak_pss, peak_main = max(peak_rss, rss), max(peak_pss, pss), max(peak_main, own)
        samples += 1
        time.sleep(0.1)
    out, _ = proc.communicate()
    child = json.loads(out.strip().splitlines()[-1])
    mb = 1048576

    return {
        "description": "cache hit on a processed 50-page scan; peak RSS ingesting a 200-page scan",
        "how": f"{DISTINCT} distinct scanned half-pages (docgen defaults) repeated to 50 / 200 pages; "
               "2 workers; RSS and PSS sampled every 100 ms over the ingesting process tree",
        "metrics": {
            "scan50_bytes": scan50.stat().st_size,
            "scan200_bytes": scan200.stat().st_size,
            "first_ingest_s": round(first_s, 2),
            "first_ingest_ocr_pages": ocr50,
            "first_ingest_words": words50,
            "cache_hit_s": round(hit_s, 4),
            "cache_speedup": round(first_s / hit_s, 1),
            "rss200": child,
            "rss200_peak_tree_rss_sum_mb": round(peak_rss / mb, 1),
            "rss200_peak_tree_pss_sum_mb": round(peak_pss / mb, 1),
            "rss200_peak_main_process_rss_mb": round(peak_main / mb, 1),
            "rss200_samples": samples,
        },
        "targets": {
            "cache_hit_speedup": target(first_s / hit_s, ">=", 100, "x"),
            "peak_memory_200_page_scan_tree_pss": target(peak_pss / mb, "<=", 600, "MB"),
            "peak_rss_200_page_scan_tree_rss_sum": target(peak_rss / mb, "<=", 600, "MB"),
        },
    }
