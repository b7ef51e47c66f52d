"""Ingest test fixtures: every test gets its own data dir (never the user's cache)."""

from __future__ import annotations

import pytest

from models.settings import Settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Serial executor, private data dir."""
    return Settings(data_dir=tmp_path / "data", workers=1)
