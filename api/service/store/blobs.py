"""Blob stores for the service: the local folder (embedded) or the database (many machines).

Both implement ``ingest.BlobStore``. With ``KIEMCHUNG_BLOB_STORE=database`` every worker
reads the same blobs from PostgreSQL; a local copy is kept in the worker's data dir.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ingest import BlobStore, LocalBlobStore, sha256_file
from models.settings import Settings
from models.tables import Blob

from .database import Database


class DatabaseBlobStore(BlobStore):
    def __init__(self, db: Database, cache_dir: Path):
        self.db = db
        self.cache = LocalBlobStore(cache_dir)

    def has(self, sha256: str) -> bool:
        with self.db.session() as s:
            return s.scalar(select(Blob.sha256).where(Blob.sha256 == sha256, Blob.data.is_not(None))) is not None

    def put_file(self, path: Path, sha256: str | None = None) -> str:
        sha = sha256 or sha256_file(path)[0]
        with self.db.session() as s:
            row = s.get(Blob, sha)
            if row is None:
                s.add(Blob(sha256=sha, size=path.stat().st_size, kind="unknown", data=path.read_bytes()))
            elif row.data is None:
                row.data = path.read_bytes()
        self.cache.put_file(path, sha)
        return sha

    def local_path(self, sha256: str) -> Path:
        if self.cache.has(sha256):
            return self.cache.local_path(sha256)
        with self.db.session() as s:
            data = s.scalar(select(Blob.data).where(Blob.sha256 == sha256))
        if data is None:
            raise FileNotFoundError(f"blob {sha256} is not stored")
        tmp = self.cache.root / f".incoming-{sha256}"
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        try:
            self.cache.put_file(tmp, sha256)
        finally:
            tmp.unlink(missing_ok=True)
        return self.cache.local_path(sha256)


def service_blob_store(settings: Settings, db: Database) -> BlobStore:
    if settings.blob_store == "database":
        return DatabaseBlobStore(db, settings.data_dir / "blob-cache")
    if settings.blob_store != "local":
        raise ValueError(f"KIEMCHUNG_BLOB_STORE must be 'local' or 'database', not {settings.blob_store!r}")
    return LocalBlobStore(settings.resolved_blob_dir)
