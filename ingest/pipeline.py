"""The ingest pipeline: files in, ``IngestedFile`` out, every file failing alone.

    prepare (this process, fast)            pages (executor: worker processes)
    ─────────────────────────────           ──────────────────────────────────
    size / kind by magic                    render at ocr_dpi (pixel limit first)
    sha256 → result cache? ──hit──▶ done    blank? deskew, Tesseract, OSD if unsure
    blob store                              words → points, NFC text + offsets
    PDF: open (repair, password), triage ─▶ OCR jobs
    image: header checks ────────────────▶ OCR jobs
    text-layer / empty pages: done here
                        collect ◀── pages as they finish ──▶ progress events
                        finish: status, notes, cache
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from models import PIPELINE_VERSION
from models.errors import ErrorCode, ErrorInfo
from models.pages import FileKind, IngestedFile, Page, PageMethod, Words
from models.settings import Settings, get_settings

from .archive import Entry
from .detect import detect_kind
from .exceptions import TRANSIENT_CODES, IngestError
from .executor import PageExecutor, make_executor
from .images import inspect_image
from .ocr import PageJob, PageOutcome, run_page_job, settle_outcome
from .pagetext import build_page_text
from .pdf import damaged, lost_pages, open_pdf, triage_page
from .preflight import check_size_and_kind
from .signatures import read_signatures
from .store import BlobStore, ResultCache, blob_store_for, result_cache_for, sha256_file

log = logging.getLogger(__name__)

CACHE_TEXT_LAYER_FILES = False
"""Cache results of files read entirely from their text layer?  Reading such a file again
costs about what loading its cached JSON does (benchmarks/ingest_text), so by default
only results that needed OCR are cached."""


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building many small acyclic objects.

    A text-layer page makes ~500 word tuples in MuPDF's extraction; with the collector on,
    its passes over the growing heap cost ~5% of text-layer ingest (bench/ingest_text).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class ProgressEvent:
    """One step of progress: a page finished (``page`` set) or a whole file finished."""

    file: str  # Entry.name
    file_index: int  # position in the entries given
    pages_done: int  # of this file
    pages_total: int  # of this file
    method: PageMethod | None  # of the page just done; None for file-level events
    page: int | None  # 1-based number of the page just done
    files_done: int
    files_total: int
    overall_pages_done: int
    overall_pages_total: int  # pages of all files that were opened successfully
    file_done: bool = False
    status: str = "ok"  # the file's status once file_done
    from_cache: bool = False


ProgressCallback = Callable[[ProgressEvent], None]


@dataclass
class _Work:
    index: int
    entry: Entry
    result: IngestedFile
    pages: dict[int, Page] = field(default_factory=dict)
    jobs: list[PageJob] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    finished: bool = False
    expected: int | None = None  # pages to read when a range was asked for (default: all)


def _error_result(entry: Entry, err: ErrorInfo, **kw) -> IngestedFile:
    """A failed file, still carrying its identity (sha256, size, kind) whenever the file can be read:
    the service stores the failure as the final state of that blob, keyed by its sha256."""
    path = Path(entry.path)
    ident: dict = {}
    try:
        ident["sha256"], ident["size"] = sha256_file(path)
        ident["kind"] = detect_kind(path)
    except OSError:
        ident["kind"] = FileKind.UNKNOWN
    return IngestedFile(name=entry.name, status="error", error=err, pipeline_version=PIPELINE_VERSION,
                        **{**ident, **kw})


def _job(path: Path, kind: FileKind, index: int, s: Settings, decision: str, score: float | None) -> PageJob:
    return PageJob(path=str(path), kind=kind.value, index=index, lang=s.ocr_lang, dpi=s.ocr_dpi,
                   timeout=s.ocr_page_timeout, max_page_pixels=s.max_page_pixels,
                   max_image_pixels=s.max_image_pixels, decision=decision, layer_score=score)


def _prepare(index: int, entry: Entry, s: Settings, store: BlobStore, cache: ResultCache) -> _Work:
    path = Path(entry.path)
    kind = check_size_and_kind(entry.name, path, s)
    sha, size = sha256_file(path)
    with gc_paused():
        cached = cache.get(sha, s) if entry.pages is None else None  # a page range is a part, never cached
    if cached is not None:
        log.info("cache hit for %s (sha %s)", entry.name, sha[:12], extra={"file": entry.name, "sha256": sha})
        result = cached.model_copy(update={"name": entry.name, "from_cache": True})
        return _Work(index, entry, result, finished=True)
    store.put_file(path, sha)
    blob = store.local_path(sha)
    result = IngestedFile(name=entry.name, sha256=sha, size=size, kind=kind, pipeline_version=PIPELINE_VERSION)
    work = _Work(index, entry, result)
    if kind == FileKind.PDF:
        doc, notes = open_pdf(blob, max_pages=s.max_pages)
        result.notes.extend(notes)
        try:
            if entry.pages is None or entry.pages[0] <= 1:  # a long file's signatures: once, with its first pages
                result.signatures = read_signatures(blob, doc)
            result.page_count = doc.page_count
            indexes = _page_range(entry, doc.page_count)
            work.expected = len(indexes)
            lost = lost_pages(doc, indexes)
            if lost:
                _damaged(work, damaged(lost, doc.page_count))
            else:
                with gc_paused():
                    _triage_pages(doc, work, blob, kind, s, indexes)
        finally:
            doc.close()
    else:
        info = inspect_image(blob, max_pixels=s.max_image_pixels, max_pages=s.max_pages)
        result.notes.extend(info.notes)
        result.page_count = info.frames
        indexes = _page_range(entry, info.frames)
        work.expected = len(indexes)
        for i in indexes:
            work.jobs.append(_job(blob, kind, i, s, f"{kind.value} image: OCR", None))
    return work


def _damaged(work: _Work, err: IngestError) -> None:
    """The file failed as a whole after opening (pages lost in a repair): its notes are kept."""
    result = work.result
    result.notes.append(err.message)
    result.status, result.error = "error", err.info()
    work.finished = True


def _page_range(entry: Entry, count: int) -> range:
    """0-based indexes of the pages to read: all, or the entry's 1-based inclusive range."""
    if entry.pages is None:
        return range(count)
    first, last = entry.pages
    return range(max(first, 1) - 1, min(last, count))


