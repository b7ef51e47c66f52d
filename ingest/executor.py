"""Where page jobs run: in this process, or in a pool of worker processes.

Processes, not threads: PyMuPDF is not thread-safe, and Tesseract runs single-threaded in
each worker (one per core is the fastest layout, DOMAIN §5).  Both executors hand out
``concurrent.futures.Future`` objects so the pipeline can consume results as they finish.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from ._exec import scratch

log = logging.getLogger(__name__)


class PageExecutor(ABC):
    workers: int = 1

    @abstractmethod
    def submit(self, fn: Callable[..., Any], *args: Any) -> Future: ...

    def close(self) -> None:  # noqa: B027 - optional
        pass

    def __enter__(self) -> PageExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(PageExecutor):
    """Runs each job at submit time, in this process (tests, one-page inputs, debugging)."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args))
        except BaseException as e:  # noqa: BLE001 - delivered through the future
            fut.set_exception(e)
        return fut


def remove_dead_scratch() -> None:
    """At the start of a process that reads pages: remove the page images that processes killed mid-OCR
    left behind (their scratch folders, see ``_exec.scratch``). Never fatal: OCR reports its own errors."""
    try:
        scratch.remove_dead()
    except OSError as exc:
        log.warning("could not clean the OCR scratch folders: %s", exc)


def _init_worker(log_level: int) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    logging.basicConfig(level=log_level)
    remove_dead_scratch()


class ProcessExecutor(PageExecutor):
    """A pool of ``workers`` spawned processes (``spawn``: no inherited MuPDF state)."""

    def __init__(self, workers: int):
        self.workers = max(1, workers)
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(logging.getLogger("ingest").getEffectiveLevel(),),
        )
        log.debug("process pool started with %d workers", self.workers)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def make_executor(workers: int, jobs: int | None = None) -> PageExecutor:
    """A process pool for real parallel work; serial when one worker (or one job) suffices."""
    if workers <= 1 or (jobs is not None and jobs <= 1):
        return SerialExecutor()
    return ProcessExecutor(workers if jobs is None else min(workers, jobs))
