"""``/batches``: a province at once — one ZIP holding one folder or ZIP per unit (staff only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from sqlalchemy import select

from models.tables import Batch, Submission

from ..jobs.schedule import submit_upload_batch
from ..service.errors import not_found
from ..service.progress import submission_progress
from ..service.status import BatchStatus
from ..service.store import records
from . import schemas
from .deps import Rt, Staff

router = APIRouter(prefix="/batches", tags=["batches"])


@router.post("", status_code=202, response_model=schemas.Accepted, response_model_exclude_none=True)
def create_batch(rt: Rt, p: Staff, file: Annotated[UploadFile, File(description="ZIP: one folder or ZIP per unit")],
                 year: Annotated[int | None, Form(ge=2000, le=2100)] = None,
                 rubric: Annotated[str, Form()] = "par-reference") -> schemas.Accepted:
    batch_id = submit_upload_batch(rt, p, file, year=year, rubric=rubric)
    return schemas.Accepted(id=batch_id, status=BatchStatus.RUNNING,
                            links=schemas.Links.model_validate({"self": f"/batches/{batch_id}"}))


@router.get("/{batch_id}", response_model=schemas.BatchOut)
def get_batch(rt: Rt, batch_id: str, p: Staff) -> schemas.BatchOut:
    with rt.db.session() as s:
        batch = s.get(Batch, batch_id)
        if batch is None:
            raise not_found("batch")
        subs = s.scalars(select(Submission).where(Submission.batch_id == batch_id).order_by(Submission.source)).all()
        counts = records.verdict_counts(s, [sub.id for sub in subs])
        units = [schemas.BatchUnit(submission=sub.id, unit=sub.unit.name if sub.unit else None, folder=sub.source,
                                   status=sub.status, progress=submission_progress(s, sub), verdicts=counts[sub.id])
                 for sub in subs]
        return schemas.BatchOut(id=batch.id, status=batch.status, source=batch.source, year=batch.year, units=units,
                                summary=batch.summary)
