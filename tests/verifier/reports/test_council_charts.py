"""The council's charts: SVG with the units and Vietnamese numbers as text and no timestamp (the same export
gives the same bytes), PNG for the DOCX; the HTML page and the JSON of the export."""

from __future__ import annotations

import json
import re

import jsonschema

from tests.council_example import A, B
from verifier.reports.charts import charts, field_chart, index_chart
from verifier.reports.council_files import write_council
from verifier.reports.council_json import council_schema, read_council_json


def test_svg_is_deterministic_text(council_export):
    group = council_export.groups[0]
    svg = index_chart(group, "svg")
    assert svg == index_chart(group, "svg")
    text = svg.decode("utf-8")
    assert A in text and B in text and "80%" in text and "Chỉ số CCHC" in text
    assert "<dc:date>" not in text and not re.search(r"20\d\d-\d\d-\d\dT", text)
    fields = field_chart(group, "svg").decode("utf-8")
    assert "Chỉ đạo, điều hành" in fields and "61,67" in fields  # field I: the mean of 75, 90 and 20


def test_png_for_docx(council_export):
    pngs = charts(council_export.groups[0], "png")
    assert set(pngs) == {"chi-so", "linh-vuc"} and all(b.startswith(b"\x89PNG\r\n\x1a\n") for b in pngs.values())


def test_all_formats(council_export, tmp_path):
    paths = write_council(council_export, tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == sorted([
        "hoi-dong-hoi-dong-2026.xlsx", "hoi-dong-hoi-dong-2026.docx", "hoi-dong-hoi-dong-2026.json",
        "hoi-dong-hoi-dong-2026-so_nganh-chi-so.svg", "hoi-dong-hoi-dong-2026-so_nganh-linh-vuc.svg",
        "hoi-dong-hoi-dong-2026-cap_xa-chi-so.svg", "hoi-dong-hoi-dong-2026-cap_xa-linh-vuc.svg",
        "hoi-dong-hoi-dong-2026.html"])
    back = read_council_json(tmp_path / "out" / "hoi-dong-hoi-dong-2026.json")
    assert back == council_export
    jsonschema.validate(json.loads((tmp_path / "out" / "hoi-dong-hoi-dong-2026.json").read_text()), council_schema())
    html = (tmp_path / "out" / "hoi-dong-hoi-dong-2026.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 4 and "<?xml" not in html and A in html and "11,5" in html
