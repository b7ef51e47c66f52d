"""The bundled example criteria set (#14 item 6): realistic size, labelled as an example, clean, usable."""

from __future__ import annotations

from verifier import bundled_rubrics, load_rubric
from verifier.index import ItemScore, compute_index
from verifier.rubric import validate_rubric


def test_example_set_is_bundled_clean_and_of_realistic_size():
    assert "example-province" in bundled_rubrics()
    _source, result = validate_rubric("example-province")
    assert result.ok, [p.text_vi() for p in result.problems]
    r = load_rubric("example-province")
    assert "ví dụ" in r.title.lower() and "không phải văn bản ban hành" in r.title
    assert len(r.fields) == 8
    assert sum(len(f.criteria) for f in r.fields) >= 35
    assert len(r.of_role("score")) >= 80
    assert r.of_role("bonus") and r.of_role("penalty") and r.of_role("survey")
    assert r.index is not None and r.index.max_score == 100 == r.max_total
    assert r.applies_to == ["so_nganh"]


def test_example_set_keeps_the_units_numbering_and_stated_maxima():
    r = load_rubric("example-province")
    assert [f.stt for f in r.fields] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    for f in r.fields:
        assert f.max_score is not None and abs(f.max_score - f.items_max) < 1e-9
        for c in f.criteria:
            assert c.stt and c.max_score is not None and all(s.stt for s in c.items)
    kinds = {s.rule.kind for _f, _c, s in r.subcriteria() if s.self_scored}
    assert kinds == {"document", "document_set", "metric_band", "ratio", "existence", "manual"}


def test_example_set_index_full_marks_and_no_survey():
    """All ordinary items at their maximum, no survey: rescaled, 70 of 70 = 100% (band A); with every survey
    item at half its weight: 70 + 15 = 85 of 100 = 85% (B)."""
    r = load_rubric("example-province")
    full = {s.code: ItemScore(self_score=s.max_score) for s in r.of_role("score")}
    alone = compute_index(r, full, None)
    assert (alone.attainable, alone.total, alone.index, alone.band) == (70, 70, 100, "A")
    half = compute_index(r, full, {s.code: s.max_score / 2 for s in r.of_role("survey")})
    assert (half.total, half.index, half.band) == (85, 85, "B")


def test_example_submission_sheet_verifies_against_the_example_set():
    """The bundled example sheet (written for par-reference) checked against the example set without its evidence:
    nothing crashes, survey items are never asked of the unit, criteria the sheet lacks say so as usual."""
    from pathlib import Path

    from models.report import FindingCode, Verdict
    from verifier import read_sheet, verify

    sheet = read_sheet(Path(__file__).resolve().parents[2] / "examples/submission-2024/00-bang-tu-danh-gia-2024.xlsx")
    r = load_rubric("example-province")
    report = verify(sheet, r, [], year=2024)
    codes = {c.code for c in report.criteria}
    assert not codes & {s.code for s in r.of_role("survey")}
    assert {s.code for _f, _c, s in r.subcriteria() if s.self_scored} <= codes
    missing = [c for c in report.criteria if c.code not in {cl.code for cl in sheet.claims}]
    assert missing and all(c.verdict == Verdict.NOT_ENOUGH_EVIDENCE and c.findings[0].code == FindingCode.EVIDENCE_MISSING
                           for c in missing)
    ordinary = [c for c in report.criteria if (item := r.find(c.code)) is not None and item.role == "score"]
    assert len(ordinary) == 88 and sum(c.max_score or 0 for c in ordinary) == 70
