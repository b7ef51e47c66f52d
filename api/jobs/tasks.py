"""The task functions RQ workers and the in-process queue run, each a few lines: load, run a service
call, schedule what comes next. They are idempotent: the job row says whether the work is done, and a
document is stored once whoever is first. Their dotted names (``api.jobs.<name>``) are in ``keys``."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

import ingest
from models import PIPELINE_VERSION
from models.pages import IngestedFile
from models.tables import PagePart, Submission

from ..service import batches, documents, rechecks, verification
from ..service.status import OPEN_SUBMISSION, JobStatus
from .keys import ingest_key, merge_key, range_key, recheck_key, verify_key
from .lifecycle import JobIncomplete, JobRun, running
from .runtime import Runtime, current
from .schedule import after_ingest, given_up, schedule_merge_if_complete, schedule_recheck

log = logging.getLogger(__name__)


def _require_document(rt: Runtime, sha256: str) -> None:
    if not documents.has_document(rt, sha256):
        raise JobIncomplete(f"no document stored for blob {sha256}")


def _executor(rt: Runtime) -> ingest.SerialExecutor | None:
    """In an RQ work horse one file is read at a time by one Tesseract; elsewhere the page pool."""
    return ingest.SerialExecutor() if rt.in_worker else None


def ingest_job(sha256: str) -> None:
    """Read one blob (text layer or OCR), extract, store. Idempotent."""
    ingest_jobs([sha256])


def ingest_jobs(shas: list[str]) -> None:
    """``ingest_job`` for several blobs at once: their OCR pages share one page pool (the embedded
    queue hands over every ingest job it holds; RQ workers run one file each)."""
    rt = current()
    runs: list[tuple[str, JobRun]] = []
    for sha in dict.fromkeys(shas):
        run = JobRun(rt, ingest_key(sha))
        done = documents.has_document(rt, sha)
        if not run.start():
            log.info("ingest already done", extra={"sha256": sha})
        elif done:
            run.finish(JobStatus.FINISHED)
        else:
            runs.append((sha, run))
    try:
        if runs:
            entries = []
            for sha, _run in runs:
                path = Path(rt.blobs.local_path(sha))
                entries.append(ingest.Entry(name=sha, path=path, kind=ingest.detect_kind(path)))
            t0 = time.monotonic()

            def progress(event: ingest.ProgressEvent) -> None:
                runs[event.file_index][1].progress(event)

            results = ingest.ingest_files(entries, settings=rt.settings, progress=progress, executor=_executor(rt))
            for (sha, run), f in zip(runs, results, strict=True):
                documents.store_read(rt, sha, f)
                _require_document(rt, sha)
                run.finish(JobStatus.FINISHED)
                log.info("ingested", extra={"sha256": sha, "pages": f.page_count, "ocr": len(f.pages_ocr),
                                            "status": f.status, "seconds": round(time.monotonic() - t0, 2)})
    except Exception as exc:
        for _sha, run in runs:  # recorded, then re-raised so RQ retries with back-off
            if not run.done:
                run.fail(exc)
        raise
    for sha in dict.fromkeys(shas):
        after_ingest(rt, sha)


def _part_stored(rt: Runtime, sha256: str, first: int) -> bool:
    with rt.db.session() as s:
        return documents.has_document(rt, sha256) or s.scalar(select(PagePart.id).where(
            PagePart.sha256 == sha256, PagePart.pipeline_version == PIPELINE_VERSION,
            PagePart.first_page == first)) is not None


def ingest_range_job(sha256: str, first: int, last: int) -> None:
    """Read pages ``first``..``last`` of a long file; the last range to finish schedules the merge."""
    rt = current()
    with running(rt, range_key(sha256, first, last)) as run:
        if run is not None:
            if not _part_stored(rt, sha256, first):
                path = Path(rt.blobs.local_path(sha256))
                entry = ingest.Entry(name=sha256, path=path, kind=ingest.detect_kind(path), pages=(first, last))
                [part] = ingest.ingest_files([entry], settings=rt.settings, progress=run.progress,
                                             executor=_executor(rt))
                try:
                    with rt.db.session() as s:
                        s.add(PagePart(sha256=sha256, pipeline_version=PIPELINE_VERSION, first_page=first,
                                       last_page=last, data=part.model_dump(mode="json")))
                except IntegrityError:
                    log.info("page range stored by another worker", extra={"sha256": sha256, "first": first})
            if not _part_stored(rt, sha256, first):
                raise JobIncomplete(f"page range {first}-{last} of blob {sha256} was not stored")
    schedule_merge_if_complete(rt, sha256)


def merge_job(sha256: str) -> None:
    """Join the page ranges of a long file, extract, store the document, drop the parts."""
    rt = current()
    with running(rt, merge_key(sha256)) as run:
        if run is not None:
            with rt.db.session() as s:
                rows = s.scalars(select(PagePart).where(PagePart.sha256 == sha256, PagePart.pipeline_version
                                                        == PIPELINE_VERSION).order_by(PagePart.first_page)).all()
                parts = [IngestedFile.model_validate(r.data) for r in rows]
            if not documents.has_document(rt, sha256):
                documents.store_read(rt, sha256, ingest.merge_parts(parts))
            _require_document(rt, sha256)
            with rt.db.session() as s:
                s.execute(delete(PagePart).where(PagePart.sha256 == sha256,
                                                 PagePart.pipeline_version == PIPELINE_VERSION))
    after_ingest(rt, sha256)


def verify_job(submission_id: str) -> None:
    """Verify a submission whose files are all read; then its batch's summary, when it is the last."""
    rt = current()
    with running(rt, verify_key(submission_id)) as run:
        if run is not None:
            batch_id = verification.verify_submission(rt, submission_id)
            if batch_id:
                batches.update_batch(rt, batch_id)
            with rt.db.session() as s:
                sub = s.get(Submission, submission_id)
                if sub is not None and sub.status in OPEN_SUBMISSION:
                    raise JobIncomplete(f"submission {submission_id} still {sub.status} after verification")


def recheck_job(campaign_id: str, unit_id: int, digest: str) -> None:
    """Re-check a campaign unit's criteria that got files or explanations since their newest re-check (round
    2's machine proposals); then whatever was added while it ran. ``digest``: the additions it was scheduled
    for (its key); it re-checks what is due when it runs."""
    rt = current()
    with running(rt, recheck_key(campaign_id, unit_id, digest)) as run:
        if run is not None:
            with rt.db.session() as s:
                unreadable = {sha for sha in rechecks.pending(s, campaign_id, unit_id).unread
                              if given_up(rt, s, sha)}
            rechecks.recheck(rt, campaign_id, unit_id, unreadable=unreadable)
    schedule_recheck(rt, campaign_id, unit_id)
