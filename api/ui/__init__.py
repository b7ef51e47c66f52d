"""The appraisers' web interface: server-rendered pages (Jinja2) under /ui, a little plain JavaScript, one
module per screen — ``signin``, ``submissions`` (list, upload, one submission, exports), ``criteria``
(a criterion beside its evidence, decisions), ``documents``, ``references``, ``rubrics`` (the sheet
template), ``campaigns`` (appraisal rounds), ``council`` (the council's results and downloads) — over
``views`` (what they share) and ``security`` (sessions, CSRF). Pages use the ``kc_token`` cookie, a server-side session; the REST API keeps bearer tokens."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from . import campaigns, council, criteria, documents, references, rubrics, security, signin, submissions
from .jinja import STATIC_DIR
from .views import render

SCREENS = (signin, submissions, criteria, documents, references, rubrics, campaigns, council)


def error_page(request: Request, status: int, message_vi: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "message": message_vi}, status=status)


def install(app: FastAPI) -> None:
    """Mount the web interface on the app: routes, static files, redirects to sign-in, the error page."""
    for screen in SCREENS:
        app.include_router(screen.router, prefix="/ui", include_in_schema=False)
    app.mount("/ui/static", StaticFiles(directory=str(STATIC_DIR)), name="ui-static")

    @app.get("/", include_in_schema=False)
    def _root() -> RedirectResponse:
        return RedirectResponse("/ui/", status_code=307)

    @app.exception_handler(security.LoginRequired)
    async def _login_required(request: Request, exc: security.LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/ui/login?next={quote(exc.next_url, safe='/')}", status_code=303)

    app.state.error_page = error_page  # how the app's error handlers answer a browser under /ui


__all__ = ["install"]
