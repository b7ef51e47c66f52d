"""Every screen of the web interface at a desktop (1440×900), a tablet (820×1180) and phones (390×844, 360×740).

A real uvicorn server on its own PostgreSQL database with the in-process queue and its OCR workers reads the
example once for the whole module; Debian's Chromium (Playwright) then opens each main screen — sign-in, list,
upload, submission, criterion, document, references — and measures the layout with bounding boxes:

- the main column never scrolls sideways and every visible element lies inside the viewport, unless it sits in
  a box of its own that scrolls (a wide table, the zoomed page image);
- on a phone the header collapses behind a menu button (aria-expanded) and "Đăng xuất" stays reachable;
- on a phone the criterion page stacks claim and evidence with a switch, the evidence viewer taking the width;
- at 1440 px the viewer's toolbar buttons and the score boxes do not wrap;
- axe-core (the copy shipped in the ``axe-playwright-python`` wheel, no network) finds no serious or critical
  violation on any screen at any width;
- the whole journey can be done with the keyboard alone, each focus stop visible.

Screenshots of every screen at every width are saved to tests/artifacts/layout/ (not committed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.api.helpers import example_zip
from tests.api.live import served_submission
from tests.conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts" / "layout"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
TABLET = {"width": 820, "height": 1180}  # between the two layouts: header folded, criterion page still split
VIEWPORTS = [DESKTOP, TABLET, PHONE, SMALL_PHONE]
SCREENS = ["list", "upload", "submission", "criterion", "document", "references", "login"]  # login signs out: last
PANES = "html, body, main, main > section"  # the main column: none of these may scroll sideways


def _vp_id(vp: dict) -> str:
    return f"{vp['width']}x{vp['height']}"


# --------------------------------------------------------------------------- one server for the module


@dataclass
class Site:
    base: str
    token: str
    sid: str
    urls: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def site(shared_data_dir):
    """A fresh PostgreSQL database, the service on it, a real server, and the example read once."""
    with served_submission(shared_data_dir, example_zip(), name="uvicorn-layout") as served:
        sid, j = served.sid, served.submission
        sha = next(f["sha256"] for f in j["files"] if f["name"] == "01-KH-CCHC-2024.pdf")
        yield Site(base=served.base, token=served.token, sid=sid, urls={
            "login": "/ui/login",
            "list": "/ui/",
            "upload": "/ui/upload",
            "submission": f"/ui/submissions/{sid}",
            "criterion": f"/ui/submissions/{sid}/criteria/3.2.1",
            "document": f"/ui/documents/{sha}/pages/1",
            "references": "/ui/references?number=1143/QĐ-UBND",
        })


def signed_in(browser, site: Site, viewport: dict) -> Page:
    ctx = browser.new_context(viewport=viewport, locale="vi-VN", device_scale_factor=1)
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(site.base + "/ui/login")
    page.fill("#token", site.token)
    page.press("#token", "Enter")
    page.wait_for_url(site.base + "/ui/")
    return page


def open_screen(page: Page, site: Site, screen: str) -> None:
    if screen == "login":
        page.context.clear_cookies()
    page.goto(site.base + site.urls[screen])
    if screen in ("criterion", "document"):  # the page image loaded and its highlights drawn (maybe in a hidden pane)
        page.wait_for_selector('#page[data-ready="1"]', state="attached", timeout=90_000)
    page.evaluate("document.fonts.ready")


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# --------------------------------------------------------------------------- measurements (in the page)

OVERFLOW_JS = """(panes) => {
  const vw = document.documentElement.clientWidth;
  const main = new Set(document.querySelectorAll(panes));
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + Array.from(el.classList).join(".") : "") +
    " “" + (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40) + "”";
  const bad = [];
  for (const el of main) {
    if (el.scrollWidth > el.clientWidth + 1) bad.push(`${name(el)} scrolls sideways: ${el.scrollWidth} > ${el.clientWidth}`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || getComputedStyle(el).visibility === "hidden") continue;
    let p = el.parentElement, own = false;  // inside a box of its own that scrolls or clips: that box is measured
    for (; p && p !== document.body; p = p.parentElement) {
      if (!main.has(p) && getComputedStyle(p).overflowX !== "visible") { own = true; break; }
    }
    if (!own && (r.left < -1 || r.right > vw + 1)) bad.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} of ${vw}`);
  }
  return bad;
}"""

LINES_JS = """(el) => {  // how many lines the element's text takes
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = [];
  for (const q of range.getClientRects()) {
    if (q.width < 1) continue;
    if (!tops.some((t) => Math.abs(t - q.top) < q.height / 2)) tops.push(q.top);
  }
  return tops.length;
}"""


def overflow(page: Page) -> list[str]:
    return page.evaluate(OVERFLOW_JS, PANES)


def box(page: Page, selector: str) -> dict | None:
    loc = page.locator(selector)
    return loc.first.bounding_box() if loc.count() and loc.first.is_visible() else None


def serious_axe(page: Page) -> list[str]:
    found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:4])
            for v in found if v["impact"] in ("serious", "critical")]


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("vp", VIEWPORTS, ids=_vp_id)
def test_every_screen_fits_the_viewport(site, browser, vp):
    page = signed_in(browser, site, vp)
    broken = {}
    for screen in SCREENS:
        open_screen(page, site, screen)
        shot(page, f"{screen}-{_vp_id(vp)}")
        if bad := overflow(page):
            broken[screen] = bad[:6]
    assert not broken, broken
    assert page.errors == []


@pytest.mark.parametrize("vp", [DESKTOP, PHONE], ids=_vp_id)
def test_no_serious_accessibility_violation_on_any_screen(site, browser, vp):
    page = signed_in(browser, site, vp)
    found = {}
    if vp is PHONE:  # the menu open, and the evidence pane shown
        open_screen(page, site, "list")
        page.click("#menu-button")
        if bad := serious_axe(page):
            found["list, menu open"] = bad
        open_screen(page, site, "criterion")
        page.click("#show-evidence")
        if bad := serious_axe(page):
            found["criterion, evidence pane"] = bad
    for screen in SCREENS:
        open_screen(page, site, screen)
        if bad := serious_axe(page):
            found[screen] = bad
    assert not found, found


@pytest.mark.parametrize("vp", [PHONE, SMALL_PHONE], ids=_vp_id)
def test_header_collapses_into_a_menu_on_a_phone(site, browser, vp):
    page = signed_in(browser, site, vp)
    header = page.locator("header.top")
    assert header.bounding_box()["height"] <= 64  # one line, not a wrapped block
    menu = page.locator("#menu-button")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not page.locator("header.top nav a").first.is_visible()
    assert not page.get_by_role("button", name="Đăng xuất").is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    targets = ["Hồ sơ", "Tải lên hồ sơ", "Tra cứu văn bản"]
    for t in targets:
        b = page.locator("header.top nav a", has_text=t).first.bounding_box()
        assert b and b["x"] >= 0 and b["x"] + b["width"] <= vp["width"], (t, b)
    out = page.get_by_role("button", name="Đăng xuất")
    b = out.bounding_box()
    assert out.is_visible() and b["x"] >= 0 and b["x"] + b["width"] <= vp["width"], b
    assert "Trần Thị Thẩm Định" in page.inner_text("header.top")
    assert overflow(page) == []
    shot(page, f"menu-{_vp_id(vp)}")
    page.keyboard.press("Escape")  # closes, focus back on the button
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == "menu-button"
    # on a desktop there is no menu button: the navigation is on the bar
    page.set_viewport_size(DESKTOP)
    assert not menu.is_visible()
    assert page.get_by_role("button", name="Đăng xuất").is_visible()


@pytest.mark.parametrize("vp", [PHONE, SMALL_PHONE], ids=_vp_id)
def test_criterion_page_stacks_claim_and_evidence_on_a_phone(site, browser, vp):
    page = signed_in(browser, site, vp)
    open_screen(page, site, "criterion")
    w = vp["width"]
    claim_btn, ev_btn = page.locator("#show-claim"), page.locator("#show-evidence")
    assert claim_btn.is_visible() and ev_btn.is_visible()
    assert claim_btn.get_attribute("aria-pressed") == "true" and ev_btn.get_attribute("aria-pressed") == "false"
    claim = box(page, "#claim-pane")
    assert claim and claim["width"] >= 0.9 * w, claim
    assert box(page, "#viewer") is None  # one pane at a time
    assert overflow(page) == []

    ev_btn.click()
    assert ev_btn.get_attribute("aria-pressed") == "true" and claim_btn.get_attribute("aria-pressed") == "false"
    assert box(page, "#claim-pane") is None
    viewer, img = box(page, "#viewer"), box(page, "#page-img")
    assert viewer and viewer["width"] >= 0.9 * w, viewer
    assert img and img["width"] >= 0.85 * w, img
    hl = box(page, ".hl")  # the highlight is drawn on the page image, inside it
    assert hl and img["x"] <= hl["x"] and hl["x"] + hl["width"] <= img["x"] + img["width"] + 1, (hl, img)
    for sel in ("#pg-prev", "#pg-next", "#zoom", "#ev-next"):
        b = box(page, sel)
        assert b and b["x"] >= 0 and b["x"] + b["width"] <= w, (sel, b)
    assert overflow(page) == []
    shot(page, f"criterion-evidence-{_vp_id(vp)}")

    # back to the claim; choosing a quoted passage shows it on the page
    claim_btn.click()
    assert box(page, "#viewer") is None and box(page, "#claim-pane")
    page.locator("blockquote.ev").first.click()
    page.wait_for_selector('#page[data-ready="1"]', state="attached")
    assert box(page, "#viewer") and box(page, "#claim-pane") is None
    assert ev_btn.get_attribute("aria-pressed") == "true"
    # the same page on a desktop: both panes side by side, no switch
    page.set_viewport_size(DESKTOP)
    assert not claim_btn.is_visible()
    left, right = box(page, "#claim-pane"), box(page, "#viewer")
    assert left and right and left["x"] + left["width"] <= right["x"] + 1
    assert right["width"] >= 0.5 * DESKTOP["width"]
    assert page.errors == []


def wrapping(page: Page, selector: str, *, lines: bool = True, row: bool = True) -> list[str]:
    """What wraps among the elements matched: a text on more than one line, or elements not on one row."""
    els = page.locator(selector)
    bad = [f"“{els.nth(i).inner_text()}” takes {n} lines" for i in range(els.count())
           if lines and (n := page.evaluate(LINES_JS, els.nth(i).element_handle())) != 1]
    middles = [(b := els.nth(i).bounding_box())["y"] + b["height"] / 2 for i in range(els.count())]
    if row and middles and max(middles) - min(middles) > 4:
        bad.append(f"{selector} not on one row: {[round(m) for m in middles]}")
    return bad


def test_toolbar_and_score_boxes_do_not_wrap_on_a_desktop(site, browser):
    """At 1440 px, on every criterion of the example and on the document page: the viewer's toolbar and the five
    score boxes each stay on one row, with no label broken over two lines ("Trang / −", "Phóng / to")."""
    page = signed_in(browser, site, DESKTOP)
    open_screen(page, site, "submission")
    codes = page.locator("#appraisal tr.crit").evaluate_all("rows => rows.map((r) => r.dataset.code)")
    assert len(codes) == 11
    wrapped = {}
    for code in codes:
        page.goto(f"{site.base}/ui/submissions/{site.sid}/criteria/{code}")
        page.wait_for_selector('#page[data-ready="1"]', state="attached", timeout=90_000)
        assert page.locator(".vbar button").count() == 5 and page.locator(".scores > div").count() == 5
        bad = wrapping(page, ".vbar button, .vbar .ev-label")
        bad += wrapping(page, ".scores > div", lines=False)  # label above value, the five boxes side by side
        bad += wrapping(page, ".scores > div > span, .scores > div > b", row=False)
        if bad:
            wrapped[code] = bad
    open_screen(page, site, "document")
    if bad := wrapping(page, ".vbar button, .vbar .ev-label"):
        wrapped["document"] = bad
    assert not wrapped, wrapped


FOCUS_JS = """() => {  // the focused element, where it is, and whether its focus is drawn
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el), r = el.getBoundingClientRect();
  const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none";
  return { id: el.id, tag: el.tagName, text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 60),
           href: el.getAttribute("href") || "", ring, visible: r.width > 0 && r.height > 0,
           inside: r.left >= -1 && r.right <= document.documentElement.clientWidth + 1 };
}"""


def tab_to(page: Page, want, *, limit: int = 60, back: bool = False) -> dict:
    """Press Tab until ``want(focused)`` holds; every stop on the way must show where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        f = page.evaluate(FOCUS_JS)
        if f is None:
            continue
        assert f["visible"] and f["ring"] and f["inside"], f
        if want(f):
            return f
    raise AssertionError("focus never reached the target")


def test_keyboard_only_journey(site, browser, tmp_path):
    """Sign in, upload, review, decide and sign out with the keyboard alone, on a desktop and on a phone."""
    ctx = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    page.goto(site.base + "/ui/")
    page.keyboard.type(site.token)  # the token field has the focus
    page.keyboard.press("Enter")
    page.wait_for_url(site.base + "/ui/")

    # the first stop skips the header; then to the upload form
    f = tab_to(page, lambda f: True)
    assert f["href"] == "#main", f
    page.keyboard.press("Enter")
    tab_to(page, lambda f: "Tải lên hồ sơ" in f["text"] and f["href"] == "/ui/upload")
    page.keyboard.press("Enter")
    page.wait_for_url(site.base + "/ui/upload")
    zipped = tmp_path / "ho-so-ban-phim.zip"
    zipped.write_bytes(example_zip())
    tab_to(page, lambda f: f["id"] == "files")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")  # the file input's own key
    chooser.value.set_files(str(zipped))
    assert "ho-so-ban-phim.zip" in page.inner_text("#chosen")
    tab_to(page, lambda f: f["id"] == "submit")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/ui/submissions/[0-9a-f]{32}$"))
    page.wait_for_selector("#appraisal", timeout=600_000)

    # the appraisal table: rows are reachable with Tab and with j/k; Enter opens the criterion
    f = tab_to(page, lambda f: f["tag"] == "TR" or "/criteria/" in f["href"])
    page.keyboard.press("j")
    code = page.locator("tr.crit.sel").get_attribute("data-code")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf".*/criteria/{re.escape(code)}(\?.*)?$"))
    page.wait_for_selector('#page[data-ready="1"]')
    tab_to(page, lambda f: f["id"] == "score")
    page.keyboard.type("0")
    page.keyboard.press("Tab")
    page.keyboard.type("Kiểm tra bằng bàn phím: không có minh chứng phù hợp")
    tab_to(page, lambda f: f["id"] == "set-score")
    page.keyboard.press("Enter")
    page.wait_for_selector("#history tr.current")
    assert "Kiểm tra bằng bàn phím" in page.inner_text("#history tr.current")
    page.keyboard.press("Escape")
    page.wait_for_selector("#appraisal")

    # on a phone: the evidence pane by keyboard, then the menu, then sign out
    page.set_viewport_size(PHONE)
    page.goto(site.base + site.urls["criterion"])
    tab_to(page, lambda f: f["id"] == "show-evidence")
    page.keyboard.press("Enter")
    assert page.locator("#viewer").is_visible() and not page.locator("#claim-pane").is_visible()
    tab_to(page, lambda f: f["id"] == "menu-button", back=True)
    page.keyboard.press("Enter")
    assert page.locator("#menu-button").get_attribute("aria-expanded") == "true"
    tab_to(page, lambda f: f["text"] == "Đăng xuất")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/ui/login$"))
    ctx.close()


def test_single_key_shortcuts_can_be_turned_off(site, browser):
    """WCAG 2.1.4: the one-letter shortcuts (some record a decision) can be switched off, and stay off."""
    page = signed_in(browser, site, DESKTOP)
    open_screen(page, site, "submission")
    page.keyboard.press("j")
    first = page.locator("tr.crit.sel").get_attribute("data-code")
    switch = page.get_by_label("Phím tắt một phím")
    assert switch.is_checked()
    switch.uncheck()
    page.locator("#appraisal").click(position={"x": 5, "y": 5})  # focus back on the page, off the checkbox
    page.keyboard.press("j")
    page.keyboard.press("a")
    assert page.locator("tr.crit.sel").get_attribute("data-code") == first  # j did not move, a recorded nothing
    assert page.locator(f'tr[data-code="{first}"] td.appraised b').count() == 0
    page.reload()
    assert not page.get_by_label("Phím tắt một phím").is_checked()
    open_screen(page, site, "criterion")
    page.keyboard.press("a")
    page.keyboard.press("n")
    assert page.inner_text("#appraised") == "—"
    page.keyboard.press("Escape")  # not a character key: still works
    page.wait_for_url(re.compile(r".*/ui/submissions/[0-9a-f]{32}(#.*)?$"))
    page.get_by_label("Phím tắt một phím").check()
    page.keyboard.press("j")
    assert page.locator("tr.crit.sel").count() == 1
    assert page.errors == []
