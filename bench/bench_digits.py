"""Digits OCR gets wrong with confidence: a labelled set of number crops, and the calibration
of the signals that confirm them (``ingest.digits``, ``ingest.numbers``).

**Labelled set.** Real legal texts (``corpus_dir()/vbpl``: development part to calibrate on,
test part only scored, ``bench.corpus.split_of``) are printed the way offices print them
(``bench.realistic.render_vbpl``: Liberation Serif 13-14 pt, justified, ND30 header) and each
chosen page is scanned with one of ``VARIANTS`` (clean 300 dpi to harsh 150 dpi photocopies,
faded and over-inked toner, worn drums, a faint first digit; skew known).  The page then goes through the OCR worker's own
steps (``render_pdf_gray`` at 300 dpi, ``_read``: deskew + Tesseract, ``confirm_numbers`` with
``reread_all=True`` so the Tesseract re-read is measured on every checked word, not only where
the production policy runs it).  Each OCR word with digits is mapped back onto the page and
matched with the printed words its box overlaps (the born-digital text layer's words, moved
by the scan's skew; words split or merged by OCR are compared as a group): it is **right**
when its digit runs (``ingest.digits.digit_runs``) are those printed.

**Calibration.** Per signal combination (``Signals.key``: Tesseract's confidence band, second
engine agrees / differs and how sure, Tesseract re-read, format, ink beside the box, repeated
on the page) the
number of words and the share right, with a Wilson 95% lower bound.  The curve: the words
the policy of ``ingest/data/digits.yaml`` would confirm as one of its thresholds varies (the
second engine's ``second_min``, Tesseract's ``tess_min``, ``outside_ink_max``) — coverage
(share of right words confirmed) against precision (share of confirmed words that are right,
and its Wilson lower bound).  The policy in the YAML file is what is scored; ``suggested`` is
each threshold's loosest value whose development-part lower bound is still >= 0.99.
Targets are on the test part.

Baselines beside it: Tesseract alone (a word is trusted at >= 0.80, the extractors' digit
bar before this check), the second engine's agreement alone, and the policy with Tesseract's
own multi-view re-read required on every word (what re-reading every number would add).
"""

from __future__ import annotations

import io
import math
import os
import random
import re
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image, ImageFilter

from bench import realistic
from bench.common import corpus_dir, target
from bench.corpus import split_of, vbpl_documents
from ingest.digits import Signals, digit_runs, has_digit, policy
from ingest.numbers import confirm_numbers
from ingest.ocr import PageJob, _read, close_documents, render_pdf_gray
from ingest.pdf import open_pdf
from ingest.preprocess import map_box

DPI = 300  # the pipeline's OCR resolution
DOCS = {"dev": int(os.environ.get("BENCH_DIGITS_DEV_DOCS", "60")),
        "test": int(os.environ.get("BENCH_DIGITS_TEST_DOCS", "30"))}
PAGES_PER_DOC = 2  # page 1 (header, "Căn cứ" lines) and the page with the most digits after it
WORKERS = int(os.environ.get("BENCH_DIGITS_WORKERS", "2"))
S = realistic.ScanSettings
# (name, scan settings, stroke filter): "thin" lightens and erodes the strokes a little (faded
# toner, where a "1" loses its foot), "bold" thickens them (over-inked copies: 5/6/8/9 fill in),
# "dropout" breaks them with small white holes (a worn photocopier drum; "dropout+" more of them:
# where Tesseract reads "2019" as "2919" at 0.93); "fadefirst" veils the first digit of every
# other number (where Tesseract drops it: "118/2015" read "18/2015" at 0.96)
VARIANTS = [
    ("clean300", S(dpi=300, noise=3.0, jpeg_quality=85), None),
    ("flatbed200", S(dpi=200, noise=5.0, jpeg_quality=70, skew_deg=0.8), None),
    ("copy200", S(dpi=200, noise=6.0, jpeg_quality=60, skew_deg=-1.1, speckle=0.002, blur=0.7, contrast=0.85), None),
    ("dropout200", S(dpi=200, noise=5.0, jpeg_quality=50, skew_deg=0.6), "dropout"),
    ("flatbed150", S(dpi=150, noise=5.0, jpeg_quality=65, skew_deg=0.5), None),
    ("harsh150", S(dpi=150, noise=8.0, jpeg_quality=40, skew_deg=-0.7, speckle=0.003, blur=0.9, contrast=0.8), None),
    ("worn200", S(dpi=200, noise=5.0, jpeg_quality=50, skew_deg=-0.3), "dropout+"),
    ("faded200", S(dpi=200, noise=5.0, jpeg_quality=55, skew_deg=0.4), "thin"),
    ("bold150", S(dpi=150, noise=5.0, jpeg_quality=50, skew_deg=-0.4), "bold"),
    ("dropout150", S(dpi=150, noise=5.0, jpeg_quality=50, skew_deg=0.7), "dropout"),
    ("lowres100", S(dpi=100, noise=4.0, jpeg_quality=50, skew_deg=-0.5, blur=0.5), None),
    ("faded150", S(dpi=150, noise=6.0, jpeg_quality=55, skew_deg=0.9, blur=0.5), "thin"),
    ("fadedfirst200", S(dpi=200, noise=5.0, jpeg_quality=65, skew_deg=-0.6), "fadefirst"),
    ("fadedfirst300", S(dpi=300, noise=4.0, jpeg_quality=75, skew_deg=0.3), "fadefirst"),
]


