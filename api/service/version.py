"""The running version of kiemchung, for reports, ``--version`` and ``/health``: ``models.PIPELINE_VERSION``,
which is also the package's version (pyproject.toml reads it), so an editable install never reports a stale one."""

from models import PIPELINE_VERSION


def tool_version() -> str:
    return PIPELINE_VERSION
