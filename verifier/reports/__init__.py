"""Report writers: JSON (with a published schema), XLSX (appraisal table), HTML (self-contained)."""

from .html_report import render_html, write_html
from .json_report import report_schema, write_json
from .xlsx_report import write_xlsx

__all__ = ["render_html", "report_schema", "write_html", "write_json", "write_xlsx"]
