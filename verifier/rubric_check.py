"""Check a criteria set (rubric): its YAML, its schema, and what the schema cannot say.

Every problem has a stable ``code``, where it is (the rubric codes down to it, ``1 › 1.2 › 1.2.1``,
the YAML key path and line) and a message in Vietnamese (``message_vi``, for people) and English
(``message``, for logs). Checked beyond the schema: codes unique, stated maxima equal the sum below
them (criterion → its items, field → its criteria, index → its parts and the survey), caps present
and not negative, index bands covering 0..100 without gaps or overlaps, relative dates that parse,
rule scores within the item's maximum, document type codes that exist, levels in date order.

``verifier.rubric`` reads files and raises ``RubricError`` from these problems.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from extractors import doc_type_name
from models.rubric import DocumentSpec, IndexBand, Rubric, SubCriterion

from .relative_dates import RelativeDateError, resolve

TOLERANCE = 1e-9  # stated maxima and sums agree within this
# The codes that mean the text could not be read as a rubric at all (`rubric validate` exits 2).
UNREADABLE = frozenset({"FILE_UNREADABLE", "YAML_SYNTAX", "NOT_A_MAPPING"})
_DATE_KEYS = ("until", "deadline", "issued_from", "issued_to")
_ROLE_VI = {"bonus": "điểm thưởng", "penalty": "điểm trừ", "survey": "điều tra xã hội học", "score": "thường"}


class RubricProblem(BaseModel):
    code: str  # stable: DUPLICATE_CODE, FIELD_MAX_MISMATCH, INDEX_BAND_GAP, ...
    message: str  # English
    message_vi: str  # Vietnamese, shown to people
    where: str = ""  # the rubric codes down to the problem: "1 › 1.2 › 1.2.1"
    key: str = ""  # the YAML key path: "fields.0.criteria.1.items.0.rule.levels"
    line: int | None = None

    def text(self) -> str:
        """English, as ``RubricError`` has always said it: ``line 15: fields.0…: message``."""
        head = f"line {self.line}: " if self.line else ""
        return f"{head}{self.key + ': ' if self.key and self.code.startswith('SCHEMA') else ''}{self.message}"

    def text_vi(self) -> str:
        parts = [f"dòng {self.line}" if self.line else "", self.where]
        head = " · ".join(p for p in parts if p)
        return f"{head + ': ' if head else ''}{self.message_vi} [{self.code}]"


@dataclass
class CheckResult:
    rubric: Rubric | None
    problems: list[RubricProblem] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return not any(p.code in UNREADABLE for p in self.problems)

    @property
    def ok(self) -> bool:
        return self.rubric is not None and not self.problems


def num(v: float) -> str:
    """A number the Vietnamese way, exact enough to show why two sums differ: 0,5; 12,25; 0,3333."""
    text = f"{v:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def problem(code: str, message: str, message_vi: str) -> RubricProblem:
    return RubricProblem(code=code, message=message, message_vi=message_vi)


def check_text(text: str) -> CheckResult:
    """Parse and check a rubric's YAML text: the rubric (None when it does not validate) and every problem."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        return CheckResult(None, [RubricProblem(code="YAML_SYNTAX", line=mark.line + 1 if mark else None,
                                                message=f"YAML syntax error: {what}",
                                                message_vi=f"Lỗi cú pháp YAML: {what}")])
    if not isinstance(data, dict):
        return CheckResult(None, [RubricProblem(code="NOT_A_MAPPING", line=1,
                                                message="a rubric is a mapping with id, title and fields",
                                                message_vi="Bộ tiêu chí phải là một bảng khoá (id, title, fields).")])
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        return CheckResult(None, [_schema_problem(err, node, data) for err in exc.errors()])
    problems = [p.model_copy(update={"line": p.line or line_of(node, p.key.split(".") if p.key else [])})
                for p in check_rubric(rubric)]
    return CheckResult(rubric, sorted(problems, key=lambda p: p.line or 0))


