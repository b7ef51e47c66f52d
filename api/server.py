"""The app: REST routers, the web interface, error handlers, request limits and security headers, and a
lifespan that reconciles unfinished work at start-up and in the background.

`kiemchung serve` runs it with uvicorn; with Redis configured the work goes to RQ workers
(`kiemchung worker`), otherwise (or with --embedded) to an in-process queue.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from models import PIPELINE_VERSION
from models.settings import get_settings

from . import rest, ui
from .jobs.reconcile import Reconciler, reconcile
from .jobs.runtime import Runtime, configure
from .rest.errors import install as install_errors
from .rest.headers import SecurityHeadersMiddleware
from .rest.limits import BodyLimitMiddleware

log = logging.getLogger(__name__)


def create_app(svc: Runtime | None = None, *, embedded: bool = False, reconcile_in_background: bool = True) -> FastAPI:
    """The app over ``svc`` (or this process's runtime, configured at start-up)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = svc or configure(embedded=embedded)
        app.state.svc = rt
        try:
            reconcile(rt)
        except Exception:
            log.exception("start-up reconcile failed")
        background = Reconciler(rt) if reconcile_in_background else None
        if background:
            background.start()
        yield
        if background:
            background.stop()

    app = FastAPI(title="kiemchung", version=PIPELINE_VERSION, lifespan=lifespan,
                  description="Evidence verification for PAR Index self-assessments (Chỉ số CCHC).")
    if svc is not None:
        app.state.svc = svc
    install_errors(app)
    app.add_middleware(BodyLimitMiddleware, limit=(svc.settings if svc else get_settings()).max_upload_bytes)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: the 413 and NUL refusals get the headers too
    ui.install(app)  # the appraisers' web interface under /ui (cookie sign-in; REST keeps bearer tokens)
    for router in rest.ROUTERS:
        app.include_router(router)
    return app


# The factories `kiemchung serve` hands uvicorn by name, so that the CLI (and every RQ worker it starts)
# never imports the web stack: jobs run in the server's process, or on RQ workers.
def embedded_app() -> FastAPI:
    return create_app(embedded=True)


def queued_app() -> FastAPI:
    return create_app(embedded=False)
