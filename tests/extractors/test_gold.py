"""Precision/recall against the hand-checked gold sets (born-digital text)."""

from collections import Counter

import pytest
import yaml

from extractors import find_metrics, find_references, fold, read_identity
from tests.extractors.helpers import CORPUS, GOLD, text_page


def _prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r


def test_reference_gold():
    docs = yaml.safe_load((GOLD / "references.yaml").read_text(encoding="utf-8"))["documents"]
    tp = fp = fn = 0
    misses = []
    for d in docs:
        text = (CORPUS / d["file"]).read_text(encoding="utf-8")
        got = Counter(r.number for r in find_references(text_page(text)))
        want = Counter(d["references"])
        tp += sum((got & want).values())
        fp += sum((got - want).values())
        fn += sum((want - got).values())
        if got != want:
            misses.append((d["file"], dict(got - want), dict(want - got)))
    p, r = _prf(tp, fp, fn)
    n = sum(len(d["references"]) for d in docs)
    print(f"\nreferences gold: {n} labels, P={p:.4f} R={r:.4f} (tp={tp} fp={fp} fn={fn})")
    assert n >= 150
    assert p >= 0.99 and r >= 0.98, misses


FIELDS = ("number", "issued_on", "doc_type", "issuer")


def test_identity_gold_law_headers():
    recs = [r for r in yaml.safe_load((GOLD / "identity.yaml").read_text(encoding="utf-8")) if "file" in r]
    right, total, wrong = Counter(), Counter(), []
    for rec in recs:
        text = (CORPUS / rec["file"]).read_text(encoding="utf-8")
        ident = read_identity([text_page(text)])
        for f in FIELDS:
            if f not in rec:
                continue
            total[f] += 1
            if getattr(ident, f) == rec[f]:
                right[f] += 1
            else:
                wrong.append((rec["file"], f, getattr(ident, f), rec[f]))
    acc = {f: right[f] / total[f] for f in total}
    print(f"\nidentity gold: {len(recs)} headers, accuracy " + ", ".join(f"{f}={a:.4f}" for f, a in acc.items()))
    assert len(recs) >= 200
    assert all(a >= 0.99 for a in acc.values()), wrong


def _key(m):
    return (round(m["value"], 4), m["unit"], m["qualifier"], m.get("value_max"))


def test_metric_gold():
    items = yaml.safe_load((GOLD / "metrics.yaml").read_text(encoding="utf-8"))["items"]
    tp = fp = fn = 0
    subj_ok = subj_n = 0
    misses = []
    for it in items:
        got_objs = find_metrics(text_page(it["text"]))
        got = Counter((round(m.value, 4), m.unit, m.qualifier.value, m.value_max) for m in got_objs)
        want = Counter(_key(m) for m in it["metrics"])
        tp += sum((got & want).values())
        fp += sum((got - want).values())
        fn += sum((want - got).values())
        if got != want:
            misses.append((it["text"][:60], dict(got - want), dict(want - got)))
        for m in it["metrics"]:
            if "subject_contains" in m:
                subj_n += 1
                match = [g for g in got_objs if round(g.value, 4) == round(m["value"], 4) and g.unit == m["unit"]]
                if match and fold(m["subject_contains"]) in fold(match[0].subject):
                    subj_ok += 1
    p, r = _prf(tp, fp, fn)
    n = sum(len(it["metrics"]) for it in items)
    print(f"\nmetrics gold: {n} labels, P={p:.4f} R={r:.4f}; subjects {subj_ok}/{subj_n}")
    for m in misses:
        print("  miss:", m)
    assert n >= 50
    assert p >= 0.9 and r >= 0.9
    assert subj_ok >= 0.8 * subj_n


@pytest.mark.parametrize("name", ["Bo-luat-hinh-su-2015-296661.txt"])
def test_large_law_file(name):
    """Extraction over one large law (no timing assertion; the benchmark reports speed)."""
    text = (CORPUS / "laws" / name).read_text(encoding="utf-8")
    page = text_page(text)
    refs = find_references(page)
    assert all(r.number.count("/") >= 1 for r in refs)
    assert all(text[r.start:r.end] == r.text for r in refs)
    ident = read_identity([page])
    assert ident.number == "100/2015/QH13"
    assert ident.doc_type == "Bộ luật"
    assert ident.issuer == "QUỐC HỘI"
    metrics = find_metrics(page)
    assert all(text[m.start:m.end] == m.text for m in metrics)
