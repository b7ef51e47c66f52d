"""Round 2's re-check through the REST routes and a real RQ worker (a separate process) on a real Redis and
PostgreSQL: unit A adds the report a questioned criterion lacked; its reading, then the re-check of that one
criterion, run in the worker; the round-2 proposal has the new verdict; unit B, without additions, gets no
re-check; the same bytes again schedule no new reading; and a re-check due but never queued (a crash between
storing an explanation and scheduling) is picked up by the reconciler."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.jobs import schedule
from api.jobs.reconcile import reconcile
from api.jobs.runtime import configure
from api.server import create_app
from api.service import campaigns
from api.service.tokens import authenticate, create_token
from models.settings import Settings
from models.tables import JobRow, Recheck, RoundScore, Submission
from tests.api.helpers import poll
from tests.api.jobs.test_workers import _env, _start_worker, _stop
from tests.api.rechecks_support import CAMPAIGN, A, B, q3_report, spec, submission
from verifier.messages import VN_TZ


def _rechecks(svc) -> list[tuple[str, str, str]]:
    with svc.db.session() as s:
        return [(r.code, r.verdict, str(r.unit_id)) for r in s.scalars(select(Recheck).order_by(Recheck.id))]


def _jobs(svc, kind: str) -> list[JobRow]:
    with svc.db.session() as s:
        rows = s.scalars(select(JobRow).where(JobRow.kind == kind).order_by(JobRow.id)).all()
        s.expunge_all()
        return list(rows)


def test_a_unit_adds_a_file_and_only_its_criterion_is_rechecked_by_a_worker(pg_url, redis_url, tmp_path):
    env = dict(_env(pg_url, redis_url, tmp_path / "data"), KIEMCHUNG_RECONCILE_SECONDS="3600")
    svc = configure(Settings(data_dir=tmp_path / "data", database_url=pg_url, redis_url=redis_url,
                             reconcile_seconds=3600))
    worker = _start_worker(env, tmp_path / "worker.log")
    try:
        admin = authenticate(svc.db, create_token(svc.db, "admin", label="Trần Văn Quản"))
        campaigns.create_campaign(svc, spec(dt.datetime.now(VN_TZ).date()), admin)
        subs = {u: schedule.submit(svc, submission(tmp_path / f"sub-{i}", u), display=u, unit=u, year=2024)
                for i, u in enumerate((A, B))}

        def statuses():
            with svc.db.session() as s:
                return {s.get(Submission, sid).status for sid in subs.values()}

        poll(statuses, until=lambda st: st == {"done"}, timeout=300)
        for u in (A, B):
            campaigns.propose_from_latest(svc, admin, CAMPAIGN, u)
        token_a = create_token(svc.db, "unit", A, "Nguyễn Văn A")
        base = f"/campaigns/{CAMPAIGN}/units/{A}"
        with TestClient(create_app(svc, reconcile_in_background=False)) as c:
            h = {"Authorization": f"Bearer {token_a}"}
            r = c.post(f"{base}/criteria/1.2.1/files", headers=h,
                       files={"file": ("205-BC-STP.pdf", q3_report(), "application/pdf")})
            assert r.status_code == 201, r.text
            sha = r.json()["sha256"]
            poll(lambda: _rechecks(svc), until=bool, timeout=300)
            with svc.db.session() as s:
                ids = {u: campaigns._member(s, CAMPAIGN, u)[1].unit_id for u in (A, B)}
            assert _rechecks(svc) == [("1.2.1", "SUPPORTED", str(ids[A]))]  # that criterion of A's, nothing else
            [job] = _jobs(svc, "recheck")
            assert job.key.startswith(f"recheck:{CAMPAIGN}:{ids[A]}:") and job.worker and job.worker.split(":")[0]
            poll(lambda: _jobs(svc, "recheck")[0].status, until=lambda st: st == "finished", timeout=60)
            with svc.db.session() as s:
                [proposal] = s.scalars(select(RoundScore).where(RoundScore.round == 2)).all()
                assert (proposal.unit_id, proposal.code, proposal.source, proposal.state, proposal.score) == \
                    (ids[A], "1.2.1", "machine", "proposed", 1)
                reads = s.scalar(select(func.count()).select_from(JobRow).where(JobRow.sha256 == sha))
            assert reads == 1

            # the same bytes again: a new version, no new reading, nothing new to re-check
            r = c.post(f"{base}/criteria/1.2.1/files", headers=h,
                       files={"file": ("205-BC-STP.pdf", q3_report(), "application/pdf")})
            assert r.status_code == 201 and r.json()["version"] == 2 and r.json()["sha256"] == sha
            with svc.db.session() as s:
                assert s.scalar(select(func.count()).select_from(JobRow).where(JobRow.sha256 == sha)) == 1
            assert len(_jobs(svc, "recheck")) == 1

            view = c.get(base, headers=h).json()
            crit = {x["code"]: x for x in view["criteria"]}
            assert crit["1.2.1"]["changes"]["summary_vi"] == \
                "Vòng 1: Không khớp (0) → Vòng 2: Khớp minh chứng (1) · thêm 2 tệp"
            assert crit["1.2.1"]["recheck"]["verdict"] == "SUPPORTED"
            assert crit["1.2.1"]["rounds"]["2"]["source"] == "machine"
            assert crit["1.1.1"]["recheck"] is None and crit["1.1.1"]["changes"]["machine"]["round2"] is None

        # an explanation stored without its scheduling (the process died in between): the reconciler sees the
        # re-check due and not queued, and schedules it; the worker runs it
        unit_a = authenticate(svc.db, token_a)
        campaigns.add_explanation(svc, unit_a, CAMPAIGN, A, "1.2.1", "Bổ sung báo cáo quý III số 205/BC-STP")
        counts = reconcile(svc)
        assert counts["recheck_scheduled"] == 1, counts
        assert reconcile(svc)["recheck_scheduled"] == 0  # queued now: not scheduled twice
        poll(lambda: len(_rechecks(svc)), until=lambda n: n == 2, timeout=300)
        assert [code for code, _v, unit in _rechecks(svc)] == ["1.2.1", "1.2.1"]
        assert {unit for *_x, unit in _rechecks(svc)} == {str(ids[A])}  # B: never re-checked
    finally:
        _stop(worker)
