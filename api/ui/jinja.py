"""The web interface's Jinja2 environment: the page templates in ``api/ui/templates`` and the static files in
``api/ui/static``, with the filters every template of the application shares (``service.reports``)."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from ..service.reports import TEMPLATE_FILTERS

HERE = Path(__file__).resolve().parent
TEMPLATE_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
templates.env.filters.update(TEMPLATE_FILTERS)
