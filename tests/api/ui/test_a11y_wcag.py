"""#15 item 9, WCAG 2.1 AA in Debian's Chromium, at a desktop (1440×900) and a phone (390×844).

One real server on its own PostgreSQL database reads the example once for the module (the ``site`` fixture of
test_layout.py); each test then measures what a person meets:

- every text badge (verdict, status, severity, score labels, decision marks…) is drawn at 12 px or more;
- the focus ring of a focused link, button and list row has a contrast of at least 3:1 against what it is drawn
  on (WCAG 1.4.11), computed from the ring's computed colour and the colours painted under it;
- the list's rows are reached with Tab (a real link in each row, with a name saying what it opens) and opened
  with Enter;
- the one-letter shortcut switch stays reachable on a phone (inside the folded header menu) and, switched off,
  ``a`` records no decision — checked through REST afterwards, against a control press with the switch on;
- axe-core finds no serious or critical violation on the screens touched here, in the states tested.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page

from tests.api.ui.test_layout import (
    DESKTOP,
    PHONE,
    Site,
    open_screen,
    serious_axe,
    signed_in,
    site,  # noqa: F401 (the module's live server and example submission)
    tab_to,
)

VIEWPORTS = [DESKTOP, PHONE]
# every class drawn as a small text badge or mark, wherever it appears
BADGES = [".v", ".st", ".sev", ".scores span", ".dm", ".cmt", ".partial", ".standing", ".pcount-mark",
          ".periods .pstate", ".lowflag", ".tag", ".chip", "kbd"]
MUST_SEE = {".v", ".st", ".sev", ".scores span", ".dm", ".cmt", ".chip"}  # present in the example: never vacuous


def _vp_id(vp: dict) -> str:
    return f"{vp['width']}x{vp['height']}"


def rest(live: Site, method: str, path: str, **kw) -> httpx.Response:
    return httpx.request(method, live.base + path, headers={"Authorization": f"Bearer {live.token}"}, timeout=30,
                         **kw)


def criterion_codes(page: Page, live: Site) -> list[str]:
    """The codes of the sub-criteria the machine scored (so "accept" can be recorded), in table order."""
    page.goto(f"{live.base}/ui/submissions/{live.sid}")
    codes = page.locator("#appraisal tr.crit").evaluate_all(
        'rows => rows.filter((r) => r.dataset.machine !== "").map((r) => r.dataset.code)')
    assert len(codes) >= 3, codes
    return codes


def history(live: Site, code: str) -> list[dict]:
    r = rest(live, "GET", f"/submissions/{live.sid}/criteria/{code}/decisions")
    assert r.status_code == 200, r.text
    return r.json()


# --------------------------------------------------------------------------- badges

SIZES_JS = """(sels) => sels.map((s) => [s, Array.from(document.querySelectorAll(s))
  .filter((e) => (e.textContent || "").trim())
  .map((e) => [parseFloat(getComputedStyle(e).fontSize), (e.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 30)])])"""


@pytest.mark.parametrize("vp", VIEWPORTS, ids=_vp_id)
def test_every_badge_is_at_least_12px(site, browser, vp):  # noqa: F811 (fixture)
    page = signed_in(browser, site, vp)
    codes = criterion_codes(page, site)
    last = codes[-1]  # a decision with a comment, so the decision marks are drawn too (other tests use codes[0:2])
    if not history(site, last):
        r = rest(site, "POST", f"/submissions/{site.sid}/criteria/{last}/decisions",
                 json={"action": "accept", "comment": "Đủ minh chứng"})
        assert r.status_code == 201, r.text
    seen: set[str] = set()
    small: dict[str, list] = {}
    for screen in ("list", "submission", "criterion", "document"):
        open_screen(page, site, screen)
        for sel, found in page.evaluate(SIZES_JS, BADGES):
            if found:
                seen.add(sel)
            if bad := [(size, text) for size, text in found if size < 12]:
                small[f"{screen} {sel}"] = bad[:3]
    assert MUST_SEE <= seen, MUST_SEE - seen
    assert not small, small


# --------------------------------------------------------------------------- focus ring contrast

RING_JS = """() => {  // the focused element's ring colour against the colours painted where the ring is drawn
  const el = document.activeElement, s = getComputedStyle(el);
  const rgba = (c) => { const m = /rgba?\\(([^)]*)\\)/.exec(c || ""); if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const lum = (c) => { const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const outlined = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  const ring = outlined ? rgba(s.outlineColor) : rgba(s.boxShadow);
  if (!ring) return { error: "no ring", tag: el.tagName };
  const w = outlined ? parseFloat(s.outlineWidth) : 0, d = (outlined ? parseFloat(s.outlineOffset) : 0) + w / 2;
  const r = el.getBoundingClientRect(), vw = document.documentElement.clientWidth, vh = innerHeight;
  const points = [[r.left + r.width / 2, r.top - d], [r.left + r.width / 2, r.bottom + d],
                  [r.left - d, r.top + r.height / 2], [r.right + d, r.top + r.height / 2]]
    .filter(([x, y]) => x >= 0 && y >= 0 && x < vw && y < vh);
  const backdrop = ([x, y]) => {  // the backgrounds under the point, top to bottom, composited over white
    const layers = [];
    for (const e of document.elementsFromPoint(x, y)) {
      if (d >= 0 ? el.contains(e) : (el.contains(e) && e !== el)) continue;  // the ring is drawn outside el
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255, 1]);
  };
  const sides = points.map((p) => { const bg = backdrop(p); return { bg, ratio: contrast(over(ring, bg), bg) }; });
  return { tag: el.tagName, text: (el.innerText || el.value || "").trim().slice(0, 40), ring, sides,
           min: Math.min(...sides.map((x) => x.ratio)) };
}"""


def ring_contrast(page: Page) -> dict:
    got = page.evaluate(RING_JS)
    assert "error" not in got and got["sides"], got
    return got


@pytest.mark.parametrize("vp", VIEWPORTS, ids=_vp_id)
def test_focus_ring_contrast_is_at_least_3_to_1(site, browser, vp):  # noqa: F811 (fixture)
    page = signed_in(browser, site, vp)
    open_screen(page, site, "list")
    low = {}

    def check(name: str) -> None:
        got = ring_contrast(page)
        if got["min"] < 3:
            low[name] = got

    tab_to(page, lambda f: f["href"] == "#main")
    check("skip link (over the header)")
    if vp is PHONE:
        tab_to(page, lambda f: f["id"] == "menu-button")
        check("menu button (header)")
        page.keyboard.press("Enter")
    tab_to(page, lambda f: f["href"] == "/ui/upload" and "Tải lên hồ sơ" in f["text"] and "+" not in f["text"])
    check("navigation link (header)")
    if vp is PHONE:
        page.keyboard.press("Escape")
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Lọc")
    check("button (Lọc)")
    tab_to(page, lambda f: f["href"] == "/ui/upload" and "+" in f["text"])
    check("link styled as a button (+ Tải lên hồ sơ)")
    tab_to(page, lambda f: f["href"] == f"/ui/submissions/{site.sid}")
    check("list row link")
    # the appraisal table: a criterion's link and the row selected with the keyboard
    open_screen(page, site, "submission")
    tab_to(page, lambda f: "/criteria/" in f["href"])
    check("criterion link in the appraisal table")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.matches('tr.crit.sel')")
    check("appraisal row selected with j")
    assert not low, low


# --------------------------------------------------------------------------- list rows by keyboard


@pytest.mark.parametrize("vp", VIEWPORTS, ids=_vp_id)
def test_list_rows_are_reached_with_tab_and_opened_with_enter(site, browser, vp):  # noqa: F811 (fixture)
    page = signed_in(browser, site, vp)
    open_screen(page, site, "list")
    tab_to(page, lambda f: f["href"] == f"/ui/submissions/{site.sid}")
    row = page.evaluate("""() => { const a = document.activeElement, tr = a.closest("tr[data-href]");
      return tr && { href: tr.dataset.href, name: a.textContent.replace(/\\s+/g, " ").trim(),
                     tint: [tr, tr.cells[1]].map((e) => getComputedStyle(e).backgroundColor),
                     edge: [tr, tr.cells[0]].map((e) => getComputedStyle(e).boxShadow) }; }""")
    assert row and row["href"] == f"/ui/submissions/{site.sid}", row
    assert re.search(r"mở hồ sơ .+ nộp lúc \d", row["name"]), row  # the link says what it opens
    # the whole row shows the focus: tinted and marked on its left edge (the cells on a desktop, the card on a phone)
    assert "rgb(238, 245, 255)" in row["tint"] and any("inset" in e for e in row["edge"]), row
    if vp is DESKTOP:  # axe on the list with a row focused
        assert serious_axe(page) == []
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.base}/ui/submissions/{site.sid}")
    assert page.locator("#appraisal").is_visible()
    assert page.errors == []


# --------------------------------------------------------------------------- the shortcut switch on a phone


def menu_switch(page: Page, *, from_top: bool = False):
    """Open the folded header menu with the keyboard and Tab to the shortcut switch inside it (``from_top``: Tab
    from the start of the page to the menu button too)."""
    if from_top:
        tab_to(page, lambda f: f["id"] == "menu-button")
    else:
        page.focus("#menu-button")
    page.keyboard.press("Enter")
    assert page.locator("#menu-button").get_attribute("aria-expanded") == "true"
    tab_to(page, lambda f: f["id"] == "keys-on")
    switch = page.get_by_label("Phím tắt một phím")
    b = switch.bounding_box()
    assert switch.is_visible() and b and b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"], b
    assert page.locator("#top-menu #keys-on").count() == 1  # in the menu, not in the hidden shortcut bar
    return switch


def test_shortcut_switch_on_a_phone_and_a_records_nothing_when_off(site, browser):  # noqa: F811 (fixture)
    page = signed_in(browser, site, PHONE)
    first, second = criterion_codes(page, site)[:2]
    assert history(site, first) == [] and history(site, second) == []

    # the review table: switch off from the menu, select a row, press a
    open_screen(page, site, "submission")
    assert not page.locator("#keys").is_visible()  # the shortcut bar is hidden at this width…
    switch = menu_switch(page, from_top=True)  # …and its switch is in the menu
    assert switch.is_checked()
    assert serious_axe(page) == []  # the menu open, the switch in it
    page.keyboard.press("Space")
    assert not switch.is_checked()
    page.keyboard.press("Escape")
    assert page.locator("#menu-button").get_attribute("aria-expanded") == "false"
    page.locator(f'tr.crit[data-code="{first}"] td.title').click()  # selects the row (not a link)
    assert page.locator("tr.crit.sel").get_attribute("data-code") == first
    page.keyboard.press("a")
    # control: the switch back on, the same key on the same row records one decision
    menu_switch(page).check()
    page.keyboard.press("Escape")
    page.locator(f'tr.crit[data-code="{first}"] td.title').click()
    page.keyboard.press("a")
    page.wait_for_selector(f'tr.crit[data-code="{first}"] td.appraised .dm-accept')
    assert len(history(site, first)) == 1  # the press while off recorded nothing

    # the criterion page: off again (the choice is kept), press a; then on, press a
    page.goto(f"{site.base}/ui/submissions/{site.sid}/criteria/{second}")
    page.wait_for_selector('#page[data-ready="1"]', state="attached", timeout=90_000)
    switch = menu_switch(page)
    switch.uncheck()
    page.keyboard.press("Escape")
    page.reload()
    page.wait_for_selector('#page[data-ready="1"]', state="attached", timeout=90_000)
    assert not page.locator("#keys-on").is_checked()  # kept in this browser
    page.locator("h1").click()  # the focus on the page, off the switch
    page.keyboard.press("a")
    menu_switch(page).check()
    page.keyboard.press("Escape")
    page.locator("h1").click()
    page.keyboard.press("a")
    page.wait_for_selector("#history tr.current")
    assert len(history(site, second)) == 1

    # wider than 760 px the switch goes back to the shortcut bar
    page.set_viewport_size(DESKTOP)
    page.locator("#keys #keys-on").wait_for()  # moved on the media query's change event, after the resize
    assert page.locator("#keys-on").is_visible()
    assert page.locator("#menu-keys").is_hidden()
    assert page.errors == []


@pytest.mark.parametrize("vp", VIEWPORTS, ids=_vp_id)
def test_no_serious_violation_on_the_screens_touched(site, browser, vp):  # noqa: F811 (fixture)
    page = signed_in(browser, site, vp)
    found = {}
    for screen in ("list", "submission", "criterion"):
        open_screen(page, site, screen)
        if vp is PHONE:
            page.click("#menu-button")  # the folded menu, with the shortcut switch where the page has one
        if bad := serious_axe(page):
            found[screen] = bad
    assert not found, found
