"""Extractors on born-digital text: precision/recall per entity type against the
hand-checked gold sets, identity accuracy on the law headers, confident-wrong rate,
and throughput of the full extractor set (``extractors.extract``) on the laws corpus.

Gold: ``tests/extractors/gold/`` (references.yaml, metrics.yaml, identity.yaml).
Throughput: every law file cut into ~3,000-character pages at line breaks (the size of
a real A4 page of text), one ``IngestedFile`` per law, CPU time of one process.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from pathlib import Path

import yaml

from extractors import extract, find_metrics, find_references, fold, read_identity
from models.pages import IngestedFile, Page, PageMethod

from .common import ROOT, corpus_dir, target

GOLD = ROOT / "tests" / "extractors" / "gold"
IDENTITY_FIELDS = ("number", "issued_on", "doc_type", "issuer")
PAGE_CHARS = 3000


def _page(text: str, number: int = 1) -> Page:
    return Page(number=number, width=595, height=842, method=PageMethod.TEXT_LAYER, text=text)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def metric_key(value: float, unit: str, qualifier: str, value_max: float | None) -> tuple:
    return (round(float(value), 4), fold(unit), qualifier, None if value_max is None else round(float(value_max), 4))


def score_references(pages_by_doc) -> dict:
    """``pages_by_doc``: [(gold_labels, [found numbers])] -> P/R counts and misses."""
    tp = fp = fn = 0
    misses = []
    for name, want, got in pages_by_doc:
        want, got = Counter(want), Counter(got)
        tp += sum((got & want).values())
        fp += sum((got - want).values())
        fn += sum((want - got).values())
        if got != want:
            misses.append({"file": name, "extra": dict(got - want), "missing": dict(want - got)})
    p, r = _prf(tp, fp, fn)
    return {"labels": tp + fn, "tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4), "recall": round(r, 4),
            "misses": misses}


def gold_references() -> list[dict]:
    return yaml.safe_load((GOLD / "references.yaml").read_text(encoding="utf-8"))["documents"]


def gold_metrics() -> list[dict]:
    return yaml.safe_load((GOLD / "metrics.yaml").read_text(encoding="utf-8"))["items"]


def gold_identity() -> list[dict]:
    """The law headers of the identity gold (``file:``); its inline vbpl excerpts (``vbpl:``) are
    checked by tests/extractors/test_identity.py and measured on whole documents by ``bench_real``."""
    recs = yaml.safe_load((GOLD / "identity.yaml").read_text(encoding="utf-8"))
    return [r for r in recs if "file" in r]


def _references() -> dict:
    rows = []
    for d in gold_references():
        text = (corpus_dir() / d["file"]).read_text(encoding="utf-8")
        rows.append((d["file"], d["references"], [r.number for r in find_references(_page(text))]))
    return score_references(rows)


def _metrics() -> dict:
    tp = fp = fn = 0
    subj_ok = subj_n = 0
    misses = []
    for it in gold_metrics():
        found = find_metrics(_page(it["text"]))
        got = Counter(metric_key(m.value, m.unit, m.qualifier.value, m.value_max) for m in found)
        want = Counter(metric_key(m["value"], m["unit"], m["qualifier"], m.get("value_max")) for m in it["metrics"])
        tp += sum((got & want).values())
        fp += sum((got - want).values())
        fn += sum((want - got).values())
        if got != want:
            misses.append({"text": it["text"][:80], "extra": [list(k) for k in got - want],
                           "missing": [list(k) for k in want - got]})
        for m in it["metrics"]:
            if "subject_contains" in m:
                subj_n += 1
                same = [g for g in found if round(g.value, 4) == round(m["value"], 4) and fold(g.unit) == fold(m["unit"])]
                if same and fold(m["subject_contains"]) in fold(same[0].subject):
                    subj_ok += 1
    p, r = _prf(tp, fp, fn)
    return {"labels": tp + fn, "tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4), "recall": round(r, 4),
            "subjects_checked": subj_n, "subjects_right": subj_ok, "misses": misses}


def _identity() -> dict:
    right, total, wrong = Counter(), Counter(), []
    recs = gold_identity()
    for rec in recs:
        text = (corpus_dir() / rec["file"]).read_text(encoding="utf-8")
        ident = read_identity([_page(text)])
        for f in IDENTITY_FIELDS:
            if f in rec:
                total[f] += 1
                if getattr(ident, f) == rec[f]:
                    right[f] += 1
                else:
                    wrong.append({"file": rec["file"], "field": f, "got": getattr(ident, f), "want": rec[f]})
    acc = {f: round(right[f] / total[f], 4) for f in total}
    return {"headers": len(recs), "accuracy": acc, "right": sum(right.values()), "total": sum(total.values()),
            "wrong": wrong}


def _np_cut(subject: str) -> str:
    """The rejected alternative: keep the leading noun phrase by underthesea POS tags."""
    from underthesea import pos_tag

    out = []
    for w, t in pos_tag(subject):
        if t not in {"N", "Np", "Nc", "Nu", "Ny", "M", "A", "L"} and out:
            break
        out.append(w)
    return " ".join(out) if out else subject


def _subjects(sample_metrics: int = 400) -> dict:
    """Do underthesea word boundaries improve metric subjects?  Gold containment for the regex
    subjects, the word-boundary snap (kept, spaCy component) and a POS noun-phrase cut
    (rejected); on law text, how many subjects the snap changes (split compounds) and its cost."""
    import extractors.metric_subjects as M
    from extractors.subjects import snap_subject

    M.SNAP_SUBJECTS = False  # measure the regex subjects, then snap them here
    try:
        return _subjects_measure(snap_subject, sample_metrics)
    finally:
        M.SNAP_SUBJECTS = True


def _subjects_measure(snap_subject, sample_metrics: int) -> dict:
    rows = []
    for it in gold_metrics():
        found = find_metrics(_page(it["text"]))
        for m in it["metrics"]:
            if "subject_contains" in m:
                same = [g for g in found if round(g.value, 4) == round(m["value"], 4) and fold(g.unit) == fold(m["unit"])]
                if same:
                    rows.append((m["subject_contains"], it["text"], same[0]))
    variants = {"regex": lambda t, g: g.subject, "snapped": snap_subject, "pos_noun_phrase": lambda t, g: _np_cut(g.subject)}
    gold = {}
    for name, fn in variants.items():
        subs = [fn(t, g) for _, t, g in rows]
        ok = [fold(w) in fold(s) for (w, _, _), s in zip(rows, subs, strict=True)]
        extra = [len(s.split()) - len(w.split()) for (w, _, _), s, k in zip(rows, subs, ok, strict=True) if k]
        gold[name] = {"contains_label": sum(ok), "of": len(rows),
                      "mean_extra_syllables": round(sum(extra) / len(extra), 2) if extra else None}
    laws = []
    for path in sorted((corpus_dir() / "laws").glob("*.txt"))[::10]:
        text = path.read_text(encoding="utf-8")
        laws += [(text, m) for m in find_metrics(_page(text))[:40]]
    laws = laws[:sample_metrics]
    t0 = time.process_time()
    changed = sum(snap_subject(t, m) != m.subject for t, m in laws)
    cost = (time.process_time() - t0) / max(1, len(laws))
    return {"gold": gold, "laws_sample": len(laws), "laws_changed_by_snap": changed,
            "laws_changed_share": round(changed / max(1, len(laws)), 4), "snap_ms_per_subject": round(cost * 1000, 2)}


def paged_file(name: str, text: str, page_chars: int = PAGE_CHARS) -> IngestedFile:
    """A born-digital ``IngestedFile`` whose pages are ~page_chars-character slices cut at line breaks."""
    pages, pos, n = [], 0, len(text)
    while pos < n:
        end = min(n, pos + page_chars)
        if end < n:
            nl = text.rfind("\n", pos + page_chars // 2, end)
            end = nl + 1 if nl >= 0 else end
        pages.append(_page(text[pos:end], len(pages) + 1))
        pos = end
    data = text.encode("utf-8")
    return IngestedFile(name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data), status="ok",
                        page_count=len(pages), pages=pages)


def _throughput() -> dict:
    files = [paged_file(p.name, p.read_text(encoding="utf-8")) for p in sorted((corpus_dir() / "laws").glob("*.txt"))]
    nbytes = sum(f.size for f in files)
    counts = Counter()
    extract(files[0])  # warm caches (YAML tables, compiled patterns)
    c0, w0 = time.process_time(), time.perf_counter()
    for f in files:
        ex = extract(f)
        counts["references"] += len(ex.references)
        counts["dates"] += len(ex.dates)
        counts["metrics"] += len(ex.metrics)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    return {"files": len(files), "pages": sum(len(f.pages) for f in files), "megabytes": round(nbytes / 1e6, 2),
            "cpu_seconds": round(cpu, 3), "wall_seconds": round(wall, 3),
            "mb_per_cpu_second": round(nbytes / 1e6 / cpu, 3), "found": dict(counts)}


def run(workdir: Path) -> dict:
    refs, mets, ident, speed = _references(), _metrics(), _identity(), _throughput()
    mets["subjects_underthesea"] = _subjects()
    returned = refs["tp"] + refs["fp"] + mets["tp"] + mets["fp"] + ident["total"]
    confident_wrong = refs["fp"] + mets["fp"] + (ident["total"] - ident["right"])
    cw_rate = confident_wrong / returned if returned else 0.0
    return {
        "description": "Born-digital extraction vs hand-checked gold: references "
                       f"({refs['labels']} labels), metrics ({mets['labels']}), identity of {ident['headers']} "
                       "law headers; throughput of extract() over the 208 laws (24 MB) on one core.",
        "metrics": {"references": refs, "metrics": mets, "identity": ident, "throughput": speed,
                    "confident_wrong": {"values_returned": returned, "wrong": confident_wrong,
                                        "rate": round(cw_rate, 5)}},
        "targets": {
            "references_precision": target(refs["precision"], ">=", 0.99),
            "references_recall": target(refs["recall"], ">=", 0.98),
            "identity_min_field_accuracy": target(min(ident["accuracy"].values()), ">=", 0.99),
            "confident_wrong_rate": target(cw_rate, "<=", 0.005),
            "throughput_mb_per_s_per_core": target(speed["mb_per_cpu_second"], ">=", 2.0, "MB/s"),
        },
    }
