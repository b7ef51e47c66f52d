"""The council's results in the web interface, in a real Chromium against a real server on PostgreSQL, for the
example campaign of ``tests/council_example.py``:

- the campaign page shows staff the section "Kết quả cho Hội đồng" with the downloads, and the council page per
  group the ranking (ties share a rank, numbers with a decimal comma), the ranks by field and both charts;
- the XLSX, DOCX and JSON downloads are the files ``build_council`` describes, named in Vietnamese;
- a unit gets no link, and the council page, its downloads and its charts are refused (403);
- axe-core finds no serious violation at 1440×900 and 390×844, and the main column never scrolls sideways at 390
  or 360 px.
"""

from __future__ import annotations

import io
import json

from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import Page

from api.service import council
from api.service.tokens import authenticate, create_token
from tests.api.browser import signed_in_page
from tests.api.ui.test_layout import DESKTOP, PHONE, SMALL_PHONE, overflow, serious_axe
from tests.api.ui.test_web_e2e import server  # noqa: F401 (fixture)
from tests.conftest import ROOT
from tests.council_example import CAMPAIGN, A, B, C, D, build

ARTIFACTS = ROOT / "tests" / "artifacts" / "council"  # screenshots for review (not committed)
PAGE = f"/ui/campaigns/{CAMPAIGN}/council"


def _sign_in(browser, base: str, token: str, viewport: dict = DESKTOP) -> Page:
    return signed_in_page(browser, base, token, viewport)


def _cells(page: Page, selector: str) -> list[list[str]]:
    return page.locator(selector).evaluate_all(
        "rows => rows.map(r => [...r.querySelectorAll('td')].map(td => td.textContent.trim().replace(/\\s+/g, ' ')))")


def test_the_council_in_the_browser(server, browser, tmp_path):  # noqa: F811 (fixture)
    svc, base = server
    build(svc, tmp_path)
    tokens = {"appraiser": create_token(svc.db, "appraiser", label="Lê Thị Thẩm"),
              "admin": create_token(svc.db, "admin", label="Trần Văn Quản"),
              "a": create_token(svc.db, "unit", A, "Nguyễn Văn A")}
    expected = council.build_council(svc, authenticate(svc.db, tokens["appraiser"]), CAMPAIGN)

    # staff: the campaign page links the council's results and its downloads
    staff = _sign_in(browser, base, tokens["appraiser"])
    staff.goto(f"{base}/ui/campaigns/{CAMPAIGN}")
    assert "Kết quả cho Hội đồng" in staff.inner_text("#hoi-dong")
    with staff.expect_download() as got:
        staff.click('#council-files a:has-text("XLSX")')
    assert got.value.suggested_filename == f"hoi-dong-{CAMPAIGN}.xlsx"
    wb = load_workbook(io.BytesIO(got.value.path().read_bytes()))
    assert "Xếp hạng so_nganh" in wb.sheetnames and "Xếp hạng cap_xa" in wb.sheetnames
    staff.click("#council-page")
    staff.wait_for_url(base + PAGE)

    # the ranking per group: ties share a rank, Vietnamese numbers
    so = staff.locator('section.council-group[data-group="so_nganh"]')
    rows = _cells(staff, 'section.council-group[data-group="so_nganh"] table.council-rank tbody tr')
    assert [(r[0], r[1].split(" ")[0:4], r[7], r[9], r[10]) for r in rows] == [
        ("1", A.split(" ")[:4], "16", "80 %", "B – Tốt"), ("1", B.split(" ")[:4], "16", "80 %", "B – Tốt"),
        ("3", C.split(" ")[:4], "2", "10 %", "C – Chưa đạt")]
    assert rows[0][3] == "11,5" and rows[0][6] == "4,5"  # appraised points and survey, decimal comma
    so_units = [u.unit for u in expected.groups[0].units]
    assert so.locator("table.council-rank tbody tr").evaluate_all("rs => rs.map(r => r.dataset.unit)") == so_units
    fields = _cells(staff, 'section.council-group[data-group="so_nganh"] table.council-fields tbody tr')
    assert fields[0] == [A, "75 % · hạng 2", "85 % · hạng 1"]
    assert fields[1] == [B, "90 % · hạng 1", "60 % · hạng 2"]
    xa = _cells(staff, 'section.council-group[data-group="cap_xa"] table.council-rank tbody tr')
    assert [(r[0], r[9]) for r in xa] == [("1", "0 %")] and D in xa[0][1]
    assert "chưa có hồ sơ" in xa[0][1]

    # both charts of each group, loaded as SVG images
    images = staff.locator("figure.council-chart img")
    assert images.count() == 4
    for img in images.all():
        img.scroll_into_view_if_needed()
        width = img.evaluate("i => i.decode().then(() => i.naturalWidth, () => -1)")  # -1: not an image
        assert width > 0, img.get_attribute("src")
        assert img.get_attribute("alt")
        svg = staff.request.get(base + img.get_attribute("src"))
        assert svg.status == 200 and svg.headers["content-type"].startswith("image/svg+xml")

    # the downloads: the same export as build_council
    with staff.expect_download() as got:
        staff.click('#council-files a[data-format="docx"]')
    assert got.value.suggested_filename == f"hoi-dong-{CAMPAIGN}.docx"
    doc = Document(got.value.path())
    ranking = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert [(r[0], r[1]) for r in ranking[1:]] == [("1", A), ("1", B), ("3", C)]
    r = staff.request.get(base + staff.locator('#council-files a[data-format="json"]').get_attribute("href"))
    data = json.loads(r.body())
    assert [[(u["unit"], u["rank"], u["total"]) for u in g["units"]] for g in data["groups"]] == [
        [(u.unit, u.rank, u.total) for u in g.units] for g in expected.groups]
    r = staff.request.get(f"{base}{PAGE}/download?format=xlsx&group=so_nganh")
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    assert load_workbook(io.BytesIO(r.body())).sheetnames[1:2] == ["Xếp hạng so_nganh"]
    assert staff.errors == []  # type: ignore[attr-defined]

    # a unit: no link, and every council URL refused
    unit = _sign_in(browser, base, tokens["a"])
    unit.goto(f"{base}/ui/campaigns/{CAMPAIGN}")
    assert unit.locator("#hoi-dong").count() == 0 and unit.locator(f'a[href^="{PAGE}"]').count() == 0
    r = unit.goto(base + PAGE)
    assert r is not None and r.status == 403 and B not in unit.inner_text("main")
    for url in (f"{PAGE}/download?format=xlsx", f"{PAGE}/download?format=json", f"{PAGE}/so_nganh/charts/chi-so.svg"):
        got_unit = unit.request.get(base + url)
        assert got_unit.status == 403 and B.encode() not in got_unit.body(), url
    unit.context.close()

    # accessibility and layout: the council page and the campaign page with its new section
    found, wide = {}, {}
    for vp in (DESKTOP, PHONE, SMALL_PHONE):
        page = _sign_in(browser, base, tokens["admin"], vp)
        for name, url in {"council": PAGE, "campaign": f"/ui/campaigns/{CAMPAIGN}"}.items():
            page.goto(base + url)
            key = f"{name} {vp['width']}"
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{name}-{vp['width']}.png"), full_page=True)
            if vp is not SMALL_PHONE and (bad_axe := serious_axe(page)):
                found[key] = bad_axe
            if vp is not DESKTOP and (bad_fit := overflow(page)):
                wide[key] = bad_fit[:6]
        assert page.errors == []  # type: ignore[attr-defined]
        page.context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
    assert not wide, wide