# ------------------------------------------------------------------------------ the scans


def _strokes(img: Image.Image, how: str | None, seed: int) -> Image.Image:
    if how in (None, "fadefirst"):
        return img
    arr = np.asarray(img, dtype=np.float32)
    if how == "thin":  # faded toner: strokes lighter and a little narrower
        soft = np.asarray(img.filter(ImageFilter.MaxFilter(3)), dtype=np.float32)
        arr = 255 - (255 - (0.5 * arr + 0.5 * soft)) * 0.75
    elif how == "bold":  # over-inked: strokes spread
        arr = np.asarray(img.filter(ImageFilter.MinFilter(3)), dtype=np.float32)
    elif how in ("dropout", "dropout+"):  # white holes where the drum wore (2x2 px, 5% / 9% of the ink)
        rng = np.random.default_rng(seed)
        h, w = arr.shape[:2]
        holes = rng.random(((h + 1) // 2, (w + 1) // 2)) < (0.05 if how == "dropout" else 0.09)
        holes = np.repeat(np.repeat(holes, 2, axis=0), 2, axis=1)[:h, :w]
        arr = np.where(holes & (arr < 128), 225.0, arr)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), img.mode)


def _fade_first_digits(page: pymupdf.Page, seed: int) -> None:
    """Fade the first digit of every other number on the page (white veil, 70-85% opaque): a
    badly printed or worn leading digit, the "1" Tesseract drops from "118/2015" at 0.96."""
    rnd = random.Random(seed)
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            for span in line["spans"]:
                prev = " "
                for ch in span["chars"]:
                    if ch["c"].isdigit() and not (prev.isalnum() or prev in "/.,-") and rnd.random() < 0.5:
                        page.draw_rect(pymupdf.Rect(ch["bbox"]), color=None, fill=(1, 1, 1),
                                       fill_opacity=rnd.uniform(0.7, 0.85), overlay=True)
                    prev = ch["c"]


def _scan_page(pdf: bytes, index: int, s: realistic.ScanSettings, strokes: str | None) -> bytes:
    """One page as an image-only PDF, scanned like ``realistic.scan_pdf`` plus a stroke filter."""
    src = pymupdf.open(stream=pdf, filetype="pdf")
    page = src[index]
    if strokes == "fadefirst":
        _fade_first_digits(page, s.seed)
    img = _strokes(realistic._flatbed_page(page, s, 0), strokes, s.seed)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=s.jpeg_quality, dpi=(s.dpi, s.dpi))
    out = pymupdf.open()
    new = out.new_page(width=page.rect.width, height=page.rect.height)
    new.insert_image(new.rect, stream=buf.getvalue())
    data = out.tobytes(garbage=3, deflate=True)
    src.close()
    out.close()
    return data


def _truth_words(pdf: bytes, index: int) -> list[tuple[float, float, float, float, str]]:
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    words = [(w[0], w[1], w[2], w[3], w[4]) for w in doc[index].get_text("words")]
    doc.close()
    return words


