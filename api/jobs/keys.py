"""The names of jobs — the only copy. Keys derive from content and pipeline version
(``ingest:<sha256>:<version>``), so a file attached by many units is read once. Function names are the
dotted paths RQ stores in Redis: part of the wire format, kept stable across releases (``api.jobs``
re-exports the tasks under them), so a job enqueued by an older process still runs."""

from __future__ import annotations

import re

from models import PIPELINE_VERSION

from ..service.status import JobKind

INGEST_FUNC = "api.jobs.ingest_job"
INGEST_BATCH_FUNC = "api.jobs.ingest_jobs"
RANGE_FUNC = "api.jobs.ingest_range_job"
MERGE_FUNC = "api.jobs.merge_job"
VERIFY_FUNC = "api.jobs.verify_job"
FUNCS = (INGEST_FUNC, INGEST_BATCH_FUNC, RANGE_FUNC, MERGE_FUNC, VERIFY_FUNC)  # the names of older releases
RECHECK_FUNC = "api.jobs.recheck_job"  # round 2: a campaign unit's criteria re-checked with its additional files
_RANGE_KEY = re.compile(r":p(\d+)-(\d+)$")
_RECHECK_KEY = re.compile(r"^recheck:([a-z0-9_-]+):(\d+):([0-9a-f]+):")


def ingest_key(sha256: str) -> str:
    return f"ingest:{sha256}:{PIPELINE_VERSION}"


def range_key(sha256: str, first: int, last: int) -> str:
    return f"{ingest_key(sha256)}:p{first}-{last}"


def merge_key(sha256: str) -> str:
    return f"merge:{sha256}:{PIPELINE_VERSION}"


def verify_key(submission_id: str) -> str:
    return f"verify:{submission_id}:{PIPELINE_VERSION}"


def recheck_key(campaign_id: str, unit_id: int, digest: str) -> str:
    """A unit's re-check of the criteria its additions touched: ``digest`` fingerprints those additions, so the
    same additions are re-checked once and new ones make a new job."""
    return f"recheck:{campaign_id}:{unit_id}:{digest}:{PIPELINE_VERSION}"


def job_call(kind: str, key: str, sha256: str | None, submission_id: str | None) -> tuple[str, tuple[object, ...]]:
    """The function and arguments of a job row (to enqueue it again)."""
    if kind == JobKind.VERIFY:
        return VERIFY_FUNC, (submission_id,)
    if kind == JobKind.RECHECK:
        r = _RECHECK_KEY.match(key)
        if r is None:
            raise ValueError(f"not a re-check key: {key}")
        return RECHECK_FUNC, (r.group(1), int(r.group(2)), r.group(3))
    if kind == JobKind.MERGE:
        return MERGE_FUNC, (sha256,)
    m = _RANGE_KEY.search(key)
    if m:
        return RANGE_FUNC, (sha256, int(m.group(1)), int(m.group(2)))
    return INGEST_FUNC, (sha256,)
