"""Duplicate evidence across the units of a province (``DUPLICATE_EVIDENCE``).

Across a province, the same document attached by several units, or reports that are
copies of each other with the unit name changed, are warning signs (DOMAIN.md §3). The
check runs over many submissions, so it works on small per-file fingerprints, never on
all units' pages at once:

    fps = fingerprints(report, files, rubric)          # per unit, right after verify()
    ...                                                 # store fps (they are small)
    found = duplicate_findings(all_fps)                 # once, over the whole batch
    report = apply_duplicates(report, findings_for(found, report.unit))

Two files of two different units are *the same document* when they have the same
SHA-256, or the same number and (specific) issuer, or near-identical text once the unit
names are masked (MinHash over word 3-shingles; estimated Jaccard ≥ ``NEAR_DUPLICATE_MIN``)
and — when both state at least three figures — at least half their figures in common: reports
filled in from one provincial template read alike but carry each unit's own figures.

Only documents that each unit *presents as its own* count: a file whose issuer (as read
from its header) is the unit, or — when the issuer cannot be read — a file cited for a
criterion that requires a document issued by the unit. A provincial decision attached by
every unit (issuer: UBND tỉnh) is therefore never a duplicate; a unit presenting another
body's document as its own is ``WRONG_ISSUER``'s business. A duplicate is a warning:
verdicts and scores are left as they are, the appraiser decides.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np
from pydantic import BaseModel

from extractors import fold, number_key
from models.provenance import Evidence
from models.report import CriterionResult, Finding, FindingCode, Report, Severity
from models.rubric import Rubric

from .evidence import EvidenceFile
from .matching import expand_abbreviations, issuer_matches, issuing_body

NEAR_DUPLICATE_MIN = 0.70  # estimated Jaccard of word 3-shingles (masked) for "near-identical"
FIGURES_MIN_SHARED = 0.5  # a text match needs this share of the figures in common, when both have ≥ 3
MIN_SHINGLES = 40  # shorter texts (a few lines) get no text signature
SHINGLE = 3
PERMUTATIONS = 128
BANDS, ROWS = 32, 4  # LSH: candidate pairs share one band of ROWS minhash values
_MERSENNE = (1 << 31) - 1
_rng = np.random.default_rng(20240424)
_A = _rng.integers(1, _MERSENNE, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, _MERSENNE, size=PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+")
_MASK = "donvix"
_GENERIC_ISSUERS = {"uy ban nhan dan", "hoi dong nhan dan", "so", "ban", "phong", "van phong"}
_LEVEL_WORDS = ("huyen ", "xa ", "phuong ", "quan ", "thi xa ", "thanh pho ", "thi tran ")
_HOW_VI = {
    "sha256": "cùng một tệp (mã băm SHA-256 trùng)",
    "number": "cùng số, ký hiệu và cơ quan ban hành",
    "text": "nội dung gần như trùng khớp ({score:.0%}) sau khi bỏ tên đơn vị",
}


class DocumentFingerprint(BaseModel):
    """What the cross-unit check keeps of one evidence file (≈ 1 KB)."""

    unit: str
    file: str
    sha256: str = ""
    number: str | None = None
    number_key: str | None = None
    issuer: str | None = None
    issuer_key: str | None = None  # folded issuer (+ parent); None when too generic to identify a body
    own: bool = False  # presented as the unit's own document
    own_reason: str = ""  # "issuer" | "cited"
    shingles: int = 0
    minhash: str = ""  # PERMUTATIONS × 8 hex digits; "" when the text is too short or unreadable
    figures: list[str] = []  # the figures of the text (percentages, counts), sorted; a copy keeps them
    evidence: Evidence | None = None  # where the document's number (or header) is, for the finding


# --------------------------------------------------------------------------- fingerprints


def unit_phrases(name: str | None) -> set[str]:
    """Folded phrases naming a unit, for masking: "Sở Tư pháp tỉnh Đồng Nai" → {…, "so tu phap"}."""
    if not name:
        return set()
    full = expand_abbreviations(name)
    out = {full}
    core = re.sub(r"\s+tinh\s+\w+(?:\s+\w+){0,2}$", "", full)
    out.add(core)
    for lead in ("uy ban nhan dan ", "hoi dong nhan dan "):
        if core.startswith(lead):
            core = core[len(lead):]
            out.add(core)
    for level in _LEVEL_WORDS:
        if core.startswith(level) and len(core.split()) > len(level.split()) + 1:
            out.add(core[len(level):])  # the place name alone: "xuan loc"
    return {p for p in out if len(p.split()) >= 2 and p not in _GENERIC_ISSUERS}


def masked_words(text: str, names: Iterable[str | None]) -> list[str]:
    """Folded words of ``text`` with every phrase naming the unit replaced by one token."""
    folded = fold(text)
    phrases = sorted({p for n in names for p in unit_phrases(n)}, key=len, reverse=True)
    if phrases:
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)")
        folded = pattern.sub(f" {_MASK} ", folded)
    return _WORD.findall(folded)


def minhash(words: list[str]) -> tuple[str, int]:
    """MinHash signature (hex) of the word 3-shingles; ("", n) when there are too few shingles."""
    shingles = {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    if len(shingles) < MIN_SHINGLES:
        return "", len(shingles)
    x = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64, count=len(shingles))
    x %= np.uint64(_MERSENNE)
    sig = ((_A[:, None] * x[None, :] + _B[:, None]) % np.uint64(_MERSENNE)).min(axis=1)
    return "".join(f"{int(v):08x}" for v in sig), len(shingles)


_FIGURE = re.compile(r"\d[\d.,/]*%?")
_DATE_WORDS = re.compile(r"ngày\s*\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4}", re.IGNORECASE)
_DATE_OR_YEAR = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|(?:19|20)\d\d")


def figures(text: str) -> list[str]:
    """The figures a text states (counts, percentages, fractions): not dates, years or document numbers."""
    out = set()
    text = _DATE_WORDS.sub(" ", text)
    for m in _FIGURE.finditer(text):
        tok = m.group(0).rstrip(".,")
        if tok.endswith("/") or _DATE_OR_YEAR.fullmatch(tok) or text[m.end():m.end() + 1].isalpha() and "/" in text[m.end() - 1:m.end()]:
            continue
        out.add(tok)
    return sorted(out)[:64]


def _sig_array(sig: str) -> np.ndarray:
    return np.array([int(sig[i:i + 8], 16) for i in range(0, len(sig), 8)], dtype=np.uint32)


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two signatures."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return float(np.mean(_sig_array(a) == _sig_array(b)))


def _issuer_key(f: EvidenceFile) -> str | None:
    """The issuing body, when it is specific enough to tell two bodies apart."""
    doc = f.extraction.document
    body = issuing_body(doc.issuer, doc.parent_issuer)
    if not body or body in _GENERIC_ISSUERS or len(body.split()) < 2:
        return None  # "ỦY BAN NHÂN DÂN" alone could be any commune, district or province
    return body


def fingerprint(ef: EvidenceFile, unit: str, *, cited_as_own: bool = False) -> DocumentFingerprint:
    """The fingerprint of one evidence file of ``unit``'s submission.

    ``cited_as_own``: the file is used by a criterion that requires a document issued by the
    unit (see :func:`own_citations`); it makes the file "own" when its issuer cannot be read.
    """
    fp = DocumentFingerprint(unit=unit, file=ef.name, sha256=ef.ingested.sha256)
    if not ef.ok:
        return fp
    doc = ef.extraction.document
    fp.number = doc.number
    fp.number_key = number_key(doc.number) if doc.number else None
    fp.issuer = doc.issuer
    fp.issuer_key = _issuer_key(ef)
    match = issuer_matches(ef, unit)
    if match:
        fp.own, fp.own_reason = True, "issuer"
    elif match is None and cited_as_own:
        fp.own, fp.own_reason = True, "cited"
    text = "\n".join(p.text for p in ef.ingested.pages if p.text)
    fp.minhash, fp.shingles = minhash(masked_words(text, [unit, doc.issuer, doc.signer]))
    fp.figures = figures(text)
    ev = ef.field_evidence("number") or ef.field_evidence("issuer") or ef.field_evidence("title")
    fp.evidence = ev[0] if ev else None
    return fp


def own_citations(report: Report, rubric: Rubric) -> set[str]:
    """Files the report used for criteria whose rule requires a document issued by the unit."""
    wants_unit: set[str] = set()
    for _f, _c, item in rubric.subcriteria():
        rule = item.rule
        specs = []
        if rule.kind in ("document", "existence"):
            specs = [rule.document]
        elif rule.kind == "document_set":
            specs = [it.document for it in rule.items]
        elif rule.kind in ("metric_band", "ratio"):
            specs = [rule.source]
        if any(s.issuer == "unit" for s in specs):
            wants_unit.add(item.code)
    return {name for c in report.criteria if c.code in wants_unit for name in c.documents}


def fingerprints(report: Report, files: list[EvidenceFile], rubric: Rubric, unit: str | None = None) -> list[DocumentFingerprint]:
    """Fingerprints of every evidence file of one verified submission."""
    unit = unit or report.unit or ""
    cited = own_citations(report, rubric)
    return [fingerprint(f, unit, cited_as_own=f.name in cited) for f in files]


# --------------------------------------------------------------------------- the batch check


def _pairs(fps: list[DocumentFingerprint]) -> dict[tuple[int, int], tuple[str, float]]:
    """Candidate and confirmed pairs (i < j, different units) → (how, score)."""
    found: dict[tuple[int, int], tuple[str, float]] = {}

    def add(i: int, j: int, how: str, score: float) -> None:
        if fps[i].unit == fps[j].unit:
            return
        key = (min(i, j), max(i, j))
        rank = {"sha256": 3, "number": 2, "text": 1}
        if key not in found or rank[how] > rank[found[key][0]]:
            found[key] = (how, score)

    by_sha: dict[str, list[int]] = defaultdict(list)
    by_number: dict[tuple[str, str], list[int]] = defaultdict(list)
    buckets: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, fp in enumerate(fps):
        if fp.sha256:
            by_sha[fp.sha256].append(i)
        if fp.number_key and fp.issuer_key:
            by_number[(fp.number_key, fp.issuer_key)].append(i)
        if fp.minhash:
            width = ROWS * 8
            for b in range(BANDS):
                buckets[(b, fp.minhash[b * width:(b + 1) * width])].append(i)
    for how, index in (("sha256", by_sha), ("number", by_number)):
        for members in index.values():
            for a in range(len(members)):
                for b in range(a + 1, len(members)):
                    add(members[a], members[b], how, 1.0)
    seen: set[tuple[int, int]] = set()
    for members in buckets.values():
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                i, j = members[a], members[b]
                key = (min(i, j), max(i, j))
                if key in seen or fps[i].unit == fps[j].unit:
                    continue
                seen.add(key)
                score = similarity(fps[i].minhash, fps[j].minhash)
                if score >= NEAR_DUPLICATE_MIN and _same_figures(fps[i], fps[j]):
                    add(i, j, "text", score)
    return found


def _same_figures(a: DocumentFingerprint, b: DocumentFingerprint) -> bool:
    """Documents filled in from one provincial template read alike but report their own figures;
    a copy with the name changed keeps them. Unknown (too few figures) counts as the same."""
    fa, fb = set(a.figures), set(b.figures)
    if len(fa) < 3 or len(fb) < 3:
        return True
    return len(fa & fb) / min(len(fa), len(fb)) >= FIGURES_MIN_SHARED


def duplicate_findings(fps: Iterable[DocumentFingerprint]) -> dict[tuple[str, str], list[Finding]]:
    """``(unit, file) → [DUPLICATE_EVIDENCE]`` for every own document that another unit also
    presents as its own."""
    own = [fp for fp in fps if fp.own]
    matches: dict[int, list[tuple[int, str, float]]] = defaultdict(list)
    for (i, j), (how, score) in _pairs(own).items():
        matches[i].append((j, how, score))
        matches[j].append((i, how, score))
    out: dict[tuple[str, str], list[Finding]] = {}
    for i, others in matches.items():
        fp = own[i]
        others.sort(key=lambda t: (own[t[0]].unit, own[t[0]].file))
        parts = []
        for j, how, score in others[:5]:
            o = own[j]
            label = f"{o.number} ({o.file})" if o.number else o.file
            parts.append(f"{o.unit} — {label}: {_HOW_VI[how].format(score=score)}")
        more = f"; và {len(others) - 5} tài liệu khác" if len(others) > 5 else ""
        label = f"{fp.number} ({fp.file})" if fp.number else fp.file
        msg = (f"Văn bản {label} trùng với tài liệu do đơn vị khác nộp: " + "; ".join(parts) + more
               + ". Cần xác minh văn bản có thực sự do đơn vị ban hành.")
        out[(fp.unit, fp.file)] = [Finding(code=FindingCode.DUPLICATE_EVIDENCE, severity=Severity.WARNING,
                                           message=msg, evidence=[fp.evidence] if fp.evidence else [])]
    return out


def findings_for(found: Mapping[tuple[str, str], list[Finding]], unit: str | None) -> dict[str, list[Finding]]:
    """The part of :func:`duplicate_findings` that concerns one unit, by file name."""
    return {file: fs for (u, file), fs in found.items() if u == (unit or "")}


def apply_duplicates(report: Report, findings_for_unit: Mapping[str, list[Finding]]) -> Report:
    """A copy of ``report`` with the duplicate findings attached to every criterion that uses
    the file, and a note on the file. Verdicts and scores are not changed."""
    from .verify import sort_findings

    if not findings_for_unit:
        return report
    new = report.model_copy(deep=True)
    criteria: list[CriterionResult] = []
    for c in new.criteria:
        extra = [f for name in c.documents for f in findings_for_unit.get(name, [])]
        extra = [f for f in extra if f not in c.findings]
        if extra:
            c = c.model_copy(update={"findings": sort_findings(c.findings + extra)})
        criteria.append(c)
    new.criteria = criteria
    for fs in new.files:
        for f in findings_for_unit.get(fs.name, []):
            note = f.message
            if note not in fs.notes:
                fs.notes.append(note)
    return new
