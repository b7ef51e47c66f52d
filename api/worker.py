"""`kiemchung worker`: an RQ worker with heavy modules loaded before it forks work horses,
and a reconciler thread that re-enqueues lost or abandoned work."""

from __future__ import annotations

import logging
import time

from ingest.executor import remove_dead_scratch
from models.settings import Settings

log = logging.getLogger(__name__)


def preload() -> None:
    """Import what every job needs once, in the parent, so each forked horse starts warm."""
    import pymupdf  # noqa: F401
    import pytesseract  # noqa: F401

    import extractors  # noqa: F401
    import ingest  # noqa: F401
    import verifier  # noqa: F401

    from . import jobs, submissions  # noqa: F401

    extractors.extract_text("Quyết định số 1143/QĐ-UBND ngày 24/4/2024 đạt 95,5%.")  # warm regex caches


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    from rq import Queue, Worker

    from .jobs import Reconciler
    from .service import configure

    remove_dead_scratch()  # page images of work horses killed mid-OCR
    preload()
    svc = configure(settings, in_worker=True)
    reconciler = Reconciler(svc)
    reconciler.start()
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    delay = 1.0
    try:
        while True:
            try:
                queue = Queue(settings.queue_name, connection=svc.queue.redis)
                w = Worker([queue], connection=svc.queue.redis)
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
