"""The REST API: one router per resource (``health``, ``submissions``, ``decisions``, ``documents``,
``references``, ``batches``, ``rubrics``, ``campaigns``, ``council``), a response model for every JSON route
(``schemas``), one set of error handlers (``errors``), the request limits and security headers. Routes only
parse, call the service or the job layer, and present."""

from fastapi import APIRouter

from . import batches, campaigns, council, decisions, documents, health, references, rubrics, submissions

ROUTERS: tuple[APIRouter, ...] = (health.router, submissions.router, decisions.router, documents.router,
                                  references.router, batches.router, rubrics.router,
                                  campaigns.router, council.router)

__all__ = ["ROUTERS"]