def _schema_problem(err: Any, node: Any, data: Any) -> RubricProblem:
    loc = list(err["loc"])
    key = ".".join(str(p) for p in loc)
    kind = err["type"]
    last = str(loc[-1]) if loc else ""
    if kind == "missing":
        code, vi = "SCHEMA_MISSING", f"thiếu khoá bắt buộc “{last}”"
    elif kind == "extra_forbidden":
        code, vi = "SCHEMA_UNKNOWN_KEY", f"khoá “{last}” không có trong định dạng bộ tiêu chí"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        code, vi = "SCHEMA_INVALID", "loại quy tắc (kind) không hợp lệ: document, document_set, metric_band, ratio, " \
                                     "existence hoặc manual"
    elif kind == "literal_error":
        code, vi = "SCHEMA_INVALID", f"giá trị không hợp lệ; cho phép: {err.get('ctx', {}).get('expected', '')}"
    elif kind.startswith(("float", "int")):
        code, vi = "SCHEMA_INVALID", "phải là một số"
    elif kind.startswith("string"):
        code, vi = "SCHEMA_INVALID", "phải là chuỗi văn bản"
    elif kind.startswith("list"):
        code, vi = "SCHEMA_INVALID", "phải là một danh sách"
    elif kind.startswith("bool"):
        code, vi = "SCHEMA_INVALID", "phải là true hoặc false"
    else:
        code, vi = "SCHEMA_INVALID", f"giá trị không hợp lệ ({err['msg']})"
    return RubricProblem(code=code, key=key, line=line_of(node, loc), where=_codes_along(data, loc),
                         message=err["msg"], message_vi=f"{key}: {vi}")


