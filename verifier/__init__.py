"""Verifier: rubric (data) + claims + evidence → verdicts and findings → reports.

Public surface: ``load_rubric``, ``read_sheet``, ``EvidenceFile``, ``verify``,
and the report writers ``write_json``, ``write_xlsx``, ``write_html``.
"""

from .evidence import EvidenceFile
from .reports import write_html, write_json, write_xlsx
from .rubric import RubricError, bundled_rubrics, load_rubric
from .sheet import SheetError, read_sheet
from .verify import verify

__all__ = [
    "EvidenceFile", "RubricError", "SheetError", "bundled_rubrics", "load_rubric", "read_sheet", "verify",
    "write_html", "write_json", "write_xlsx",
]
