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


DESKTOP = {"width": 1440, "height": 900}


def signed_in_page(browser, base: str, token: str, viewport: dict | None = None, timeout: int = 30_000):
    """A new page of its own browser context, signed in with ``token`` through the sign-in form; JavaScript
    errors collect in ``page.errors``. Close it with ``page.context.close()``."""
    ctx = browser.new_context(viewport=viewport or DESKTOP, locale="vi-VN", device_scale_factor=1,
                              accept_downloads=True)
    ctx.set_default_timeout(timeout)
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(base + "/ui/login")
    page.fill("#token", token)
    page.press("#token", "Enter")
    page.wait_for_url(base + "/ui/")
    return page
