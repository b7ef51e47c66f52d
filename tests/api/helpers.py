"""Helpers for service tests: the example as a ZIP, polling, token sets."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

from tests.conftest import EXAMPLE


def zip_folder(folder: Path, *, prefix: str = "", replace: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.iterdir()):
            data = (replace or {}).get(p.name, p.read_bytes())
            z.writestr(prefix + p.name, data)
    return buf.getvalue()


def example_zip() -> bytes:
    return zip_folder(EXAMPLE)


def poll(fn, *, until, timeout: float = 240.0, every: float = 0.5):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if until(last):
            return last
        time.sleep(every)
    raise AssertionError(f"timed out waiting; last value: {last}")
