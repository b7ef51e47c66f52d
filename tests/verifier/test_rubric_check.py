"""`verifier.rubric_check`: each problem a rubric can have, with its stable code, rubric codes and line."""

from __future__ import annotations

import pytest

from verifier import RubricError
from verifier.rubric import parse_rubric
from verifier.rubric_check import check_text

GOOD = """\
id: t
title: Bộ kiểm thử
index:
  max_score: 10
  self_assessed_max: 7
  survey_max: 3
  bonus_cap: 1
  penalty_cap: 1
  survey_absent: rescale
  bands:
    - {code: A, ge: 90}
    - {code: B, ge: 50, lt: 90}
    - {code: C, lt: 50}
fields:
  - code: "1"
    stt: I
    title: Lĩnh vực
    max_score: 10
    criteria:
      - code: "1.1"
        stt: "1"
        title: Tiêu chí
        max_score: 7
        items:
          - code: "1.1.1"
            stt: a
            title: Kế hoạch
            max_score: 4
            rule:
              kind: document
              document: {types: [KH], title_any: [CCHC], title_year: Y}
              levels:
                - {until: 31/01/Y, score: 4}
                - {until: 31/12/Y, score: 2}
          - code: "1.1.2"
            stt: b
            title: Thủ công
            max_score: 3
            rule: {kind: manual}
          - code: "1.1.3"
            stt: c
            title: Thưởng
            role: bonus
            cap: 1
            rule: {kind: manual}
      - code: "1.2"
        stt: "2"
        title: Điều tra
        max_score: 3
        items:
          - {code: "1.2.1", stt: a, title: Khảo sát, role: survey, max_score: 3}
"""


def codes(text):
    return [p.code for p in check_text(text).problems]


def only(text):
    problems = check_text(text).problems
    assert len(problems) == 1, [p.text_vi() for p in problems]
    return problems[0]


def test_good_set_is_clean():
    result = check_text(GOOD)
    assert result.ok and result.readable and result.problems == []
    assert parse_rubric(GOOD).max_total == 10


def test_field_max_mismatch_points_at_the_field():
    p = only(GOOD.replace("    max_score: 10\n    criteria:", "    max_score: 11\n    criteria:"))
    assert (p.code, p.where, p.line) == ("FIELD_MAX_MISMATCH", "1", 18)
    assert "11" in p.message_vi and "10" in p.message_vi and p.text_vi().endswith("[FIELD_MAX_MISMATCH]")


def test_criterion_max_mismatch_within_tolerance_or_not():
    assert codes(GOOD.replace("max_score: 7\n        items", "max_score: 7.0000000001\n        items")) == []
    p = only(GOOD.replace("max_score: 7\n        items", "max_score: 6.5\n        items"))
    assert (p.code, p.where, p.line) == ("CRITERION_MAX_MISMATCH", "1 › 1.1", 23)
    assert "6,5" in p.message_vi


def test_index_parts_and_maximum():
    assert codes(GOOD.replace("max_score: 10\n  self", "max_score: 12\n  self")) == ["INDEX_MAX_MISMATCH"]
    assert codes(GOOD.replace("survey_max: 3", "survey_max: 4")) == ["SURVEY_MAX_MISMATCH"]
    assert codes(GOOD.replace("self_assessed_max: 7", "self_assessed_max: 8")) == ["SELF_ASSESSED_MAX_MISMATCH"]


def test_duplicate_codes_and_stt():
    p = only(GOOD.replace('code: "1.1.2"', 'code: "1.1.1"'))
    assert (p.code, p.where, p.line) == ("DUPLICATE_CODE", "1 › 1.1 › 1.1.1", 35)
    assert codes(GOOD.replace("stt: b", "stt: a")) == ["DUPLICATE_STT"]


