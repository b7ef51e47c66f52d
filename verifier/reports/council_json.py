"""council.json: the council's export (``models.council.CouncilExport``) for other systems, and its schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from models.council import CouncilExport


def council_schema() -> dict[str, Any]:
    schema = CouncilExport.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://kiemchung.invalid/schemas/council-1.0.json"
    return schema


def write_council_json(export: CouncilExport, path: Path) -> Path:
    path.write_text(export.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def read_council_json(path: Path) -> CouncilExport:
    return CouncilExport.model_validate(json.loads(path.read_text(encoding="utf-8")))
