"""council.html: one self-contained page for the council — per group the ranking table and the charts as
inline SVG (``charts``), numbers with a decimal comma. Every text from the database is escaped."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from models.council import CouncilExport, CouncilGroup

from .council_table import RANK_HEADERS, fmt, generated_line, rank_rows

_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.S)
_CSS = """body{font-family:"Times New Roman","Liberation Serif",serif;margin:1.5rem;color:#111}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #999;padding:.2rem .4rem;font-size:.9rem}
th{background:#dde7f0}td.num{text-align:right}figure{margin:1rem 0}svg{max-width:100%;height:auto}
@media print{section{break-before:page}}"""


def inline_svg(svg: str) -> str:
    """An SVG file's text without its XML prologue, to sit inside HTML."""
    return _PROLOGUE.sub("", svg, count=1)


def _group(export: CouncilExport, group: CouncilGroup, svgs: dict[str, str]) -> str:
    head = "".join(f"<th scope=\"col\">{escape(h)}</th>" for h in RANK_HEADERS)
    rows = []
    for values in rank_rows(group):
        cells = "".join(f"<td>{escape(fmt(v))}</td>" if i in (1, 10) else f"<td class=\"num\">{escape(fmt(v))}</td>"
                        for i, v in enumerate(values))
        rows.append(f"<tr>{cells}</tr>")
    figures = "".join(f"<figure aria-label=\"{escape(name)}\">{inline_svg(svg)}</figure>" for name, svg in svgs.items())
    return (f"<section><h2>{escape(group.title)}</h2><p>Bộ tiêu chí: {escape(group.rubric_title)}. "
            f"Các đơn vị bằng điểm đồng hạng.</p><table><caption>Xếp hạng Chỉ số CCHC năm {export.year}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{figures}</section>")


def write_council_html(export: CouncilExport, path: Path, svgs: dict[str, dict[str, str]]) -> Path:
    """``svgs``: group code → chart name → SVG text."""
    body = "".join(_group(export, g, svgs.get(g.code, {})) for g in export.groups)
    title = f"Kết quả thẩm định Chỉ số CCHC năm {export.year} — {export.title}"
    page = (f"<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<style>{_CSS}</style></head><body><h1>{escape(title)}</h1><p>{escape(generated_line(export.generated_at))}"
            f"</p>{body}</body></html>\n")
    path.write_text(page, encoding="utf-8")
    return path
