import pytest
from playwright.sync_api import sync_playwright

from tests.api.browser import MISSING, chromium_present, launch


@pytest.fixture()
def browser():
    """A headless Chromium for one test (the web tests fail, not skip, when it is missing)."""
    if not chromium_present():
        pytest.fail(MISSING)
    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()
