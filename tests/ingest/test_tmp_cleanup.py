"""Tesseract's page images live in a folder per process, and a process that starts removes the folders
of processes that no longer exist (a worker killed mid-OCR cannot delete its own image).

Real processes throughout: a real page pool (spawned processes), real Tesseract, a real SIGKILL,
and a real `kiemchung worker` on the test Redis and PostgreSQL.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pymupdf
import pytest

from ingest._exec import scratch, tesseract
from ingest.executor import ProcessExecutor
from tests.api.helpers import poll
from tests.ingest.builders import VIET_LINES, text_pdf


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@contextmanager
def _live_process() -> Iterator[int]:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


def _leftover(pid: int, name: str = "page.bmp") -> Path:
    folder = scratch.base_dir() / str(pid)
    folder.mkdir(mode=0o700)
    (folder / name).write_bytes(b"BM" + bytes(64))
    return folder


def _page_image(lines: int = 40) -> np.ndarray:
    """A 300 dpi A4 page of Vietnamese text, grayscale: a few seconds of Tesseract."""
    doc = pymupdf.open(stream=text_pdf((VIET_LINES * 5)[:lines], fontsize=11), filetype="pdf")
    pix = doc[0].get_pixmap(dpi=300, colorspace=pymupdf.csGRAY, alpha=False)
    return np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width).copy()


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(x) for x in (task / "children").read_text().split()]
    return out


def test_scratch_is_per_process_and_private():
    base = scratch.base_dir()
    assert base.name == f"kiemchung-{os.getuid()}"
    if Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK):
        assert base.parent == Path("/dev/shm")  # memory-backed: the OCR benchmark depends on it
    here = scratch.process_dir()
    assert here == base / str(os.getpid()) and here.is_dir()
    assert (base.stat().st_mode & 0o777) == 0o700 and (here.stat().st_mode & 0o777) == 0o700
    # a real OCR run writes there and leaves nothing behind
    words = tesseract.image_to_words(_page_image(3), lang="vie", dpi=300, timeout=120)
    assert "1143/QĐ-UBND" in " ".join(w.text for w in words)
    tesseract.lines_to_words([_page_image(1)[200:400, :]], lang="vie", dpi=300, timeout=120)
    assert list(here.iterdir()) == []


def test_pool_start_removes_the_folders_of_dead_processes_only():
    dead = _leftover(_dead_pid())
    not_a_pid = scratch.base_dir() / "notes"
    not_a_pid.mkdir(exist_ok=True)
    with _live_process() as pid:
        live = _leftover(pid)
        try:
            with ProcessExecutor(1) as ex:
                child = ex.submit(os.getpid).result()  # the pool's initializer has run in the child
            assert child != os.getpid()
            assert not dead.exists()
            assert (live / "page.bmp").exists() and not_a_pid.is_dir()
        finally:
            for folder in (live, not_a_pid, dead):
                if folder.exists():
                    shutil.rmtree(folder)


def test_a_pool_process_killed_mid_ocr_leaves_its_image_and_the_next_start_removes_it():
    ex = ProcessExecutor(1)
    try:
        pid = ex.submit(os.getpid).result()
        folder = scratch.base_dir() / str(pid)
        fut = ex.submit(functools.partial(tesseract.image_to_words, lang="vie", dpi=300, timeout=120),
                        _page_image())
        images = poll(lambda: list(folder.glob("*.bmp")), until=bool, timeout=60, every=0.005)
        ocr = _children(pid)  # the Tesseract reading the page
        os.kill(pid, signal.SIGKILL)  # as the OOM killer or `kill -9` would, mid-OCR
        for c in ocr:  # the orphaned Tesseract we started
            try:
                os.kill(c, signal.SIGKILL)
            except ProcessLookupError:
                pass
        with pytest.raises(BrokenProcessPool):
            fut.result()
    finally:
        ex.close()
    assert images[0].exists()  # nobody was left to delete it
    with ProcessExecutor(1) as ex:
        ex.submit(os.getpid).result()
    assert not folder.exists()


def test_an_rq_worker_start_removes_the_folders_of_dead_processes(pg_url, redis_url, tmp_path):
    dead = _leftover(_dead_pid())
    env = dict(os.environ, KIEMCHUNG_DATABASE_URL=pg_url, KIEMCHUNG_REDIS_URL=redis_url,
               KIEMCHUNG_DATA_DIR=str(tmp_path / "data"), KIEMCHUNG_RECONCILE_SECONDS="3600")
    done = subprocess.run([sys.executable, "-m", "api", "worker", "--burst"], env=env, capture_output=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert not dead.exists()