def _triage_pages(doc, work: _Work, blob: Path, kind: FileKind, s: Settings, indexes: range) -> None:
    """Text-layer (and empty) pages are done here; the others become OCR jobs."""
    for i in indexes:
        page = doc[i]
        t = triage_page(page, s.layer_min_score)
        if t.images:
            # reading the page loaded its images into MuPDF's store (up to 256 MB): a 200-page
            # scan would otherwise keep every page's JPEG in memory (bench/ingest_cache_rss)
            pymupdf.TOOLS.store_shrink(100)
        if t.method == PageMethod.OCR:
            work.jobs.append(_job(blob, kind, i, s, t.decision, t.layer_score))
            continue
        text, words = build_page_text(t.words) if t.words is not None else ("", Words())
        rect = page.rect
        # values made here and of the declared types: no validation pass (bench/ingest_text)
        work.pages[i + 1] = Page.model_construct(number=i + 1, width=rect.width, height=rect.height,
                                                 method=t.method, text=text, words=words,
                                                 layer_score=t.layer_score, decision=t.decision)


def settle_status(result: IngestedFile) -> None:
    """A file whose every readable page failed is an error (the first page's); otherwise a note."""
    failed = [p for p in result.pages if p.method == PageMethod.FAILED]
    readable = [p for p in result.pages if p.method != PageMethod.EMPTY]
    if failed and len(failed) == len(readable):
        result.status = "error"
        result.error = failed[0].error
    elif failed:
        result.notes.append(f"{len(failed)} of {result.page_count} pages could not be read: "
                            + ", ".join(str(p.number) for p in failed))


