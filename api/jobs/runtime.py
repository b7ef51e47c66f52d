"""The one factory of this process's runtime: the service context (settings, database, blob store) plus
the job queue — RQ on Redis, or in-process when embedded. API processes, RQ workers and the embedded
check each hold one; RQ work horses build it from the environment (``KIEMCHUNG_*``) on first use."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from models.settings import Settings, get_settings

from ..service.context import Context, open_context
from .queue import JobQueue, make_queue


@dataclass
class Runtime(Context):
    queue: JobQueue
    embedded: bool = False
    in_worker: bool = False


_current: Runtime | None = None
_lock = threading.Lock()


def configure(settings: Settings | None = None, *, embedded: bool = False, in_worker: bool = False,
              queue: JobQueue | None = None) -> Runtime:
    """Set up this process's runtime (call once at start-up)."""
    global _current
    settings = settings or get_settings()
    ctx = open_context(settings)
    rt = Runtime(settings=ctx.settings, db=ctx.db, blobs=ctx.blobs,
                 queue=queue or make_queue(settings, embedded=embedded),
                 embedded=embedded or not settings.redis_url, in_worker=in_worker)
    with _lock:
        _current = rt
    return rt


def current() -> Runtime:
    """This process's runtime; RQ work horses configure it lazily from the environment."""
    with _lock:
        rt = _current
    if rt is None:
        rt = configure(in_worker=True)
    return rt
