import datetime as dt

import pytest

from verifier import RubricError, bundled_rubrics, load_rubric
from verifier.relative_dates import RelativeDateError, resolve
from verifier.rubric import parse_rubric


def test_reference_rubric_is_bundled_and_complete():
    assert "par-reference" in bundled_rubrics()
    r = load_rubric("par-reference")
    codes = [s.code for _f, _c, s in r.subcriteria()]
    assert codes == ["1.1.1", "1.1.2", "1.2.1", "1.3.1", "1.3.2", "3.1.1", "3.2.1", "3.2.2", "5.1.1", "7.1.1", "7.1.2"]
    assert r.max_total == 13
    kinds = {s.code: s.rule.kind for _f, _c, s in r.subcriteria()}
    assert kinds["1.2.1"] == "document_set" and kinds["5.1.1"] == "manual" and kinds["3.1.1"] == "existence"


def test_bands_state_their_ends():
    r = load_rubric("par-reference")
    bands = r.find("1.1.2").rule.bands
    scores = {v: next(b.score for b in bands if b.contains(v)) for v in (90.01, 90, 70, 69.99)}
    assert scores == {90.01: 2, 90: 1, 70: 1, 69.99: 0}


def test_relative_dates():
    assert resolve("31/01/Y", 2024) == dt.date(2024, 1, 31)
    assert resolve("31/12/Y-1", 2024) == dt.date(2023, 12, 31)
    assert resolve("15/03/Y+1", 2024) == dt.date(2025, 3, 15)
    with pytest.raises(RelativeDateError):
        resolve("31/02/Y", 2024)
    with pytest.raises(RelativeDateError):
        resolve("2024-01-31", 2024)


BAD = """\
id: bad
title: Bad set
fields:
  - code: "1"
    title: F
    criteria:
      - code: "1.1"
        title: C
        items:
          - code: "1.1.1"
            title: A
            max_score: 1
            rule:
              kind: document
              document: {types: [KH], colour: red}
              levels:
                - {until: 31/01/Y, score: 1}
          - code: "1.1.2"
            title: B
            max_score: 1
            rule:
              kind: metric_band
              source: {types: [BC]}
              metric: {subjects: [x]}
              bands:
                - {score: 3, gt: 90}
                - {score: 0, until: 5}
"""


def test_errors_point_at_the_line():
    with pytest.raises(RubricError) as exc:
        parse_rubric(BAD, "bad.yaml")
    text = str(exc.value)
    assert "line 15" in text and "colour" in text  # unknown key in the document spec
    assert "line 27" in text and "until" in text  # unknown key in a band


def test_semantic_errors_point_at_the_line():
    text = BAD.replace("colour: red", "issued_to: 31/02/Y").replace(", until: 5", "")
    with pytest.raises(RubricError) as exc:
        parse_rubric(text, "bad.yaml")
    msg = str(exc.value)
    assert "line 15" in msg and "31/02/Y" in msg
    assert "score 3" in msg and "line 21" in msg


def test_yaml_syntax_error_has_line():
    with pytest.raises(RubricError) as exc:
        parse_rubric("id: x\nfields: [\n  - a\n", "broken.yaml")
    assert "line" in str(exc.value)


def test_unknown_rubric_name():
    with pytest.raises(RubricError):
        load_rubric("no-such-rubric")