def _skewed(box, skew_deg: float, width: float, height: float):
    """A page box moved as PIL's ``rotate(skew_deg)`` (counter-clockwise about the centre)
    moved the printed page: the axis-aligned box around the rotated corners."""
    if not skew_deg:
        return box
    a = math.radians(skew_deg)
    cx, cy = width / 2, height / 2
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        dx, dy = x - cx, y - cy
        xs.append(cx + dx * math.cos(a) + dy * math.sin(a))
        ys.append(cy - dx * math.sin(a) + dy * math.cos(a))
    return (min(xs), min(ys), max(xs), max(ys))


def _overlap(a, b) -> bool:
    """Same line (vertical overlap >= half the lower box) and some horizontal overlap."""
    v = min(a[3], b[3]) - max(a[1], b[1])
    h = min(a[2], b[2]) - max(a[0], b[0])
    return v >= 0.5 * min(a[3] - a[1], b[3] - b[1]) and h > 0.15 * min(a[2] - a[0], b[2] - b[0])


def _label(ocr_words: list[tuple], truth: list[tuple]) -> dict[int, tuple[bool, str]]:
    """OCR word index -> (its digits right?, the printed text of its group), for words with digits.

    OCR words and printed words that overlap form groups (a word split or merged by OCR is one
    group); a group's OCR texts joined are compared with its printed texts joined."""
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for i, ob in enumerate(ocr_words):
        for j, tb in enumerate(truth):
            if _overlap(ob[:4], tb[:4]):
                parent[find(("o", i))] = find(("t", j))
    groups = defaultdict(lambda: ([], []))
    for i in range(len(ocr_words)):
        if ("o", i) in parent:
            groups[find(("o", i))][0].append(i)
    for j in range(len(truth)):
        if ("t", j) in parent:
            groups[find(("t", j))][1].append(j)
    out = {}
    for oi, tj in groups.values():
        if not oi or not tj:
            continue
        got = "".join(ocr_words[i][4] for i in sorted(oi, key=lambda i: ocr_words[i][0]))
        want = "".join(truth[j][4] for j in sorted(tj, key=lambda j: truth[j][0]))
        whole = digit_runs(got) == digit_runs(want)
        for i in oi:
            if has_digit(ocr_words[i][4]):
                # one piece of a word OCR split ("37" of "37/2024/NĐ-CP"): right if its runs are printed there
                piece = len(oi) > 1 and all(re.search(rf"(?<![0-9]){re.escape(r)}(?![0-9])", want)
                                            for r in digit_runs(ocr_words[i][4]))
                out[i] = (whole or piece, want)
    return out


def _pages_of(pdf: bytes) -> list[int]:
    """Page 1 and the later page with the most words with digits."""
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    counts = [sum(has_digit(w[4]) for w in p.get_text("words")) for p in doc]
    doc.close()
    later = sorted(range(1, len(counts)), key=lambda i: -counts[i])
    return [0] + later[: PAGES_PER_DOC - 1]


def _job(path: str):
    return PageJob(path=path, kind="pdf", index=0, lang="vie", dpi=DPI, timeout=600,
                   max_page_pixels=60_000_000, max_image_pixels=120_000_000, decision="bench")


