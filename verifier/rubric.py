"""Load and validate criteria sets (rubrics) from YAML.

``load_rubric("par-reference")`` loads a bundled set from ``verifier/rubrics``;
any other argument is a path to a user's file. Validation errors point at the
line of the YAML file that is wrong.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from models.rubric import Rubric

from .relative_dates import RelativeDateError, resolve

_DATE_FIELDS = ("until", "deadline", "issued_from", "issued_to")


class RubricError(Exception):
    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: invalid rubric:\n  " + "\n  ".join(problems))


def bundled_rubrics() -> list[str]:
    folder = resources.files("verifier").joinpath("rubrics")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_rubric(name_or_path: str | Path) -> Rubric:
    text, source = _read(name_or_path)
    return parse_rubric(text, source)


def _read(name_or_path: str | Path) -> tuple[str, str]:
    s = str(name_or_path)
    if s in bundled_rubrics():
        return resources.files("verifier").joinpath(f"rubrics/{s}.yaml").read_text("utf-8"), f"{s}.yaml"
    path = Path(s)
    if not path.is_file():
        raise RubricError(s, [f"no such rubric file or bundled rubric (bundled: {', '.join(bundled_rubrics())})"])
    return path.read_text(encoding="utf-8"), str(path)


def parse_rubric(text: str, source: str = "<rubric>") -> Rubric:
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise RubricError(source, [f"{where}YAML syntax error: {getattr(exc, 'problem', exc)}"]) from exc
    if not isinstance(data, dict):
        raise RubricError(source, ["line 1: a rubric is a mapping with id, title and fields"])
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = list(err["loc"])
            line = _line_of(node, loc)
            path = ".".join(str(p) for p in loc)
            problems.append(f"line {line}: {path}: {err['msg']}")
        raise RubricError(source, problems) from exc
    problems = _semantic_problems(rubric, node)
    if problems:
        raise RubricError(source, problems)
    return rubric


def _line_of(node, loc) -> int:
    """Walk the composed YAML tree along a pydantic error location; return the 1-based line."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == part:
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            if nxt is None:
                continue  # a union tag ("metric_band") or a missing key: stay on the parent's line
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            # discriminated-union tags ("document", "metric_band") are not in the YAML tree
            continue
    return line


def _semantic_problems(rubric: Rubric, node) -> list[str]:
    problems: list[str] = []
    seen: dict[str, str] = {}
    for fi, f in enumerate(rubric.fields):
        for ci, c in enumerate(f.criteria):
            for si, s in enumerate(c.items):
                loc = ["fields", fi, "criteria", ci, "items", si]
                if s.code in seen:
                    problems.append(f"line {_line_of(node, loc + ['code'])}: duplicate code {s.code}")
                seen[s.code] = s.code
                rule = s.rule.model_dump()
                for path, value in _walk(rule, loc + ["rule"]):
                    if path[-1] in _DATE_FIELDS and value is not None:
                        try:
                            resolve(value, 2024)
                        except RelativeDateError as exc:
                            problems.append(f"line {_line_of(node, path)}: {exc}")
                scores = [lv["score"] for lv in rule.get("levels", [])] + [b["score"] for b in rule.get("bands", [])]
                for key in ("score", "score_all", "missing_score", "score_otherwise"):
                    if isinstance(rule.get(key), (int, float)):
                        scores.append(rule[key])
                for sc in scores:
                    if sc > s.max_score or sc < 0:
                        problems.append(
                            f"line {_line_of(node, loc + ['rule'])}: score {sc} outside 0..{s.max_score} of {s.code}"
                        )
                for bi, band in enumerate(rule.get("bands", [])):
                    if band["gt"] is not None and band["ge"] is not None or band["lt"] is not None and band["le"] is not None:
                        problems.append(
                            f"line {_line_of(node, loc + ['rule', 'bands', bi])}: band has both a strict and an inclusive end on one side"
                        )
    return problems


def _walk(obj, path):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk(v, path + [k])
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk(v, path + [i])
    else:
        yield path, obj


