"""The job layer on its own: SQLite in a fresh data dir and the in-process queue (real jobs, real
ingest of born-digital PDFs — no OCR, so each test takes seconds)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pymupdf
import pytest

from api.jobs.runtime import Runtime, configure
from models.settings import Settings
from tests.ingest.builders import VIET_LINES, text_pdf, write

UNIT = "Sở Tư pháp tỉnh Đồng Nai"


def sheet_csv(files: list[str]) -> bytes:
    """A self-assessment sheet with one criterion citing ``files``."""
    return ("BẢNG TỰ ĐÁNH GIÁ NĂM 2024\nĐơn vị: " + UNIT + "\n"
            "STT;Mã tiêu chí;Điểm tối đa;Điểm tự đánh giá;Tài liệu kiểm chứng\n"
            f"1;1.1.1;1;1;{', '.join(files)}\n").encode()


@cache
def pages_pdf(n: int) -> bytes:
    """A born-digital PDF of ``n`` pages of Vietnamese text (the same bytes for the same ``n``)."""
    out = pymupdf.open()
    for i in range(n):
        out.insert_pdf(pymupdf.open(stream=text_pdf([f"Trang {i + 1}", *VIET_LINES[:3]]), filetype="pdf"))
    return out.tobytes()


def submission(tmp_path: Path, pages: dict[str, int]) -> Path:
    """A submission folder: the sheet and one born-digital PDF per entry of ``pages`` (name → page count)."""
    folder = tmp_path / "sub"
    write(folder, "bang.csv", sheet_csv(list(pages)))
    for name, n in pages.items():
        write(folder, name, pages_pdf(n))
    return folder


@pytest.fixture()
def rt(tmp_path: Path) -> Runtime:
    return configure(Settings(data_dir=tmp_path / "data", workers=1, heartbeat_seconds=0.5), embedded=True)
