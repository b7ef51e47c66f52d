"""An admin manages a campaign's calendar and unit groups in the web interface (issue #14 item 4), in a real
Chromium against a real server on PostgreSQL:

- the admin uploads the campaign file on the campaigns page (a file that does not load is refused in place,
  the reason in Vietnamese), then moves a step's closing date in the calendar form: the page shows the new
  deadline, the downloadable file carries it, and the audit trail names the admin; a calendar out of order is
  refused in place, the dates sent kept in the form;
- an appraiser sees none of the forms, and a POST made anyway is a 403 page;
- axe-core finds no serious violation on the admin's screens at 1440×900 and 390×844.
"""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page

from api.service import campaigns
from api.service.tokens import authenticate, create_token
from models.campaign import CampaignSpec
from tests.api.browser import signed_in_page
from tests.api.service.test_campaigns import _spec as campaign_spec
from tests.api.ui.test_layout import DESKTOP, PHONE, overflow, serious_axe
from tests.api.ui.test_web_e2e import server  # noqa: F401 (fixture)
from tests.conftest import ROOT
from verifier.messages import VN_TZ, deadline_time

A = "Sở Tư pháp tỉnh Đồng Nai"
B = "Sở Y tế tỉnh Đồng Nai"
CID = "dong-nai-2024"
ARTIFACTS = ROOT / "tests" / "artifacts" / "campaigns"  # screenshots for review (not committed)


def _spec() -> CampaignSpec:
    return campaign_spec(dt.datetime.now(VN_TZ).date(), step="self_assessment", campaign_id=CID, year=2024)


def _sign_in(browser, base: str, token: str, viewport: dict = DESKTOP) -> Page:
    return signed_in_page(browser, base, token, viewport, timeout=20_000)


def _deadline(day: dt.date) -> str:
    """How the page shows a step closing on ``day``: the end of that day, Vietnam time."""
    assert deadline_time(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), VN_TZ)) == \
        f"hết ngày {day:%d/%m/%Y}"
    return f"hết ngày {day:%d/%m/%Y}"


def test_an_admin_manages_the_calendar_and_groups_in_the_browser(server, browser, tmp_path):  # noqa: F811
    svc, base = server
    tokens = {"admin": create_token(svc.db, "admin", label="Trần Văn Quản"),
              "appraiser": create_token(svc.db, "appraiser", label="Lê Thị Thẩm")}
    spec = _spec()

    # the admin: a file that does not load is refused in place; the good one creates the campaign
    admin = _sign_in(browser, base, tokens["admin"])
    admin.goto(base + "/ui/campaigns")
    bad = tmp_path / "sai.yaml"
    bad.write_text(campaigns.dump_spec(spec).replace("code: so_nganh", "code: Sở Ngành"), encoding="utf-8")
    admin.set_input_files("#campaign-file", str(bad))
    admin.click("#campaign-file-form button[type=submit]")
    msg = admin.inner_text("#campaign-file-error")
    assert "sai.yaml" in msg and "groups.0.code" in msg and "chữ thường" in msg, msg
    good = tmp_path / "dot-2024.yaml"
    good.write_text(campaigns.dump_spec(spec), encoding="utf-8")
    admin.set_input_files("#campaign-file", str(good))
    admin.click("#campaign-file-form button[type=submit]")
    admin.wait_for_url(f"{base}/ui/campaigns/{CID}?ok=campaign")
    assert "Đã lưu đợt đánh giá" in admin.inner_text("#done")
    assert admin.locator(f'tr[data-unit="{A}"]').count() == 1

    # the calendar form, prefilled; round 1 closes three days later
    old = spec.calendar["round1"].closes
    assert admin.input_value("#closes-round1") == old.isoformat() and admin.input_value("#opens-round1") == ""
    assert admin.input_value("#opens-self_assessment") == spec.calendar["self_assessment"].opens.isoformat()
    moved = old + dt.timedelta(days=3)
    admin.fill("#closes-round1", moved.isoformat())
    admin.click("#calendar-form button[type=submit]")
    assert "Đã lưu lịch" in admin.inner_text("#done")
    row = admin.locator("#calendar tbody tr").nth(1).inner_text()
    assert "Thẩm định lần 1" in row and _deadline(moved) in row and _deadline(old) not in row, row
    assert admin.input_value("#closes-round1") == moved.isoformat()
    # out of order: refused in place, the dates as sent kept
    admin.fill("#closes-round2", (moved - dt.timedelta(days=1)).isoformat())
    admin.click("#calendar-form button[type=submit]")
    assert "Thẩm định lần 2" in admin.inner_text("#calendar-error")
    assert admin.input_value("#closes-round2") == (moved - dt.timedelta(days=1)).isoformat()
    # the file to edit groups and units carries the new deadline
    got = admin.request.get(base + admin.get_attribute("#spec-download", "href"))
    assert got.status == 200 and got.headers["content-type"].startswith("text/yaml")
    assert campaigns.parse_spec(got.text()).calendar["round1"].closes == moved
    assert campaigns.spec_of(svc, CID).calendar["round2"].closes == spec.calendar["round2"].closes  # not saved
    made = [e for e in campaigns.events(svc, authenticate(svc.db, tokens["admin"]), CID) if e["action"] == "created"]
    assert len(made) == 2 and {e["by"] for e in made} == {"Trần Văn Quản"}

    # the appraiser: no forms, and a POST anyway is refused
    staff = _sign_in(browser, base, tokens["appraiser"])
    staff.goto(base + "/ui/campaigns")
    assert staff.locator("#campaign-file-form").count() == 0
    staff.goto(f"{base}/ui/campaigns/{CID}")
    for sel in ("#calendar-form", "#campaign-file-form", "#spec-download"):
        assert staff.locator(sel).count() == 0, sel
    csrf = staff.locator('meta[name="csrf-token"]').get_attribute("content")
    r = staff.request.post(f"{base}/ui/campaigns/{CID}/calendar", headers={"Accept": "text/html", "Origin": base},
                           form={"csrf": csrf, "closes_self_assessment": "2030-01-01", "closes_round1": "2030-02-01",
                                 "closes_explanation": "2030-03-01", "closes_round2": "2030-04-01"})
    assert r.status == 403 and "quản trị viên" in r.text()
    r = staff.request.post(f"{base}/ui/campaigns", headers={"Accept": "text/html", "Origin": base},
                           multipart={"csrf": csrf, "file": {"name": "c.yaml", "mimeType": "text/yaml",
                                                             "buffer": good.read_bytes()}})
    assert r.status == 403 and "quản trị viên" in r.text()
    assert campaigns.spec_of(svc, CID).calendar["round1"].closes == moved  # unchanged
    for p in (admin, staff):
        assert p.errors == []  # type: ignore[attr-defined]

    # accessibility and layout: the admin's screens at both widths
    found, wide = {}, {}
    for vp in (DESKTOP, PHONE):
        page = _sign_in(browser, base, tokens["admin"], vp)
        for url in ("/ui/campaigns", f"/ui/campaigns/{CID}"):
            page.goto(base + url)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"admin-{url.rsplit('/', 1)[-1]}-{vp['width']}.png"), full_page=True)
            if bad_axe := serious_axe(page):
                found[f"{url} {vp['width']}"] = bad_axe
            if vp is PHONE and (bad_fit := overflow(page)):
                wide[f"{url} {vp['width']}"] = bad_fit[:6]
        page.context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
    assert not wide, wide
