"""Real documents nobody here wrote: the vbpl legal texts printed the way offices print them
(``bench.realistic``), read born-digital and as scans, DEV and TEST parts side by side; plus
the four real office scans.

Material: ``<corpus>/vbpl`` (``bench.common.corpus_dir()``), split by ``bench.corpus.split_of``
(TEST is only scored here, never tuned on); and ``<corpus>/laws`` (``bench.laws``: 206 laws
with real headers, outside the vbpl split, a development part whose failures may be read),
reported as ``laws_…`` figures beside ``dev_…`` and ``test_…``; and ``<corpus>/news``
(``bench.news``: three web articles whose right identity is none, ``news_…``).
``KIEMCHUNG_BENCH_REAL_PARTS`` (comma-separated, default ``dev,test,laws,news``) picks the parts read: leave ``test`` out while
developing, so that TEST figures are not looked at after every change.  Every document is printed with its own settings
(``realistic.print_settings_for``, seed ``SEED``), which go into the result with the scan
settings of every OCR'd page.

Modes (``KIEMCHUNG_BENCH_REAL_MODES``, comma-separated, default all five; the result says
which were run):

* ``born_digital``: every document, whole, as a text-layer PDF through ``ingest.ingest_files``
  and ``extractors.extract``;
* ``scan200``: page 1 of a sample of each part (``OCR_SAMPLE`` documents, chosen by a seeded
  hash), rasterised at 200 dpi with that document's degraded flatbed settings
  (``realistic.scan_settings_for``: grey or colour, JPEG 60–85, skew ±1.5°, a photocopy one
  time in two), OCR'd by the real ingest (Tesseract ``vie``);
* ``variants``: page 1 of the first ``VARIANT_SAMPLE`` of those, at 150 dpi, at 300 dpi, and
  as a phone photo (~1000 px wide, perspective, uneven light);
* ``real_scans``: ``<corpus>/scans/*.jpg`` against ``bench/gold/real_scans.yaml`` (the labels of
  the scans' README), when the corpus has them;
* ``breaks``: every gold citation broken at each of its separators (``bench.breaks``): the share
  of breaks that change the reading (no rendering, no OCR).

Scoring, per part:

* **identity** (``number``, ``doc_type``, ``issued_on``; on laws also ``issuer`` and ``signer``,
  whose gold is exhaustive: where it has no value, reporting none is the only accepted answer)
  against the official labels (``bench.corpus.Gold``).  A value is *accepted* when it is the official one; where the
  printed ``Số:`` differs from the official number, the printed number flagged
  ``needs_review`` is accepted too (the issue's "report what is printed and flag it"); where
  no ``Số:`` is printed, reporting no number is accepted, and where the text has no header
  table at all (it starts at the type line) reporting no type is accepted (missing is not
  wrong).  ``issued_on`` is scored where the header has a place-and-date line.  Number and type
  comparisons: ``bench.corpus.number_key`` / ``official_keys`` / ``type_matches``.
  *Confident-wrong*: a value reported without ``needs_review`` that is not accepted; rates are
  per scored document.  *Accuracy*: accepted values (flagged or not) per scored document.
* **references** against the rule-built gold of ``bench.refgold`` (every citation-shaped number
  of the text but the document's own; whole text born-digital, the citations printed wholly
  on page 1 for the page-1 scans).  Matching by ``refgold.reference_key`` per document,
  confident values first (``bench_extract_ocr._match``); a gold label found only with
  ``needs_review`` counts as found.  *Own number among the references*: share of
  documents whose references include their own number (official or printed).
* **unflagged wrong numbers**: of all numbers reported without ``needs_review`` (the identity
  number and every reference), the share that are wrong.
* **failure classes**, counts only (published for TEST too, so that a gap can be understood
  without reading a TEST document): ``number.confident_wrong_as_printed`` — confident-wrong
  numbers that are the ``Số:`` line as printed where the official number differs (the header
  agrees with itself; only the database knows otherwise), still counted as confident-wrong;
  ``references_failure_classes`` — each extra reference as a variant of the own number, a
  cited number read with another code, or a number outside the gold rule (by shape), and the
  missed ones by shape.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

import yaml

from extractors import extract
from ingest import Entry, detect_kind, ingest_files
from models.settings import Settings

from . import realistic
from .bench_extract_ocr import _match, _sum
from .breaks import broken_readings
from .common import ROOT, corpus_dir, target
from .corpus import PARTS, Gold, number_key, type_key, type_matches, vbpl_documents
from .laws import PART as LAWS
from .laws import law_documents
from .news import PART as NEWS
from .news import news_documents
from .refgold import reference_gold, reference_key

SEED = int(os.environ.get("BENCH_REAL_SEED", "11"))
OCR_SAMPLE = int(os.environ.get("BENCH_REAL_OCR_SAMPLE", "40"))  # page-1 scans per part
VARIANT_SAMPLE = int(os.environ.get("BENCH_REAL_VARIANT_SAMPLE", "8"))  # per part and variant
LIMIT = int(os.environ.get("BENCH_REAL_LIMIT", "0"))  # >0: only that many documents per part (a smoke run)
# which modes to run (comma-separated; default all): born_digital, scan200, variants, real_scans
MODES = tuple(m.strip() for m in os.environ.get(
    "KIEMCHUNG_BENCH_REAL_MODES", "born_digital,breaks,scan200,variants,real_scans").split(",") if m.strip())
# which parts to read (comma-separated; default all): dev, test (vbpl) and laws (bench.laws).
# Leaving out ``test`` while developing keeps TEST figures out of sight.
READ_PARTS = tuple(p.strip() for p in os.environ.get("KIEMCHUNG_BENCH_REAL_PARTS", "dev,test,laws,news").split(",")
                   if p.strip())
BATCH = 12  # born-digital files ingested at once (keeps memory flat)
# issuer and signer: scored where the gold has them (laws, an exhaustive gold)
IDENTITY = ("number", "doc_type", "issued_on", "issuer", "signer")
SCAN_GOLD = ROOT / "bench" / "gold" / "real_scans.yaml"


# --------------------------------------------------------------------------------------- rendering


def _render_one(args: tuple[str, str, str]) -> dict:
    doc_id, text, out = args
    r = realistic.render_vbpl(text, realistic.print_settings_for(doc_id, SEED))
    Path(out).write_bytes(r.pdf)
    return {"id": doc_id, "path": out, "pages": r.pages, "page_starts": r.page_starts, "breaks": r.breaks,
            "settings": asdict(r.settings), "layout": r.layout}


def _render_all(docs: list, workdir: Path) -> dict[str, dict]:
    out = workdir / "born"
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(d.id, d.text, str(out / f"{d.id}.pdf")) for d in docs]
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        return {r["id"]: r for r in pool.map(_render_one, jobs, chunksize=4)}


# --------------------------------------------------------------------------------------- scoring


def _flagged(ident, name: str) -> bool:
    f = ident.fields.get(name)
    return bool(f is not None and f.needs_review)


def _identity_outcomes(ident, gold: Gold, layout: dict, whole: bool = True) -> dict[str, str]:
    """Per field: accepted | accepted_flagged | missing | wrong_flagged | confident_wrong | unscored.

    ``layout`` is what the renderer recognised in the text: without a header table (no ``Số:``
    line, no Quốc hiệu) reporting no identity is accepted; ``issued_on`` is scored only where
    the header has a place-and-date line.  An exhaustive gold (laws) is scored on every field,
    the issuer too: where it has no value, reporting none is the only accepted answer.  The
    signer is scored only on the whole document (``whole``; a page-1 scan of a longer one does
    not hold its signing block)."""
    out = {}
    header_table = bool(layout["header_number"] or layout["header_right"])
    for name in IDENTITY:
        value = getattr(ident, name)
        flagged = _flagged(ident, name)
        if name == "number":
            v = number_key(value)
            ok = v in gold.official_keys or (gold.printed_differs and flagged and v == number_key(gold.printed_number))
            absent_ok = gold.printed_number is None
        elif name == "signer" and not whole:
            out[name] = "unscored"
            continue
        elif gold.exhaustive:
            want = getattr(gold, name)
            same = type_matches if name == "doc_type" else (
                (lambda a, b: type_key(a) == type_key(b)) if name in ("issuer", "signer") else (lambda a, b: a == b))
            ok, absent_ok = want is not None and same(value, want), want is None
        elif name == "doc_type":
            ok, absent_ok = type_matches(value, gold.doc_type), not header_table
        elif name in ("issuer", "signer"):
            out[name] = "unscored"
            continue
        else:
            if gold.issued_on is None or not layout["header_date"]:
                out[name] = "unscored"
                continue
            ok, absent_ok = value == gold.issued_on, False
        if value is None:
            out[name] = "accepted" if absent_ok else "missing"
        elif ok:
            out[name] = "accepted_flagged" if flagged else "accepted"
        else:
            out[name] = "wrong_flagged" if flagged else "confident_wrong"
    return out


_HEAD = re.compile(r"^(\d+[a-z]?)[/-](?:(\d{4})/)?")


def _shape(key: str) -> str:
    """The form of a reference key (``refgold.reference_key``: no hyphens)."""
    if re.match(r"^\d+[a-z]?/\d{4}/", key):
        return "normative n/yyyy/CODE"
    if re.match(r"^\d+[a-z]?-", key) or re.match(r"^\d+[a-z]?[A-ZĐ][^/]*/", key):
        return "party n-CODE/CODE"
    return "yearless n/CODE"


def _ref_classes(extra: dict, missing: dict, gold: Gold) -> Counter:
    """What kind of wrong reference each extra one is, naming no document (the TEST part may
    publish these): a variant of the document's own number, a variant of a number the document
    does cite (same number and year, other code: a misreading or a cut symbol), or a number the
    gold's rule does not see at all, by its shape; and the missed ones by shape."""
    out: Counter = Counter()
    heads = {(m.group(1), m.group(2)) for k in missing if (m := _HEAD.match(k))}
    own = {(m.group(1), m.group(2)) for k in gold.own_numbers if k and (m := _HEAD.match(k))}
    for key, n in extra.items():
        m = _HEAD.match(key)
        head = (m.group(1), m.group(2)) if m else None
        if head in own:
            out["extra: a variant of the own number"] += n
        elif head in heads:
            out["extra: a cited number read otherwise (same number, other code)"] += n
        else:
            out[f"extra: not a citation by the gold rule ({_shape(key)})"] += n
    for key, n in missing.items():
        out[f"missed ({_shape(key)})"] += n
    return out


