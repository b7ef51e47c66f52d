"""Born-digital ingest speed: ``ingest_file`` on a text-layer PDF vs plain PyMuPDF ``get_text()``.

Input: the first ~300 pages of laws from ``corpus_dir()/laws`` rendered to PDF with
``tests.support.docgen.render_text_pdf`` (A4, 12 pt, ~500 words a page).  Both sides open
the same file; the best of several interleaved runs counts (the machine is shared).  Ours is
the whole pipeline with one worker: size/kind checks, sha256, blob copy, open, triage
(words, plain text, image boxes from one MuPDF text page), Vietnamese-syllable score,
normalisation, reading order, ``Word``/``Box`` objects with offsets.
"""

from __future__ import annotations

import gc
import shutil
import time
from pathlib import Path

import pymupdf

from bench.common import corpus_dir, target

PAGES_WANTED = 300
RUNS = 7
LAWS = ["Bo-luat-dan-su-2015-296215.txt", "Luat-68-2020-QH14-cu-tru-435315.txt",
        "Luat-to-tung-hanh-chinh-2015-298372.txt"]


def build_pdf(workdir: Path) -> Path:
    from tests.support.docgen import render_text_pdf

    path = workdir / "laws-born-digital.pdf"
    out = pymupdf.open()
    for name in LAWS:
        if out.page_count >= PAGES_WANTED:
            break
        part = pymupdf.open(stream=render_text_pdf((corpus_dir() / "laws" / name).read_text(encoding="utf-8")),
                            filetype="pdf")
        out.insert_pdf(part, to_page=min(part.page_count, PAGES_WANTED - out.page_count) - 1)
        part.close()
    out.save(path, garbage=3, deflate=True)
    out.close()
    return path


def plain_pymupdf(path: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    doc = pymupdf.open(path)
    chars = sum(len(page.get_text()) for page in doc)
    doc.close()
    return time.perf_counter() - t0, chars


def ours(path: Path, data_dir: Path):
    import ingest
    from models.settings import Settings

    shutil.rmtree(data_dir, ignore_errors=True)
    settings = Settings(data_dir=data_dir, workers=1)
    t0 = time.perf_counter()
    result = ingest.ingest_file(path, settings=settings)
    return time.perf_counter() - t0, result


def run(workdir: Path) -> dict:
    import ingest  # noqa: F401 - imported before timing (and before PyMuPDF's optional add-ons)

    path = build_pdf(workdir)
    pages = pymupdf.open(path).page_count
    plain_pymupdf(path)  # warm both paths (font loading, imports)
    _, first = ours(path, workdir / "data")
    words = sum(len(p.words) for p in first.pages)
    methods = sorted({p.method.value for p in first.pages})
    del first
    base_times, our_times = [], []
    for _ in range(RUNS):
        gc.collect()
        base_times.append(plain_pymupdf(path)[0])
        gc.collect()
        seconds, result = ours(path, workdir / "data")
        our_times.append(seconds)
        del result
    base, mine = min(base_times), min(our_times)
    ratio = base / mine
    return {
        "description": __doc__.strip().splitlines()[0],
        "how": f"{pages}-page PDF from corpus laws {', '.join(LAWS)} (render_text_pdf); best of {RUNS} "
               "interleaved runs each side, one worker, fresh data dir each run",
        "metrics": {
            "pages": pages,
            "words": words,
            "page_methods": methods,
            "pymupdf_get_text_pages_per_s": round(pages / base, 1),
            "ingest_pages_per_s": round(pages / mine, 1),
            "ingest_ms_per_page": round(mine / pages * 1000, 3),
            "pymupdf_ms_per_page": round(base / pages * 1000, 3),
            "ratio_ingest_vs_pymupdf": round(ratio, 3),
            "median_ratio": round(sorted(base_times)[RUNS // 2] / sorted(our_times)[RUNS // 2], 3),
        },
        "targets": {
            "born_digital_speed_vs_pymupdf": target(ratio, ">=", 0.5, "x"),
        },
    }
