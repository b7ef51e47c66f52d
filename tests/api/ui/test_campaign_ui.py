"""The appraisal rounds in the web interface (issue #14 item 4), in a real Chromium against a real server on
PostgreSQL with the in-process queue reading the example submission of unit A:

- unit A sees only its own campaign and unit page; unit B's page is a 404 page for A;
- an appraiser asks for kiemchung's proposed questions, confirms one and drops another;
- unit A writes an explanation and uploads a file on the questioned criterion (both listed, the file downloads
  as uploaded), then locks its explanation with a confirmation: the forms are gone, the page says why, and a
  POST made anyway is refused (409, the reason in Vietnamese on the page);
- the appraiser records round 2 once the explanation is locked;
- an admin imports survey scores (a file with a bad row is refused whole, the rows shown) and unlocks the step;
- axe-core finds no serious violation at 1440×900 and 390×844, and the main column never scrolls sideways at 390
  or 360 px.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pymupdf
from playwright.sync_api import Page
from sqlalchemy import func, select

from api.jobs.schedule import submit as create_submission
from api.service import campaigns
from api.service.tokens import authenticate, create_token
from models.campaign import CampaignSpec
from models.tables import SurveyScore
from tests.api.browser import signed_in_page
from tests.api.ui.test_layout import DESKTOP, PHONE, SMALL_PHONE, overflow, serious_axe
from tests.api.ui.test_web_e2e import server  # noqa: F401 (fixture)
from tests.conftest import EXAMPLE, ROOT
from verifier.messages import VN_TZ

A = "Sở Tư pháp tỉnh Đồng Nai"  # the example submission's unit
B = "Sở Y tế tỉnh Đồng Nai"
CID = "dong-nai-2024"
ARTIFACTS = ROOT / "tests" / "artifacts" / "campaigns"  # screenshots for review (not committed)
ASKED = "3.2.1"  # REFUTED in the example: kiemchung proposes a question


def _spec() -> CampaignSpec:
    """A campaign for the example's year whose explanation step is open now."""
    today, d = dt.datetime.now(VN_TZ).date(), dt.timedelta
    cal = {"self_assessment": (today - d(30), today - d(10)), "round1": (None, today - d(2)),
           "explanation": (None, today + d(5)), "round2": (None, today + d(20))}
    return CampaignSpec.model_validate({
        "id": CID, "year": 2024, "title": "Đánh giá Chỉ số CCHC năm 2024 (thử)",
        "calendar": {k: {"opens": o.isoformat() if o else None, "closes": c.isoformat()} for k, (o, c) in cal.items()},
        "groups": [{"code": "so_nganh", "title": "Sở, ban, ngành", "rubric": "par-reference", "units": [A, B]}]})


def _pdf(text: str) -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text)
    return doc.tobytes()


def _unit_url(base: str, unit: str) -> str:
    return f"{base}/ui/campaigns/{CID}/units/{quote(unit, safe='')}"


def _sign_in(browser, base: str, token: str, viewport: dict = DESKTOP) -> Page:
    return signed_in_page(browser, base, token, viewport, timeout=20_000)


def _card(page: Page, code: str):
    return page.locator(f'article.crit-card[data-code="{code}"]')