def test_caps():
    assert codes(GOOD.replace("            cap: 1\n", "            cap: -1\n")) == ["CAP_NEGATIVE"]
    assert codes(GOOD.replace("bonus_cap: 1", "bonus_cap: -0.5")) == ["CAP_NEGATIVE"]
    assert codes(GOOD.replace("            cap: 1\n", "            max_score: 1\n")) == ["CAP_MISSING"]
    assert codes(GOOD.replace("            cap: 1\n", "            cap: 1\n            max_score: 2\n")) == ["CAP_MISMATCH"]
    assert codes(GOOD.replace("max_score: 3\n            rule", "max_score: 3\n            cap: 1\n            rule"))\
        == ["CAP_NOT_ALLOWED"]


@pytest.mark.parametrize(("bands", "code"), [
    ("- {code: A, ge: 90}\n    - {code: B, ge: 50, lt: 89}\n    - {code: C, lt: 50}", "INDEX_BAND_GAP"),
    ("- {code: A, gt: 90}\n    - {code: B, ge: 50, lt: 90}\n    - {code: C, lt: 50}", "INDEX_BAND_GAP"),  # 90 itself
    ("- {code: A, ge: 90}\n    - {code: B, ge: 50, le: 90}\n    - {code: C, lt: 50}", "INDEX_BAND_OVERLAP"),
    ("- {code: A, ge: 90}\n    - {code: B, ge: 50, lt: 90}\n    - {code: C, ge: 10, lt: 50}", "INDEX_BAND_GAP"),
    ("- {code: A, ge: 90}\n    - {code: B, ge: 50, lt: 90}\n    - {code: B, lt: 50}", "INDEX_BAND_DUPLICATE"),
    ("- {code: A, ge: 90, gt: 90}\n    - {code: B, ge: 50, lt: 90}\n    - {code: C, lt: 50}", "INDEX_BAND_ENDS"),
])
def test_bands_cover_0_to_100_without_gaps_or_overlaps(bands, code):
    text = GOOD.replace("- {code: A, ge: 90}\n    - {code: B, ge: 50, lt: 90}\n    - {code: C, lt: 50}", bands)
    assert codes(text) == [code]


def test_rule_problems():
    assert codes(GOOD.replace("until: 31/12/Y,", "until: 31/13/Y,")) == ["RELATIVE_DATE"]
    assert codes(GOOD.replace("types: [KH]", "types: [KHX]")) == ["RULE_UNKNOWN_TYPE"]
    assert codes(GOOD.replace("title_year: Y", "title_year: Y-1")) == ["RULE_TITLE_YEAR"]
    assert codes(GOOD.replace("score: 2}", "score: 5}")) == ["RULE_SCORE_RANGE"]
    order = GOOD.replace("{until: 31/01/Y, score: 4}\n                - {until: 31/12/Y, score: 2}",
                         "{until: 31/12/Y, score: 2}\n                - {until: 31/01/Y, score: 4}")
    assert codes(order) == ["RULE_LEVEL_ORDER"]


def test_schema_problems_are_in_vietnamese_with_the_line():
    p = only(GOOD.replace("title: Thủ công", "title: Thủ công\n            colour: red"))
    assert (p.code, p.line, p.where) == ("SCHEMA_UNKNOWN_KEY", 38, "1 › 1.1 › 1.1.2")
    assert "colour" in p.message_vi and "không có trong định dạng" in p.message_vi
    p = only(GOOD.replace("            max_score: 3\n            rule: {kind: manual}", "            rule: {kind: manual}"))
    assert p.code == "SCHEMA_MISSING" and "max_score" in p.message_vi


def test_unreadable_text():
    result = check_text("id: x\nfields: [\n")
    assert not result.readable and [p.code for p in result.problems] == ["YAML_SYNTAX"]
    assert [p.code for p in check_text("- a\n- b\n").problems] == ["NOT_A_MAPPING"]


def test_load_refuses_a_set_with_problems():
    with pytest.raises(RubricError) as exc:
        parse_rubric(GOOD.replace("survey_max: 3", "survey_max: 4"), "t.yaml")
    assert [p.code for p in exc.value.items] == ["SURVEY_MAX_MISMATCH"]
    assert "SURVEY_MAX_MISMATCH" in exc.value.message_vi and "line 6" in str(exc.value)
