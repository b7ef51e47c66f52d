"""`kiemchung worker`: an RQ worker with heavy modules loaded before it forks work horses,
and a reconciler thread that re-enqueues lost or abandoned work."""

from __future__ import annotations

import logging
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
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


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    remove_dead_scratch()  # page images of work horses killed mid-OCR
    preload()
    rt = configure(settings, in_worker=True)
    if not isinstance(rt.queue, RQJobQueue):
        raise RuntimeError("a worker needs KIEMCHUNG_REDIS_URL")
    reconciler = Reconciler(rt)
    reconciler.start()
    delay = 1.0
    try:
        while True:
            try:
                queue = Queue(settings.queue_name, connection=rt.queue.redis)
                w = Worker([queue], connection=rt.queue.redis)
                log.info("worker started", extra={"queue": settings.queue_name, "worker": w.name})
                w.work(with_scheduler=True, burst=burst, logging_level=settings.log_level)
                return
            except (RedisConnectionError, RedisTimeoutError) as exc:
                # Redis restarted or unreachable: wait and start again; the reconciler re-enqueues lost work
                log.warning("redis unavailable; retrying", extra={"error": str(exc), "delay": delay})
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
    finally:
        reconciler.stop()
