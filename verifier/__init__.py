"""Verifier: rubric (data) + claims + evidence → verdicts and findings → reports.

Public surface: ``load_rubric``, ``read_sheet``, ``EvidenceFile``, ``verify``,
the report writers ``write_json``, ``write_xlsx``, ``write_html``, and the
cross-unit duplicate check (``fingerprints`` → ``duplicate_findings`` →
``apply_duplicates``, see ``verifier.duplicates``).
"""

from .duplicates import (
    DocumentFingerprint,
    apply_duplicates,
    duplicate_findings,
    findings_for,
    fingerprint,
    fingerprints,
)
from .evidence import EvidenceFile
from .reports import write_html, write_json, write_xlsx
from .rubric import RubricError, bundled_rubrics, load_rubric
from .sheet import SHEET_SUFFIXES, SheetError, read_sheet
from .verify import verify

__all__ = [
    "SHEET_SUFFIXES",
    "DocumentFingerprint", "apply_duplicates", "duplicate_findings", "findings_for", "fingerprint", "fingerprints",
    "EvidenceFile", "RubricError", "SheetError", "bundled_rubrics", "load_rubric", "read_sheet", "verify",
    "write_html", "write_json", "write_xlsx",
]
