"""The council's model is plain data: it round-trips through JSON unchanged, and a report stored before
roles existed still loads (every item an ordinary one)."""

from __future__ import annotations

from models.council import CouncilExport, CouncilGroup, ItemRow, Part, RoundCell, UnitScores
from models.report import CriterionResult


def test_round_trip():
    unit = UnitScores(unit="Sở Tư pháp", score=11.5, bonus=1, penalty=1, survey=4.5, total=16, attainable=20,
                      index=80.0, band="B", rank=1,
                      fields=[Part(code="1", stt="I", title="Chỉ đạo", max_score=10, score=7.5, index=75.0, rank=2,
                                   criteria=[Part(code="1.1", title="Kế hoạch", max_score=6, score=5.5, index=91.67)])],
                      items=[ItemRow(code="1.1.1", title="Ban hành kế hoạch", field_code="1", criterion_code="1.1",
                                     max_score=4, self_score=4, round1=RoundCell(score=3, explanation_requested=True),
                                     round2=RoundCell(score=3.5), final=3.5, counted=3.5)])
    export = CouncilExport(campaign_id="c", year=2026, title="t",
                           groups=[CouncilGroup(code="g", title="G", rubric_id="r", rubric_title="R", max_score=20,
                                                units=[unit])])
    assert CouncilExport.model_validate_json(export.model_dump_json()) == export
    assert export.schema_version == "1.0"


def test_old_reports_load_as_ordinary_items():
    old = {"code": "1.1.1", "title": "x", "verdict": "SUPPORTED", "max_score": 1}
    assert CriterionResult.model_validate(old).role == "score"