def read_document(task: tuple[str, str, str, int, str]) -> list[dict]:
    """OCR the chosen pages of one document under one scan variant; one record per number word."""
    doc_id, part, text, k, workdir = task
    settings = realistic.print_settings_for(doc_id, 11)
    render = realistic.render_vbpl(text, settings)
    records = []
    for n, index in enumerate(_pages_of(render.pdf)):
        name, scan, strokes = VARIANTS[(k * PAGES_PER_DOC + n) % len(VARIANTS)]
        scan = replace(scan, seed=k * 101 + n)
        path = Path(workdir) / f"{doc_id}-{index + 1}-{name}.pdf"
        path.write_bytes(_scan_page(render.pdf, index, scan, strokes))
        doc, _ = open_pdf(path)
        gray, wpt, hpt, dpi = render_pdf_gray(doc, 0, DPI, 60_000_000, True)
        doc.close()
        job = _job(str(path))
        words, _mean, back, _angle, straight, _flat = _read(gray, job, dpi)
        _out, report = confirm_numbers(straight, words, lang=job.lang, dpi=dpi, timeout=job.timeout, reread_all=True)
        sx, sy = wpt / gray.shape[1], hpt / gray.shape[0]
        boxes = []
        for w in words:
            x0, y0, x1, y1 = map_box(back, w.left, w.top, w.left + w.width, w.top + w.height)
            boxes.append((x0 * sx, y0 * sy, x1 * sx, y1 * sy, w.text))
        truth = [(*_skewed(t[:4], scan.skew_deg, wpt, hpt), t[4]) for t in _truth_words(render.pdf, index)]
        labels = _label(boxes, truth)
        for c in report.checks:
            right, want = labels.get(c.index, (None, None))
            s = c.signals
            records.append({
                "doc": doc_id, "part": part, "page": index + 1, "variant": name, "text": c.text, "truth": want,
                "right": right, "checked": s is not None, "second_text": c.second_text,
                "tess_conf": round(words[c.index].conf / 100, 4),
                "signals": None if s is None else {"tess_conf": s.tess_conf, "reread": s.reread,
                                                   "reread_conf": s.reread_conf, "second": s.second,
                                                   "second_conf": s.second_conf, "format_ok": s.format_ok,
                                                   "repeated": s.repeated, "outside_ink": s.outside_ink,
                                                   "box_ratio": s.box_ratio},
            })
        path.unlink()
    close_documents()
    return records


# ------------------------------------------------------------------------------ scoring


