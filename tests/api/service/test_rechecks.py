"""Round 2's machine help on a real PostgreSQL with the real in-process queue: a unit adds the file a questioned
criterion lacked; kiemchung verifies that criterion alone again (the submission's files + the criterion's
additional files) and proposes its round-2 result, never displacing an appraiser's; the unit view shows what
changed between the rounds. A unit without additions is not re-checked."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select

from api.jobs import schedule
from api.jobs.runtime import configure
from api.service import campaigns, rechecks
from api.service.errors import ServiceError
from api.service.status import CampaignAction, RoundSource
from api.service.tokens import authenticate, create_token
from models.settings import Settings
from models.tables import Blob, CampaignEvent, JobRow, Recheck, RoundScore, Submission
from tests.api.rechecks_support import CAMPAIGN, A, B, q3_report, spec, submission
from verifier.messages import VN_TZ


@pytest.fixture()
def rt(pg_url, tmp_path):
    service = configure(Settings(data_dir=tmp_path / "data", database_url=pg_url, workers=1,
                                 reconcile_seconds=3600), embedded=True)
    yield service
    service.queue.join()
    service.db.engine.dispose()


def _who(rt, role, unit=None, label=""):
    return authenticate(rt.db, create_token(rt.db, role, unit, label))


def _verdicts(rt, sid):
    with rt.db.session() as s:
        sub = s.get(Submission, sid)
        assert sub.status == "done", (sub.status, sub.error_message)
        return {c["code"]: (c["verdict"], c["supported_score"]) for c in sub.report["criteria"]}


def _round1(rt, tmp_path):
    """Both units submitted and checked; round 1's questions proposed from the findings."""
    admin = _who(rt, "admin", label="Trần Văn Quản")
    campaigns.create_campaign(rt, spec(dt.datetime.now(VN_TZ).date()), admin)
    subs = {u: schedule.submit(rt, submission(tmp_path / f"sub-{i}", u), display=u, unit=u, year=2024)
            for i, u in enumerate((A, B))}
    rt.queue.join()
    for u in (A, B):
        campaigns.propose_from_latest(rt, admin, CAMPAIGN, u)
    return admin, subs


def test_only_the_criterion_that_got_a_file_is_rechecked_and_proposed(rt, tmp_path):
    admin, subs = _round1(rt, tmp_path)
    v = _verdicts(rt, subs[A])
    assert v["1.1.1"] == ("REFUTED", 0.5) and v["1.2.1"] == ("REFUTED", 0)  # late plan; quý III report missing
    unit_a = _who(rt, "unit", A, "Nguyễn Văn A")
    q3 = tmp_path / "205-BC-STP.pdf"
    q3.write_bytes(q3_report())
    sha = schedule.submit_document(rt, q3)  # its content read before it is added: adding it costs nothing
    rt.queue.join()
    with rt.db.session() as s:
        reads = s.scalar(select(func.count()).select_from(JobRow).where(JobRow.sha256 == sha))
    campaigns.add_file(rt, unit_a, CAMPAIGN, A, "1.2.1", q3, q3.name)  # the service alone schedules nothing
    with rt.db.session() as s:
        ids = {u: campaigns._member(s, CAMPAIGN, u)[1].unit_id for u in (A, B)}
        due = rechecks.pending(s, CAMPAIGN, ids[A])
        assert set(due.touched) == {"1.2.1"} and not due.unread
        assert not rechecks.pending(s, CAMPAIGN, ids[B]).touched  # B added nothing

    assert rechecks.recheck(rt, CAMPAIGN, ids[A]) == ["1.2.1"]  # evaluated: that criterion, nothing else
    assert rechecks.recheck(rt, CAMPAIGN, ids[A]) == []  # nothing changed since
    assert rechecks.recheck(rt, CAMPAIGN, ids[B]) == []
    with rt.db.session() as s:
        [rc] = s.scalars(select(Recheck)).all()
        assert (rc.code, rc.verdict, rc.supported_score, rc.files, rc.unit_id) == ("1.2.1", "SUPPORTED", 1, 1, ids[A])
        proposal = s.get(RoundScore, rc.round_score_id)
        assert (proposal.round, proposal.source, proposal.state, proposal.score) == (2, "machine", "proposed", 1)
        assert proposal.note.startswith("Kiểm tra lại với tài liệu bổ sung: Khớp minh chứng (1 điểm)")
        assert s.scalar(select(func.count()).select_from(JobRow).where(JobRow.sha256 == sha)) == reads
        assert s.scalar(select(func.count()).select_from(RoundScore).where(RoundScore.round == 2)) == 1

    view = campaigns.unit_view(rt, admin, CAMPAIGN, A)
    by_code = {c["code"]: c for c in view["criteria"]}
    ch = by_code["1.2.1"]["changes"]
    assert ch["summary_vi"] == "Vòng 1: Không khớp (0) → Vòng 2: Khớp minh chứng (1) · thêm 1 tệp"
    assert ch["machine"]["round1"] == {"verdict": "REFUTED", "score": 0}
    assert (ch["machine"]["round2"]["verdict"], ch["machine"]["round2"]["score"], ch["machine"]["changed"]) == \
        ("SUPPORTED", 1, True)
    assert by_code["1.2.1"]["rounds"][2]["source"] == RoundSource.MACHINE
    assert by_code["1.1.1"]["recheck"] is None and by_code["1.1.1"]["changes"]["summary_vi"] == \
        "Vòng 1: Không khớp (0,5) · không bổ sung"

    # an explanation touches the criterion again; the appraiser's round 2, once recorded, is never displaced
    campaigns.add_explanation(rt, unit_a, CAMPAIGN, A, "1.2.1", "Bổ sung báo cáo quý III số 205/BC-STP")
    campaigns.lock(rt, unit_a, CAMPAIGN, A, "explanation")
    appraiser = _who(rt, "appraiser", label="Lê Thị Thẩm")
    campaigns.record_round(rt, appraiser, CAMPAIGN, A, 2, "1.2.1", score=0.5, note="Báo cáo quý III chưa đủ nội dung")
    assert rechecks.recheck(rt, CAMPAIGN, ids[A]) == ["1.2.1"]
    view = campaigns.unit_view(rt, admin, CAMPAIGN, A)
    c = next(c for c in view["criteria"] if c["code"] == "1.2.1")
    assert c["rounds"][2]["source"] == RoundSource.APPRAISER and c["rounds"][2]["score"] == 0.5
    assert c["changes"]["summary_vi"] == ("Vòng 1: Không khớp (0) → Vòng 2: Khớp minh chứng (1) · thêm 1 tệp, "
                                          "1 giải trình · Thẩm định: — → 0,5")
    with rt.db.session() as s:
        latest = s.scalars(select(Recheck).order_by(Recheck.id.desc())).first()
        assert latest.round_score_id is None and latest.explanations == 1
        assert [e.code for e in s.scalars(select(CampaignEvent).where(
            CampaignEvent.action == CampaignAction.RECHECKED))] == ["1.2.1", "1.2.1"]


