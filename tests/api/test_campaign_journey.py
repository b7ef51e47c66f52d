"""One appraisal campaign from the units' submissions to what the council receives (issue #14, "Done when"), on
a real PostgreSQL, a real RQ worker process on a real Redis, a real uvicorn server and Chromium:

1. a 2024 campaign with units A and B in one group on the example's criteria set, self-assessment open;
2. A and B submit through REST with their own unit tokens (B's sheet is the example's with its unit's name; its
   evidence files are A's, so reading them costs nothing) and the worker reads both to the end; A locks its
   self-assessment, an admin unlocks it with a reason, A locks it again;
3. round 1 (the calendar moved by a new version of the campaign's file): an appraiser in Chromium asks for
   kiemchung's questions on A, confirms two, drops one and records round-1 scores on three more; B's round 1
   goes through REST;
4. the explanation step opens: unit A in Chromium explains the quý III report it lacked, uploads it (a PDF built
   here) and locks its explanation; B does nothing and its step locks at the deadline (the worker's reconciler
   records it once the next version of the file puts the deadline in the past);
5. the worker reads A's new file and re-checks: only A's criterion gets a round-2 machine proposal, B gets none,
   and no file read before is read again (its read jobs are untouched);
6. round 2 in Chromium and through REST (refused while the explanations were open), then the calendar's last
   deadline passes: no step is current and every unit step is locked;
7. ``kiemchung campaign export``: the ranking and per-unit totals in the XLSX equal ``build_council``'s and the
   hand-computed ones, the DOCX has a "BẢNG CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH" table per unit, and
   LibreOffice headless converts both to PDF; the web council page ranks the same, its XLSX download and the
   REST route's DOCX hold the same ranking;
8. access: A's token reads nothing of B's (REST 404, web 404), writes nothing after its lock (409); the audit
   trail holds every lock, unlock and decision with who and when.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import httpx
import uvicorn
from docx import Document as DocxDocument
from openpyxl import load_workbook
from sqlalchemy import func, select

from api.jobs.runtime import configure
from api.server import create_app
from api.service import campaigns, council
from api.service.status import READ_JOBS
from api.service.tokens import authenticate, create_token
from models.campaign import CampaignSpec
from models.settings import Settings
from models.tables import Document, JobRow, Recheck, RoundScore
from tests.api.browser import browser  # noqa: F401 (fixture)
from tests.api.cli.test_check_example import EXPECTED
from tests.api.helpers import free_port, poll, zip_folder
from tests.api.jobs.test_workers import _env, _start_worker, _stop
from tests.api.rechecks_support import q3_report
from tests.api.ui.test_campaign_ui import _card, _sign_in
from tests.conftest import EXAMPLE
from tests.verifier.test_report_print import to_pdf
from verifier.messages import VN_TZ
from verifier.reports.council_table import TABLE_TITLE, rank_rows

A = "Sở Tư pháp tỉnh Đồng Nai"  # the example submission's unit
B = "Sở Y tế tỉnh Đồng Nai"
CID = "dong-nai-2024-hanh-trinh"
SHEET = "00-bang-tu-danh-gia-2024.xlsx"
ASKED = "1.2.1"  # REFUTED in the example (the quý III report 205/BC-STP is missing): A explains and adds it
PROPOSED = {code for code, (_c, _s, verdict, _f) in EXPECTED.items() if verdict.value != "SUPPORTED"}  # A's
MANUAL = {"3.1.1", "5.1.1"}  # MANUAL_REVIEW for A and B alike
NAMES = {"admin": "Trần Văn Quản", "appraiser": "Lê Thị Thẩm", "a": "Nguyễn Văn A", "b": "Phạm Thị B"}


# --------------------------------------------------------------------------- the campaign file, version by version


def _spec(phase: str) -> CampaignSpec:
    """The campaign's file as the province re-issues it: ``phase`` is the step open today (``closed``: all over)."""
    t, d = dt.datetime.now(VN_TZ).date(), dt.timedelta
    closes = {  # self_assessment, round1, explanation, round2: each step's last day
        "self_assessment": (t + d(10), t + d(20), t + d(30), t + d(40)),
        "round1": (t - d(10), t + d(5), t + d(15), t + d(25)),
        "explanation": (t - d(20), t - d(2), t + d(5), t + d(20)),
        "round2": (t - d(20), t - d(5), t - d(1), t + d(20)),
        "closed": (t - d(30), t - d(20), t - d(10), t - d(1)),
    }[phase]
    steps = ("self_assessment", "round1", "explanation", "round2")
    cal = {step: {"opens": (t - d(40)).isoformat() if step == "self_assessment" else None,
                  "closes": day.isoformat()} for step, day in zip(steps, closes, strict=True)}
    return CampaignSpec.model_validate({
        "id": CID, "year": 2024, "title": "Đánh giá Chỉ số CCHC năm 2024 (kiểm thử trọn vòng)", "calendar": cal,
        "groups": [{"code": "so_nganh", "title": "Sở, ban, ngành", "rubric": "par-reference", "units": [A, B]}]})


