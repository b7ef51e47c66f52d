"""What an appraiser sees at a glance on the review screens (issue #15, items 2 and 6), in a real Chromium
against a real server (PostgreSQL, the in-process queue reading the example):

- the criteria tree: lĩnh vực → tiêu chí → tiêu chí thành phần rows, with titles, maxima, subtotals and the
  unit's own STT (I / 1 / a) beside the rubric's code;
- whether a score was accepted as the machine proposed it or overridden, and that it carries a comment;
- partial appraised totals marked "tạm tính" beside "đã thẩm định x/n";
- an empty-state line when the filters match nothing, with a way back;
- after "set 1,5" the score field shows 1,5;
- several submissions of one unit and year marked latest / superseded, and withdrawing one (kept, shown as
  withdrawn with who and why).
"""

from __future__ import annotations

import httpx

from api.service.tokens import create_token
from tests.api.helpers import example_zip, poll
from tests.api.ui.test_web_e2e import server  # noqa: F401 (fixture)
from verifier.messages import score as fmt

UNIT = "Sở Tư pháp tỉnh Đồng Nai"
VIEWPORT = {"width": 1440, "height": 900}


def _upload(base: str, auth: dict[str, str]) -> str:
    r = httpx.post(f"{base}/submissions", headers=auth, data={"rubric": "par-reference"},
                   files={"files": ("ho-so-2024.zip", example_zip(), "application/zip")}, timeout=60)
    assert r.status_code == 202, r.text
    sid = r.json()["id"]
    poll(lambda: httpx.get(f"{base}/submissions/{sid}", headers=auth).json()["status"],
         until=lambda st: st in ("done", "failed"), timeout=300)
    return sid


def _cells(page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(f"{selector} td").all_inner_texts()]