def test_the_jobs_layer_rechecks_once_the_added_file_is_read(rt, tmp_path):
    """Through ``api.jobs.schedule.add_file`` (what REST and the web call): the file's reading is scheduled,
    and its end schedules the re-check; the same bytes again schedule neither."""
    admin, _subs = _round1(rt, tmp_path)
    unit_a = _who(rt, "unit", A, "Nguyễn Văn A")
    q3 = tmp_path / "205-BC-STP.pdf"
    q3.write_bytes(q3_report())
    row = schedule.add_file(rt, unit_a, CAMPAIGN, A, "1.2.1", q3, q3.name)
    rt.queue.join()
    with rt.db.session() as s:
        assert [(r.code, r.verdict) for r in s.scalars(select(Recheck))] == [("1.2.1", "SUPPORTED")]
        jobs = {(j.kind, j.status) for j in s.scalars(select(JobRow).where(JobRow.kind.in_(("ingest", "recheck"))))
                if j.sha256 == row.sha256 or j.kind == "recheck"}
        assert jobs == {("ingest", "finished"), ("recheck", "finished")}
        before = s.scalar(select(func.count()).select_from(JobRow))
    again = schedule.add_file(rt, unit_a, CAMPAIGN, A, "1.2.1", q3, q3.name)
    rt.queue.join()
    assert again.version == 2 and again.sha256 == row.sha256
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(JobRow)) == before  # no new reading, no new re-check
        assert s.scalar(select(func.count()).select_from(Recheck)) == 1


def test_a_refused_file_is_on_record_and_its_bytes_are_not_kept(rt, tmp_path):
    _round1(rt, tmp_path)
    unit_a = _who(rt, "unit", A, "Nguyễn Văn A")
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00" * 200)
    with rt.db.session() as s:
        blobs = s.scalar(select(func.count()).select_from(Blob))
    with pytest.raises(ServiceError) as e:
        schedule.add_file(rt, unit_a, CAMPAIGN, A, "1.2.1", broken, "hong.pdf")
    assert e.value.code.value == "CORRUPT_PDF"
    sha = hashlib.sha256(broken.read_bytes()).hexdigest()
    assert not rt.blobs.has(sha)  # nothing orphaned
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Blob)) == blobs
        [ev] = s.scalars(select(CampaignEvent).where(CampaignEvent.action == CampaignAction.FILE_REFUSED)).all()
        assert ev.code == "1.2.1" and ev.note.startswith("hong.pdf: ") and ev.by_label == "Nguyễn Văn A"