def wilson_low(k: int, n: int, z: float = 1.96) -> float:
    """Lower bound of the Wilson score interval for k successes in n."""
    if n == 0:
        return 0.0
    p = k / n
    d = 1 + z * z / n
    return (p + z * z / (2 * n) - z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / d


def _signals(rec: dict):
    return Signals(**rec["signals"])


def _score(recs: list[dict], decide) -> dict:
    """Precision of what ``decide`` leaves unflagged, and the share of right words it keeps."""
    kept = [r for r in recs if decide(r)]
    right_kept = sum(r["right"] for r in kept)
    right_all = sum(r["right"] for r in recs)
    return {"unflagged": len(kept), "unflagged_wrong": len(kept) - right_kept,
            "precision": round(right_kept / len(kept), 5) if kept else 1.0,
            "precision_low95": round(wilson_low(right_kept, len(kept)), 5),
            "coverage": round(right_kept / right_all, 4) if right_all else 0.0}


def _combinations(recs: list[dict], pol) -> list[dict]:
    """Per signal combination: words, share right, and whether the policy confirms them."""
    by: dict[str, list] = {}
    for r in recs:
        sig = _signals(r)
        row = by.setdefault(sig.key(pol), [0, 0, pol.confirms(sig)])
        row[0] += 1
        row[1] += r["right"]
    rows = [{"signals": k, "words": n, "right": ok, "accuracy": round(ok / n, 4),
             "accuracy_low95": round(wilson_low(ok, n), 4), "confirmed_by_policy": conf}
            for k, (n, ok, conf) in by.items()]
    return sorted(rows, key=lambda x: -x["words"])


CURVES = {  # each threshold of the policy varied alone, the others as in the YAML file
    "second_min": (0.0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995),
    "tess_min": (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    "outside_ink_max": (0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 9.0),
}


def _curve(recs: list[dict], pol, name: str) -> list[dict]:
    """Coverage and precision of the policy as one threshold varies (the calibration curve)."""
    out = []
    for t in CURVES[name]:
        p = replace(pol, **{name: t})
        out.append({name: t, **_score(recs, lambda r, p=p: p.confirms(_signals(r)))})
    return out


def _suggest(curve: list[dict], name: str, loosest: str) -> float | None:
    """The loosest value whose lower 95% bound of precision is still >= 0.99."""
    ok = [row[name] for row in curve if row["precision_low95"] >= 0.99]
    return (min if loosest == "min" else max)(ok, default=None)


def run(workdir: Path) -> dict:
    pol = policy()
    tasks = []
    for part in ("dev", "test"):
        docs = list(vbpl_documents(corpus_dir(), part))
        step = max(1, len(docs) // max(DOCS[part], 1))
        for k, d in enumerate(docs[::step][: DOCS[part]]):
            assert split_of(d.id) == part
            tasks.append((d.id, part, d.text, k, str(workdir)))
    with ProcessPoolExecutor(WORKERS) as ex:
        records = [r for recs in ex.map(read_document, tasks) for r in recs]
    labelled = [r for r in records if r["right"] is not None]
    checked = [r for r in labelled if r["checked"]]
    result = {"policy": dict(pol.__dict__)}
    for part in ("dev", "test"):
        recs = [r for r in checked if r["part"] == part]
        unchecked = [r for r in labelled if r["part"] == part and not r["checked"]]
        by_variant = {}
        for name, *_ in VARIANTS:
            v = [r for r in recs if r["variant"] == name]
            by_variant[name] = {"words": len(v), "wrong": sum(not r["right"] for r in v),
                                **_score(v, lambda r: pol.confirms(_signals(r)))}
        result[part] = {
            "pages": len({(r["doc"], r["page"]) for r in records if r["part"] == part}),
            "number_words": len([r for r in records if r["part"] == part]),
            "labelled_checked": len(recs), "wrong_checked": sum(not r["right"] for r in recs),
            "unchecked": {"words": len(unchecked), "wrong": sum(not r["right"] for r in unchecked)},
            "policy": _score(recs, lambda r: pol.confirms(_signals(r))),
            "tesseract_alone_0.80": _score(recs, lambda r: r["tess_conf"] >= 0.80),
            "tesseract_alone_0.90": _score(recs, lambda r: r["tess_conf"] >= 0.90),
            "second_agrees_alone": _score(recs, lambda r: r["signals"]["second"] == "agree"),
            "with_reread_on_every_word": _score(
                recs, lambda r: pol.confirms(_signals(r)) and r["signals"]["reread"] == "agree"),
            "by_variant": by_variant,
            "combinations": _combinations(recs, pol),
            "curves": {name: _curve(recs, pol, name) for name in CURVES},
            "confident_wrong_tesseract": [
                {k: r[k] for k in ("doc", "page", "variant", "text", "truth", "tess_conf", "second_text")}
                for r in recs if not r["right"] and r["tess_conf"] >= 0.90][:40],
            "wrong_confirmed": [
                {k: r[k] for k in ("doc", "page", "variant", "text", "truth", "tess_conf", "second_text", "signals")}
                for r in recs if not r["right"] and pol.confirms(_signals(r))][:40] if part == "dev" else
            len([r for r in recs if not r["right"] and pol.confirms(_signals(r))]),
        }
    curves = result["dev"]["curves"]
    result["suggested_from_dev"] = {"second_min": _suggest(curves["second_min"], "second_min", "min"),
                                    "tess_min": _suggest(curves["tess_min"], "tess_min", "min"),
                                    "outside_ink_max": _suggest(curves["outside_ink_max"], "outside_ink_max", "max")}
    test = result["test"]["policy"]
    dev = result["dev"]["policy"]
    unmatched = len(records) - len(labelled)
    return {
        "description": "Number words of realistic vbpl renders scanned clean to harsh, OCR'd by the worker's own "
                       "steps; per word the signals of ingest.digits and whether its digits are right; the policy "
                       "of ingest/data/digits.yaml scored (dev: calibrated on, test: scored only).",
        "how": {"docs": DOCS, "pages_per_doc": PAGES_PER_DOC, "ocr_dpi": DPI,
                "variants": {n: {**s.describe(), "strokes": st} for n, s, st in VARIANTS},
                "print_settings": "bench.realistic.print_settings_for(doc_id, 11)",
                "unmatched_number_words": unmatched},
        "metrics": result,
        "targets": {
            "test_unflagged_precision": target(test["precision"], ">=", 0.99),
            "dev_unflagged_precision": target(dev["precision"], ">=", 0.99),
            "test_unflagged_wrong_rate": target(100 * (1 - test["precision"]), "<=", 1.0, "%"),
            "test_coverage_of_right_numbers": target(test["coverage"], ">=", 0.80),
        },
    }
