"""Write the council's export in the formats asked for (``kiemchung campaign export``): ``xlsx``, ``docx``,
``json``, ``svg`` (the charts of each group, and an HTML page showing them with the ranking)."""

from __future__ import annotations

from pathlib import Path

from models.council import CouncilExport

from .charts import charts
from .council_docx import write_council_docx
from .council_html import write_council_html
from .council_json import write_council_json
from .council_xlsx import write_council_xlsx

FORMATS = ("xlsx", "docx", "json", "svg")


def write_council(export: CouncilExport, out: Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """The files written into ``out`` (created if needed), named after the campaign."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown formats: {', '.join(unknown)}")
    out.mkdir(parents=True, exist_ok=True)
    stem = f"hoi-dong-{export.campaign_id}"
    paths: list[Path] = []
    if "xlsx" in formats:
        paths.append(write_council_xlsx(export, out / f"{stem}.xlsx"))
    if "docx" in formats:
        paths.append(write_council_docx(export, out / f"{stem}.docx"))
    if "json" in formats:
        paths.append(write_council_json(export, out / f"{stem}.json"))
    if "svg" in formats:
        svgs: dict[str, dict[str, str]] = {}
        for g in export.groups:
            for name, data in charts(g, "svg").items():
                p = out / f"{stem}-{g.code}-{name}.svg"
                p.write_bytes(data)
                paths.append(p)
                svgs.setdefault(g.code, {})[name] = data.decode("utf-8")
        paths.append(write_council_html(export, out / f"{stem}.html", svgs))
    return paths
