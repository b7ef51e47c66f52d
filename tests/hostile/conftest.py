"""Fixtures of the hostile-input suite: the folders of one run, a Redis of the test's own."""

from __future__ import annotations

import pytest

from tests.api.browser import browser  # noqa: F401 (fixture for the web leg)
from tests.api.helpers import own_redis  # noqa: F401 (a fixture for the REST leg)
from tests.api.ui.test_web_e2e import server  # noqa: F401 (fixture for the web leg)

from .checks import Jail
from .corpus import GOOD, example, has_text_layer


@pytest.fixture(scope="session", autouse=True)
def good_files_need_no_ocr():
    """The good evidence files are born-digital: OCR would make every case slow."""
    for name in GOOD:
        assert has_text_layer(example(name)), f"{name} has pages without a text layer"


@pytest.fixture()
def jail(tmp_path) -> Jail:
    return Jail(tmp_path / "jail")

