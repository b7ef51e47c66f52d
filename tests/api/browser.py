"""Debian's Chromium as the browser tests and docs/screenshots.py drive it through Playwright."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MISSING = f"{CHROMIUM} is missing: apt-get install chromium (make test installs it)"


def chromium_present() -> bool:
    return Path(CHROMIUM).exists()


def launch(pw):
    """A headless Chromium from a started ``sync_playwright()``."""
    return pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
