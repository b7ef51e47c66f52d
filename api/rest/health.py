"""``GET /health``: liveness and dependencies — database, queue, Tesseract."""

from __future__ import annotations

import shutil

from fastapi import APIRouter
from sqlalchemy import select

from models import PIPELINE_VERSION

from ..service.status import Health
from . import schemas
from .deps import Rt

router = APIRouter(tags=["ops"])


@router.get("/health", response_model=schemas.Health, response_model_exclude_none=True)
def health(rt: Rt) -> schemas.Health:
    """Liveness and dependencies: database, queue, Tesseract."""
    out = schemas.Health(status=Health.OK, version=PIPELINE_VERSION, queue="embedded" if rt.embedded else "rq",
                         database=Health.OK, tesseract=Health.OK if shutil.which("tesseract") else Health.MISSING)
    try:
        with rt.db.session() as s:
            s.execute(select(1))
    except Exception as exc:
        out.database, out.status = f"error: {exc}", Health.DEGRADED
    if not rt.embedded:
        try:
            rt.queue.ping()
            out.redis = Health.OK
        except Exception as exc:
            out.redis, out.status = f"error: {exc}", Health.DEGRADED
    return out
