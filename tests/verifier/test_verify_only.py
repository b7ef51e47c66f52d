"""``verify(only=…)``: a round-2 re-check evaluates just the criteria asked for — the others are not evaluated
at all, and the result for a criterion asked for is the one the full verification gives."""

from __future__ import annotations

from pathlib import Path

from verifier import load_rubric, read_sheet, verify

SHEET = Path(__file__).resolve().parents[2] / "examples/submission-2024/00-bang-tu-danh-gia-2024.xlsx"


def test_only_the_codes_asked_for_are_evaluated():
    sheet, rubric = read_sheet(SHEET), load_rubric("par-reference")
    full = verify(sheet, rubric, [], year=2024)
    part = verify(sheet, rubric, [], year=2024, only={"1.2.1", "5.1.1"})
    assert [c.code for c in part.criteria] == ["1.2.1", "5.1.1"]
    assert len(full.criteria) > 2
    by_code = {c.code: c for c in full.criteria}
    for c in part.criteria:
        assert (c.verdict, c.supported_score, [f.code for f in c.findings]) == \
            (by_code[c.code].verdict, by_code[c.code].supported_score, [f.code for f in by_code[c.code].findings])
    assert verify(sheet, rubric, [], year=2024, only=set()).criteria == []
