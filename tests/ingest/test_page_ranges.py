"""Reading a file in page ranges (separate jobs) and merging gives the same file as reading it whole."""

from __future__ import annotations

from pathlib import Path

import ingest
from models.pages import FileKind, PageMethod
from models.settings import Settings
from tests.conftest import CORPUS, EXAMPLE
from tests.support.docgen import render_text_pdf


def _read(path: Path, settings: Settings, pages=None):
    entry = ingest.Entry(name=path.name, path=path, kind=FileKind.PDF, pages=pages)
    return ingest.ingest_files([entry], settings=settings)[0]


def test_ranges_merge_to_the_whole_file(tmp_path):
    text = (CORPUS / "laws" / "Luat-68-2020-QH14-cu-tru-435315.txt").read_text(encoding="utf-8")[:9000]
    pdf = tmp_path / "law.pdf"
    pdf.write_bytes(render_text_pdf(text))
    s = Settings(data_dir=tmp_path / "data", workers=1)
    whole = _read(pdf, s)
    assert whole.page_count >= 3
    parts = [_read(pdf, s, (1, 1)), _read(pdf, s, (2, whole.page_count))]
    assert [p.number for p in parts[0].pages] == [1] and parts[1].pages[0].number == 2
    assert not any(p.from_cache for p in parts)  # parts are never served from, or written to, the cache
    merged = ingest.merge_parts(parts)
    assert merged.status == "ok" and merged.page_count == whole.page_count
    assert [p.text for p in merged.pages] == [p.text for p in whole.pages]


def test_scan_ranges(tmp_path):
    scan = EXAMPLE / "04-BC-CCHC-nam-2024.pdf"
    s = Settings(data_dir=tmp_path / "data", workers=1)
    parts = [_read(scan, s, (2, 2)), _read(scan, s, (1, 1))]
    merged = ingest.merge_parts(parts)
    assert [p.number for p in merged.pages] == [1, 2]
    assert all(p.method == PageMethod.OCR for p in merged.pages)
    assert "97,35%" in merged.pages[0].text and "40%" in merged.pages[1].text
