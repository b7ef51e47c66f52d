"""Where the CLI prints: results on stdout, progress and errors on stderr; the progress bar."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from models.report import Verdict

out_console = Console()
err_console = Console(stderr=True)

VERDICT_STYLE = {
    Verdict.SUPPORTED: "green",
    Verdict.REFUTED: "bold red",
    Verdict.NOT_ENOUGH_EVIDENCE: "dark_orange",
    Verdict.MANUAL_REVIEW: "yellow",
}


def page_progress() -> Progress:
    """The progress bar of a check (pages read so far / all pages), on stderr, gone when done."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("trang"), TimeElapsedColumn(), console=err_console, transient=True)


class ProgressBar:
    """Drives a rich progress bar from ingest progress events (pages read so far / all pages)."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.task = progress.add_task("Đọc tài liệu", total=None)

    def __call__(self, event: Any) -> None:
        total = event.overall_pages_total or None
        done = event.overall_pages_done
        name = event.file
        self.progress.update(self.task, total=total, completed=done, description=f"Đọc {name}"[:60])
