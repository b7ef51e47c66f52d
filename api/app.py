"""The REST API (FastAPI): submissions, appraisers' decisions, documents, references, batches — behind
bearer tokens.

`kiemchung serve` runs it with uvicorn; with Redis configured the work goes to RQ workers
(`kiemchung worker`), otherwise (or with --embedded) to an in-process queue.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import func, select

import ingest
from models import PIPELINE_VERSION
from models.decisions import DecisionIn, DecisionOut
from models.errors import ErrorCode
from models.pages import FileKind, Page
from models.report import Report
from models.settings import get_settings
from models.tables import Batch, Blob, CriterionResultRow, PageRow, Submission, Unit

from . import decisions, exports, records, references
from .auth import Principal, authenticate, may_read_document
from .decisions import DecisionError
from .errors import ApiError, forbidden, install, not_found
from .headers import SecurityHeadersMiddleware
from .jobs import Reconciler, reconcile
from .limits import BodyLimitMiddleware
from .pipeline import CheckError
from .service import Service, configure
from verifier import bundled_rubrics
from .uploads import UploadShapeError, save_uploads, submission_root

log = logging.getLogger(__name__)


_bearer = HTTPBearer(auto_error=False, description="API token from `kiemchung token create`")


def principal(request: Request,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "UNAUTHORIZED", "missing bearer token", "Thiếu mã truy cập (Bearer token).")
    p = authenticate(request.app.state.svc.db, credentials.credentials.strip())
    if p is None:
        raise ApiError(401, "UNAUTHORIZED", "invalid or revoked token", "Mã truy cập không hợp lệ hoặc đã bị thu hồi.")
    return p


def staff(p: Annotated[Principal, Depends(principal)]) -> Principal:
    if not p.is_staff:
        raise forbidden()
    return p


Auth = Annotated[Principal, Depends(principal)]
Staff = Annotated[Principal, Depends(staff)]


def create_app(svc: Service | None = None, *, embedded: bool = False, reconcile_in_background: bool = True) -> FastAPI:
    state: dict = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        service = svc or configure(embedded=embedded)
        state["svc"] = service
        _app.state.svc = service
        try:
            reconcile(service)
        except Exception:
            log.exception("start-up reconcile failed")
        rec = Reconciler(service) if reconcile_in_background else None
        if rec:
            rec.start()
        yield
        if rec:
            rec.stop()

    app = FastAPI(title="kiemchung", version=PIPELINE_VERSION, lifespan=lifespan,
                  description="Evidence verification for PAR Index self-assessments (Chỉ số CCHC).")
    install(app)
    if svc is not None:
        app.state.svc = svc
    limit = (svc.settings if svc else get_settings()).max_upload_bytes
    app.add_middleware(BodyLimitMiddleware, limit=limit)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: the 413 and NUL refusals get the headers too

    def service() -> Service:
        return state["svc"]

    from .web import install as install_web

    install_web(app)  # the appraisers' web interface under /ui (cookie sign-in; REST keeps bearer tokens)


    # ------------------------------------------------------------------ health

    @app.get("/health", tags=["ops"])
    def health() -> dict:
        """Liveness and dependencies: database, queue, Tesseract."""
        svc_ = service()
        out = {"status": "ok", "version": PIPELINE_VERSION, "queue": "embedded" if svc_.embedded else "rq"}
        try:
            with svc_.db.session() as s:
                s.execute(select(1))
            out["database"] = "ok"
        except Exception as exc:
            out["database"], out["status"] = f"error: {exc}", "degraded"
        if not svc_.embedded:
            try:
                svc_.queue.redis.ping()
                out["redis"] = "ok"
            except Exception as exc:
                out["redis"], out["status"] = f"error: {exc}", "degraded"
        out["tesseract"] = "ok" if shutil.which("tesseract") else "missing"
        return out

    # ------------------------------------------------------------------ submissions

    def _visible(p: Principal, sub: Submission | None) -> Submission:
        if sub is None:
            raise not_found("submission")
        if not p.is_staff and sub.unit_id != p.unit_id:
            raise forbidden()
        return sub

    def _submission_json(s, sub: Submission) -> dict:
        return {
            "id": sub.id, "unit": sub.unit.name if sub.unit else None, "year": sub.year, "rubric": sub.rubric,
            "status": sub.status, "source": sub.source, "sheet": sub.sheet_name, "batch_id": sub.batch_id,
            "created_at": sub.created_at.isoformat(), "updated_at": sub.updated_at.isoformat(),
            "progress": records.submission_progress(s, sub),
            "totals": {"claimed": sub.claimed_total, "supported": sub.supported_total},
            "verdicts": records.verdict_counts(s, [sub.id])[sub.id],
            "error": {"code": sub.error_code, "message": sub.error_message} if sub.error_code else None,
            "files": [{"name": f.name, "kind": f.kind, "sha256": f.sha256, "status": f.status,
                       "error": {"code": f.error_code, "message": f.error_message} if f.error_code else None}
                      for f in sub.files],
        }

    @app.post("/submissions", status_code=202, tags=["submissions"])
    def create_submission(
        p: Auth,
        files: Annotated[list[UploadFile], File(description="One ZIP, or a sheet (XLSX/CSV/JSON) plus evidence files")],
        unit: Annotated[str | None, Form()] = None,
        year: Annotated[int | None, Form(ge=2000, le=2100)] = None,
        rubric: Annotated[str, Form()] = "par-reference",
    ) -> dict:
        """Submit one unit's self-assessment; the check runs in the background (poll GET /submissions/{id})."""
        from .submissions import create_submission as create

        if not p.is_staff and unit and unit.strip() != p.unit_name:
            raise forbidden()
        if rubric not in bundled_rubrics():  # never a path on the server
            raise ApiError(422, "RUBRIC_INVALID", f"unknown rubric {rubric!r}; bundled: {', '.join(bundled_rubrics())}",
                           "Bộ tiêu chí không hợp lệ.")
        tmp = Path(tempfile.mkdtemp(prefix="kiemchung-up-"))
        try:
            paths = save_uploads(files, tmp)
            try:
                root = submission_root(paths, tmp)
            except UploadShapeError as exc:
                raise ApiError(exc.status, exc.info.code.value, exc.message, exc.message_vi) from exc
            sub_id = create(service(), root, display=", ".join(f.filename or "" for f in files)[:300],
                            unit=unit if p.is_staff else p.unit_name, year=year, rubric=rubric,
                            created_by=p.token_id, required_unit=None if p.is_staff else p.unit_name)
        except CheckError as exc:
            status = 403 if exc.info.code == ErrorCode.UNIT_MISMATCH else 422
            raise ApiError(status, exc.info.code.value, str(exc), exc.info.message_vi) from exc
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return {"id": sub_id, "status": "queued", "links": {"self": f"/submissions/{sub_id}",
                                                             "report": f"/submissions/{sub_id}/report"}}

    @app.get("/submissions", tags=["submissions"])
    def list_submissions(
        p: Auth,
        unit: str | None = None,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        status: str | None = None,
        page: Annotated[int, Query(ge=1, le=100000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> dict:
        svc_ = service()
        with svc_.db.session() as s:
            q = select(Submission)
            if not p.is_staff:
                q = q.where(Submission.unit_id == p.unit_id)
            if unit:
                q = q.join(Unit).where(Unit.name == unit)
            if year:
                q = q.where(Submission.year == year)
            if status:
                q = q.where(Submission.status == status)
            total = s.scalar(select(func.count()).select_from(q.subquery()))
            rows = s.scalars(q.order_by(Submission.created_at.desc()).offset((page - 1) * per_page).limit(per_page)).all()
            counts = records.verdict_counts(s, [r.id for r in rows])
            items = [{"id": r.id, "unit": r.unit.name if r.unit else None, "year": r.year, "status": r.status,
                      "created_at": r.created_at.isoformat(), "verdicts": counts[r.id],
                      "totals": {"claimed": r.claimed_total, "supported": r.supported_total}} for r in rows]
        return {"items": items, "page": page, "per_page": per_page, "total": total}

    @app.get("/submissions/{submission_id}", tags=["submissions"])
    def get_submission(submission_id: str, p: Auth) -> dict:
        with service().db.session() as s:
            return _submission_json(s, _visible(p, s.get(Submission, submission_id)))

    def _report(submission_id: str, p: Principal) -> Report:
        with service().db.session() as s:
            sub = _visible(p, s.get(Submission, submission_id))
            if sub.status != "done" or not sub.report:
                raise ApiError(409, "NOT_READY", f"submission is {sub.status}", "Hồ sơ chưa kiểm tra xong.")
            return Report.model_validate(sub.report)

    @app.get("/submissions/{submission_id}/report", tags=["submissions"])
    def get_report(submission_id: str, p: Auth, format: Annotated[str, Query(pattern="^(json|xlsx|html)$")] = "json"):
        """The report with the appraisers' current decisions, as the web interface exports it: JSON (report.json
        plus `decisions`, code → decision), XLSX (appraised score and comment columns) or HTML."""
        report = _report(submission_id, p)
        with service().db.session() as s:
            data = exports.render_report(s, report, submission_id, format)
        headers = exports.response_headers(format)
        if format == "xlsx":
            headers["Content-Disposition"] = f'attachment; filename="report-{submission_id}.xlsx"'
        return Response(data, media_type=exports.MEDIA_TYPES[format], headers=headers)

    @app.get("/submissions/{submission_id}/criteria/{code}", tags=["submissions"])
    def get_criterion(submission_id: str, code: str, p: Auth) -> dict:
        report = _report(submission_id, p)
        for c in report.criteria:
            if c.code == code:
                return c.model_dump(mode="json")
        raise not_found("criterion")

    # ------------------------------------------------------------------ decisions

    def _decidable(s, p: Principal, submission_id: str, code: str | None = None) -> Submission:
        """The submission, visible to ``p`` and checked (409 before), and ``code`` one of its criteria (404)."""
        sub = _visible(p, s.get(Submission, submission_id))
        if sub.status != "done" or not sub.report:
            raise ApiError(409, "NOT_READY", f"submission is {sub.status}", "Hồ sơ chưa kiểm tra xong.")
        if code is not None and s.scalar(select(CriterionResultRow.id).where(
                CriterionResultRow.submission_id == sub.id, CriterionResultRow.code == code).limit(1)) is None:
            raise not_found("criterion")
        return sub

    @app.post("/submissions/{submission_id}/criteria/{code}/decisions", status_code=201, tags=["decisions"],
              response_model=DecisionOut)
    def create_decision(submission_id: str, code: str, body: DecisionIn, p: Staff) -> dict:
        """Record the appraiser's decision on one criterion (admin and appraiser tokens): `accept` the score the
        evidence supports, or `set` the appraised score (0 … the criterion's maximum; a comment is required when
        it differs from the machine's). Every decision is a new row of the audit trail; the newest is current.
        An invalid decision is `422` with a stable code (`SCORE_REQUIRED`, `SCORE_OUT_OF_RANGE`,
        `COMMENT_REQUIRED`, `NO_MACHINE_SCORE`, …) and the reason in Vietnamese."""
        with service().db.session() as s:
            _decidable(s, p, submission_id, code)
            try:
                d = decisions.record(s, p, submission_id, code, action=body.action, score=body.score,
                                     comment=body.comment)
            except DecisionError as exc:
                raise ApiError(422, exc.code, str(exc), exc.message_vi) from exc
            return decisions.as_dict(d)

    @app.get("/submissions/{submission_id}/criteria/{code}/decisions", tags=["decisions"],
             response_model=list[DecisionOut])
    def list_criterion_decisions(submission_id: str, code: str, p: Auth) -> list[dict]:
        """Every decision on one criterion, newest first (the audit trail); empty when none yet."""
        with service().db.session() as s:
            _decidable(s, p, submission_id, code)
            return decisions.history(s, submission_id, code)

    @app.get("/submissions/{submission_id}/decisions", tags=["decisions"], response_model=dict[str, DecisionOut])
    def current_decisions(submission_id: str, p: Auth) -> dict:
        """The current (newest) decision per criterion code; criteria not yet decided are absent."""
        with service().db.session() as s:
            _decidable(s, p, submission_id)
            return decisions.current(s, submission_id)

    # ------------------------------------------------------------------ documents

    def _doc_visible(s, p: Principal, sha: str) -> None:
        if not may_read_document(s, p, sha):
            raise forbidden()

    @app.post("/documents", status_code=202, tags=["documents"])
    def create_document(p: Staff, file: Annotated[UploadFile, File()]) -> dict:
        """Read one evidence file (text layer or OCR) and extract it; poll GET /documents/{sha256}."""
        from .jobs import schedule_ingest
        from .submissions import store_evidence

        tmp = Path(tempfile.mkdtemp(prefix="kiemchung-doc-"))
        try:
            [path] = save_uploads([file], tmp)
            kind = ingest.detect_kind(path)
            if kind not in ingest.EVIDENCE_KINDS:
                raise ApiError(415, "UNSUPPORTED_TYPE", "not a PDF or image by its content",
                               "Tệp không phải PDF hoặc ảnh (theo nội dung).")
            svc_ = service()
            with svc_.db.session() as s:
                sha, check = store_evidence(svc_, s, path, kind)
            if not check.ok:  # rejected before any job: the reason, not a document that never comes
                raise ApiError(422, check.error.code.value, check.error.message,
                               check.error.message_vi or check.error.message)
            pages = check.page_count
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        with svc_.db.session() as s:
            known = records.find_document(s, sha) is not None
        if not known:
            schedule_ingest(svc_, sha, pages or 1)
        return {"id": sha, "status": "queued", "links": {"self": f"/documents/{sha}"}}

    @app.get("/documents/{sha256}", tags=["documents"])
    def get_document(sha256: str, p: Auth) -> dict:
        from models.tables import JobRow

        with service().db.session() as s:
            _doc_visible(s, p, sha256)
            doc = records.find_document(s, sha256)
            if doc is None:
                jobs = s.scalars(select(JobRow).where(JobRow.sha256 == sha256,
                                                      JobRow.kind.in_(("ingest", "merge")))).all()
                if not jobs:
                    raise not_found("document")
                states = {j.status for j in jobs}
                status = "started" if states & {"started", "finished"} else "failed" if states == {"failed"} else "queued"
                return {"id": sha256, "status": status, "pages_done": sum(j.pages_done for j in jobs if j.kind == "ingest"),
                        "pages_total": sum(j.pages_total for j in jobs if j.kind == "ingest")}
            x = records.load_extraction(doc, doc.extraction.get("file", sha256))
            out = x.model_dump(mode="json")
            out.update({"id": sha256, "status": doc.status, "pages_ocr": doc.pages_ocr})
            return out

    @app.get("/documents/{sha256}/pages/{number}", tags=["documents"], response_model=Page)
    def get_page(sha256: str, number: int, p: Auth) -> Page:
        """One page as read: text, words as columns (text, offsets, box in points, confidence, line),
        how it was read and why."""
        with service().db.session() as s:
            _doc_visible(s, p, sha256)
            doc = records.find_document(s, sha256)
            if doc is None:
                raise not_found("document")
            row = s.scalar(select(PageRow).where(PageRow.document_id == doc.id, PageRow.number == number))
            if row is None:
                raise not_found("page")
            return Page.model_validate(row.data)  # (pages stored before 0.2.1 hold words as a list)

    @app.get("/documents/{sha256}/pages/{number}/image", tags=["documents"],
             responses={200: {"content": {"image/png": {}}}})
    def get_page_image(sha256: str, number: int, p: Auth, dpi: Annotated[int, Query(ge=36, le=200)] = 110):
        from .submissions import _pdf_lock

        svc_ = service()
        with svc_.db.session() as s:
            _doc_visible(s, p, sha256)
            doc = records.find_document(s, sha256)
            if doc is None or number < 1 or number > max(doc.page_count, 1):
                raise not_found("page")
        path = svc_.blobs.local_path(sha256)
        with _pdf_lock:
            png = ingest.render_page_png(Path(path), number, dpi=dpi, settings=svc_.settings)
        return Response(png, media_type="image/png")

    # ------------------------------------------------------------------ references

    @app.get("/references", tags=["references"])
    def get_references(p: Staff, number: Annotated[str, Query(min_length=3, max_length=120)],
                       limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
        """Which stored documents are that document, and which cite it — exact and OCR-tolerant, scored."""
        from extractors import canonical_number

        canon = canonical_number(number) or number
        with service().db.session() as s:
            return {"query": number, "canonical": canon, **references.lookup(s, canon, limit)}

    @app.get("/references/graph", tags=["references"])
    def reference_graph(p: Staff, number: Annotated[str, Query(min_length=3, max_length=120)],
                        depth: Annotated[int, Query(ge=1, le=3)] = 1) -> dict:
        """Follow citations outward from the documents with this number."""
        from extractors import canonical_number

        with service().db.session() as s:
            return references.graph(s, canonical_number(number) or number, depth)

    # ------------------------------------------------------------------ batches

    @app.post("/batches", status_code=202, tags=["batches"])
    def create_batch(p: Staff, file: Annotated[UploadFile, File(description="ZIP: one folder or ZIP per unit")],
                     year: Annotated[int | None, Form(ge=2000, le=2100)] = None,
                     rubric: Annotated[str, Form()] = "par-reference") -> dict:
        from .submissions import create_batch as create

        if rubric not in bundled_rubrics():
            raise ApiError(422, "RUBRIC_INVALID", f"unknown rubric {rubric!r}", "Bộ tiêu chí không hợp lệ.")
        tmp = Path(tempfile.mkdtemp(prefix="kiemchung-up-"))
        try:
            [path] = save_uploads([file], tmp)
            if ingest.detect_kind(path) != FileKind.ZIP:
                raise ApiError(415, "UNSUPPORTED_TYPE", "a batch is one ZIP", "Lô hồ sơ phải là một tệp ZIP.")
            batch_id = create(service(), path, display=file.filename or "batch.zip", year=year, rubric=rubric,
                              created_by=p.token_id)
        except CheckError as exc:
            raise ApiError(422, exc.info.code.value, str(exc), exc.info.message_vi) from exc
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return {"id": batch_id, "status": "running", "links": {"self": f"/batches/{batch_id}"}}

    @app.get("/batches/{batch_id}", tags=["batches"])
    def get_batch(batch_id: str, p: Staff) -> dict:
        with service().db.session() as s:
            batch = s.get(Batch, batch_id)
            if batch is None:
                raise not_found("batch")
            subs = s.scalars(select(Submission).where(Submission.batch_id == batch_id).order_by(Submission.source)).all()
            counts = records.verdict_counts(s, [sub.id for sub in subs])
            units = [{"submission": sub.id, "unit": sub.unit.name if sub.unit else None, "folder": sub.source,
                      "status": sub.status, "progress": records.submission_progress(s, sub),
                      "verdicts": counts[sub.id]} for sub in subs]
            return {"id": batch.id, "status": batch.status, "source": batch.source, "year": batch.year,
                    "units": units, "summary": batch.summary}

    return app