def merge_parts(parts: list[IngestedFile]) -> IngestedFile:
    """One file from the results of its page ranges (read by separate jobs, possibly on other machines)."""
    ok = [p for p in parts if p.pages or p.status == "ok"]
    base = (ok or parts)[0]
    notes = list(dict.fromkeys(n for part in parts for n in part.notes if "pages could not be read" not in n))
    if not ok:  # every part failed before reading a page (same file, same reason)
        return base.model_copy(update={"pages": [], "notes": notes})
    lost = [p for p in parts if p.status == "error" and not p.pages]
    if lost:  # a range failed as a whole (e.g. its pages were cut off): the file is not complete
        return lost[0].model_copy(update={"pages": [], "notes": notes, "from_cache": False})
    pages = sorted((pg for part in parts for pg in part.pages), key=lambda pg: pg.number)
    merged = base.model_copy(update={"pages": pages, "notes": notes, "status": "ok", "error": None,
                                     "from_cache": False,
                                     "signatures": next((p.signatures for p in parts if p.signatures), [])})
    settle_status(merged)
    return merged


def _finish(work: _Work, s: Settings, cache: ResultCache) -> None:
    result = work.result
    result.pages = [work.pages[n] for n in sorted(work.pages)]
    settle_status(result)
    transient = any(p.error and p.error.code in TRANSIENT_CODES for p in result.pages)
    if work.entry.pages is None and not transient and (work.jobs or CACHE_TEXT_LAYER_FILES):
        try:
            cache.put(result, s)
        except OSError as e:
            log.warning("could not cache result for %s: %s", result.name, e)
    work.finished = True
    seconds = time.perf_counter() - work.started
    log.info("ingested %s (sha %s): %s, %d pages, OCR %s, %.2fs", result.name, result.sha256[:12], result.status,
             result.page_count, result.pages_ocr or "none", seconds,
             extra={"file": result.name, "sha256": result.sha256, "status": result.status,
                    "pages": result.page_count, "seconds": round(seconds, 2)})


def _crashed(job: PageJob, e: BaseException) -> PageOutcome:
    return PageOutcome(Page(number=job.index + 1, width=0, height=0, method=PageMethod.FAILED,
                            decision=job.decision, layer_score=job.layer_score,
                            error=ErrorInfo(code=ErrorCode.OCR_FAILED, message=f"worker failed: {e!r}",
                                            message_vi="Tiến trình nhận dạng chữ gặp sự cố ở trang này.")))