def _score_doc(ex, gold: Gold, want: Counter, layout: dict, whole: bool = True) -> dict:
    ident = ex.document
    outcomes = _identity_outcomes(ident, gold, layout, whole)
    conf = Counter(reference_key(r.number) for r in ex.references if not r.needs_review)
    rev = Counter(reference_key(r.number) for r in ex.references if r.needs_review)
    m = _match(conf, rev, want)
    own = any(number_key(r.number) in gold.own_numbers for r in ex.references)
    number_unflagged = ident.number is not None and not _flagged(ident, "number")
    return {"id": gold.id, "identity": outcomes, "refs": m, "own_in_refs": bool(own),
            "got": {f: getattr(ident, f) for f in IDENTITY}, "kind": getattr(ident, "kind", None),
            "unflagged_numbers": sum(conf.values()) + number_unflagged,
            "unflagged_wrong": m["fp_confident"] + (outcomes["number"] == "confident_wrong"),
            "number_as_printed": outcomes["number"] == "confident_wrong" and gold.printed_differs
            and number_key(ident.number) == number_key(gold.printed_number),
            "ref_classes": _ref_classes(m["extra"], m["missing"], gold)}


def _summary(rows: list[dict], part: str) -> dict:
    """Figures of one part; the failing documents are listed for DEV and laws only (TEST is
    scored, never read: its failures stay out of the results so that nobody tunes on them)."""
    n = len(rows)
    out: dict = {"documents": n}
    for name in IDENTITY:
        c = Counter(r["identity"][name] for r in rows)
        scored = n - c["unscored"]
        acc = c["accepted"] + c["accepted_flagged"]
        out[name] = {"scored": scored, "accuracy": round(acc / scored, 4) if scored else None,
                     "accepted_unflagged": round(c["accepted"] / scored, 4) if scored else None,
                     "missing": c["missing"], "wrong_flagged": c["wrong_flagged"],
                     "confident_wrong": c["confident_wrong"],
                     "confident_wrong_rate": round(c["confident_wrong"] / scored, 4) if scored else None}
    refs = _sum([r["refs"] for r in rows])
    out["references"] = refs
    out["own_number_in_references_rate"] = round(sum(r["own_in_refs"] for r in rows) / n, 4) if n else None
    un = sum(r["unflagged_numbers"] for r in rows)
    wrong = sum(r["unflagged_wrong"] for r in rows)
    out["unflagged_numbers"] = un
    out["unflagged_wrong_numbers"] = wrong
    out["unflagged_wrong_rate"] = round(wrong / un, 5) if un else 0.0
    # a confident "wrong" number that is the header as printed, where the official number
    # differs (a relabelled ministry, a database typo): nothing in the text can tell
    out["number"]["confident_wrong_as_printed"] = sum(r["number_as_printed"] for r in rows)
    out["references_failure_classes"] = dict(sorted(sum((r["ref_classes"] for r in rows), Counter()).items()))
    if part == "test":
        return out
    out["failures"] = [
        {"id": r["id"], **{f: {"got": r["got"][f], "outcome": r["identity"][f]} for f in IDENTITY
                           if r["identity"][f] not in ("accepted", "accepted_flagged", "unscored")},
         **({"refs_extra": r["refs"]["extra"]} if r["refs"]["extra"] else {}),
         **({"refs_missing": r["refs"]["missing"]} if r["refs"]["missing"] else {})}
        for r in rows if any(r["identity"][f] not in ("accepted", "accepted_flagged", "unscored") for f in IDENTITY)
        or r["refs"]["extra"] or r["refs"]["missing"]
    ]
    return out


