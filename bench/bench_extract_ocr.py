"""Extractors on OCR: the gold source texts rendered to PDF, rasterised as 300-dpi scans
(a clean one and a degraded one), run through the real ingest OCR, then extracted and
scored against the same hand-checked gold as ``bench_extract``.

Sampling (to keep the run near 10 minutes on 2 cores):

Header rules (the corpus's "-------" runs) are drawn as lines, as in real documents
(``render_text_pdf(rules="drawn")``; typed dashes made Tesseract skip whole header lines).

* references: each gold document is rendered with ``docgen.render_text_pdf``; the
  born-digital page texts of that PDF tell which gold labels sit on which page (the
  gold multiset of the document intersected, page by page, with what the extractor finds
  on the born-digital page: labels never found born-digital are reported as
  ``unplaced`` and left out).  Page 1 (the header, whose own number is not a
  reference) and every page holding a gold label are OCR'd, plus up to
  ``EXTRA_EMPTY`` pages without any.  Scoring is by canonical number per document,
  never by offsets.
* metrics: every gold sentence, one per paragraph, in one PDF; scored by
  (value, unit, qualifier, value_max) over the whole set.
* identity: every ``IDENTITY_STEP``-th law header (its first ``HEADER_CHARS`` characters)
  as a one-page PDF; the four gold fields are compared.

Confident-wrong rate: of the values returned with ``needs_review`` False, the share
that are wrong (not in the gold multiset, or a wrong identity field).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import pymupdf

from extractors import extract, find_references
from ingest import Entry, detect_kind, ingest_files
from models.settings import Settings
from tests.support.docgen import rasterize_scan, render_text_pdf

from .bench_extract import (
    IDENTITY_FIELDS,
    gold_identity,
    gold_metrics,
    gold_references,
    metric_key,
    paged_file,
)
from .common import corpus_dir, target

VARIANTS = {
    "clean": {"dpi": 300, "skew_deg": 0.0, "noise": 0.0, "jpeg_quality": 92, "seed": 1},
    "degraded": {"dpi": 300, "skew_deg": 0.9, "noise": 12.0, "jpeg_quality": 55, "seed": 2},
}
EXTRA_EMPTY = 1
IDENTITY_STEP = 9
HEADER_CHARS = 1200
MAX_REF_PAGES = int(os.environ.get("BENCH_OCR_MAX_REF_PAGES", "110"))


def _text_pages(pdf: bytes) -> list[str]:
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    try:
        return [p.get_text() for p in doc]
    finally:
        doc.close()


def _subset(pdf: bytes, pages: list[int]) -> bytes:
    src = pymupdf.open(stream=pdf, filetype="pdf")
    out = pymupdf.open()
    for i in pages:
        out.insert_pdf(src, from_page=i, to_page=i)
    data = out.tobytes(garbage=3, deflate=True)
    src.close()
    out.close()
    return data


def _reference_sources(workdir: Path) -> tuple[list[dict], dict]:
    """Per gold document: the sampled pages as a PDF and the gold labels placed on them."""
    docs, unplaced, total_pages = [], 0, 0
    budget = MAX_REF_PAGES
    for d in gold_references():
        text = (corpus_dir() / d["file"]).read_text(encoding="utf-8")
        pdf = render_text_pdf(text, rules="drawn")
        pages = _text_pages(pdf)
        total_pages += len(pages)
        left = Counter(d["references"])
        placed: dict[int, Counter] = {}
        for i, ptext in enumerate(pages):
            got = Counter(r.number for r in find_references(paged_file("x", ptext, 10**9).pages[0]))
            here = got & left
            left -= here
            if here:
                placed[i] = here
        unplaced += sum(left.values())
        chosen = sorted({0, *placed})
        empty = [i for i in range(1, len(pages)) if i not in placed][:EXTRA_EMPTY]
        chosen = sorted(set(chosen) | set(empty))[: max(1, budget)]
        budget -= len(chosen)
        want = sum((placed.get(i, Counter()) for i in chosen), Counter())
        path = workdir / "src" / (Path(d["file"]).stem + ".pdf")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_subset(pdf, chosen))
        docs.append({"file": d["file"], "pdf": path, "pages": chosen, "want": want})
        if budget <= 0:
            break
    return docs, {"documents": len(docs), "pages_rendered": total_pages,
                  "pages_sampled": sum(len(x["pages"]) for x in docs), "labels_unplaced": unplaced,
                  "labels_sampled": sum(sum(x["want"].values()) for x in docs)}


def _metric_source(workdir: Path) -> tuple[Path, Counter]:
    items = gold_metrics()
    text = "\n".join(it["text"].replace("\n", " ") for it in items)
    want = Counter(metric_key(m["value"], m["unit"], m["qualifier"], m.get("value_max"))
                   for it in items for m in it["metrics"])
    path = workdir / "src" / "metrics.pdf"
    path.write_bytes(render_text_pdf(text, rules="drawn"))
    return path, want


def _identity_sources(workdir: Path) -> list[dict]:
    out = []
    for rec in gold_identity()[::IDENTITY_STEP]:
        text = (corpus_dir() / rec["file"]).read_text(encoding="utf-8")[:HEADER_CHARS]
        text = text[: text.rfind("\n")] if "\n" in text else text
        pdf = render_text_pdf(text, rules="drawn")
        path = workdir / "src" / ("id-" + Path(rec["file"]).stem + ".pdf")
        path.write_bytes(_subset(pdf, [0]))
        out.append({"rec": rec, "pdf": path})
    return out


def _match(got_conf: Counter, got_review: Counter, want: Counter) -> dict:
    """Confident values are matched to the gold first, then values flagged for review."""
    conf_hit = got_conf & want
    rest = want - conf_hit
    review_hit = got_review & rest
    return {"tp_confident": sum(conf_hit.values()), "tp_review": sum(review_hit.values()),
            "fp_confident": sum((got_conf - conf_hit).values()), "fp_review": sum((got_review - review_hit).values()),
            "fn": sum((rest - review_hit).values()),
            "extra": dict((got_conf - conf_hit) + (got_review - review_hit)), "missing": dict(rest - review_hit)}


def _sum(rows: list[dict]) -> dict:
    keys = ("tp_confident", "tp_review", "fp_confident", "fp_review", "fn")
    tot = {k: sum(r[k] for r in rows) for k in keys}
    tp = tot["tp_confident"] + tot["tp_review"]
    fp = tot["fp_confident"] + tot["fp_review"]
    tot["precision"] = round(tp / (tp + fp), 4) if tp + fp else 1.0
    tot["recall"] = round(tp / (tp + tot["fn"]), 4) if tp + tot["fn"] else 1.0
    tot["recall_confident"] = round(tot["tp_confident"] / (tp + tot["fn"]), 4) if tp + tot["fn"] else 1.0
    tot["review_rate"] = round((tot["tp_review"] + tot["fp_review"]) / (tp + fp), 4) if tp + fp else 0.0
    return tot


def _ocr(entries: list[Entry], workdir: Path, variant: str):
    s = Settings(data_dir=workdir / f"data-{variant}")
    t0 = time.perf_counter()
    files = ingest_files(entries, settings=s)
    return files, time.perf_counter() - t0


def _run_variant(variant: str, kw: dict, refs: list[dict], met_pdf: Path, met_want: Counter,
                 idents: list[dict], workdir: Path) -> dict:
    vdir = workdir / variant
    vdir.mkdir(parents=True, exist_ok=True)
    sources = [(f"ref/{Path(r['file']).stem}", r["pdf"]) for r in refs] + [("metrics", met_pdf)]
    sources += [(f"id/{Path(x['rec']['file']).stem}", x["pdf"]) for x in idents]
    entries = []
    for name, src in sources:
        scan = vdir / (name.replace("/", "__") + ".pdf")
        scan.write_bytes(rasterize_scan(src.read_bytes(), **kw))
        entries.append(Entry(name=name, path=scan, kind=detect_kind(scan)))
    files, ocr_seconds = _ocr(entries, workdir, variant)
    by_name = {f.name: f for f in files}
    pages_ocr = sum(len(f.pages_ocr or []) for f in files)

    t0 = time.process_time()
    extracted = {name: extract(by_name[name]) for name, _ in sources}
    extract_cpu = time.process_time() - t0

    # references, per document by canonical number
    rows = []
    for r in refs:
        ex = extracted[f"ref/{Path(r['file']).stem}"]
        conf = Counter(x.number for x in ex.references if not x.needs_review)
        rev = Counter(x.number for x in ex.references if x.needs_review)
        m = _match(conf, rev, r["want"])
        m["file"] = r["file"]
        rows.append(m)
    ref_score = _sum(rows)
    ref_score["misses"] = [{"file": m["file"], "extra": m["extra"], "missing": m["missing"]}
                           for m in rows if m["extra"] or m["missing"]]

    # metrics over the whole sentence set
    mex = extracted["metrics"]
    conf = Counter(metric_key(x.value, x.unit, x.qualifier.value, x.value_max) for x in mex.metrics if not x.needs_review)
    rev = Counter(metric_key(x.value, x.unit, x.qualifier.value, x.value_max) for x in mex.metrics if x.needs_review)
    mm = _match(conf, rev, met_want)
    met_score = _sum([mm])
    met_score["extra"] = [list(k) + [n] for k, n in mm["extra"].items()]
    met_score["missing"] = [list(k) + [n] for k, n in mm["missing"].items()]

    # identity fields
    right, total, conf_wrong, conf_n, wrong = Counter(), Counter(), 0, 0, []
    for x in idents:
        rec = x["rec"]
        ident = extracted[f"id/{Path(rec['file']).stem}"].document
        for f in IDENTITY_FIELDS:
            if f not in rec:
                continue
            total[f] += 1
            got = getattr(ident, f)
            fld = ident.fields.get(f)
            confident = got is not None and fld is not None and not fld.needs_review
            if got == rec[f]:
                right[f] += 1
            else:
                wrong.append({"file": rec["file"], "field": f, "got": got, "want": rec[f],
                              "needs_review": None if fld is None else fld.needs_review})
            if confident:
                conf_n += 1
                conf_wrong += got != rec[f]
    ident_score = {"headers": len(idents), "accuracy": {f: round(right[f] / total[f], 4) for f in total},
                   "confident_values": conf_n, "confident_wrong": conf_wrong, "wrong": wrong}

    returned_conf = (ref_score["tp_confident"] + ref_score["fp_confident"] + met_score["tp_confident"]
                     + met_score["fp_confident"] + conf_n)
    wrong_conf = ref_score["fp_confident"] + met_score["fp_confident"] + conf_wrong
    return {
        "scan": kw, "files": len(files), "pages_ocr": pages_ocr, "ocr_wall_seconds": round(ocr_seconds, 1),
        "extract_cpu_seconds": round(extract_cpu, 3),
        "references": ref_score, "metrics": met_score, "identity": ident_score,
        "confident_wrong": {"confident_values": returned_conf, "wrong": wrong_conf,
                            "rate": round(wrong_conf / returned_conf, 5) if returned_conf else 0.0},
    }


def run(workdir: Path) -> dict:
    refs, sample = _reference_sources(workdir)
    met_pdf, met_want = _metric_source(workdir)
    idents = _identity_sources(workdir)
    results = {v: _run_variant(v, kw, refs, met_pdf, met_want, idents, workdir) for v, kw in VARIANTS.items()}
    clean, deg = results["clean"], results["degraded"]
    return {
        "description": "Gold source texts rendered to PDF, rasterised at 300 dpi (clean; degraded = skew 0.9°, "
                       "noise 12, JPEG q55), real ingest OCR (Tesseract vie), extract(), scored by canonical value "
                       f"per document. Reference sample: {sample['pages_sampled']} of {sample['pages_rendered']} "
                       f"pages holding {sample['labels_sampled']} gold labels; {len(idents)} law headers; "
                       f"{sum(met_want.values())} metric labels.",
        "metrics": {"sample": sample, **results},
        "targets": {
            "clean_references_precision": target(clean["references"]["precision"], ">=", 0.97),
            "clean_references_recall": target(clean["references"]["recall"], ">=", 0.95),
            "degraded_references_precision": target(deg["references"]["precision"], ">=", 0.97),
            "degraded_references_recall": target(deg["references"]["recall"], ">=", 0.95),
            "clean_identity_min_field_accuracy": target(min(clean["identity"]["accuracy"].values()), ">=", 0.99),
            "clean_confident_wrong_rate": target(clean["confident_wrong"]["rate"], "<=", 0.005),
            "degraded_confident_wrong_rate": target(deg["confident_wrong"]["rate"], "<=", 0.005),
        },
    }
