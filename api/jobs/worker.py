"""`kiemchung worker`: an RQ worker with heavy modules loaded before it forks work horses,
and a reconciler thread that re-enqueues lost or abandoned work."""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from redis.exceptions import RedisError
from rq import Queue, Worker

import extractors
from ingest.executor import remove_dead_scratch
from models.settings import Settings

from . import tasks  # noqa: F401  (the job functions, imported before the first fork)
from .queue import RQJobQueue
from .reconcile import Reconciler
from .runtime import configure

log = logging.getLogger(__name__)


def preload() -> None:
    """Import and warm what every job needs once, in the parent, so each forked horse starts warm."""
    import pymupdf  # noqa: F401
    import pytesseract  # noqa: F401

    extractors.extract_text("Quyết định số 1143/QĐ-UBND ngày 24/4/2024 đạt 95,5%.")  # warm regex caches


class _Worker(Worker):
    """An RQ worker that remembers a stop signal (SIGTERM, SIGINT) in ``stopping``.

    RQ's ``work()`` also returns when an unexpected Redis error reaches its main loop (a heartbeat while
    Redis restarts: "found an unhandled exception, quitting"), exactly as it returns on a stop request.
    Only the signal tells the two apart."""

    def __init__(self, *args: Any, stopping: threading.Event, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.stopping = stopping

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping.set()
        super().request_stop(signum, frame)


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    remove_dead_scratch()  # page images of work horses killed mid-OCR
    preload()
    rt = configure(settings, in_worker=True)
    if not isinstance(rt.queue, RQJobQueue):
        raise RuntimeError("a worker needs KIEMCHUNG_REDIS_URL")
    reconciler = Reconciler(rt)
    reconciler.start()
    stopping = threading.Event()
    delay = 1.0
    try:
        while not stopping.is_set():
            try:
                queue = Queue(settings.queue_name, connection=rt.queue.redis)
                w = _Worker([queue], connection=rt.queue.redis, stopping=stopping)
                log.info("worker started", extra={"queue": settings.queue_name, "worker": w.name})
                began = time.monotonic()
                w.work(with_scheduler=True, burst=burst, logging_level=settings.log_level)
                if burst or stopping.is_set():
                    return
                if time.monotonic() - began > 60:
                    delay = 1.0  # it had been working: a new outage starts the back-off again
                # RQ gave up on its own (a Redis error outside its reconnecting dequeue): start again
                log.warning("worker loop ended without a stop request; starting again", extra={"delay": delay})
            except RedisError as exc:
                # Redis restarted, unreachable or refusing (an error RQ's teardown re-raised): wait and start
                # again; the reconciler re-enqueues lost work
                log.warning("redis unavailable; retrying", extra={"error": f"{type(exc).__name__}: {exc}",
                                                                 "delay": delay})
            _stop_on_signal(stopping)  # between two RQ workers, a signal only ends the loop
            stopping.wait(delay)
            delay = min(delay * 2, 30.0)
    finally:
        reconciler.stop()


def _stop_on_signal(stopping: threading.Event) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda _signum, _frame: stopping.set())