def _side_by_side(by_part: dict[str, dict]) -> dict:
    """``dev_…`` and ``test_…`` figures next to each other (the headline numbers)."""
    flat = {}
    for part, s in by_part.items():
        for name in IDENTITY:
            if not s[name]["scored"]:
                continue
            flat[f"{part}_{name}_accuracy"] = s[name]["accuracy"]
            flat[f"{part}_{name}_confident_wrong_rate"] = s[name]["confident_wrong_rate"]
        if s["number"]["scored"]:
            flat[f"{part}_number_confident_wrong_as_printed"] = s["number"]["confident_wrong_as_printed"]
        flat[f"{part}_references_precision"] = s["references"]["precision"]
        flat[f"{part}_references_recall"] = s["references"]["recall"]
        flat[f"{part}_own_number_in_references_rate"] = s["own_number_in_references_rate"]
        flat[f"{part}_unflagged_wrong_rate"] = s["unflagged_wrong_rate"]
        flat[f"{part}_documents"] = s["documents"]
    return dict(sorted(flat.items(), key=lambda kv: (kv[0].split("_", 1)[1], kv[0])))


# --------------------------------------------------------------------------------------- modes


def _gold(doc) -> Gold:
    """The labels of a vbpl document (its meta) or of a law (``bench.laws``)."""
    return doc.gold if hasattr(doc, "gold") else Gold.of(doc.meta)


