"""The committed example (examples/submission-2024) matches its generator and stays small."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "examples" / "submission-2024"


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_example", ROOT / "examples" / "build_example.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_example", mod)  # dataclasses need the module registered
    spec.loader.exec_module(mod)
    return mod


def test_bundle_is_small_and_complete():
    files = sorted(p.name for p in BUNDLE.iterdir())
    assert files == [
        "00-bang-tu-danh-gia-2024.xlsx", "01-KH-CCHC-2024.pdf", "02-BC-CCHC-quy-I-2024.pdf",
        "03-BC-CCHC-6-thang-2024.pdf", "04-BC-CCHC-nam-2024.pdf", "05-KH-kiem-tra-CCHC.pdf",
        "06-QD-cong-bo-TTHC.pdf", "07-BC-vi-tri-viec-lam-2024.pdf",
    ]
    assert sum(p.stat().st_size for p in BUNDLE.iterdir()) < 2.5 * 1024 * 1024


def test_scans_have_no_text_and_born_digital_do():
    for name, scan in [("01-KH-CCHC-2024.pdf", True), ("02-BC-CCHC-quy-I-2024.pdf", False),
                       ("04-BC-CCHC-nam-2024.pdf", True), ("07-BC-vi-tri-viec-lam-2024.pdf", False)]:
        with pymupdf.open(BUNDLE / name) as doc:
            text = "".join(p.get_text() for p in doc).strip()
            assert (text == "") == scan, name


def test_regeneration_is_byte_identical(tmp_path):
    builder = _load_builder()
    builder.build(tmp_path)
    for p in sorted(BUNDLE.iterdir()):
        assert (tmp_path / p.name).read_bytes() == p.read_bytes(), p.name
