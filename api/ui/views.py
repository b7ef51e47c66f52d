"""What the web interface's screens share: rendering a page (with the signed-in user, CSRF token and
labels), the submission as the templates show it, its files' progress, the evidence viewer's items
with highlighted words, and the appraisal table with its totals."""

from __future__ import annotations

from collections import OrderedDict
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.pages import AltSource, Page, PageMethod, Word
from models.provenance import Box
from models.report import CriterionResult, Report, Severity, Verdict
from models.tables import PageRow, Submission
from verifier import bundled_rubrics
from verifier.evidence import LOW_CONFIDENCE
from verifier.messages import SEVERITY_VI, VERDICT_VI, label
from verifier.reports.present import Appraised, appraised_of, appraised_subtotals, has_bonus_or_penalty

from ..jobs.runtime import Runtime
from ..service import decisions, progress
from ..service.access import ROLE_VI, Principal, visible_submission
from ..service.status import SubmissionStanding, SubmissionStatus
from ..service.store import records
from . import security
from .jinja import templates
from .security import api_principal, csrf_token, page_principal

PageUser = Annotated[Principal, Depends(page_principal)]
ApiUser = Annotated[Principal, Depends(api_principal)]

VERDICTS = ["REFUTED", "NOT_ENOUGH_EVIDENCE", "MANUAL_REVIEW", "SUPPORTED"]
STATUS_VI: dict[str, str] = {SubmissionStatus.QUEUED: "Đang chờ", SubmissionStatus.RUNNING: "Đang xử lý",
                             SubmissionStatus.DONE: "Đã kiểm tra", SubmissionStatus.FAILED: "Lỗi"}
# a unit's several submissions for one year (``service.submissions.standings``)
STANDING_VI: dict[str, str] = {SubmissionStanding.LATEST: "Bản mới nhất", SubmissionStanding.SUPERSEDED: "Đã thay thế",
                               SubmissionStanding.WITHDRAWN: "Đã rút"}
IMAGE_DPI = 144  # page images: 2 px per point, crisp at fit-width and at 150 % zoom
# What the pages use: scripts and the stylesheet from /ui/static (no inline script, style or handler
# attributes; evidence data rides in non-executed JSON blocks), page images from /ui and the data:
# favicon, fetch() to /ui, forms posted to /ui.
UI_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def rubrics() -> list[str]:
    """The criteria sets the forms offer: the bundled ones only (never a path on the server)."""
    return bundled_rubrics()


def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.svc
    return rt