def _zip_for(unit: str) -> bytes:
    """The example submission as ``unit`` sends it: the sheet names the unit, the evidence files are the example's."""
    if unit == A:
        return zip_folder(EXAMPLE)
    wb = load_workbook(EXAMPLE / SHEET)
    ws = wb["TuDanhGia"]
    assert ws["A4"].value == f"Đơn vị: {A}"
    ws["A4"] = f"Đơn vị: {unit}"
    buf = io.BytesIO()
    wb.save(buf)
    return zip_folder(EXAMPLE, replace={SHEET: buf.getvalue()})


# --------------------------------------------------------------------------- what the database says (read only)


def _read_jobs(svc) -> dict[str, tuple[str | None, int, dt.datetime | None, str]]:
    """Every job that reads a file: key → (content, attempts, finished at, status)."""
    with svc.db.session() as s:
        return {j.key: (j.sha256, j.attempts, j.finished_at, j.status)
                for j in s.scalars(select(JobRow).where(JobRow.kind.in_(READ_JOBS)))}


def _rechecks(svc) -> list[tuple[int, str, str, float | None, int]]:
    """The re-checks so far: (unit id, criterion, verdict, supported score, additional files read)."""
    with svc.db.session() as s:
        return [(r.unit_id, r.code, r.verdict, r.supported_score, r.files)
                for r in s.scalars(select(Recheck).order_by(Recheck.id))]


def _recheck_jobs(svc) -> list[str]:
    with svc.db.session() as s:
        return list(s.scalars(select(JobRow.status).where(JobRow.kind == "recheck")))


def _refused(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, (r.status_code, r.text)
    err = r.json()["error"]
    assert err["code"] == code and err["message_vi"], err


def _unit_ids(svc) -> dict[str, int]:
    with svc.db.session() as s:
        return {u: campaigns._member(s, CID, u)[1].unit_id for u in (A, B)}


def _unit_url(base: str, unit: str) -> str:
    return f"{base}/ui/campaigns/{CID}/units/{quote(unit, safe='')}"


def _rest_unit(unit: str) -> str:
    return f"/campaigns/{CID}/units/{quote(unit, safe='')}"


def _served(svc):
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(svc, reconcile_in_background=False), host="127.0.0.1", port=port,
                                        log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, name="uvicorn-journey", daemon=True)
    thread.start()
    poll(lambda: srv.started, until=bool, timeout=30, every=0.05)
    return srv, thread, f"http://127.0.0.1:{port}"


