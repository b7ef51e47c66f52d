"""Job queues behind one small interface: RQ on Redis (many machines) or in-process (embedded).

Both run the same task functions, addressed by their dotted names (``keys``). The database row of a
job (``models.tables.JobRow``) is the source of truth; the broker only delivers.
"""

from __future__ import annotations

import importlib
import logging
import queue as stdqueue
import threading
from collections.abc import Callable
from typing import Any, Protocol

from redis import Redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from models.settings import Settings

from .keys import INGEST_BATCH_FUNC, INGEST_FUNC

log = logging.getLogger(__name__)


def resolve_function(dotted: str) -> Callable[..., Any]:
    module, _, name = dotted.rpartition(".")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return fn


class JobQueue(Protocol):
    def enqueue(self, func: str, args: tuple[Any, ...], rq_id: str, timeout: int) -> None: ...

    def is_pending(self, rq_id: str) -> bool:
        """True when the broker still holds the job (queued, scheduled for retry, or running)."""

    def ping(self) -> None:
        """Raise when the broker cannot be reached."""


class RQJobQueue:
    RETRY_INTERVALS = [5, 30, 120]

    def __init__(self, redis_url: str, name: str = "kiemchung"):
        self.redis = Redis.from_url(redis_url)
        self.queue = Queue(name, connection=self.redis)

    def enqueue(self, func: str, args: tuple[Any, ...], rq_id: str, timeout: int) -> None:
        self.queue.enqueue(func, *args, job_id=rq_id, job_timeout=timeout, result_ttl=3600, failure_ttl=7 * 86400,
                           retry=Retry(max=len(self.RETRY_INTERVALS), interval=self.RETRY_INTERVALS))

    def is_pending(self, rq_id: str) -> bool:
        try:
            job = Job.fetch(rq_id, connection=self.redis)
        except NoSuchJobError:
            return False
        status = job.get_status(refresh=True)
        return status in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED)

    def ping(self) -> None:
        self.redis.ping()


class LocalJobQueue:
    """Runs jobs one at a time on a background thread of this process.

    One at a time because PyMuPDF is not thread-safe; OCR inside a job still uses the
    ingest process pool, one single-threaded Tesseract per core.
    """

    def __init__(self) -> None:
        self._q: stdqueue.Queue[tuple[str, tuple[Any, ...], str]] = stdqueue.Queue()
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="kiemchung-jobs", daemon=True)
        self._thread.start()

    def enqueue(self, func: str, args: tuple[Any, ...], rq_id: str, timeout: int) -> None:
        with self._lock:
            self._pending.add(rq_id)
        self._q.put((func, args, rq_id))

    def is_pending(self, rq_id: str) -> bool:
        with self._lock:
            return rq_id in self._pending

    def ping(self) -> None:
        """Always reachable: the queue is this process."""

    def join(self) -> None:
        """Wait until every job enqueued so far has run."""
        self._q.join()

    def idle(self) -> bool:
        """No job queued or running in this process."""
        return self._q.unfinished_tasks == 0

    def _run(self) -> None:
        while True:
            batch = [self._q.get()]
            while True:  # everything queued now: ingest jobs run together, sharing the page pool
                try:
                    batch.append(self._q.get_nowait())
                except stdqueue.Empty:
                    break
            reads = [item for item in batch if item[0] == INGEST_FUNC]
            others = [item for item in batch if item[0] != INGEST_FUNC]
            if len(reads) > 1:
                self._call(INGEST_BATCH_FUNC, ([args[0] for _f, args, _id in reads],), [i for *_x, i in reads])
            else:
                others = reads + others
            for func, args, rq_id in others:
                self._call(func, args, [rq_id])
            for _ in batch:
                self._q.task_done()

    def _call(self, func: str, args: tuple[Any, ...], rq_ids: list[str]) -> None:
        try:
            resolve_function(func)(*args)
        except Exception:
            log.exception("job failed", extra={"jobs": rq_ids})
        finally:
            with self._lock:
                self._pending.difference_update(rq_ids)


def make_queue(settings: Settings, *, embedded: bool = False) -> JobQueue:
    if embedded or not settings.redis_url:
        return LocalJobQueue()
    return RQJobQueue(settings.redis_url, settings.queue_name)