def render(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    p: Principal | None = getattr(request.state, "principal", None)
    secret = security.session_secret(request)
    base = {"user": p, "role_vi": ROLE_VI.get(p.role, p.role) if p else "", "csrf": csrf_token(secret) if secret else "",
            "VERDICT_VI": VERDICT_VI, "SEVERITY_VI": SEVERITY_VI, "STATUS_VI": STATUS_VI, "VERDICTS": VERDICTS, "STANDING_VI": STANDING_VI}
    if p is not None:
        with runtime(request).db.session() as s:
            base["user_label"] = decisions.who(s, p)
    resp = templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Content-Security-Policy"] = UI_CSP  # nosniff, referrer and framing: rest.headers, on every response
    return resp



def load_submission(request: Request, p: Principal,
                    submission_id: str) -> tuple[dict[str, Any], Report | None, dict[str, str]]:
    """(the submission as the templates show it, its report or None, file name → sha256)"""
    with runtime(request).db.session() as s:
        sub = visible_submission(p, s.get(Submission, submission_id))
        report = records.report_if_checked(sub)
        files = {f.name: f.sha256 for f in sub.files if f.sha256}
        info = {"id": sub.id, "unit": sub.unit.name if sub.unit else None, "year": sub.year, "status": sub.status,
                "source": sub.source, "sheet": sub.sheet_name, "sheet_sha256": sub.sheet_sha256,
                "rubric": sub.rubric, "created_at": sub.created_at, "error_code": sub.error_code,
                "error_message": sub.error_message}
    return info, report, files


def file_progress(s: Session, sub: Submission) -> dict[str, Any]:
    """Status, progress and per-file reading state (pages read, pages OCR'd, errors), as the page's
    script polls it."""
    items = progress.file_progress(s, sub)
    prog = progress.submission_progress(s, sub, items).model_dump()
    return {"id": sub.id, "status": sub.status, "status_vi": STATUS_VI.get(sub.status, sub.status),
            "unit": sub.unit.name if sub.unit else None, "year": sub.year, "progress": prog,
            "files": [i.model_dump(mode="json") for i in items],
            "error": {"code": sub.error_code, "message": sub.error_message} if sub.error_code else None,
            "verdicts": records.verdict_counts(s, [sub.id])[sub.id]}


def _pct(box: Box, w: float, h: float) -> dict[str, float]:
    return {"x": round(100 * box.x0 / w, 3), "y": round(100 * box.y0 / h, 3),
            "w": round(100 * (box.x1 - box.x0) / w, 3), "h": round(100 * (box.y1 - box.y0) / h, 3)}


PageCache = dict[tuple[str, int], tuple[Page | None, int]]


def page_of(s: Session, sha: str, number: int, cache: PageCache) -> tuple[Page | None, int]:
    """A stored page and its document's page count (None, 0 when not stored), remembered in ``cache``."""
    key = (sha, number)
    if key not in cache:
        doc = records.find_document(s, sha)
        row = s.scalar(select(PageRow).where(PageRow.document_id == doc.id, PageRow.number == number)) if doc else None
        cache[key] = (Page.model_validate(row.data) if row is not None else None, doc.page_count if doc else 0)
    return cache[key]


ALT_SOURCE_VI = {AltSource.SECOND_ENGINE: "bộ đọc số thứ hai", AltSource.REREAD: "đọc lại từ ảnh"}


def _word_notes(page: Page, words: list[tuple[int, Word]]) -> list[dict[str, Any]]:
    """The words of a highlighted line a person should look at: each read with low confidence or read otherwise
    by a second reading, with its confidence and those other readings ("Có thể đọc là: …")."""
    alts: dict[int, list[dict[str, Any]]] = {}
    for a in page.alternatives:
        alts.setdefault(a.word, []).append({"text": a.text, "source": a.source.value,
                                            "source_vi": ALT_SOURCE_VI.get(a.source, a.source.value),
                                            "conf": round(a.confidence, 2) if a.confidence is not None else None})
    return [{"text": w.text, "conf": round(w.confidence, 2), "low": w.confidence < LOW_CONFIDENCE,
             "alt": alts.get(i, [])} for i, w in words if w.confidence < LOW_CONFIDENCE or i in alts]


def highlight_boxes(page: Page, start: int, end: int, fallback: Box | None) -> list[dict[str, Any]]:
    """One box per line of the words inside [start, end) (percent of the page), else the span's box. A line's
    ``conf`` is its least confident word's; ``words`` lists its low-confidence words and those with other
    readings, each with its own confidence and alternatives."""
    boxes = []
    if end > start:
        lines: OrderedDict[int, list[tuple[int, Word]]] = OrderedDict()
        for i, w in enumerate(page.words):
            if w.start < end and w.end > start:
                lines.setdefault(w.line, []).append((i, w))
        for words in lines.values():
            b = Box.union([w.box for _, w in words])
            if b is None:
                continue
            conf = min(w.confidence for _, w in words)
            boxes.append({**_pct(b, page.width, page.height), "conf": round(conf, 2),
                          "low": conf < LOW_CONFIDENCE, "text": " ".join(w.text for _, w in words),
                          "words": _word_notes(page, words)})
    if not boxes and fallback is not None:
        boxes.append({**_pct(fallback, page.width, page.height), "conf": None, "low": False, "text": ""})
    return boxes


def alternatives_of(boxes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The quoted words that have other readings, in reading order (what "Có thể đọc là: …" lists)."""
    return [w for b in boxes for w in b.get("words", []) if w["alt"]]


def method_label(method: str | None, confidence: float | None) -> str:
    """How a page was read, in words: "Đọc bằng OCR · độ tin cậy 87%", "Lớp chữ của tệp", …"""
    if method == PageMethod.OCR.value:
        return "Đọc bằng OCR" + (f" · độ tin cậy {round(100 * confidence)}%" if confidence is not None else "")
    return {PageMethod.TEXT_LAYER.value: "Lớp chữ của tệp", PageMethod.EMPTY.value: "Trang trống",
            PageMethod.FAILED.value: "Không đọc được trang này"}.get(method or "", "")


def pages_info(s: Session, sha: str) -> list[dict[str, Any]]:
    """Every stored page of a document: its number, how it was read and that in words (no page words loaded)."""
    doc = records.find_document(s, sha)
    if doc is None:
        return []
    rows = s.execute(select(PageRow.number, PageRow.method, PageRow.data["ocr_confidence"].as_float())
                     .where(PageRow.document_id == doc.id).order_by(PageRow.number)).all()
    return [{"n": n, "method": m, "label": method_label(m, conf)} for n, m, conf in rows]


def original_url(sha: str, *, download: bool = False) -> str:
    return f"/ui/documents/{sha}/original" + ("?download=1" if download else "")


def viewer_doc(s: Session, sha: str, docs: dict[str, dict[str, Any]]) -> None:
    """What the viewer shows of a document whatever its page: its pages (thumbnails, method per page) and the
    links to its original file, remembered in ``docs`` by sha256."""
    if sha not in docs:
        docs[sha] = {"pages": pages_info(s, sha), "open": original_url(sha),
                     "download": original_url(sha, download=True)}


def evidence_items(s: Session, c: CriterionResult, files: dict[str, str],
                   docs: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every piece of evidence of the criterion's findings (then the documents used), for the viewer; ``docs``
    collects each document's pages and original-file links (``viewer_doc``)."""
    cache: PageCache = {}
    docs = {} if docs is None else docs
    items: list[dict[str, Any]] = []
    for fi, f in enumerate(c.findings):
        for ei, e in enumerate(f.evidence):
            sha = e.sha256 or files.get(e.file)
            if not sha:
                continue
            page, count = page_of(s, sha, e.page, cache)
            boxes = highlight_boxes(page, e.start, e.end, e.box) if page else []
            viewer_doc(s, sha, docs)
            items.append({"kind": "evidence", "finding": fi, "ev": ei, "code": f.code.value, "severity": f.severity.value,
                          "message": f.message, "file": e.file, "sha256": sha, "page": e.page, "pages": count,
                          "text": e.text, "confidence": round(e.confidence, 2),
                          "low": e.confidence < LOW_CONFIDENCE or any(b["low"] for b in boxes), "boxes": boxes,
                          "alts": alternatives_of(boxes), "method": page.method.value if page else None})
    shown = {i["file"] for i in items}
    for name in c.documents:
        sha = files.get(name)
        if sha and name not in shown:
            _, count = page_of(s, sha, 1, cache)
            viewer_doc(s, sha, docs)
            items.append({"kind": "document", "finding": None, "code": "", "severity": "info",
                          "message": "Tài liệu được dùng cho tiêu chí này", "file": name, "sha256": sha, "page": 1,
                          "pages": count, "text": "", "confidence": 1.0, "low": False, "boxes": [], "alts": [],
                          "method": None})
    return items


def criterion_flags(c: CriterionResult) -> dict[str, Any]:
    sev = sorted({f.severity.value for f in c.findings})
    low = any(f.code.value == "LOW_CONFIDENCE" for f in c.findings) or any(
        e.confidence < LOW_CONFIDENCE for f in c.findings for e in f.evidence)
    main = next((f for f in c.findings if f.severity == Severity.ERROR), None) or \
        next((f for f in c.findings if f.severity == Severity.WARNING), None) or (c.findings[0] if c.findings else None)
    return {"severities": sev, "low": low, "main": main, "none": without_evidence(c)}


def without_evidence(c: CriterionResult) -> bool:
    """A criterion claimed at 0 whose evidence supports 0: SUPPORTED is right (the claim holds), but nothing was
    found for it, and the page must not look as if evidence had been ("không có minh chứng", said neutrally)."""
    return (c.verdict == Verdict.SUPPORTED and c.supported_score == 0 and c.claimed_score == 0
            and (c.max_score is None or c.max_score > 0))


def _sub(a: Appraised) -> dict[str, Any]:
    """An appraised subtotal as the table shows it: partial while some of its sub-criteria are undecided."""
    return {"appraised": a.total, "decided": a.done, "n": a.of, "partial": 0 < a.done < a.of}


def table_model(report: Report, decided: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The appraisal table as the three levels of the criteria set (``Report.tree``): fields, their criteria, their
    sub-criteria, each with its maximum and subtotals and the unit's STT; the sub-criteria outside the set last.
    Appraised subtotals count the decisions that carry a score (``appraised_subtotals``)."""
    by_code = {c.code: c for c in report.criteria}
    subtotal = appraised_subtotals(report, decided)
    fields = []
    for ft in report.tree():
        groups = []
        for cr in ft.criteria:
            items = [(by_code[code], criterion_flags(by_code[code])) for code in cr.items if code in by_code]
            groups.append({"code": cr.code, "stt": cr.stt, "title": cr.title, "max": cr.max_score,
                           "claimed": cr.claimed_score, "supported": cr.supported_score, "rows": items,
                           **_sub(subtotal[cr.code] if cr.code else appraised_of(report, cr.items, decided))})
        fields.append({"code": ft.code, "stt": ft.stt, "title": ft.title, "max": ft.max_score,
                       "claimed": ft.claimed_score, "supported": ft.supported_score, "groups": groups,
                       **_sub(subtotal[ft.code])})
    outside = [c for c in report.criteria if not c.field_code]
    if outside:
        fields.append({"code": "", "stt": "", "title": "Tiêu chí ngoài bộ tiêu chí", "max": None, "claimed": None,
                       "supported": None, "groups": [{"code": "", "rows": [(c, criterion_flags(c)) for c in outside]}],
                       **_sub(appraised_of(report, [c.code for c in outside], decided))})
    return {"fields": fields, **_sub(appraised_of(report, [c.code for c in report.criteria], decided)),
            "levels": {k: label("levels", k) for k in ("field", "criterion", "item")},
            "parts": has_bonus_or_penalty(report)}


def totals_json(report: Report, decided: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The subtotals the review page refreshes after a decision: each field's, each criterion's, the total."""
    m = table_model(report, decided)
    keep = ("appraised", "decided", "n", "partial")
    return {"fields": {f["code"]: {k: f[k] for k in keep} for f in m["fields"]},
            "criteria": {g["code"]: {k: g[k] for k in keep} for f in m["fields"] for g in f["groups"] if g["code"]},
            **{k: m[k] for k in keep}}
