"""Ingest: any evidence file → pages of NFC text with word boxes and confidences.

    from ingest import expand_submission, ingest_files

    expanded = expand_submission(Path("nop-ho-so.zip"), workdir)
    files = ingest_files([e for e in expanded.entries if e.kind in EVIDENCE_KINDS])

Each page records how it was read (text layer or OCR) and why; each bad file fails alone
with a stable error code.  Pipeline picture in ``ingest/pipeline.py``.
"""

from .archive import Entry, Expanded, expand_submission
from .detect import EVIDENCE_KINDS, IMAGE_KINDS, SHEET_KINDS, detect_kind, sniff_csv
from .exceptions import IngestError
from .executor import PageExecutor, ProcessExecutor, SerialExecutor, make_executor
from .normalize import normalize_text
from .pipeline import ProgressEvent, ingest_file, ingest_files, merge_parts
from .preflight import Preflight, preflight
from .render import render_page_png
from .store import BlobStore, LocalBlobStore, ResultCache, sha256_file
from .syllables import LayerScore, is_vietnamese_syllable, score_text

__all__ = [
    "Entry",
    "Expanded",
    "ProgressEvent",
    "detect_kind",
    "sniff_csv",
    "expand_submission",
    "ingest_files",
    "ingest_file",
    "merge_parts",
    "Preflight",
    "preflight",
    "normalize_text",
    "render_page_png",
    "score_text",
    "is_vietnamese_syllable",
    "LayerScore",
    "EVIDENCE_KINDS",
    "IMAGE_KINDS",
    "SHEET_KINDS",
    "IngestError",
    "PageExecutor",
    "ProcessExecutor",
    "SerialExecutor",
    "make_executor",
    "BlobStore",
    "LocalBlobStore",
    "ResultCache",
    "sha256_file",
]