def test_review_table_at_a_glance(server, browser):  # noqa: F811 (fixtures)
    svc, base = server
    token = create_token(svc.db, "appraiser", label="Trần Thị Thẩm Định")
    auth = {"Authorization": f"Bearer {token}"}
    older = _upload(base, auth)
    newer = _upload(base, auth)
    report = httpx.get(f"{base}/submissions/{newer}/report", headers=auth).json()

    ctx = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base + "/ui/login")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/ui/")

    # ---- several submissions of the unit for 2024: the newest is the latest, the other superseded
    rows = page.locator(f'tr[data-href="/ui/submissions/{newer}"]')
    assert "Bản mới nhất" in rows.inner_text()
    assert "Đã thay thế" in page.locator(f'tr[data-href="/ui/submissions/{older}"]').inner_text()
    page.goto(base + "/ui/?year=2019")  # a filter matching nothing says so, and how to leave it
    assert "Không có hồ sơ nào khớp bộ lọc" in page.inner_text("#list")
    assert page.locator("#list a[href='/ui/']").count() == 1

    # ---- the three levels, each with its title, maximum, subtotals and the unit's STT
    page.goto(f"{base}/ui/submissions/{newer}")
    page.wait_for_selector("#appraisal")
    head = page.inner_text("#appraisal thead")
    assert "STT (đơn vị)" in head and "Lĩnh vực / Tiêu chí / Tiêu chí thành phần" in head
    assert page.locator("#appraisal tr.field").count() == 4
    assert page.locator("#appraisal tr.criterion").count() == 7
    assert page.locator("#appraisal tr.crit").count() == 11
    ft = report["totals"]["by_field"][0]
    cr = ft["criteria"][0]
    field = _cells(page, '#appraisal tr.field[data-field="1"]')
    assert field[:4] == ["I", "1", f"Lĩnh vực: {ft['title']}", fmt(ft["max_score"])]
    assert field[4:6] == [fmt(ft["claimed_score"]), fmt(ft["supported_score"])]
    crit = _cells(page, '#appraisal tr.criterion[data-criterion="1.1"]')
    assert crit[:6] == ["1", "1.1", "Tiêu chí: Kế hoạch cải cách hành chính năm", "3", fmt(cr["claimed_score"]),
                        fmt(cr["supported_score"])]
    item = _cells(page, '#appraisal tr.crit[data-code="1.1.2"]')
    assert item[:4] == ["b", "1.1.2", "Mức độ thực hiện kế hoạch CCHC", "2"]
    # rows sit in the tree's order: field, its criterion, its sub-criteria
    order = page.eval_on_selector_all("#appraisal tbody tr[data-field='1']",
                                      "rs => rs.map(r => r.dataset.code || r.dataset.criterion || 'F')")
    assert order[:4] == ["F", "1.1", "1.1.1", "1.1.2"]

    # ---- accept a machine score: marked accepted; its criterion's and field's subtotals update, partial ones say so
    row = page.locator('#appraisal tr.crit[data-code="1.2.1"]')
    machine = row.get_attribute("data-machine")
    assert machine, "1.2.1 has a machine score"
    row.locator("td.title").click()
    page.keyboard.press("a")
    page.wait_for_selector('tr[data-code="1.2.1"] td.appraised .dm-accept')
    assert "Chấp nhận" in row.locator("td.appraised").inner_text()
    assert page.inner_text('[id="cd-1.2"]') == "đã thẩm định 1/1"
    assert page.inner_text('[id="ca-1.2"]') == fmt(float(machine))  # the criterion is complete: not partial
    assert page.inner_text('[id="fd-1"]') == "đã thẩm định 1/5" and "tạm tính" in page.inner_text('[id="fa-1"]')
    assert page.inner_text("#td") == "đã thẩm định 1/11" and "tạm tính" in page.inner_text("#ta")

    # ---- override a score with a comment: the score field shows 1,5 afterwards
    comment = "Đối chiếu sổ theo dõi hồ sơ: chấm 1,5 điểm"
    page.goto(f"{base}/ui/submissions/{newer}/criteria/3.2.1")
    page.fill("#score", "1,5")
    page.fill("#comment", comment)
    page.click("#set-score")
    page.wait_for_selector("#history tr.current")
    assert page.input_value("#score") == "1,5"
    page.reload()
    assert page.input_value("#score") == "1,5" and page.inner_text("#appraised") == "1,5"

    page.goto(f"{base}/ui/submissions/{newer}")
    cell = page.locator('#appraisal tr.crit[data-code="3.2.1"] td.appraised')
    assert "1,5" in cell.inner_text() and "Điều chỉnh" in cell.inner_text() and "có ý kiến" in cell.inner_text()
    assert comment in cell.locator(".cmt").get_attribute("title")
    assert page.locator('#appraisal tr.crit[data-code="1.2.1"] td.appraised .dm-accept').count() == 1
    assert "tạm tính" in page.inner_text('[id="ca-3.2"]') and page.inner_text('[id="cd-3.2"]') == "đã thẩm định 1/2"
    assert page.inner_text("#td") == "đã thẩm định 2/11" and "tạm tính" in page.inner_text("#ta")

    # ---- filters that match nothing say so, and one click clears them
    assert page.locator("#no-match").is_hidden()
    for v in ("REFUTED", "NOT_ENOUGH_EVIDENCE", "MANUAL_REVIEW", "SUPPORTED"):
        page.uncheck(f'input[name="verdict"][value="{v}"]')
    assert page.locator("#no-match").is_visible()
    assert "Không có tiêu chí nào khớp bộ lọc" in page.inner_text("#no-match")
    assert page.locator("#appraisal tr.field:not(.hidden), #appraisal tr.criterion:not(.hidden)").count() == 0
    page.click("#clear-filters")
    assert page.locator("#no-match").is_hidden() and page.locator("#appraisal tr.crit:not(.hidden)").count() == 11

    # ---- withdraw the newer submission (a confirmation step): kept, shown as withdrawn with who and why
    page.click("#withdraw summary")
    page.fill("#withdraw-reason", "Đơn vị nộp lại bảng đã sửa")
    page.click("#withdraw-confirm")
    page.wait_for_selector("#withdrawn")
    banner = page.inner_text("#withdrawn")
    assert "Trần Thị Thẩm Định" in banner and "Đơn vị nộp lại bảng đã sửa" in banner
    assert page.inner_text("#standing") == "Đã rút" and page.locator("#withdraw").count() == 0
    page.goto(base + "/ui/")
    assert "Đã rút" in page.locator(f'tr[data-href="/ui/submissions/{newer}"]').inner_text()
    assert "Bản mới nhất" in page.locator(f'tr[data-href="/ui/submissions/{older}"]').inner_text()
    assert errors == [], errors
    ctx.close()
