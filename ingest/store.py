"""Content-addressed storage: the evidence blobs and the cached ingest results.

``BlobStore`` is the small interface a PostgreSQL large-object or S3 store can implement
later; ``LocalBlobStore`` keeps blobs in a folder as ``ab/cd/<sha256>``.  ``ResultCache``
keeps one ``IngestedFile`` JSON per (sha256, pipeline version, output-affecting OCR
settings), so re-ingesting a known file costs a hash and a file read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path

from models import PIPELINE_VERSION
from models.pages import IngestedFile
from models.settings import Settings

from . import digits

log = logging.getLogger(__name__)

_CHUNK = 1024 * 1024


def sha256_file(path: Path) -> tuple[str, int]:
    """(hex sha256, size in bytes), streamed."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _shard(root: Path, sha: str) -> Path:
    return root / sha[:2] / sha[2:4] / sha


def _atomic_write(target: Path, write) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class BlobStore(ABC):
    """Bytes addressed by their SHA-256."""

    @abstractmethod
    def has(self, sha256: str) -> bool: ...

    @abstractmethod
    def put_file(self, path: Path, sha256: str | None = None) -> str:
        """Store the file's bytes; returns the sha256.  Idempotent."""

    @abstractmethod
    def local_path(self, sha256: str) -> Path:
        """A local file holding the blob (downloaded first by remote stores)."""

    def get_bytes(self, sha256: str) -> bytes:
        return self.local_path(sha256).read_bytes()


class LocalBlobStore(BlobStore):
    def __init__(self, root: Path):
        self.root = Path(root)

    def has(self, sha256: str) -> bool:
        return _shard(self.root, sha256).is_file()

    def put_file(self, path: Path, sha256: str | None = None) -> str:
        sha256 = sha256 or sha256_file(path)[0]
        target = _shard(self.root, sha256)
        if not target.is_file():
            with open(path, "rb") as src:
                _atomic_write(target, lambda dst: shutil.copyfileobj(src, dst, _CHUNK))
            log.debug("blob stored", extra={"sha256": sha256})
        return sha256

    def local_path(self, sha256: str) -> Path:
        target = _shard(self.root, sha256)
        if not target.is_file():
            raise FileNotFoundError(f"blob {sha256} not in {self.root}")
        return target


INGEST_REVISION = 2
"""Bumped with ingest output changes between ``PIPELINE_VERSION`` bumps (2: OCR of the red
channel for colour pages, Ï→I), so stale cached results are not served."""


def cache_key(sha256: str, settings: Settings) -> str:
    """Everything that changes the output for the same bytes."""
    parts = {
        "sha256": sha256,
        "pipeline": PIPELINE_VERSION,
        "ingest": INGEST_REVISION,
        "lang": settings.ocr_lang,
        "dpi": settings.ocr_dpi,
        "layer_min_score": settings.layer_min_score,
        "max_page_pixels": settings.max_page_pixels,
        # the number check's thresholds (ingest/data/digits.yaml): a recalibration changes which
        # words come out confirmed
        "digits": dataclasses.asdict(digits.policy()),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


class ResultCache:
    """``IngestedFile`` JSON documents under ``root/ab/<sha256>-<key>.json``."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, sha256: str, settings: Settings) -> Path:
        return self.root / sha256[:2] / f"{sha256}-{cache_key(sha256, settings)}.json"

    def get(self, sha256: str, settings: Settings) -> IngestedFile | None:
        path = self._path(sha256, settings)
        try:
            return IngestedFile.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except ValueError:
            log.warning("unreadable cached result %s; ignoring", path)
            return None

    def put(self, result: IngestedFile, settings: Settings) -> None:
        data = IngestedFile.__pydantic_serializer__.to_json(result)  # bytes: no str copy of a big result
        _atomic_write(self._path(result.sha256, settings), lambda f: f.write(data))


def blob_store_for(settings: Settings) -> BlobStore:
    return LocalBlobStore(settings.resolved_blob_dir)


def result_cache_for(settings: Settings) -> ResultCache:
    """Results live next to the blob store, in ``results/``."""
    return ResultCache(settings.resolved_blob_dir.parent / "results")
