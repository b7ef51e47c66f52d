"""The service context of one process: settings, database, blob store, job queue.

API processes, RQ workers and the embedded server each hold one. Workers build it
from the environment (``KIEMCHUNG_*``) on first use.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ingest import BlobStore
from models.settings import Settings, get_settings

from .blobs import service_blob_store
from .db import Database, get_database
from .queue import JobQueue, make_queue


@dataclass
class Service:
    settings: Settings
    db: Database
    blobs: BlobStore
    queue: JobQueue
    embedded: bool = False
    in_worker: bool = False


_current: Service | None = None
_lock = threading.Lock()


def configure(settings: Settings | None = None, *, embedded: bool = False, in_worker: bool = False,
              queue: JobQueue | None = None) -> Service:
    """Set up this process's service (call once at start-up)."""
    global _current
    settings = settings or get_settings()
    db = get_database(settings)
    svc = Service(settings=settings, db=db, blobs=service_blob_store(settings, db),
                  queue=queue or make_queue(settings, embedded=embedded), embedded=embedded or not settings.redis_url,
                  in_worker=in_worker)
    with _lock:
        _current = svc
    return svc


def current() -> Service:
    """This process's service; RQ work horses configure it lazily from the environment."""
    global _current
    with _lock:
        svc = _current
    if svc is None:
        svc = configure(in_worker=True)
    return svc