def _gold_refs(doc, gold: Gold, upto: int | None = None) -> Counter:
    refs = reference_gold(doc.text, gold.own_numbers)
    return Counter(r.number for r in refs if upto is None or r.end <= upto)


def _born_digital(parts: dict[str, list], renders: dict[str, dict], workdir: Path) -> tuple[dict, dict]:
    s = Settings(data_dir=workdir / "data-born")
    rows: dict[str, list] = {p: [] for p in parts}
    pages = pages_ocr = split_refs = 0
    t0 = time.perf_counter()
    for part, docs in parts.items():
        for i in range(0, len(docs), BATCH):
            batch = docs[i:i + BATCH]
            entries = [Entry(name=d.id, path=Path(renders[d.id]["path"]), kind=detect_kind(Path(renders[d.id]["path"])))
                       for d in batch]
            files = ingest_files(entries, settings=s)
            for d, f in zip(batch, files, strict=True):
                gold = _gold(d)
                gref = reference_gold(d.text, gold.own_numbers)
                brk = renders[d.id]["breaks"]
                split_refs += sum(1 for r in gref if any(r.start < b < r.end for b in brk))
                pages += f.page_count
                pages_ocr += len(f.pages_ocr)
                ex = extract(f)
                rows[part].append(_score_doc(ex, gold, Counter(r.number for r in gref), renders[d.id]["layout"]))
    info = {"pages": pages, "pages_ocr": pages_ocr, "gold_references_split_across_lines": split_refs,
            "seconds": round(time.perf_counter() - t0, 1)}
    return {p: _summary(r, p) for p, r in rows.items()}, info


