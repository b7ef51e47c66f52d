"""The rubric model: sets written before roles, maxima and the index still load; the new fields parse."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from models.rubric import SURVEY_NOTE, Rubric
from verifier.rubric import bundled_rubrics

MANUAL = {"kind": "manual"}


def _rubric(items, **extra):
    return Rubric.model_validate({"id": "x", "title": "X", **extra, "fields": [
        {"code": "1", "title": "F", "criteria": [{"code": "1.1", "title": "C", "items": items}]}]})


def test_reference_set_loads_unchanged():
    from importlib import resources

    text = resources.files("verifier").joinpath("rubrics/par-reference.yaml").read_text("utf-8")
    r = Rubric.model_validate(yaml.safe_load(text))
    assert r.index is None and r.applies_to == []
    assert all(s.role == "score" and s.cap is None and s.stt == "" for _f, _c, s in r.subcriteria())
    assert all(f.max_score is None and f.stt == "" for f in r.fields)
    assert r.max_total == 13 and "par-reference" in bundled_rubrics()


def test_roles_caps_and_survey_defaults():
    r = _rubric([
        {"code": "1.1.1", "title": "A", "stt": "a", "max_score": 2, "rule": MANUAL},
        {"code": "1.1.2", "title": "Thưởng", "role": "bonus", "cap": 1, "rule": MANUAL},
        {"code": "1.1.3", "title": "Trừ", "role": "penalty", "cap": 0.5, "rule": MANUAL},
        {"code": "1.1.4", "title": "Điều tra", "role": "survey", "max_score": 3},
    ], applies_to=["so_nganh"], index={"max_score": 5, "bands": [{"code": "A", "ge": 90}, {"code": "B", "lt": 90}]})
    bonus, penalty, survey = (r.find(c) for c in ("1.1.2", "1.1.3", "1.1.4"))
    assert (bonus.max_score, bonus.cap, penalty.max_score) == (1, 1, 0.5)  # a bonus/penalty item's maximum is its cap
    assert survey.rule.kind == "manual" and survey.rule.review_note == SURVEY_NOTE and not survey.self_scored
    assert r.fields[0].criteria[0].items_max == 5 and r.max_total == 5  # bonus and penalty stand apart
    assert [s.code for s in r.of_role("bonus")] == ["1.1.2"]
    assert r.index.survey_absent == "zero" and r.index.decimals == 2
    assert r.index.bands[0].contains(90) and not r.index.bands[0].contains(89.99)


def test_unknown_role_is_refused():
    with pytest.raises(ValidationError):
        _rubric([{"code": "1.1.1", "title": "A", "role": "extra", "max_score": 1, "rule": MANUAL}])


def test_ordinary_item_still_needs_a_rule_and_a_maximum():
    with pytest.raises(ValidationError):
        _rubric([{"code": "1.1.1", "title": "A", "max_score": 1}])
    with pytest.raises(ValidationError):
        _rubric([{"code": "1.1.1", "title": "A", "rule": MANUAL}])