def line_of(node: Any, loc: list[Any]) -> int:
    """Walk the composed YAML tree along a key path; return the 1-based line of the deepest key found."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == str(part):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            if nxt is None:
                continue  # a union tag ("metric_band") or a missing key: stay on the parent's line
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and str(part).isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            line = node.start_mark.line + 1
    return line


def _codes_along(data: Any, loc: list[Any]) -> str:
    codes: list[str] = []
    for part in loc:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
            if isinstance(data, dict) and isinstance(data.get("code"), (str, int, float)):
                codes.append(str(data["code"]))
        else:
            break
    return " › ".join(codes)


def check_rubric(rubric: Rubric) -> list[RubricProblem]:
    """Every problem of a schema-valid rubric, each with its code path and key path (lines come from the YAML)."""
    out: list[RubricProblem] = []
    out += _unique_codes(rubric)
    for fi, f in enumerate(rubric.fields):
        fkey = f"fields.{fi}"
        out += _unique_stt([c.stt for c in f.criteria], f"{fkey}.criteria", f.code)
        for ci, c in enumerate(f.criteria):
            ckey = f"{fkey}.criteria.{ci}"
            out += _unique_stt([s.stt for s in c.items], f"{ckey}.items", f"{f.code} › {c.code}")
            for si, s in enumerate(c.items):
                out += _item_problems(s, f"{ckey}.items.{si}", f"{f.code} › {c.code} › {s.code}")
            if c.max_score is not None and abs(c.max_score - c.items_max) > TOLERANCE:
                out.append(_at(problem(
                    "CRITERION_MAX_MISMATCH",
                    f"criterion {c.code} states max_score {c.max_score:g}, its items add up to {c.items_max:g}",
                    f"Tiêu chí {c.code} ghi điểm tối đa {num(c.max_score)} nhưng các tiêu chí thành phần cộng lại "
                    f"được {num(c.items_max)}."), f"{ckey}.max_score", f"{f.code} › {c.code}"))
        if f.max_score is not None and abs(f.max_score - f.items_max) > TOLERANCE:
            out.append(_at(problem(
                "FIELD_MAX_MISMATCH",
                f"field {f.code} states max_score {f.max_score:g}, its criteria add up to {f.items_max:g}",
                f"Lĩnh vực {f.code} ghi điểm tối đa {num(f.max_score)} nhưng các tiêu chí cộng lại được "
                f"{num(f.items_max)}."), f"{fkey}.max_score", f.code))
    out += _unique_stt([f.stt for f in rubric.fields], "fields", "")
    out += _index_problems(rubric)
    return out


def _at(p: RubricProblem, key: str, where: str) -> RubricProblem:
    return p.model_copy(update={"key": key, "where": where})


def _unique_codes(rubric: Rubric) -> list[RubricProblem]:
    out: list[RubricProblem] = []
    seen: set[str] = set()
    entries: list[tuple[str, str, str]] = []
    for fi, f in enumerate(rubric.fields):
        entries.append((f.code, f"fields.{fi}.code", f.code))
        for ci, c in enumerate(f.criteria):
            entries.append((c.code, f"fields.{fi}.criteria.{ci}.code", f"{f.code} › {c.code}"))
            for si, s in enumerate(c.items):
                entries.append((s.code, f"fields.{fi}.criteria.{ci}.items.{si}.code", f"{f.code} › {c.code} › {s.code}"))
    for code, key, where in entries:
        if code in seen:
            out.append(_at(problem("DUPLICATE_CODE", f"duplicate code {code}",
                                   f"Mã “{code}” bị lặp; mỗi lĩnh vực, tiêu chí, tiêu chí thành phần cần một mã riêng."),
                           key, where))
        seen.add(code)
    return out


def _unique_stt(stts: list[str], key: str, where: str) -> list[RubricProblem]:
    out: list[RubricProblem] = []
    seen: set[str] = set()
    for i, stt in enumerate(stts):
        if stt and stt in seen:
            out.append(_at(problem("DUPLICATE_STT", f"duplicate stt {stt!r} among siblings",
                                   f"STT “{stt}” bị lặp trong cùng một cấp."), f"{key}.{i}.stt", where))
        seen.add(stt)
    return out


def _item_problems(s: SubCriterion, key: str, where: str) -> list[RubricProblem]:
    out: list[RubricProblem] = []

    def add(code: str, sub: str, message: str, vi: str) -> None:
        out.append(_at(problem(code, message, vi), f"{key}.{sub}" if sub else key, where))

    if s.max_score < 0 and s.role not in ("bonus", "penalty"):  # theirs is the cap, checked below
        add("NEGATIVE_MAX", "max_score", f"max_score {s.max_score:g} of {s.code} is negative",
            f"Điểm tối đa của {s.code} ({num(s.max_score)}) không được âm.")
    if s.role in ("bonus", "penalty"):
        if s.cap is None:
            add("CAP_MISSING", "", f"{s.role} item {s.code} states no cap",
                f"Mục {_ROLE_VI[s.role]} {s.code} phải ghi mức tối đa (cap).")
        elif s.cap < 0:
            add("CAP_NEGATIVE", "cap", f"cap {s.cap:g} of {s.code} is negative",
                f"Mức tối đa (cap) của {s.code} ({num(s.cap)}) không được âm.")
        elif abs(s.cap - s.max_score) > TOLERANCE:
            add("CAP_MISMATCH", "cap", f"{s.code}: cap {s.cap:g} differs from max_score {s.max_score:g}",
                f"{s.code}: mức tối đa (cap) {num(s.cap)} khác điểm tối đa {num(s.max_score)}; chỉ cần ghi cap.")
    elif s.cap is not None:
        add("CAP_NOT_ALLOWED", "cap", f"{s.code}: cap is for bonus and penalty items only",
            f"{s.code}: chỉ mục điểm thưởng hoặc điểm trừ mới có mức tối đa (cap).")
    out += _rule_problems(s, key, where)
    return out


def _walk(obj: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk(v, path + [str(k)])
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk(v, path + [str(i)])
    else:
        yield path, obj


def _specs(obj: Any, path: list[str]) -> Iterator[tuple[list[str], DocumentSpec]]:
    if isinstance(obj, DocumentSpec):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _specs(getattr(obj, name), path + [name])
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _specs(v, path + [str(i)])


def _rule_problems(s: SubCriterion, key: str, where: str) -> list[RubricProblem]:
    out: list[RubricProblem] = []
    rule = s.rule.model_dump()
    base = key.split(".") + ["rule"]

    def add(code: str, path: list[str], message: str, vi: str) -> None:
        out.append(_at(problem(code, message, vi), ".".join(path), where))

    for path, value in _walk(rule, base):
        if path[-1] in _DATE_KEYS and value is not None:
            try:
                resolve(value, 2024)
            except RelativeDateError as exc:
                add("RELATIVE_DATE", path, str(exc),
                    f"Ngày “{value}” không đúng dạng ngày tương đối (ví dụ 31/01/Y, 31/12/Y-1).")
    scores = [lv["score"] for lv in rule.get("levels", [])] + [b["score"] for b in rule.get("bands", [])]
    scores += [rule[k] for k in ("score", "score_all", "missing_score", "score_otherwise")
               if isinstance(rule.get(k), (int, float))]
    for sc in scores:
        if sc > s.max_score + TOLERANCE or sc < 0:
            add("RULE_SCORE_RANGE", base, f"score {sc:g} outside 0..{s.max_score:g} of {s.code}",
                f"Điểm {num(sc)} của quy tắc nằm ngoài 0..{num(s.max_score)} của {s.code}.")
    for bi, band in enumerate(rule.get("bands", [])):
        if band["gt"] is not None and band["ge"] is not None or band["lt"] is not None and band["le"] is not None:
            add("RULE_BAND_ENDS", base + ["bands", str(bi)], "band has both a strict and an inclusive end on one side",
                "Một khoảng điểm có cả cận “lớn hơn” và “lớn hơn hoặc bằng” (hoặc “nhỏ hơn” và “nhỏ hơn hoặc bằng”) "
                "ở cùng một phía.")
    levels = rule.get("levels", [])
    dates = []
    for lv in levels:
        try:
            dates.append(resolve(lv["until"], 2024))
        except RelativeDateError:
            dates = []
            break
    if any(b < a for a, b in zip(dates, dates[1:], strict=False)):
        add("RULE_LEVEL_ORDER", base + ["levels"], "levels must be in date order (earliest deadline first)",
            "Các mức điểm theo thời hạn phải xếp theo thứ tự ngày (hạn sớm nhất trước).")
    keys = [it["key"] for it in rule.get("items", [])]
    for dup in sorted({k for k in keys if keys.count(k) > 1}):
        add("RULE_DUPLICATE_KEY", base + ["items"], f"document_set key {dup!r} is used twice",
            f"Khoá “{dup}” của danh sách văn bản bị lặp.")
    for path, spec in _specs(s.rule, base):
        for ti, t in enumerate(spec.types):
            if doc_type_name(t) is None:
                add("RULE_UNKNOWN_TYPE", path + ["types", str(ti)], f"unknown document type code {t!r}",
                    f"Loại văn bản “{t}” không có trong danh mục (Nghị định 30/2020/NĐ-CP, Phụ lục III).")
        if spec.title_year is not None and spec.title_year.strip() != "Y":
            add("RULE_TITLE_YEAR", path + ["title_year"], f"title_year must be 'Y', not {spec.title_year!r}",
                f"title_year chỉ nhận giá trị “Y” (năm đánh giá), không phải “{spec.title_year}”.")
    return out


def _index_problems(rubric: Rubric) -> list[RubricProblem]:
    spec = rubric.index
    if spec is None:
        return []
    out: list[RubricProblem] = []
    ordinary = math.fsum(s.max_score for s in rubric.of_role("score"))
    survey = math.fsum(s.max_score for s in rubric.of_role("survey"))

    def add(code: str, key: str, message: str, vi: str) -> None:
        out.append(_at(problem(code, message, vi), f"index.{key}" if key else "index", "index"))

    if spec.self_assessed_max is not None and abs(spec.self_assessed_max - ordinary) > TOLERANCE:
        add("SELF_ASSESSED_MAX_MISMATCH", "self_assessed_max",
            f"self_assessed_max {spec.self_assessed_max:g}, the ordinary items add up to {ordinary:g}",
            f"Phần tự đánh giá ghi {num(spec.self_assessed_max)} điểm nhưng các tiêu chí thành phần cộng lại "
            f"được {num(ordinary)}.")
    if spec.survey_max is not None and abs(spec.survey_max - survey) > TOLERANCE:
        add("SURVEY_MAX_MISMATCH", "survey_max", f"survey_max {spec.survey_max:g}, the survey items add up to {survey:g}",
            f"Phần điều tra xã hội học ghi {num(spec.survey_max)} điểm nhưng các mục điều tra cộng lại được "
            f"{num(survey)}.")
    if abs(spec.max_score - (ordinary + survey)) > TOLERANCE:
        add("INDEX_MAX_MISMATCH", "max_score",
            f"index max_score {spec.max_score:g}, self-assessed part {ordinary:g} + survey part {survey:g} = "
            f"{ordinary + survey:g}",
            f"Điểm tối đa của chỉ số ghi {num(spec.max_score)} nhưng phần tự đánh giá ({num(ordinary)}) cộng phần "
            f"điều tra xã hội học ({num(survey)}) được {num(ordinary + survey)}.")
    for name in ("bonus_cap", "penalty_cap"):
        cap = getattr(spec, name)
        if cap is not None and cap < 0:
            add("CAP_NEGATIVE", name, f"{name} {cap:g} is negative", f"{name} ({num(cap)}) không được âm.")
    if spec.survey_absent == "rescale" and spec.max_score - survey <= TOLERANCE:
        add("INDEX_RESCALE_EMPTY", "survey_absent", "rescaling without the survey leaves no maximum",
            "Không thể quy đổi khi thiếu điều tra: phần còn lại có điểm tối đa bằng 0.")
    out += _band_problems(spec.bands)
    return out


def _band_problems(bands: list[IndexBand]) -> list[RubricProblem]:
    out: list[RubricProblem] = []

    def add(code: str, key: str, message: str, vi: str) -> None:
        out.append(_at(problem(code, message, vi), key, "index"))

    codes = [b.code for b in bands]
    for bi, b in enumerate(bands):
        key = f"index.bands.{bi}"
        if codes.index(b.code) != bi:
            add("INDEX_BAND_DUPLICATE", f"{key}.code", f"band code {b.code!r} is used twice",
                f"Mã xếp loại “{b.code}” bị lặp.")
        if b.gt is not None and b.ge is not None or b.lt is not None and b.le is not None:
            add("INDEX_BAND_ENDS", key, f"band {b.code} has both a strict and an inclusive end on one side",
                f"Xếp loại {b.code} có cả cận “lớn hơn” và “lớn hơn hoặc bằng” (hoặc “nhỏ hơn” và “nhỏ hơn hoặc "
                f"bằng”) ở cùng một phía.")
    if not bands or out:
        return out
    ends = sorted({v for b in bands for v in (b.gt, b.ge, b.lt, b.le) if v is not None} | {0.0, 100.0})
    points = ends + [(a + b) / 2 for a, b in zip(ends, ends[1:], strict=False)] + [ends[0] - 1, ends[-1] + 1]
    gaps, overlaps = [], []
    for x in sorted(points):
        holders = [b.code for b in bands if b.contains(x)]
        if not holders and 0 <= x <= 100:
            gaps.append(x)
        if len(holders) > 1:
            overlaps.append((x, holders))
    if gaps:
        add("INDEX_BAND_GAP", "index.bands", f"no band holds an index of {gaps[0]:g}%",
            f"Không có xếp loại nào cho chỉ số {num(gaps[0])}%: các xếp loại phải phủ kín 0..100% không hở.")
    if overlaps:
        x, holders = overlaps[0]
        add("INDEX_BAND_OVERLAP", "index.bands", f"bands {', '.join(holders)} all hold an index of {x:g}%",
            f"Các xếp loại {', '.join(holders)} cùng chứa chỉ số {num(x)}%: các xếp loại không được chồng nhau.")
    return out