def _export(tmp_path: Path, pg_url: str, token: str) -> dict[str, Path]:
    """``kiemchung campaign export`` in its own process, as an appraiser: the files it printed, by extension."""
    env = dict(os.environ, KIEMCHUNG_DATA_DIR=str(tmp_path / "cli"), KIEMCHUNG_DATABASE_URL=pg_url,
               KIEMCHUNG_TOKEN=token, COLUMNS="200")
    proc = subprocess.run([sys.executable, "-m", "api", "campaign", "export", CID, "--out", str(tmp_path / "hoi-dong"),
                           "--format", "xlsx,docx,json"], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    return {Path(p).suffix[1:]: Path(p) for p in proc.stdout.split()}


# --------------------------------------------------------------------------- the journey


def test_a_campaign_from_submissions_to_the_council(pg_url, redis_url, tmp_path, browser):  # noqa: F811 (fixture)
    data = tmp_path / "data"
    # the worker's reconciler runs every 2 s (it records the deadline locks); a started job is given a minute
    # of silence before it counts as abandoned, so a busy machine does not read a file twice
    env = dict(_env(pg_url, redis_url, data), KIEMCHUNG_JOB_STALE_SECONDS="120")
    svc = configure(Settings(data_dir=data, database_url=pg_url, redis_url=redis_url, reconcile_seconds=3600,
                             job_stale_seconds=120))
    worker = _start_worker(env, tmp_path / "worker.log")
    srv, thread, base = _served(svc)
    try:
        _journey(svc, base, browser, tmp_path, pg_url)
    finally:
        srv.should_exit = True
        thread.join(10)
        _stop(worker)


def _journey(svc, base: str, browser, tmp_path: Path, pg_url: str) -> None:  # noqa: F811 (fixture)
    # 1. the campaign, self-assessment open
    tokens = {"admin": create_token(svc.db, "admin", label=NAMES["admin"]),
              "appraiser": create_token(svc.db, "appraiser", label=NAMES["appraiser"])}
    campaigns.create_campaign(svc, _spec("self_assessment"), authenticate(svc.db, tokens["admin"]))
    tokens |= {"a": create_token(svc.db, "unit", A, NAMES["a"]), "b": create_token(svc.db, "unit", B, NAMES["b"])}
    rest = {who: httpx.Client(base_url=base, timeout=120, headers={"Authorization": f"Bearer {t}"})
            for who, t in tokens.items()}
    assert rest["a"].get(f"/campaigns/{CID}").json()["step"] == "self_assessment"

    # 2. both units submit with their own tokens; the worker reads both to the end
    sids, reports = {}, {}
    for who, unit in (("a", A), ("b", B)):
        r = rest[who].post("/submissions", files={"files": (f"ho-so-{who}.zip", _zip_for(unit), "application/zip")})
        assert r.status_code == 202, r.text
        sids[who] = r.json()["id"]
    for who in ("a", "b"):
        done = poll(lambda w=who: rest[w].get(f"/submissions/{sids[w]}").json(),
                    until=lambda j: j["status"] in ("done", "failed"), timeout=900, every=1)
        assert done["status"] == "done", done
        reports[who] = rest[who].get(f"/submissions/{sids[who]}/report").json()
        assert reports[who]["unit"] == (A if who == "a" else B)
    assert {c["code"]: c["verdict"] for c in reports["a"]["criteria"]} == \
        {code: v[2].value for code, v in EXPECTED.items()}
    # B sent Sở Tư pháp's documents as its own: kiemchung says whose they are, and supports nothing but the two
    # criteria a person must look at
    b_found = {c["code"]: c for c in reports["b"]["criteria"]}
    assert set(b_found) == set(EXPECTED)
    assert {code for code, c in b_found.items() if c["verdict"] == "MANUAL_REVIEW"} == MANUAL
    assert all(c["verdict"] in ("REFUTED", "NOT_ENOUGH_EVIDENCE") and not c["supported_score"]
               for code, c in b_found.items() if code not in MANUAL), b_found
    assert "WRONG_ISSUER" in {f["code"] for f in b_found["3.2.1"]["findings"]}
    read_before = _read_jobs(svc)
    with svc.db.session() as s:
        docs = s.scalar(select(func.count()).select_from(Document))
    assert docs == 7  # B's seven files are A's seven contents: read once, for both
    assert len({sha for sha, *_ in read_before.values()}) == 7
    assert all(status == "finished" for *_x, status in read_before.values())

    # A locks its self-assessment; an admin opens it again with a reason; A locks it again
    lock_a = f"{_rest_unit(A)}/steps/self_assessment/lock"
    assert rest["a"].post(lock_a, json={"note": "Đơn vị chốt điểm tự chấm"}).json()["locked"] is True
    r = rest["a"].post(lock_a, json={})
    _refused(r, 409, "STEP_LOCKED")
    until = (dt.datetime.now(VN_TZ) + dt.timedelta(hours=2)).replace(microsecond=0)
    r = rest["admin"].post(f"{_rest_unit(A)}/steps/self_assessment/unlock",
                           json={"until": until.isoformat(), "reason": "Đơn vị xin sửa điểm tiêu chí 1.1.2"})
    assert r.status_code == 200 and r.json()["locked"] is False, r.text
    assert rest["a"].post(lock_a, json={}).json()["locked"] is True

    # 3. round 1: the calendar moves on (a new version of the campaign's file)
    campaigns.create_campaign(svc, _spec("round1"), authenticate(svc.db, tokens["admin"]))
    assert rest["admin"].get(f"/campaigns/{CID}").json()["step"] == "round1"
    r = rest["a"].post(f"{_rest_unit(A)}/criteria/{ASKED}/explanations", json={"text": "sớm quá"})
    _refused(r, 409, "STEP_NOT_OPEN")  # not open yet
    # the appraiser in Chromium, on A: kiemchung's proposals, two confirmed, one dropped, three scored by hand
    staff = _sign_in(browser, base, tokens["appraiser"])
    staff.goto(_unit_url(base, A))
    staff.click("#propose")
    assert "Đã lấy đề xuất" in staff.inner_text("#done")
    staff.click('#filters a:has-text("Đề xuất chờ xác nhận")')
    proposed = staff.locator("article.crit-card").evaluate_all("els => els.map(e => e.dataset.code)")
    assert set(proposed) == PROPOSED, proposed
    for code in (ASKED, "3.2.1"):
        _card(staff, code).locator("button.confirm").click()
        assert "Đã xác nhận" in staff.inner_text("#done")
    _card(staff, "3.1.1").locator("button.drop-q").click()
    assert "Đã bỏ đề xuất" in staff.inner_text("#done")
    staff.goto(_unit_url(base, A))
    round1 = {"1.1.1": ("0,5", "Kế hoạch ban hành ngày 20/02/2024, sau hạn 31/01/2024"),
              "1.3.1": ("0", "Kế hoạch kiểm tra là của năm 2023"),
              "5.1.1": ("1", "Đã xem báo cáo vị trí việc làm số 150/BC-STP")}
    for code, (score, note) in round1.items():
        card = _card(staff, code)
        card.locator("details.camp-more summary").click()
        card.locator('select[name="round"]').select_option("1")
        card.locator('input[name="score"]').fill(score)
        card.locator('textarea[name="note"]').fill(note)
        card.locator("form.round-form button[type=submit]").click()
        assert "Đã ghi kết quả" in staff.inner_text("#done")
        r1 = _card(staff, code).locator(".r1").inner_text()
        assert score in r1 and note in r1 and NAMES["appraiser"] in r1, r1
    staff.goto(_unit_url(base, A) + "?state=yeu-cau")
    asked = staff.locator("article.crit-card").evaluate_all("els => els.map(e => e.dataset.code)")
    assert sorted(asked) == [ASKED, "3.2.1"], asked
    # B's round 1 through REST: every criterion proposed; confirmed where kiemchung found against it (score 0),
    # dropped where a person must look (the self-score stands)
    r = rest["appraiser"].post(f"{_rest_unit(B)}/propose")
    assert r.status_code == 200 and r.json() == {"submission": sids["b"], "proposed": len(EXPECTED)}, r.text
    for code, action in sorted((code, "drop" if code in MANUAL else "confirm") for code in EXPECTED):
        r = rest["appraiser"].post(f"{_rest_unit(B)}/questions/{code}", json={"action": action})
        assert r.status_code == 200 and r.json()["state"] == ("confirmed" if action == "confirm" else "dropped")
    r = rest["appraiser"].post(f"{_rest_unit(B)}/questions/3.1.1", json={"action": "confirm"})
    _refused(r, 422, "ACTION_INVALID")  # decided once
    r = rest["appraiser"].post(f"{_rest_unit(A)}/rounds/2/criteria/{ASKED}", json={"score": 1})
    _refused(r, 409, "STEP_NOT_OPEN")  # round 2 waits for the explanations

    # 4. the explanation step opens; unit A in Chromium explains, adds the missing report and locks
    campaigns.create_campaign(svc, _spec("explanation"), authenticate(svc.db, tokens["admin"]))
    unit = _sign_in(browser, base, tokens["a"])
    unit.goto(_unit_url(base, A))
    assert _card(unit, "1.1.1").locator("textarea").count() == 0  # scored, not questioned: nothing to answer
    card = _card(unit, ASKED)
    explanation = "Báo cáo quý III số 205/BC-STP ngày 12/9/2024 đã gửi đúng hạn; nay bổ sung bản chụp."
    card.locator('textarea[name="text"]').fill(explanation)
    card.locator("text=Gửi giải trình").click()
    assert "Đã lưu giải trình" in unit.inner_text("#done")
    pdf = q3_report()
    _card(unit, ASKED).locator('input[type="file"]').set_input_files(
        {"name": "205-BC-STP quý III.pdf", "mimeType": "application/pdf", "buffer": pdf})
    _card(unit, ASKED).locator("text=Tải lên").click()
    assert "Đã tải lên" in unit.inner_text("#done")
    link = _card(unit, ASKED).locator(".files a").first
    assert link.inner_text() == "205-BC-STP quý III.pdf"
    file_href = link.get_attribute("href")
    fetched = unit.request.get(base + file_href)
    assert fetched.status == 200 and fetched.body() == pdf
    csrf = unit.locator('meta[name="csrf-token"]').get_attribute("content")
    unit.click("#chot-explanation summary")
    unit.check('#chot-explanation input[name="confirm"]')
    unit.click("#lock-explanation")
    assert "Đã chốt giải trình" in unit.inner_text("#done")
    assert unit.locator("textarea").count() == 0 and unit.locator('input[type="file"]').count() == 0
    assert NAMES["a"] in unit.inner_text('#steps li[data-step="explanation"]')

    # 5. the worker reads A's file, then re-checks the one criterion it was added for
    ids = _unit_ids(svc)
    rechecked = poll(lambda: _rechecks(svc), until=lambda rows: any(n for *_x, n in rows), timeout=600, every=1)
    poll(lambda: _recheck_jobs(svc), until=lambda st: bool(st) and set(st) == {"finished"}, timeout=300)
    rows = _rechecks(svc)
    assert {(unit_id, code) for unit_id, code, *_x in rows} == {(ids[A], ASKED)}, rows  # A's criterion only
    assert rows[-1][2:] == ("SUPPORTED", 1, 1), rechecked  # the quý III report found: all four reports
    with svc.db.session() as s:
        round2 = s.scalars(select(RoundScore).where(RoundScore.round == 2).order_by(RoundScore.id)).all()
        assert [(x.unit_id, x.code, x.source, x.state, x.score) for x in round2][-1:] == \
            [(ids[A], ASKED, "machine", "proposed", 1)]
        assert {(x.unit_id, x.code) for x in round2} == {(ids[A], ASKED)}  # B: no round-2 proposal at all
    view = rest["appraiser"].get(_rest_unit(A)).json()
    crit = {c["code"]: c for c in view["criteria"]}
    sha = crit[ASKED]["files"][0]["sha256"]
    read_after = _read_jobs(svc)
    assert {k: v for k, v in read_after.items() if k in read_before} == read_before  # nothing read again
    new = {k: v for k, v in read_after.items() if k not in read_before}
    assert new and {v[0] for v in new.values()} == {sha}  # the one new content, read once
    assert sum(1 for k in new if k.startswith(f"ingest:{sha}:")) == 1 and all(v[3] == "finished" for v in new.values())
    assert crit[ASKED]["recheck"]["verdict"] == "SUPPORTED" and crit[ASKED]["rounds"]["2"]["source"] == "machine"
    assert crit[ASKED]["changes"]["summary_vi"].startswith("Vòng 1: Không khớp (0) → Vòng 2: Khớp minh chứng (1)")
    assert all(crit[c]["recheck"] is None for c in crit if c != ASKED)
    assert all(not c["rounds"].get("2") for c in rest["appraiser"].get(_rest_unit(B)).json()["criteria"])

    # 8 (while the steps are as they are). access: A reads nothing of B's, B nothing of A's, nobody writes
    # after a lock
    a_file = f"{_rest_unit(A)}/criteria/{ASKED}/files/{crit[ASKED]['files'][0]['id']}"
    assert rest["a"].get(a_file).content == pdf
    for who, url in (("a", _rest_unit(B)), ("a", f"/campaigns/{CID}/events?unit={quote(B)}"),
                     ("a", a_file.replace(quote(A, safe=""), quote(B, safe=""))), ("b", _rest_unit(A)), ("b", a_file)):
        r = rest[who].get(url)
        assert r.status_code == 404, (who, url, r.status_code)
        assert A not in r.text if who == "b" else B not in r.text
    for who, other_sid in (("a", sids["b"]), ("b", sids["a"])):  # the submissions' own rule: 403, nothing shown
        for url in (f"/submissions/{other_sid}", f"/submissions/{other_sid}/report"):
            r = rest[who].get(url)
            assert r.status_code == 403 and "criteria" not in r.text, (who, url, r.status_code)
    assert rest["a"].get(f"/campaigns/{CID}/council?format=xlsx").status_code == 403
    r = rest["a"].post(f"{_rest_unit(A)}/criteria/{ASKED}/explanations", json={"text": "sửa sau khi chốt"})
    _refused(r, 409, "STEP_LOCKED")
    r = rest["a"].post(f"{_rest_unit(A)}/criteria/{ASKED}/files",
                       files={"file": ("them.pdf", q3_report(), "application/pdf")})
    _refused(r, 409, "STEP_LOCKED")
    r = rest["a"].post(f"{_rest_unit(A)}/steps/explanation/lock", json={})
    _refused(r, 409, "STEP_LOCKED")
    r = rest["a"].post(f"{_rest_unit(B)}/criteria/{ASKED}/explanations", json={"text": "thay đơn vị khác"})
    assert r.status_code == 404
    page = unit.goto(_unit_url(base, B))
    assert page.status == 404 and "Không tìm thấy" in unit.inner_text("main") and "Y tế" not in unit.inner_text("main")
    r = unit.request.post(f"{_unit_url(base, A)}/explanations/{ASKED}", form={"csrf": csrf, "text": "sửa sau khi chốt"},
                          headers={"Accept": "text/html", "Origin": base})
    assert r.status == 409 and "đã chốt" in r.text()
    other = _sign_in(browser, base, tokens["b"])
    assert other.request.get(base + file_href).status == 404  # A's file, asked for by B
    page = other.goto(_unit_url(base, A))
    assert page.status == 404 and "Tư pháp" not in other.inner_text("main")
    assert _rechecks(svc) == rows  # the refused writes changed nothing

    # B never answered: the deadline passes (the next version of the file) and the worker's reconciler locks it
    campaigns.create_campaign(svc, _spec("round2"), authenticate(svc.db, tokens["admin"]))

    def b_explanation_locks():
        return [e for e in rest["admin"].get(f"/campaigns/{CID}/events", params={"unit": B}).json()
                if e["action"] == "auto_lock" and e["step"] == "explanation"]

    [auto] = poll(b_explanation_locks, until=bool, timeout=120, every=1)
    assert auto["by"] == "hệ thống" and auto["role"] == "" and auto["at"]
    b_steps = {x["step"]: x for x in rest["b"].get(_rest_unit(B)).json()["steps"]}
    assert b_steps["explanation"]["locked"] is True and b_steps["explanation"]["lock_reason"] == "deadline"

    # 6. round 2: A in Chromium, B through REST; then the round-2 deadline passes
    staff.goto(_unit_url(base, A))
    asked = _card(staff, ASKED)  # the appraiser sees the re-check and what changed between the rounds
    assert "Khớp minh chứng" in asked.locator(".recheck").inner_text()
    assert asked.locator(".changes").inner_text().startswith("Vòng 1: Không khớp (0) → Vòng 2: Khớp minh chứng (1)")
    for code, score, note in ((ASKED, "1", "Đã xem báo cáo quý III bổ sung"), ("3.2.1", "1", "Giữ kết quả lần 1")):
        card = _card(staff, code)
        card.locator("details.camp-more summary").click()
        assert card.locator('select[name="round"]').input_value() == "2"
        card.locator('input[name="score"]').fill(score)
        card.locator('textarea[name="note"]').fill(note)
        card.locator("form.round-form button[type=submit]").click()
        assert "Đã ghi kết quả" in staff.inner_text("#done")
        r2 = _card(staff, code).locator(".r2").inner_text()
        assert note in r2 and NAMES["appraiser"] in r2, r2
    for code, score, note in ((ASKED, 0, "Không giải trình, không bổ sung báo cáo quý III"),
                              ("3.2.1", 0, "Minh chứng do Sở Tư pháp ban hành, không phải của đơn vị")):
        r = rest["appraiser"].post(f"{_rest_unit(B)}/rounds/2/criteria/{code}", json={"score": score, "note": note})
        assert r.status_code == 201 and r.json()["by"] == NAMES["appraiser"], r.text
    campaigns.create_campaign(svc, _spec("closed"), authenticate(svc.db, tokens["admin"]))
    assert rest["admin"].get(f"/campaigns/{CID}").json()["step"] is None  # every step over, every unit step locked
    r = rest["appraiser"].post(f"{_rest_unit(B)}/rounds/2/criteria/{ASKED}", json={"score": 1, "note": "muộn"})
    _refused(r, 409, "STEP_LOCKED")  # round 2 is over: the results are locked
    staff.goto(_unit_url(base, A))
    assert "kết quả đã khoá" in staff.inner_text("#results-locked") and staff.locator("form.round-form").count() == 0
    for who, unit_name in (("a", A), ("b", B)):
        steps = {x["step"]: x for x in rest[who].get(_rest_unit(unit_name)).json()["steps"]}
        assert steps["self_assessment"]["locked"] and steps["explanation"]["locked"], steps

    # 7. what the council receives, exported by the CLI and read back
    files = _export(tmp_path, pg_url, tokens["appraiser"])
    export = council.build_council(svc, authenticate(svc.db, tokens["appraiser"]), CID)
    [group] = export.groups
    by_unit = {u.unit: u for u in group.units}
    # hand-computed (final = round 2 → round 1 → self-score; a dropped proposal leaves the self-score):
    # A 1.1.1 0,5 + 1.1.2 2 + 1.2.1 1 (round 2) + 1.3.1 0 + 1.3.2 1 + 3.1.1 1 + 3.2.1 1 + 3.2.2 1 + 5.1.1 1 + 7.1.1 1
    # + 7.1.2 1 = 10,5 of 13; B 0 on the nine it was refused on, 1 + 1 on the two dropped → 2
    assert [(u.unit, u.self_total, u.total, u.attainable, u.rank) for u in group.units] == \
        [(A, 13, 10.5, 13, 1), (B, 13, 2, 13, 2)]
    assert by_unit[A].index == round(100 * 10.5 / 13, 2) and by_unit[B].index == round(100 * 2 / 13, 2)
    assert by_unit[A].unconfirmed == [] and by_unit[B].unconfirmed == []
    assert [(e.unit, e.rank) for e in group.ranking.overall] == [(A, 1), (B, 2)]
    assert json.loads(files["json"].read_text(encoding="utf-8"))["groups"][0]["units"][0]["total"] == 10.5

    wb = load_workbook(files["xlsx"])
    ws = wb["Xếp hạng so_nganh"]
    head = next(c for row in ws.iter_rows() for c in row if c.value == "Hạng")
    got = [[c.value for c in r][:11] for r in ws.iter_rows(min_row=head.row + 1, max_row=head.row + 2)]
    assert got == [[None if v == "" else v for v in row] for row in rank_rows(group)]  # an empty cell: no band
    assert [(r[0], r[1], r[7]) for r in got] == [(1, A, 10.5), (2, B, 2)]
    sheets = {u: next(wb[n] for n in wb.sheetnames if n.endswith(f" {u}")) for u in (A, B)}
    for u, sheet in sheets.items():
        assert sheet["A1"].value == TABLE_TITLE
        table_head = next(c for row in sheet.iter_rows() for c in row if c.value == "STT")
        values = [[c.value for c in row] for row in sheet.iter_rows(min_row=table_head.row + 1)]
        totals = {r[2]: r for r in values if not r[1] and r[2]}
        assert totals["TỔNG ĐIỂM"][12] == by_unit[u].total
        items = {r[1]: r for r in values if r[1]}
        assert items[ASKED][8] == (1 if u == A else 0)  # round 2
        if u == A:
            assert explanation in items[ASKED][7] and "205-BC-STP quý III.pdf" in items[ASKED][7]

    doc = DocxDocument(str(files["docx"]))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert text.count(TABLE_TITLE) == 2 and A in text and B in text
    ranking = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert ranking[0][:2] == ["Hạng", "Đơn vị"] and [(r[0], r[1], r[7]) for r in ranking[1:]] == \
        [("1", A, "10,5"), ("2", B, "2")]
    for path in (files["xlsx"], files["docx"]):
        pdf_doc = to_pdf(path, tmp_path / path.suffix[1:])
        printed = "".join(pg.get_text() for pg in pdf_doc)
        assert pdf_doc.page_count >= 2 and TABLE_TITLE in printed and "10,5" in printed, path

    # the same over the web: the appraiser's council page and its XLSX, the REST route's DOCX; never for a unit
    staff.goto(f"{base}/ui/campaigns/{CID}")
    staff.click("#council-page")
    staff.wait_for_url(f"{base}/ui/campaigns/{CID}/council")
    ranked = staff.locator('section.council-group[data-group="so_nganh"] table.council-rank tbody tr')
    assert ranked.evaluate_all("rs => rs.map(r => r.dataset.unit)") == [A, B]
    assert "10,5" in ranked.first.inner_text()
    with staff.expect_download() as download:
        staff.click('#council-files a[data-format="xlsx"]')
    web_ws = load_workbook(io.BytesIO(download.value.path().read_bytes()))["Xếp hạng so_nganh"]
    web_head = next(c for row in web_ws.iter_rows() for c in row if c.value == "Hạng")
    assert [[c.value for c in r][:11] for r in web_ws.iter_rows(min_row=web_head.row + 1, max_row=web_head.row + 2)] \
        == got
    r = rest["appraiser"].get(f"/campaigns/{CID}/council", params={"format": "docx"})
    assert r.status_code == 200
    rest_doc = DocxDocument(io.BytesIO(r.content))
    assert [[c.text for c in row.cells] for row in rest_doc.tables[0].rows] == ranking
    page = unit.goto(f"{base}/ui/campaigns/{CID}/council")
    assert page.status == 403 and "10,5" not in unit.inner_text("main")

    for p in (staff, unit, other):
        assert p.errors == []  # type: ignore[attr-defined]

    # 8. the audit trail: every lock, unlock and decision, with who and when
    trail = rest["admin"].get(f"/campaigns/{CID}/events").json()
    assert all(e["at"] and e["by"] for e in trail)

    def picked(unit_name, step, *actions):
        return [(e["action"], e["by"], e["role"]) for e in trail
                if e["unit"] == unit_name and e["step"] == step and e["action"] in actions]

    locks = ("lock", "unlock", "auto_lock")
    assert picked(A, "self_assessment", *locks) == [("lock", NAMES["a"], "unit"), ("unlock", NAMES["admin"], "admin"),
                                                    ("lock", NAMES["a"], "unit")]
    unlock_event = next(e for e in trail if e["action"] == "unlock")
    assert unlock_event["until"] and "1.1.2" in unlock_event["note"]
    assert picked(A, "explanation", *locks) == [("lock", NAMES["a"], "unit")]
    assert picked(B, "self_assessment", *locks) == [("auto_lock", "hệ thống", "")]
    assert picked(B, "explanation", *locks) == [("auto_lock", "hệ thống", "")]
    decided = {(e["unit"], e["step"], e["code"]) for e in trail
               if e["action"] == "round_score" and e["by"] == NAMES["appraiser"] and e["role"] == "appraiser"}
    assert {(A, "round1", c) for c in (ASKED, "3.2.1", "3.1.1", *round1)} | {(A, "round2", ASKED), (A, "round2", "3.2.1")} \
        | {(B, "round1", c) for c in EXPECTED} | {(B, "round2", ASKED), (B, "round2", "3.2.1")} == decided
    assert picked(A, "round1", "proposed") == [("proposed", NAMES["appraiser"], "appraiser")]
    assert [e["code"] for e in trail if e["action"] == "explanation"] == [ASKED]
    assert [(e["unit"], e["code"]) for e in trail if e["action"] == "file_added"] == [(A, ASKED)]
    assert {e["unit"] for e in trail if e["action"] == "rechecked"} == {A}
    own = rest["a"].get(f"/campaigns/{CID}/events").json()
    assert own and {e["unit"] for e in own} == {A}  # a unit reads its own trail only
    for c in rest.values():
        c.close()
