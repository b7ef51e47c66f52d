"""report.json and its JSON Schema (published at docs/report.schema.json).

Regenerate the published schema after changing ``models.report``:

    .venv/bin/python -m verifier.reports.json_report docs/report.schema.json
"""

from __future__ import annotations

import json
from pathlib import Path

from models.report import Report


def report_schema() -> dict:
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://kiemchung.invalid/schemas/report-1.0.json"
    return schema


def write_json(report: Report, path: Path) -> Path:
    path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    return path


def schema_text() -> str:
    return json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/report.schema.json")
    target.write_text(schema_text(), encoding="utf-8")
    print(target)
