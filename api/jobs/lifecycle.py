"""A running job's life in its database row: started (with the worker's name), a heartbeat with page
progress while it runs, and finished or failed at the end. A job that returns without the state it
promised raises ``JobIncomplete`` — a failure RQ retries and the reconciler sees."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy import select, update

from models.errors import ErrorCode
from models.tables import JobRow, utcnow

from ..service.status import JobStatus
from .runtime import Runtime

log = logging.getLogger(__name__)


class PageEvent(Protocol):
    """What a job's progress needs of an ingest progress event."""

    @property
    def pages_done(self) -> int: ...

    @property
    def pages_total(self) -> int: ...


class JobIncomplete(RuntimeError):
    """A job body returned without the state it promised (e.g. no document for its blob)."""


class JobRun:
    """A running job: heartbeat thread, page progress, final status."""

    def __init__(self, rt: Runtime, key: str):
        self.rt, self.key = rt, key
        self._stop = threading.Event()
        self._pages_done = 0
        self._pages_total = 0
        self._thread = threading.Thread(target=self._beat, daemon=True)
        self.done = False

    def start(self) -> bool:
        """Mark the row started; False when there is no row or it is finished already (nothing to do)."""
        with self.rt.db.session() as s:
            row = s.scalar(select(JobRow).where(JobRow.key == self.key))
            if row is None or row.status == JobStatus.FINISHED:
                return False
            row.status, row.started_at, row.heartbeat_at = JobStatus.STARTED, utcnow(), utcnow()
            row.worker = f"{socket.gethostname()}:{os.getpid()}"
        self._thread.start()
        return True

    def _beat(self) -> None:
        while not self._stop.wait(self.rt.settings.heartbeat_seconds):
            try:
                with self.rt.db.session() as s:
                    s.execute(update(JobRow).where(JobRow.key == self.key).values(
                        heartbeat_at=utcnow(), pages_done=self._pages_done, pages_total=self._pages_total))
            except Exception as exc:
                log.warning("heartbeat failed", extra={"job": self.key, "error": str(exc)})

    def progress(self, event: PageEvent) -> None:
        self._pages_done, self._pages_total = event.pages_done, event.pages_total

    def finish(self, status: JobStatus, code: str | None = None, message: str | None = None) -> None:
        self.done = True
        self._stop.set()
        with self.rt.db.session() as s:
            s.execute(update(JobRow).where(JobRow.key == self.key).values(
                status=status, finished_at=utcnow(), heartbeat_at=utcnow(), error_code=code, error_message=message,
                pages_done=self._pages_done or self._pages_total, pages_total=self._pages_total))

    def fail(self, exc: BaseException) -> None:
        """Transient (database, broker, OS): recorded; the caller re-raises so RQ retries with back-off."""
        self.finish(JobStatus.FAILED, ErrorCode.INTERNAL.value, f"{type(exc).__name__}: {exc}")


@contextmanager
def running(rt: Runtime, key: str) -> Iterator[JobRun | None]:
    """The job's run (None when it has nothing to do); finished when the body returns, failed when it raises."""
    run = JobRun(rt, key)
    if not run.start():
        yield None
        return
    try:
        yield run
    except Exception as exc:
        run.fail(exc)
        raise
    else:
        run.finish(JobStatus.FINISHED)
