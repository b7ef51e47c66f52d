"""The `kiemchung` command line (typer): commands parse their arguments, call the service or the job
layer, and print — ``check`` (a submission or a batch), ``documents`` (extract, schema), ``rubrics``,
``service`` (serve, worker, reconcile, db-upgrade), ``tokens``. ``app`` is the entry point."""

from . import campaigns, check, documents, rubrics, service, tokens  # noqa: F401  (each registers its commands)
from .main import app, run

__all__ = ["app", "run"]