def test_a_round_in_the_browser(server, browser, tmp_path):  # noqa: F811 (fixture)
    svc, base = server
    tokens = {"admin": create_token(svc.db, "admin", label="Trần Văn Quản"),
              "appraiser": create_token(svc.db, "appraiser", label="Lê Thị Thẩm"),
              "a": create_token(svc.db, "unit", A, "Nguyễn Văn A"), "b": create_token(svc.db, "unit", B, "Phạm Thị B")}
    campaigns.create_campaign(svc, _spec(), authenticate(svc.db, tokens["admin"]))
    create_submission(svc, EXAMPLE, display="campaign-ui")
    svc.queue.join()

    # the appraiser: kiemchung's proposals, one confirmed, one dropped
    staff = _sign_in(browser, base, tokens["appraiser"])
    staff.click("header.top nav >> text=Đợt đánh giá")
    staff.wait_for_url(base + "/ui/campaigns")
    staff.click(f'#campaigns li[data-id="{CID}"] h2 a')
    assert staff.locator(f'tr[data-unit="{A}"]').count() == 1 and staff.locator(f'tr[data-unit="{B}"]').count() == 1
    staff.goto(_unit_url(base, A))
    staff.click("#propose")
    assert "Đã lấy đề xuất" in staff.inner_text("#done")
    staff.click('#filters a:has-text("Đề xuất chờ xác nhận")')
    proposed = staff.locator("article.crit-card").evaluate_all("els => els.map(e => e.dataset.code)")
    assert ASKED in proposed and len(proposed) >= 2, proposed
    assert "Đề xuất của kiemchung" in _card(staff, ASKED).inner_text()
    dropped = next(c for c in proposed if c != ASKED)
    _card(staff, ASKED).locator("button.confirm").click()
    assert "Đã xác nhận" in staff.inner_text("#done")
    _card(staff, dropped).locator("button.drop-q").click()
    assert "Đã bỏ đề xuất" in staff.inner_text("#done")
    staff.goto(_unit_url(base, A))
    assert "đã bị bỏ" in _card(staff, dropped).locator(".r1").inner_text()  # a dropped proposal is no score
    staff.goto(_unit_url(base, A) + "?state=yeu-cau")
    asked = staff.locator("article.crit-card").evaluate_all("els => els.map(e => e.dataset.code)")
    assert ASKED in asked and dropped not in asked
    # round 2 is refused while the unit can still explain: the reason beside the form
    card = _card(staff, ASKED)
    card.locator("details.camp-more summary").click()
    card.locator('select[name="round"]').select_option("2")
    card.locator('input[name="score"]').fill("1")
    card.locator("form.round-form button[type=submit]").click()
    assert "chốt giải trình" in _card(staff, ASKED).locator(".error").inner_text()

    # unit A: only its own campaign and unit; writes, uploads, locks
    unit = _sign_in(browser, base, tokens["a"])
    unit.goto(base + "/ui/campaigns")
    assert unit.locator("#campaigns li").count() == 1
    assert "còn 4 ngày" in unit.inner_text("#campaigns") or "còn 5 ngày" in unit.inner_text("#campaigns")
    unit.click("text=Mở kết quả của đơn vị")
    unit.wait_for_url(_unit_url(base, A))
    card = _card(unit, ASKED)
    assert card.locator('textarea[name="text"]').count() == 1
    assert _card(unit, dropped).locator("textarea").count() == 0  # not asked: nothing to answer
    card.locator('textarea[name="text"]').fill("Kế hoạch được trình ngày 25/01; bổ sung tờ trình số 12.")
    card.locator("text=Gửi giải trình").click()
    assert "Đã lưu giải trình" in unit.inner_text("#done")
    pdf = _pdf("To trinh so 12")
    _card(unit, ASKED).locator('input[type="file"]').set_input_files(
        {"name": "tờ trình.pdf", "mimeType": "application/pdf", "buffer": pdf})
    _card(unit, ASKED).locator("text=Tải lên").click()
    assert "Đã tải lên" in unit.inner_text("#done")
    card = _card(unit, ASKED)
    assert "bổ sung tờ trình số 12" in card.locator(".explanations").inner_text()
    link = card.locator(".files a").first
    assert link.inner_text() == "tờ trình.pdf"
    got = unit.request.get(base + link.get_attribute("href"))
    assert got.status == 200 and got.body() == pdf
    # a corrupt file is refused with its reason, in place
    _card(unit, ASKED).locator('input[type="file"]').set_input_files(
        {"name": "hong.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n" + b"\0" * 200})
    _card(unit, ASKED).locator("text=Tải lên").click()
    assert "hong.pdf" in _card(unit, ASKED).locator(".error").inner_text()

    # another unit's page: not found, nothing learned
    r = unit.goto(_unit_url(base, B))
    assert r.status == 404 and "Không tìm thấy" in unit.inner_text("main")
    unit.goto(_unit_url(base, A))
    csrf = unit.locator('meta[name="csrf-token"]').get_attribute("content")

    # lock with a confirmation
    unit.click("#chot-explanation summary")
    unit.check('#chot-explanation input[name="confirm"]')
    unit.click("#lock-explanation")
    assert "Đã chốt giải trình" in unit.inner_text("#done")
    assert unit.locator("textarea").count() == 0 and unit.locator('input[type="file"]').count() == 0
    msg = unit.inner_text('#steps li[data-step="explanation"]')
    assert "đã chốt lúc" in msg and "Nguyễn Văn A" in msg
    # a POST anyway: refused, 409, the reason on the page
    r = unit.request.post(f"{_unit_url(base, A)}/explanations/{ASKED}",
                          form={"csrf": csrf, "text": "sửa sau khi chốt"},
                          headers={"Accept": "text/html", "Origin": base})
    assert r.status == 409 and "đã chốt" in r.text()

    # round 2 now
    staff.goto(_unit_url(base, A))
    card = _card(staff, ASKED)
    card.locator("details.camp-more summary").click()
    card.locator('select[name="round"]').select_option("2")
    card.locator('input[name="score"]').fill("1,5")
    card.locator('textarea[name="note"]').fill("Đã xem tờ trình bổ sung")
    card.locator("form.round-form button[type=submit]").click()
    assert "Đã ghi kết quả" in staff.inner_text("#done")
    r2 = _card(staff, ASKED).locator(".r2").inner_text()
    assert "1,5" in r2 and "Đã xem tờ trình bổ sung" in r2 and "Lê Thị Thẩm" in r2

    # the admin: survey scores all or nothing, then an unlock
    admin = _sign_in(browser, base, tokens["admin"])
    admin.goto(f"{base}/ui/campaigns/{CID}")
    bad = tmp_path / "dtxhh-sai.csv"
    bad.write_text(f"Đơn vị,Mã,Điểm\n{A},DT1,30\nUBND xã Không Có,DT1,28\n{B},DT1,abc\n", encoding="utf-8")
    admin.set_input_files("#survey-file", str(bad))
    admin.click("#survey-form button[type=submit]")
    rows = admin.locator("#survey-error li").all_inner_texts()
    assert len(rows) == 2 and "dòng 3" in rows[0] and "dòng 4" in rows[1], rows
    with svc.db.session() as s:
        assert s.scalar(select(func.count()).select_from(SurveyScore)) == 0  # nothing half-imported
    good = tmp_path / "dtxhh.csv"
    good.write_text(f"Đơn vị,Mã,Điểm\n{A},DT1,\"30,5\"\n{B},DT1,28\n", encoding="utf-8")
    admin.set_input_files("#survey-file", str(good))
    admin.click("#survey-form button[type=submit]")
    assert "Đã nhập điểm" in admin.inner_text("#done")
    with svc.db.session() as s:
        assert s.scalar(select(func.count()).select_from(SurveyScore)) == 2
    admin.select_option("#unlock-unit", A)
    admin.select_option("#unlock-step", "explanation")
    admin.fill("#unlock-reason", "Đơn vị xin bổ sung quyết định số 45")
    admin.click("#unlock-form button[type=submit]")
    assert "Đã mở lại" in admin.inner_text("#done")
    row = admin.inner_text(f'tr[data-unit="{A}"]')
    assert "Đang mở" in row
    unit.goto(_unit_url(base, A))
    assert _card(unit, ASKED).locator("textarea").count() == 1  # open again until the admin's time
    assert "mở lại đến" in unit.inner_text('#steps li[data-step="explanation"]')
    for p in (staff, unit, admin):
        assert p.errors == []  # type: ignore[attr-defined]

    # accessibility and layout: every campaign screen as the admin and as the unit, at both widths
    screens = {"list": "/ui/campaigns", "campaign": f"/ui/campaigns/{CID}",
               "unit": f"/ui/campaigns/{CID}/units/{quote(A, safe='')}"}
    found, wide = {}, {}
    for who in ("admin", "a"):
        for vp in (DESKTOP, PHONE, SMALL_PHONE):
            page = _sign_in(browser, base, tokens[who], vp)
            for name, url in screens.items():
                page.goto(base + url)
                for d in page.locator("main details").all():  # the forms too
                    if d.is_visible():
                        d.evaluate("el => el.open = true")
                key = f"{who} {name} {vp['width']}"
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"{who}-{name}-{vp['width']}.png"), full_page=True)
                if vp is not SMALL_PHONE and (bad_axe := serious_axe(page)):
                    found[key] = bad_axe
                if vp is not DESKTOP and (bad_fit := overflow(page)):
                    wide[key] = bad_fit[:6]
            page.context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
    assert not wide, wide
