"""OCR ingest: speed vs the plain Tesseract CLI, 2-worker scaling, and accuracy (CER/WER).

Input: page 1 of eight laws from ``corpus_dir()/laws`` (header, "Luật số: 68/2020/QH14",
"Căn cứ ..." lines full of document numbers), rendered with ``render_text_pdf(rules="drawn")``
and turned into image-only scans with ``rasterize_scan``.  The corpus files write the
horizontal rules of the header (under "QUỐC HỘI", under "Độc lập - Tự do - Hạnh phúc") as
runs of dashes; in real documents (Nghị định 30/2020/NĐ-CP header layout) these are drawn
lines, so they are drawn here too, not printed as dash characters:

* clean:    300 dpi, no skew, no noise, JPEG q95;
* degraded: 200 dpi, ±1.2° skew, noise σ=10, JPEG q50 (OCR'd at the pipeline's 300 dpi).

Speed: per page, our page job (one worker, in-process: render at 300 dpi, blank check,
deskew, Tesseract TSV, words with boxes) against ``tesseract page.png - -l vie`` with
``OMP_THREAD_LIMIT=1`` on a PNG rendered beforehand at the same dpi (render time excluded
from the baseline), interleaved page by page, best of ``REPEATS`` runs per page and side.  Wall and CPU time (ours: this process +
Tesseract children; CLI: the child) both reported; the machine is shared, CPU time is the
steadier figure.  Scaling: the 8 clean pages through ``ingest_files`` with a pool of 1 and
of 2 worker processes (best of two alternating rounds each).

Accuracy against the rendered page's own text layer (``get_text``; NFC, old-style tones,
whitespace collapsed), which holds no rules: Tesseract reads the drawn rules as lines, not
text, so neither side has them.  CER = character edit distance / reference length, WER on
whitespace tokens, and the share of document numbers (``68/2020/QH14``, ``107/2021/NĐ-CP``)
found verbatim in the OCR text.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pymupdf

from bench.common import corpus_dir, target

LAWS = [
    "Luat-68-2020-QH14-cu-tru-435315.txt",
    "Luat-08-2017-QH14-Thuy-loi-2017-322933.txt",
    "Luat-66-2011-QH12-phong-chong-mua-ban-nguoi-122148.txt",
    "Luat-67-2011-QH12-kiem-toan-doc-lap-122184.txt",
    "Bo-Luat-lao-dong-2019-333670.txt",
    "Bo-luat-dan-su-2015-296215.txt",
    "Luat-to-tung-hanh-chinh-2015-298372.txt",
    "Bo-luat-hinh-su-2015-296661.txt",
]
CLEAN = {"dpi": 300, "skew_deg": 0.0, "noise": 0.0, "jpeg_quality": 95}
DEGRADED = {"dpi": 200, "skew_deg": 1.2, "noise": 10.0, "jpeg_quality": 50}
DPI = 300
REPEATS = 3  # timed runs per page and side; the best counts (single runs swing ±30% on a shared 2-core box)
DOC_NUMBER = re.compile(r"\b\d{1,5}/(?:\d{4}/)?[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*\b")


# ------------------------------------------------------------------------ shared helpers


def source_pages(n: int = len(LAWS)) -> list[tuple[bytes, str]]:
    """(one-page born-digital PDF, its text layer) for page 1 of the first ``n`` laws (rules drawn)."""
    from tests.support.docgen import render_text_pdf

    out = []
    for name in LAWS[:n]:
        text = (corpus_dir() / "laws" / name).read_text(encoding="utf-8")[:6000]
        doc = pymupdf.open(stream=render_text_pdf(text, rules="drawn"), filetype="pdf")
        one = pymupdf.open()
        one.insert_pdf(doc, to_page=0)
        out.append((one.tobytes(garbage=3, deflate=True), doc[0].get_text()))
        doc.close()
        one.close()
    return out


def scan_pdf(pages: list[bytes], path: Path, seed: int = 0, **kw) -> Path:
    """One multi-page image-only scan from one-page PDFs."""
    from tests.support.docgen import rasterize_scan

    out = pymupdf.open()
    for i, pdf in enumerate(pages):
        part = pymupdf.open(stream=rasterize_scan(pdf, seed=seed + i, **kw), filetype="pdf")
        out.insert_pdf(part)
        part.close()
    out.save(path, garbage=3, deflate=True)
    out.close()
    return path


def norm_text(s: str) -> str:
    from ingest.normalize import normalize_text

    return " ".join(normalize_text(s).split())


def accuracy(refs: list[str], hyps: list[str]) -> dict:
    from rapidfuzz.distance import Levenshtein

    chars = words = cerr = werr = 0
    nums = found = 0
    for ref, hyp in zip(refs, hyps, strict=True):
        r, h = norm_text(ref), norm_text(hyp)
        chars += len(r)
        cerr += Levenshtein.distance(r, h)
        rw, hw = r.split(), h.split()
        words += len(rw)
        werr += Levenshtein.distance(rw, hw)
        want = Counter(DOC_NUMBER.findall(r))
        got = Counter(DOC_NUMBER.findall(h))
        nums += sum(want.values())
        found += sum((want & got).values())
    return {"cer": cerr / max(chars, 1), "wer": werr / max(words, 1), "ref_chars": chars, "ref_words": words,
            "doc_numbers": nums, "doc_numbers_exact": found, "doc_number_share": found / nums if nums else 1.0}


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def job_for(path: Path, index: int):
    from ingest.ocr import PageJob

    return PageJob(path=str(path), kind="pdf", index=index, lang="vie", dpi=DPI, timeout=600,
                   max_page_pixels=60_000_000, max_image_pixels=120_000_000, decision="bench")


# ------------------------------------------------------------------------ benchmark


def run(workdir: Path) -> dict:
    import ingest
    from ingest.archive import Entry
    from ingest.executor import ProcessExecutor
    from ingest.ocr import close_documents, run_page_job
    from models.pages import FileKind
    from models.settings import Settings

    sources = source_pages()
    refs = [text for _, text in sources]
    clean = scan_pdf([pdf for pdf, _ in sources], workdir / "clean.pdf", **CLEAN)
    degraded = scan_pdf([pdf for pdf, _ in sources], workdir / "degraded.pdf", seed=100, **DEGRADED)
    n = len(sources)

    # PNGs for the CLI baseline, rendered beforehand (not timed)
    doc = pymupdf.open(clean)
    pngs = []
    for i in range(n):
        png = workdir / f"clean-{i + 1}.png"
        doc[i].get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY, alpha=False).save(png)
        pngs.append(png)
    doc.close()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def cli(i: int) -> tuple[float, float, str]:
        c0, t0 = _cpu_children(), time.perf_counter()
        out = subprocess.run(["tesseract", str(pngs[i]), "-", "-l", "vie"], env=env, capture_output=True, check=True)
        return time.perf_counter() - t0, _cpu_children() - c0, out.stdout.decode("utf-8", "replace")

    def mine(path: Path, i: int):
        c0, s0, t0 = _cpu_children(), _cpu_self(), time.perf_counter()
        outcome = run_page_job(job_for(path, i))
        return time.perf_counter() - t0, (_cpu_children() - c0) + (_cpu_self() - s0), outcome.page

    run_page_job(job_for(clean, 0))  # warm: imports, fonts, the open document
    cli(0)
    per_page = []
    ours_text, cli_texts = [], []
    for i in range(n):
        runs_cli, runs_ours = [], []
        for r in range(REPEATS):  # alternate which side goes first; keep each side's best
            if (i + r) % 2 == 0:
                runs_cli.append(cli(i))
                runs_ours.append(mine(clean, i))
            else:
                runs_ours.append(mine(clean, i))
                runs_cli.append(cli(i))
        cw, cc, ctext = min(x[0] for x in runs_cli), min(x[1] for x in runs_cli), runs_cli[0][2]
        ow, oc, page = min(x[0] for x in runs_ours), min(x[1] for x in runs_ours), runs_ours[0][2]
        per_page.append({"page": i + 1, "cli_s": round(cw, 3), "ours_s": round(ow, 3), "cli_cpu_s": round(cc, 3),
                         "ours_cpu_s": round(oc, 3), "decision": page.decision, "words": len(page.words)})
        ours_text.append(page.text)
        cli_texts.append(ctext)
    cli_wall = sum(p["cli_s"] for p in per_page)
    our_wall = sum(p["ours_s"] for p in per_page)
    cli_cpu = sum(p["cli_cpu_s"] for p in per_page)
    our_cpu = sum(p["ours_cpu_s"] for p in per_page)

    degraded_text = [run_page_job(job_for(degraded, i)).page.text for i in range(n)]
    close_documents()
    acc_clean = accuracy(refs, ours_text)
    acc_degraded = accuracy(refs, degraded_text)
    acc_cli = accuracy(refs, cli_texts)
    for i, rec in enumerate(per_page):
        rec["cer_clean"] = round(accuracy([refs[i]], [ours_text[i]])["cer"], 4)
        rec["cer_degraded"] = round(accuracy([refs[i]], [degraded_text[i]])["cer"], 4)
        rec["cer_cli"] = round(accuracy([refs[i]], [cli_texts[i]])["cer"], 4)

    # worker scaling: the same 8 clean pages through ingest_files, pool of 1 vs pool of 2
    def pool(workers: int) -> float:
        data = workdir / f"data-{workers}"
        shutil.rmtree(data, ignore_errors=True)
        settings = Settings(data_dir=data, workers=workers)
        entry = Entry(name="clean.pdf", path=clean, kind=FileKind.PDF)
        t0 = time.perf_counter()
        with ProcessExecutor(workers) as ex:
            result = ingest.ingest_files([entry], settings=settings, executor=ex)[0]
        assert result.status == "ok", result.error
        return time.perf_counter() - t0

    rounds: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(2):  # alternating rounds; the best of each counts
        for workers in (1, 2):
            rounds[workers].append(pool(workers))
    one, two = min(rounds[1]), min(rounds[2])
    speedup = one / two
    load = os.getloadavg()

    return {
        "description": "OCR ingest vs tesseract CLI (speed), 1 vs 2 workers, CER/WER vs page text layer (rules drawn)",
        "how": f"{n} pages (page 1 of {n} corpus laws); clean {CLEAN}; degraded {DEGRADED}; "
               f"CLI: tesseract PNG - -l vie, OMP_THREAD_LIMIT=1; ours: run_page_job in-process; best of {REPEATS} per page and side, header rules drawn",
        "metrics": {
            "pages": n,
            "cli_wall_s_per_page": round(cli_wall / n, 3),
            "ours_wall_s_per_page": round(our_wall / n, 3),
            "ratio_wall": round(our_wall / cli_wall, 3),
            "cli_cpu_s_per_page": round(cli_cpu / n, 3),
            "ours_cpu_s_per_page": round(our_cpu / n, 3),
            "ratio_cpu": round(our_cpu / cli_cpu, 3),
            "per_page": per_page,
            "pool1_s": round(one, 2),
            "pool2_s": round(two, 2),
            "pool2_speedup": round(speedup, 3),
            "clean": {k: round(v, 4) if isinstance(v, float) else v for k, v in acc_clean.items()},
            "degraded": {k: round(v, 4) if isinstance(v, float) else v for k, v in acc_degraded.items()},
            "cli_clean": {k: round(v, 4) if isinstance(v, float) else v for k, v in acc_cli.items()},
            "loadavg_at_end": [round(x, 2) for x in load],
        },
        "targets": {
            "ocr_time_vs_cli": target(our_wall / cli_wall, "<=", 1.15, "x"),
            "ocr_cpu_vs_cli": target(our_cpu / cli_cpu, "<=", 1.15, "x"),
            "two_workers_speedup": target(speedup, ">=", 1.8, "x"),
            "cer_clean_300dpi": target(acc_clean["cer"] * 100, "<=", 1.0, "%"),
            "cer_degraded": target(acc_degraded["cer"] * 100, "<=", 3.0, "%"),
        },
    }
