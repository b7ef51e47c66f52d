"""The Jinja2 templates of the server-rendered HTML: the web interface's pages and the decisions
section that ``exports`` adds to the HTML report. Below both, so neither imports the other."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from verifier.messages import score as fmt_score

from . import decisions

TEMPLATE_DIR = Path(__file__).resolve().parent / "web" / "templates"
templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
templates.env.filters["score"] = fmt_score
templates.env.filters["localtime"] = decisions.local_time