def _sample(docs: list, n: int) -> list:
    key = lambda d: hashlib.sha256(f"{SEED}:{d.id}".encode()).hexdigest()  # noqa: E731
    return sorted(docs, key=key)[:n]


def _scan_mode(name: str, chosen: dict[str, list], renders: dict[str, dict], workdir: Path, settings_of) -> tuple[dict, dict]:
    """Page 1 of each chosen document scanned with ``settings_of(doc_id)``, OCR'd, scored on page 1."""
    vdir = workdir / name
    vdir.mkdir(parents=True, exist_ok=True)
    entries, meta = [], []
    for part, docs in chosen.items():
        for d in docs:
            sc = settings_of(d.id)
            pdf = Path(renders[d.id]["path"]).read_bytes()
            path = vdir / f"{d.id}.pdf"
            path.write_bytes(realistic.scan_pdf(pdf, sc, pages=[0]))
            entries.append(Entry(name=d.id, path=path, kind=detect_kind(path)))
            meta.append((part, d, sc))
    t0 = time.perf_counter()
    files = ingest_files(entries, settings=Settings(data_dir=workdir / f"data-{name}"))
    seconds = time.perf_counter() - t0
    rows: dict[str, list] = {p: [] for p in chosen}
    for (part, d, _sc), f in zip(meta, files, strict=True):
        gold = _gold(d)
        starts = renders[d.id]["page_starts"]
        upto = starts[1] if len(starts) > 1 else None
        row = _score_doc(extract(f), gold, _gold_refs(d, gold, upto), renders[d.id]["layout"], whole=upto is None)
        row["status"] = f.status
        rows[part].append(row)
    info = {"pages_ocr": sum(len(f.pages_ocr) for f in files), "ocr_wall_seconds": round(seconds, 1),
            "errors": [f.name for f in files if f.status != "ok"],
            "scan_settings": {d.id: sc.describe() for _part, d, sc in meta}}
    return {p: _summary(r, p) for p, r in rows.items()}, info


def _real_scans(corpus: Path, workdir: Path) -> dict:
    folder = corpus / "scans"
    labels = yaml.safe_load(SCAN_GOLD.read_text(encoding="utf-8"))
    present = [lab for lab in labels if (folder / lab["file"]).is_file()]
    if not present:
        return {"available": False, "corpus": str(corpus)}
    entries = [Entry(name=lab["file"], path=folder / lab["file"], kind=detect_kind(folder / lab["file"])) for lab in present]
    files = ingest_files(entries, settings=Settings(data_dir=workdir / "data-real-scans"))
    out, confident_wrong, right, scored = [], 0, 0, 0
    for lab, f in zip(present, files, strict=True):
        ex = extract(f)
        ident = ex.document
        row = {"file": lab["file"], "status": f.status, "kind": getattr(ident, "kind", None), "fields": {}}
        want = lab["identity"] or {}
        for name in IDENTITY:
            got = getattr(ident, name)
            flagged = _flagged(ident, name)
            exp = want.get(name)
            if exp is None:
                ok = got is None
            elif name == "number":
                ok = number_key(got) == number_key(exp)
            elif name == "doc_type":
                ok = type_matches(got, exp)
            else:
                ok = got == exp
            outcome = ("accepted_flagged" if flagged else "accepted") if ok else (
                "missing" if got is None else ("wrong_flagged" if flagged else "confident_wrong"))
            scored += 1
            right += ok
            confident_wrong += outcome == "confident_wrong"
            row["fields"][name] = {"want": exp, "got": got, "needs_review": flagged, "outcome": outcome}
        if lab.get("not_issued_on"):
            row["took_received_date"] = ident.issued_on == lab["not_issued_on"]
        if lab.get("signer"):
            row["signer"] = {"want": lab["signer"], "got": ident.signer}
        got_refs = Counter(reference_key(r.number) for r in ex.references)
        row["references_got"] = dict(got_refs)
        if lab.get("references") is not None:
            want_refs = Counter(reference_key(n) for n in lab["references"])
            row["references_want"] = dict(want_refs)
            row["references_extra"] = dict(got_refs - want_refs)
            row["references_missing"] = dict(want_refs - got_refs)
            confident_wrong += sum((Counter(reference_key(r.number) for r in ex.references if not r.needs_review)
                                    - want_refs).values())
        out.append(row)
    return {"available": True, "files": out, "identity_fields_scored": scored, "identity_fields_right": right,
            "confident_wrong_values": confident_wrong}


