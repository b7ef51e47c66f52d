"""Parse the 'Tài liệu kiểm chứng' cell into citations.

A cell lists document numbers and/or file names separated by ``;`` or new
lines, each with optional pointers: ``Báo cáo số 298/BC-STP ngày 06/12/2024
(trang 1, mục I)``, ``04-BC-CCHC-nam-2024.pdf``, ``298/BC-STP, trang 2``.
"""

from __future__ import annotations

import re

from extractors import canonical_number, extract_text, parse_date
from models.claims import Citation

_SPLIT = re.compile(r"[;\n]+|\s+\+\s+")
_FILE = re.compile(r"[\w\-. ()]+\.(?:pdf|jpe?g|png|tiff?)\b", re.IGNORECASE)
_FILE_LABEL = re.compile(r"^(?:(?:tệp|tep)(?:\s+(?:tin|đính kèm|dinh kem))?|file|đính kèm|dinh kem)\s*:?\s+", re.IGNORECASE)
_PAGES = re.compile(r"\b(?:trang|tr\.)\s*(\d+)(?:\s*[-–đến]+\s*(\d+))?", re.IGNORECASE)
_SECTION = re.compile(r"\b(?:mục|phần|điều)\s+([IVXLC]+|\d+(?:\.\d+)*)\b", re.IGNORECASE)
_DATE = re.compile(r"ngày\s+(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})", re.IGNORECASE)


def parse_citations(cell: str | None) -> list[Citation]:
    if not cell or not str(cell).strip():
        return []
    out: list[Citation] = []
    for item in _SPLIT.split(str(cell)):
        item = item.strip(" ,.-–\t")
        if not item:
            continue
        out.append(parse_citation(item))
    return out


def parse_citation(item: str) -> Citation:
    file_match = _FILE.search(item)
    file_name = _FILE_LABEL.sub("", file_match.group(0).strip()) if file_match else None
    rest = item.replace(file_name, " ") if file_name else item

    number = None
    refs = extract_text(rest).references
    if refs:
        number = refs[0].number
    else:
        # a bare number such as "298/BC-STP" with nothing around it
        for token in rest.replace(",", " ").split():
            number = canonical_number(token)
            if number:
                break

    issued_on = None
    m = _DATE.search(rest)
    if m:
        d = parse_date(m.group(1))
        issued_on = d.isoformat() if d else None
    elif refs and refs[0].issued_on:
        issued_on = refs[0].issued_on

    pages: list[int] = []
    for pm in _PAGES.finditer(rest):
        a = int(pm.group(1))
        b = int(pm.group(2)) if pm.group(2) else a
        pages.extend(range(a, min(b, a + 200) + 1))
    section = None
    sm = _SECTION.search(rest)
    if sm:
        section = sm.group(0)
    return Citation(
        raw=item, number=number, file_name=file_name, issued_on=issued_on, pages=pages, section=section
    )
