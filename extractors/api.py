"""Whole-file extraction: identity, references, dates and metrics for one ingested file."""

from __future__ import annotations

import hashlib

from models.extraction import DateRole, DocumentKind, Extraction
from models.pages import IngestedFile, Page, PageMethod

from .date_forms import scan_dates
from .dates import find_dates
from .identity import read_identity
from .metrics import find_metrics
from .normalize import fix_chars, nfc
from .references import find_references, join_page_breaks, number_key, scan_references

_READABLE = (PageMethod.TEXT_LAYER, PageMethod.OCR)


def extract(file: IngestedFile) -> Extraction:
    """Everything for one ingested file.

    Identity comes from the header zone of the first page with text (``document.kind``
    says whether there is one: a file that was not read is ``unknown``, one without any
    readable text ``not_a_document``); its issue year is the year hint for dates written
    without one.  The document's own number is never one of its references.  References
    are resolved across pages (``resolved_to`` indexes ``Extraction.references``).
    """
    ex = Extraction(
        file=file.name, sha256=file.sha256, pages=file.page_count or len(file.pages),
        pages_ocr=file.pages_ocr, status=file.status, error=file.error, notes=list(file.notes),
        signatures=list(file.signatures),
    )
    if file.status != "ok":
        return ex
    pages = [p for p in file.pages if p.method in _READABLE and p.text]
    if not pages:
        if file.pages and all(p.method != PageMethod.FAILED for p in file.pages):
            ex.document.kind = DocumentKind.NOT_A_DOCUMENT  # every page read, none holds text
        return ex
    ex.document = read_identity(pages)
    hint = int(ex.document.issued_on[:4]) if ex.document.issued_on else None
    refs = []
    for p in pages:
        text = fix_chars(p.text)
        raw = scan_references(text)  # scanned once, shared by the three finders
        for r in find_references(p, _raw=raw):
            r.resolved_to = None  # re-resolved across pages below
            refs.append(r)
        scanned = scan_dates(text, hint)
        ex.dates.extend(find_dates(p, year_hint=hint, _refs=raw, _scanned=scanned))
        ex.metrics.extend(find_metrics(p, _refs=raw, _dates=scanned))
    ex.references = join_page_breaks(pages, _without_own_number(refs, ex))  # also resolves short repeats
    if ex.document.copy_signed_at:
        for d in ex.dates:
            if d.role == DateRole.ISSUE and d.value == ex.document.copy_signed_at[:10]:
                d.role = DateRole.COPY
    return ex


def _without_own_number(refs: list, ex: Extraction) -> list:
    """Drop mentions of the document's own number ("ban hành kèm theo Thông tư số …" of its annex)."""
    own = ex.document.number
    if not own:
        return refs
    key = number_key(own)
    kept = [r for r in refs if number_key(r.number) != key]
    if len(kept) < len(refs):
        n = len(refs) - len(kept)
        ex.document.notes.append(f"{n} mention{'s' if n > 1 else ''} of the document's own number {own} "
                                 "not listed as references")
    return kept


def extract_text(text: str, name: str = "text") -> Extraction:
    """Convenience: extract from one born-digital page of text (confidence 1)."""
    text = nfc(text)
    page = Page(number=1, width=595.0, height=842.0, method=PageMethod.TEXT_LAYER, text=text)
    f = IngestedFile(
        name=name, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), size=len(text.encode("utf-8")),
        status="ok", page_count=1, pages=[page],
    )
    return extract(f)
