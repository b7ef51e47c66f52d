"""Shared fixtures. Every test uses its own data dir, never the user's cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "submission-2024"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def shared_data_dir(tmp_path_factory) -> Path:
    """A data dir shared by the tests of one run, so OCR of the example is done once."""
    return tmp_path_factory.mktemp("kiemchung-data")


@pytest.fixture(scope="session")
def session_settings(shared_data_dir) -> Settings:
    return Settings(data_dir=shared_data_dir, workers=min(2, os.cpu_count() or 1))
