"""Load and validate criteria sets (rubrics) from YAML.

``load_rubric("par-reference")`` loads a bundled set from ``verifier/rubrics``;
any other argument is a path to a user's file. ``validate_rubric`` returns every
problem (``verifier.rubric_check``: stable code, rubric codes, YAML line, Vietnamese
message) without raising; ``load_rubric`` raises ``RubricError`` when there is one.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from models.rubric import Rubric

from .rubric_check import CheckResult, RubricProblem, check_text


class RubricError(Exception):
    def __init__(self, source: str, problems: list[str], items: list[RubricProblem] | None = None):
        self.source = source
        self.problems = problems  # English, one line each ("line 15: ...")
        self.items = items or []  # the problems with their codes and Vietnamese messages
        super().__init__(f"{source}: invalid rubric:\n  " + "\n  ".join(problems))

    @property
    def message_vi(self) -> str:
        lines = [p.text_vi() for p in self.items] or self.problems
        return f"{self.source}: bộ tiêu chí không hợp lệ:\n  " + "\n  ".join(lines)


def bundled_rubrics() -> list[str]:
    folder = resources.files("verifier").joinpath("rubrics")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_rubric(name_or_path: str | Path) -> Rubric:
    text, source = _read(name_or_path)
    return parse_rubric(text, source)


def validate_rubric(name_or_path: str | Path) -> tuple[str, CheckResult]:
    """The source name and every problem of a bundled set or a file; an unreadable file is one problem."""
    try:
        text, source = _read(name_or_path)
    except RubricError as exc:
        return exc.source, CheckResult(None, exc.items)
    return source, check_text(text)


def _read(name_or_path: str | Path) -> tuple[str, str]:
    s = str(name_or_path)
    if s in bundled_rubrics():
        return resources.files("verifier").joinpath(f"rubrics/{s}.yaml").read_text("utf-8"), f"{s}.yaml"
    path = Path(s)
    if not path.is_file():
        bundled = ", ".join(bundled_rubrics())
        raise _unreadable(s, f"no such rubric file or bundled rubric (bundled: {bundled})",
                          f"Không có tệp bộ tiêu chí hay bộ tiêu chí có sẵn tên “{s}” (có sẵn: {bundled}).")
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable(s, f"cannot read the file: {exc}",
                          f"Không đọc được tệp (cần văn bản UTF-8): {exc}") from exc


def _unreadable(source: str, message: str, message_vi: str) -> RubricError:
    item = RubricProblem(code="FILE_UNREADABLE", message=message, message_vi=message_vi)
    return RubricError(source, [message], [item])


def parse_rubric(text: str, source: str = "<rubric>") -> Rubric:
    result = check_text(text)
    if result.problems or result.rubric is None:
        raise RubricError(source, [p.text() for p in result.problems], result.problems)
    return result.rubric