# --------------------------------------------------------------------------------------- run


def _targets(prefix: str, by_part: dict[str, dict], p_min: float, r_min: float) -> dict:
    t = {}
    for part, s in by_part.items():
        accs = [s[f]["accuracy"] for f in IDENTITY if s[f]["accuracy"] is not None]
        cws = [s[f]["confident_wrong_rate"] for f in IDENTITY if s[f]["confident_wrong_rate"] is not None]
        if not s["documents"]:
            continue
        t[f"{prefix}_{part}_identity_min_accuracy"] = target(min(accs) if accs else 0.0, ">=", 0.99)
        t[f"{prefix}_{part}_identity_max_confident_wrong_rate"] = target(max(cws) if cws else 0.0, "<=", 0.002)
        t[f"{prefix}_{part}_references_precision"] = target(s["references"]["precision"], ">=", p_min)
        t[f"{prefix}_{part}_references_recall"] = target(s["references"]["recall"], ">=", r_min)
        t[f"{prefix}_{part}_unflagged_wrong_numbers_rate"] = target(s["unflagged_wrong_rate"], "<=", 0.002)
    return t


def run(workdir: Path) -> dict:
    corpus = corpus_dir()
    unknown = set(READ_PARTS) - {*PARTS, LAWS, NEWS}
    if unknown:
        raise ValueError(f"KIEMCHUNG_BENCH_REAL_PARTS: unknown parts {sorted(unknown)}")
    parts = {p: list(vbpl_documents(corpus, p)) for p in PARTS if p in READ_PARTS}
    if LAWS in READ_PARTS:
        parts[LAWS] = list(law_documents(corpus))
    if NEWS in READ_PARTS:
        parts[NEWS] = list(news_documents(corpus))
    if LIMIT:
        parts = {p: _sample(docs, LIMIT) for p, docs in parts.items()}
    every = [d for docs in parts.values() for d in docs]
    t0 = time.perf_counter()
    renders = _render_all(every, workdir)
    render_seconds = time.perf_counter() - t0

    unknown = set(MODES) - {"born_digital", "breaks", "scan200", "variants", "real_scans"}
    if unknown:
        raise ValueError(f"KIEMCHUNG_BENCH_REAL_MODES: unknown modes {sorted(unknown)}")
    metrics: dict = {}
    targets = {}
    if "born_digital" in MODES:
        born, born_info = _born_digital(parts, renders, workdir)
        metrics["born_digital"] = {"side_by_side": _side_by_side(born), "info": born_info, "detail": born}
        targets.update(_targets("born_digital", born, 0.99, 0.98))
    if "breaks" in MODES:
        metrics["breaks"] = {p: broken_readings([(d.id, d.text, _gold(d)) for d in docs], examples=p != "test")
                             for p, docs in parts.items()}
        for p, b in metrics["breaks"].items():
            targets[f"breaks_{p}_changed_rate"] = target(b["changed_rate"], "<=", 0.002)
    chosen = {p: _sample(docs, OCR_SAMPLE) for p, docs in parts.items()}
    if "scan200" in MODES:
        scan200, scan_info = _scan_mode("scan200", chosen, renders, workdir,
                                        lambda i: realistic.scan_settings_for(i, SEED, 200))
        metrics["scan200"] = {"side_by_side": _side_by_side(scan200), "info": scan_info, "detail": scan200}
        targets.update(_targets("scan200", scan200, 0.97, 0.95))
    few = {p: docs[:VARIANT_SAMPLE] for p, docs in chosen.items()}
    if "variants" in MODES:
        variants = {}
        for name, settings_of in (("flatbed150", lambda i: realistic.scan_settings_for(i, SEED, 150)),
                                  ("flatbed300", lambda i: realistic.scan_settings_for(i, SEED, 300)),
                                  ("phone", lambda i: realistic.phone_settings_for(i, SEED))):
            summary, info = _scan_mode(name, few, renders, workdir, settings_of)
            variants[name] = {"side_by_side": _side_by_side(summary), "info": info, "detail": summary}
        metrics["variants"] = variants
    real = _real_scans(corpus, workdir) if "real_scans" in MODES else {"available": False, "not_run": True}
    if "real_scans" in MODES:
        metrics["real_scans"] = real
        if real.get("available"):
            targets["real_scans_confident_wrong_values"] = target(real["confident_wrong_values"], "<=", 0)

    generator = {
        "module": "bench.realistic", "seed": SEED, "font": f"Liberation Serif ({realistic.FONT_DIR})",
        "page": "A4, margins 20/20/30/20 mm (top/bottom/left/right)", "print_defaults": asdict(realistic.PrintSettings()),
        "print_settings": {i: r["settings"] for i, r in sorted(renders.items())},
        "layout_recognised": dict(sum((Counter({k: 1 for k, v in r["layout"].items() if v}) for r in renders.values()),
                                      Counter())),
        "pages": sum(r["pages"] for r in renders.values()), "render_wall_seconds": round(render_seconds, 1),
        "tokens_broken_at_line_end": sum(len(r["breaks"]) for r in renders.values()),
    }
    sample = {p: {"documents": len(parts[p]), "ocr_sample": [d.id for d in chosen[p]],
                  "variant_sample": [d.id for d in few[p]]} for p in parts}
    return {
        "description": (
            f"vbpl legal texts (DEV {len(parts.get('dev', []))}, TEST {len(parts.get('test', []))} documents) and "
            f"laws (a development part outside the vbpl split: {len(parts.get(LAWS, []))} laws with their header "
            f"gold, bench/laws.py) and {len(parts.get(NEWS, []))} news articles (no header: no identity is the "
            f"right answer, bench/news.py); parts read: {', '.join(parts)}; corpus {corpus}) "
            f"printed like office documents (Liberation Serif 13-14 pt, justified, numbers broken at line ends, "
            f"ND30 header table, seal and signature), read born-digital (whole documents) and as scans of page 1 "
            f"(200 dpi degraded flatbed: {OCR_SAMPLE} per part; 150/300 dpi and phone photos: {VARIANT_SAMPLE} per "
            f"part), real Tesseract OCR through ingest.ingest_files; identity against the official numbers, "
            f"references against the rule-built gold of bench/refgold.py; "
            + ("the four real scans against their labels." if real.get("available") else
               "real scans not run." if real.get("not_run") else "no real scans in this corpus.")
            + f" Modes run: {', '.join(MODES)}."),
        "metrics": {"generator": generator, "sample": sample, "modes": list(MODES), **metrics},
        "targets": targets,
    }


if __name__ == "__main__":  # a development run written outside bench/results: python -m bench.bench_real OUT.json
    import json
    import sys

    from .common import WORK

    work = WORK / "real-dev"
    work.mkdir(parents=True, exist_ok=True)
    Path(sys.argv[1]).write_text(json.dumps(run(work), ensure_ascii=False, indent=1, default=str) + "\n",
                                 encoding="utf-8")
