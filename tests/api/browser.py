"""Debian's Chromium as the browser tests and docs/screenshots.py drive it through Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MISSING = f"{CHROMIUM} is missing: apt-get install chromium (make test installs it)"


def chromium_present() -> bool:
    return Path(CHROMIUM).exists()


def launch(pw):
    """A headless Chromium from a started ``sync_playwright()``."""
    return pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.fixture()
def browser():
    """A headless Chromium for one test (the web tests fail, not skip, when it is missing)."""
    if not chromium_present():
        pytest.fail(MISSING)
    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()
