"""Reference lookup: which stored documents carry a number, and which cite it.

Exact matches use the format-insensitive key; OCR-tolerant candidates come from two indexes —
the same symbol with the number one digit off (``lead_variants``), and the same number with any
symbol — and are scored with rapidfuzz. Plain column queries, batched, to stay fast at 100k+
documents.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from extractors import canonical_number
from models.tables import Document, ReferenceRow, Submission, SubmissionFile, Unit

from .store.records import lead_variants, reference_keys

FUZZY_MIN = 85.0
MAX_CANDIDATES = 5000

_COLS = (ReferenceRow.document_id, ReferenceRow.is_identity, ReferenceRow.number, ReferenceRow.number_key,
         ReferenceRow.issued_on, ReferenceRow.page, ReferenceRow.start, ReferenceRow.end, ReferenceRow.text,
         ReferenceRow.confidence, ReferenceRow.needs_review, ReferenceRow.id)


def _scored(s: Session, number: str) -> list[tuple[float, Any]]:
    key, symbol, lead = reference_keys(number)
    cond = or_(ReferenceRow.number_key == key,
               (ReferenceRow.symbol_key == symbol) & ReferenceRow.lead_key.in_(lead_variants(lead)),
               ReferenceRow.lead_key == lead)
    out: list[tuple[float, Any]] = []
    for row in s.execute(select(*_COLS).where(cond).limit(MAX_CANDIDATES)):
        score = 100.0 if row.number_key == key else fuzz.ratio(key, row.number_key)
        if score >= FUZZY_MIN:
            out.append((round(score / 100.0, 3), row))
    out.sort(key=lambda t: (-t[0], t[1].id))
    return out


def lookup(s: Session, number: str, limit: int = 100) -> dict[str, Any]:
    """``{"documents": [...], "citing": [...]}``, each best score first, at most ``limit`` each."""
    scored = _scored(s, number)
    docs = [t for t in scored if t[1].is_identity][:limit]
    cites = [t for t in scored if not t[1].is_identity][:limit]
    doc_ids = {row.document_id for _, row in docs + cites}
    info = {d.id: d for d in s.execute(select(Document.id, Document.sha256, Document.number, Document.title)
                                       .where(Document.id.in_(doc_ids)))} if doc_ids else {}
    shas = {d.sha256 for d in info.values()}
    attached: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if shas:
        q = (select(SubmissionFile.sha256, Unit.name, Submission.id, SubmissionFile.name)
             .join(Submission, SubmissionFile.submission_id == Submission.id)
             .outerjoin(Unit, Submission.unit_id == Unit.id)
             .where(SubmissionFile.sha256.in_(shas)).limit(50 * len(shas)))
        for sha, unit, sid, fname in s.execute(q):
            if sha and len(attached[sha]) < 50:
                attached[sha].append({"unit": unit, "submission": sid, "file": fname})

    def as_json(score: float, row: Any) -> dict[str, Any]:
        d = info[row.document_id]
        return {"number": row.number, "score": score, "exact": score == 1.0, "document": d.sha256,
                "document_number": d.number, "title": d.title, "issued_on": row.issued_on, "page": row.page,
                "start": row.start, "end": row.end, "quote": row.text, "confidence": row.confidence,
                "needs_review": row.needs_review, "attached_by": attached.get(d.sha256, [])}

    return {"documents": [as_json(sc, r) for sc, r in docs], "citing": [as_json(sc, r) for sc, r in cites]}


def canonical(number: str) -> str:
    """The number as stored documents carry it (``1143/QĐ-UBND``), or as typed when it is not one."""
    return canonical_number(number) or number


def search(s: Session, number: str, limit: int = 100) -> dict[str, Any]:
    """The reference search people run (REST and web): the typed number, its canonical form, the matches."""
    canon = canonical(number)
    return {"query": number, "canonical": canon, **lookup(s, canon, limit)}


def graph(s: Session, number: str, depth: int = 1) -> dict[str, Any]:
    """Follow citations outward from the documents that carry this number exactly."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []
    frontier, seen = [number], set[str]()
    for _ in range(depth):
        nxt = []
        for num in frontier:
            if num in seen:
                continue
            seen.add(num)
            for d in lookup(s, num, 20)["documents"]:
                if not d["exact"]:
                    continue
                nodes[d["document_number"] or d["document"]] = {"number": d["document_number"],
                                                                "document": d["document"], "title": d["title"]}
                doc_id = s.scalar(select(Document.id).where(Document.sha256 == d["document"]))
                for c in s.execute(select(ReferenceRow.number, ReferenceRow.page, ReferenceRow.text).where(
                        ReferenceRow.document_id == doc_id, ReferenceRow.is_identity.is_(False))):
                    edges.append({"from": d["document_number"], "to": c.number, "page": c.page, "quote": c.text})
                    nodes.setdefault(c.number, {"number": c.number, "document": None, "title": None})
                    nxt.append(c.number)
        frontier = nxt
    return {"root": number, "nodes": list(nodes.values()), "edges": edges}
