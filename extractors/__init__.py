"""Extractors: document identity, references, dates and metrics from page text.

    raw page text ──normalize──▶ patterns (regex) ──▶ references ─┐
                                                    ├─▶ dates ────┼─▶ confidence (words ▶ box, min conf)
                                                    ├─▶ metrics ──┤        │
         page 1's header zone, signing block ─▶ identity ───┘        ▼
                                                                     models.extraction

Every result is a ``models.extraction`` object carrying page, span, box and
confidence.  Identity comes only from page 1's ND30 header zone and a signing block
(``document.kind`` says when there is none: an article, an annex, a photo); references
are joined across line ends and page breaks, and never include the document's own number.  Plain functions never import spaCy;
``extractors.spacy_pipeline`` wraps the same finders as spaCy components for callers who want a ``Doc``.
Page text normalisation is ingest's (``ingest.normalize``); here only one-for-one
look-alike fixes keep offsets valid.  underthesea is used for one thing only: moving
metric subjects to word boundaries (``extractors.subjects``), never to find values.
On OCR pages, damaged-looking numbers (unknown codes, a legislature term that does not
fit the year, repaired OCR damage) are returned with ``needs_review``.
"""

from .api import extract, extract_text
from .dates import find_dates, parse_date
from .identity import read_identity
from .metrics import find_metrics
from .normalize import fold, parse_vn_number
from .references import canonical_number, doc_type_name, find_references, number_key

__all__ = [
    "extract",
    "extract_text",
    "read_identity",
    "find_references",
    "find_dates",
    "find_metrics",
    "canonical_number",
    "number_key",
    "doc_type_name",
    "fold",
    "parse_vn_number",
    "parse_date",
]
