"""Report writers: JSON (with a published schema), XLSX (appraisal table), HTML (self-contained).

``put``/``write_row``/``literal`` (``cells``) are how every workbook the project writes sets its
cells, so text from a submission never becomes a formula.
"""

from .cells import literal, put, write_row
from .html_report import render_html, write_html
from .json_report import report_schema, write_json
from .xlsx_report import write_xlsx

__all__ = ["literal", "put", "render_html", "report_schema", "write_html", "write_json", "write_row", "write_xlsx"]