def ingest_files(
    entries: list[Entry],
    *,
    settings: Settings | None = None,
    progress: ProgressCallback | None = None,
    executor: PageExecutor | None = None,
) -> list[IngestedFile]:
    """Ingest evidence files (PDF/JPEG/PNG/TIFF); results in the order given.

    OCR pages of all files go through one executor (a process pool of
    ``settings.resolved_workers`` unless one is passed in).  No exception escapes for a bad
    file: it comes back with ``status="error"`` and a specific ``ErrorInfo``.
    """
    s = settings or get_settings()
    store, cache = blob_store_for(s), result_cache_for(s)
    works: list[_Work] = []
    for i, entry in enumerate(entries):
        try:
            works.append(_prepare(i, entry, s, store, cache))
        except IngestError as e:
            log.warning("rejected %s: %s %s", entry.name, e.code.value, e.message,
                        extra={"file": entry.name, "code": e.code.value})
            works.append(_Work(i, entry, _error_result(entry, e.info()), finished=True))
        except Exception as e:  # never let one file stop the submission
            log.exception("internal error preparing %s", entry.name)
            works.append(_Work(i, entry, _error_result(entry, ErrorInfo(
                code=ErrorCode.INTERNAL, message=f"{type(e).__name__}: {e}",
                message_vi="Lỗi nội bộ khi đọc tệp này.")), finished=True))

    files_total = len(works)
    overall_total = sum(w.result.page_count for w in works)
    counters = {"files": 0, "pages": 0}

    def emit(work: _Work, page: Page | None) -> None:
        if page is not None:
            counters["pages"] += 1
        if progress is None:
            return
        r = work.result
        ev = ProgressEvent(
            file=work.entry.name, file_index=work.index,
            pages_done=r.page_count if r.from_cache else len(work.pages), pages_total=r.page_count,
            method=page.method if page else None, page=page.number if page else None, files_done=counters["files"], files_total=files_total,
            overall_pages_done=counters["pages"], overall_pages_total=overall_total,
            file_done=page is None, status=r.status, from_cache=r.from_cache)
        try:
            progress(ev)
        except Exception:  # a broken progress bar must not break ingest
            log.exception("progress callback failed")

    def file_done(work: _Work) -> None:
        counters["files"] += 1
        if work.result.from_cache:
            counters["pages"] += work.result.page_count
        emit(work, None)

    def complete(work: _Work) -> None:
        try:
            _finish(work, s, cache)
        except Exception as e:  # never let one file stop the submission
            log.exception("internal error finishing %s", work.entry.name)
            work.result = _error_result(work.entry, ErrorInfo(
                code=ErrorCode.INTERNAL, message=f"{type(e).__name__}: {e}",
                message_vi="Lỗi nội bộ khi đọc tệp này."))
            work.finished = True
        file_done(work)

    def accept(work: _Work, outcome: PageOutcome) -> None:
        page = outcome.page
        assert page is not None  # settled: settle_outcome and _crashed always give the page
        work.pages[page.number] = page
        work.result.notes.extend(n for n in outcome.notes if n not in work.result.notes)
        emit(work, page)
        if len(work.pages) == (work.result.page_count if work.expected is None else work.expected):
            complete(work)

    pending: list[tuple[_Work, PageJob]] = []
    for work in works:
        if work.finished:
            file_done(work)
            continue
        for n in sorted(work.pages):
            emit(work, work.pages[n])
        if work.jobs:
            pending.extend((work, job) for job in work.jobs)
        else:
            complete(work)

    attempt = 0
    while pending:
        attempt += 1
        if executor is not None and attempt == 1:
            ex, own = executor, False
        else:  # no executor given, or a retry after the given one broke: a fresh pool of our own
            ex, own = make_executor(s.resolved_workers, len(pending)), True
        retry: list[tuple[_Work, PageJob]] = []
        try:
            futures: dict[Future, tuple[_Work, PageJob]] = {}
            for k, (work, job) in enumerate(pending):
                try:
                    futures[ex.submit(run_page_job, job, False)] = (work, job)  # settled here: see ingest.numbers
                except BrokenProcessPool as e:  # the pool died while we were still submitting
                    for w, j in pending[k:]:
                        if attempt == 1:
                            retry.append((w, j))
                        else:
                            accept(w, _crashed(j, e))
                    break
            for fut in as_completed(futures):
                work, job = futures[fut]
                try:
                    outcome = fut.result()
                except BrokenProcessPool as e:
                    if attempt == 1:
                        retry.append((work, job))
                        continue
                    outcome = _crashed(job, e)
                except Exception as e:
                    outcome = _crashed(job, e)
                accept(work, settle_outcome(outcome))
        finally:
            if own:
                ex.close()
        if retry:
            log.warning("worker pool broke; retrying %d pages in a fresh pool", len(retry))
        pending = retry
    return [w.result for w in works]


def ingest_file(path: Path, name: str | None = None, *, settings: Settings | None = None) -> IngestedFile:
    """Ingest one file (``name`` defaults to the file name)."""
    path = Path(path)
    kind = detect_kind(path) if path.exists() else FileKind.UNKNOWN
    return ingest_files([Entry(name=name or path.name, path=path, kind=kind)], settings=settings)[0]


__all__ = ["ProgressEvent", "ingest_files", "ingest_file"]
