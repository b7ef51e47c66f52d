"""The council's export built from a real PostgreSQL: a hand-computed example with bonus, penalty and survey
(``tests/council_example.py`` shows the arithmetic) gives the same index and sub-indices as the code, ties share
a rank, only confirmed round records count, the latest non-withdrawn submission is used, and only staff export."""

from __future__ import annotations

import pytest

from api.service import council
from api.service.context import open_context
from api.service.errors import ServiceCode, ServiceError
from api.service.tokens import authenticate, create_token
from models.settings import Settings
from tests.council_example import CAMPAIGN, A, B, C, D, build


@pytest.fixture()
def ctx(pg_url, tmp_path):
    c = open_context(Settings(data_dir=tmp_path / "data", database_url=pg_url))
    yield c
    c.db.engine.dispose()


def _unit(export, name):
    return next(u for g in export.groups for u in g.units if u.unit == name)


def test_the_hand_computed_example(ctx, tmp_path):
    export = build(ctx, tmp_path)
    so, xa = export.groups
    assert (so.code, xa.code) == ("so_nganh", "cap_xa") and so.max_score == 20

    a, b, c = (_unit(export, n) for n in (A, B, C))
    assert (a.score, a.bonus, a.penalty, a.survey, a.total, a.index, a.band) == (11.5, 1, 1, 4.5, 16, 80.0, "B")
    assert (a.self_total, a.self_index) == (18, 90.0)
    assert {f.code: f.index for f in a.fields} == {"1": 75.0, "2": 85.0}
    assert {x.code: x.index for f in a.fields for x in f.criteria} == {"1.1": 91.67, "1.2": 50.0, "2.1": 85.0}
    assert (b.score, b.bonus, b.penalty, b.survey, b.total, b.index, b.band) == (11, 1, 0, 4, 16, 80.0, "B")
    assert {x.code: x.index for f in b.fields for x in f.criteria} == {"1.1": 83.33, "1.2": 100.0, "2.1": 60.0}
    assert (c.score, c.survey, c.total, c.index, c.band) == (2, None, 2, 10.0, "C")
    d = _unit(export, D)
    assert (d.submitted, d.submission_id, d.index) == (False, None, 0.0)

    # ties share a rank, overall and within a field or criterion; the next rank skips
    assert [(u.unit, u.rank) for u in so.units] == [(A, 1), (B, 1), (C, 3)]
    assert [(e.unit, e.rank) for e in so.ranking.by_field["1"]] == [(B, 1), (A, 2), (C, 3)]
    assert [(e.unit, e.rank) for e in so.ranking.by_criterion["1.2"]] == [(B, 1), (A, 2), (C, 3)]
    assert {f.code: f.rank for f in a.fields} == {"1": 2, "2": 1}
    assert [(u.unit, u.rank) for u in xa.units] == [(D, 1)]  # each group is ranked on its own


def test_round_records_and_submissions_that_count(ctx, tmp_path):
    export = build(ctx, tmp_path)
    a = {i.code: i for i in _unit(export, A).items}
    # round 2 wins; round 1's appraiser record replaced kiemchung's proposal
    assert (a["1.1.1"].self_score, a["1.1.1"].round1.score, a["1.1.1"].round2.score, a["1.1.1"].final) == (4, 3, 3.5, 3.5)
    assert a["1.1.1"].round1.explanation_requested and a["1.1.1"].round1.source == "appraiser"
    assert a["1.1.1"].explanation.startswith("Kế hoạch ban hành ngày 25/01/2026") and a["1.1.1"].explanation_versions == 1
    # a dropped record is no record; a proposal nobody confirmed is shown but does not count
    assert a["2.1.1"].round1 is None and a["2.1.1"].final == 4
    assert a["1.1.2"].round1.state == "proposed" and a["1.1.2"].final == 2
    assert "1.1.2" in _unit(export, A).unconfirmed and "1.1.1" not in _unit(export, A).unconfirmed
    # the penalty counts what it takes; the survey item its imported value, never a self-score
    assert (a["1.2.2"].final, a["1.2.2"].counted) == (1, 1)
    assert (a["2.1.2"].self_score, a["2.1.2"].survey, a["2.1.2"].counted) == (None, 4.5, 4.5)
    # B's bonus above its cap counts the cap
    b = {i.code: i for i in _unit(export, B).items}
    assert (b["1.1.3"].self_score, b["1.1.3"].counted) == (1.5, 1)
    # C: the withdrawn newer submission is not used
    c = {i.code: i for i in _unit(export, C).items}
    assert c["1.1.1"].self_score == 2 and c["1.1.2"].self_score is None


def test_only_staff_export(ctx, tmp_path):
    build(ctx, tmp_path)
    unit = authenticate(ctx.db, create_token(ctx.db, "unit", A, "Nguyễn Văn A"))
    with pytest.raises(ServiceError) as e:
        council.build_council(ctx, unit, CAMPAIGN)
    assert e.value.code == ServiceCode.FORBIDDEN
    admin = authenticate(ctx.db, create_token(ctx.db, "admin", label="Quản trị"))
    with pytest.raises(ServiceError) as e:
        council.build_council(ctx, admin, "khong-co")
    assert e.value.code == ServiceCode.NOT_FOUND
