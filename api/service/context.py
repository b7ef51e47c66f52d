"""What every use case works with: the settings, the database and the blob store of this process.

The job layer's ``Runtime`` (``api.jobs.runtime``) adds the queue; the service never sees it."""

from __future__ import annotations

from dataclasses import dataclass

from ingest import BlobStore
from models.settings import Settings

from .store.blobs import service_blob_store
from .store.database import Database, get_database


@dataclass
class Context:
    settings: Settings
    db: Database
    blobs: BlobStore


def open_context(settings: Settings) -> Context:
    db = get_database(settings)
    return Context(settings=settings, db=db, blobs=service_blob_store(settings, db))
